//! `asc-jwt explain` from start to end: its settings, the token, the keys, the clock,
//! the checks, Apple's verdict when asked, the report and the exit code.

use std::io::{Read, Write};

use crate::apple;
use crate::config::check::{Env, KeySource, id_in_file_name};
use crate::config::explaining::{Explaining, explaining};
use crate::config::settings::{Clock, Var};
use crate::deliver::github::Log;
use crate::error::exit;
use crate::explain::decode::{self, Decoded};
use crate::explain::report::{self, Check, Explained, Outcome};
use crate::explain::service::{self, Identified};
use crate::explain::signature::{self, Key};
use crate::explain::{ask, rules};
use crate::mint::{crypto, key};

/// Explains the token from `ASC_TOKEN` in `env`, or else from `stdin`, at Unix time
/// `now` on this machine's clock; the report goes to `stdout`, errors to `stderr`.
/// Returns the exit code.
pub fn explain(
    env: &Env,
    stdin: &mut dyn Read,
    now: i64,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let log = Log {
        github: env.in_github_actions(),
    };
    let mut fail = |lines: Vec<String>, code: u8| {
        for line in lines {
            let _ = log.error(stderr, &line);
        }
        code
    };
    let settings = match explaining(env) {
        Ok(settings) => settings,
        Err(invalid) => {
            let lines = invalid.problems.iter().map(ToString::to_string).collect();
            return fail(lines, exit::USAGE);
        }
    };
    let token = match read_token(&settings, stdin) {
        Ok(token) => token,
        Err((line, code)) => return fail(vec![line], code),
    };
    let keys = match keys(&settings) {
        Ok(keys) => keys,
        Err(line) => return fail(vec![line], exit::USAGE),
    };
    let id = service::identify(&token, settings.api);
    let (checks, unreachable) = checks(&settings, &token, &id, &keys, now);
    let report = Explained {
        service: (id.api.name(), id.api.title()),
        found_by: id.found_by.clone(),
        header: &token.header,
        claims: &token.claims,
        checks: &checks,
    };
    if let Err(err) = report::emit(settings.format, &report, stdout) {
        return fail(vec![format!("cannot write output: {err}")], exit::FAILURE);
    }
    match (report.refused(), unreachable) {
        (true, _) => exit::REFUSED,
        (false, true) => exit::FAILURE,
        (false, false) => exit::OK,
    }
}

/// The token from ASC_TOKEN or standard input, decoded; else the error line and its
/// exit code.
fn read_token(settings: &Explaining, stdin: &mut dyn Read) -> Result<Decoded, (String, u8)> {
    let (source, bytes) = match &settings.token {
        Some(text) => (Var::Token.name(), Some(text.as_bytes().to_vec())),
        None => {
            let read = decode::read_bounded(stdin).map_err(|err| {
                let line = format!("cannot read standard input: {}", err.kind());
                (line, exit::FAILURE)
            })?;
            ("standard input", read)
        }
    };
    let decoded = match bytes {
        Some(bytes) => decode::decode(&bytes),
        None => Err(decode::NotJwt::TooLong),
    };
    decoded.map_err(|why| {
        let line = format!("{source} {why}; nothing was checked");
        (line, exit::USAGE)
    })
}

/// The public keys to check the signature with: the private key's, ASC_PUBLIC_KEY.
fn keys(settings: &Explaining) -> Result<Vec<Key>, String> {
    let mut keys = Vec::new();
    if let Some((source, var)) = &settings.key {
        let private = source.load().map_err(|problem| problem.to_string())?;
        let point =
            crypto::public_point(&private).ok_or_else(|| format!("{var} {}", key::MISMATCHED))?;
        let file_id = match source {
            KeySource::File(path) => id_in_file_name(path).map(str::to_owned),
            KeySource::Parsed(_) => None,
        };
        keys.push(Key {
            source: var.name().to_owned(),
            point,
            file_id,
        });
    }
    if let Some(text) = &settings.public_key {
        let point = key::parse_public(text.as_bytes())
            .map_err(|why| format!("{} {why}", Var::PublicKey))?;
        keys.push(Key {
            source: Var::PublicKey.name().to_owned(),
            point,
            file_id: None,
        });
    }
    Ok(keys)
}

/// Every check, and whether Apple could not be asked when it was to be.
fn checks(
    settings: &Explaining,
    token: &Decoded,
    id: &Identified,
    keys: &[Key],
    local: i64,
) -> (Vec<Check>, bool) {
    let agent = (settings.clock == Clock::Apple || settings.verify).then(apple::transport::agent);
    let base = settings
        .api_base_url
        .clone()
        .unwrap_or_else(|| apple::hosts::base_url(id.api).to_owned());
    let mut checks = Vec::new();
    let (now, clock, offset) = match (&agent, settings.clock) {
        (Some(agent), Clock::Apple) => ask::apple_clock(agent, &base, id.api, local, &mut checks),
        _ => (local, "this machine's clock", None),
    };
    if settings.token.is_some() {
        // The dotenv output names the token ASC_TOKEN too: an `export $(asc-jwt)` earlier
        // in the shell would otherwise silently win over what was piped in.
        let reason = "read from ASC_TOKEN; standard input was not read (unset ASC_TOKEN to \
                      explain what is piped in)";
        checks.push(Check::new("input", Outcome::Note, reason, "asc-jwt --help"));
    }
    if token.bearer {
        let reason = "the input starts with `Bearer `, as the Authorization header sends it; \
                      the token after it is explained";
        checks.push(Check::new("input", Outcome::Note, reason, "RFC 6750"));
    }
    checks.push(signature::encoding(token));
    checks.extend(rules::check(token, id, now, clock));
    for key in keys {
        checks.extend(signature::verified(token, id.api, key));
    }
    if keys.is_empty() {
        let reason = "not checked: no key was given, so only the signature's encoding was \
                      read; set ASC_PRIVATE_KEY, ASC_PRIVATE_KEY_PATH or ASC_PUBLIC_KEY to \
                      verify it";
        checks.push(Check::new("key", Outcome::Note, reason, signature::RFC));
    }
    let mut unreachable = false;
    if let Some(agent) = agent.as_ref().filter(|_| settings.verify) {
        let file_id = keys.iter().find_map(|k| k.file_id.clone());
        let (asked, not_asked) = ask::verdict(agent, &base, token, id, offset, file_id);
        unreachable = not_asked;
        checks.push(asked);
    }
    (checks, unreachable)
}
