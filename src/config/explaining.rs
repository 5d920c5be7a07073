//! What `asc-jwt explain` reads from the environment: the token (or nothing, for standard
//! input), the keys to check its signature with, the service when named, the format, and
//! Apple's clock and verdict. The same table and parsers as a mint; only the settings
//! explain uses are read, and none is required.

use crate::config::check::{Env, Invalid, KeySource, key_source, parse, read_raw};
use crate::config::settings::{Clock, Var};
use crate::deliver::output::Format;
use crate::mint::token::Api;

/// The settings `asc-jwt explain` reads; the others are left alone.
pub const EXPLAIN_VARS: [Var; 9] = [
    Var::Token,
    Var::PublicKey,
    Var::PrivateKey,
    Var::PrivateKeyPath,
    Var::Api,
    Var::Format,
    Var::Clock,
    Var::Verify,
    Var::ApiBaseUrl,
];

/// A valid configuration of `asc-jwt explain`.
#[derive(Debug, Clone)]
pub struct Explaining {
    /// `ASC_TOKEN`; `None`: read standard input.
    pub token: Option<String>,
    /// The private key and the variable it came from, if one was given.
    pub key: Option<(KeySource, Var)>,
    /// `ASC_PUBLIC_KEY`, as given (parsed by the explain stage, which names it).
    pub public_key: Option<String>,
    /// `ASC_API`: the service, when named rather than found from the token.
    pub api: Option<Api>,
    pub format: Format,
    pub clock: Clock,
    pub verify: bool,
    /// `ASC_API_BASE_URL` (tests only); Apple's host for the service otherwise.
    pub api_base_url: Option<String>,
}

const TEXT_OR_JSON: &str = "must be `text` or `json` for `asc-jwt explain`, which writes a \
                            report, not a token";

/// Reads the settings explain uses from `env`; every problem with them, or none.
pub fn explaining(env: &Env) -> Result<Explaining, Invalid> {
    let mut found = Invalid::default();
    let raw = read_raw(env, &mut found);
    let low = parse(&raw, &mut found);
    let key = key_source(&low, env, false, &mut found);
    found.problems.retain(|p| EXPLAIN_VARS.contains(&p.var));
    let format = match low.format {
        None | Some(Format::Text) => Format::Text,
        Some(Format::Json) => Format::Json,
        Some(_) => {
            found.problem(Var::Format, TEXT_OR_JSON);
            Format::Text
        }
    };
    let clock = low.clock.unwrap_or(match low.verify {
        true => Clock::Apple,
        false => Clock::Local,
    });
    if !found.problems.is_empty() {
        found.problems.sort_by_key(|p| p.var as usize);
        return Err(found);
    }
    Ok(Explaining {
        token: low.token,
        key,
        public_key: low.public_key,
        api: low.api,
        format,
        clock,
        verify: low.verify,
        api_base_url: low.api_base_url,
    })
}
