//! Mint App Store Connect API tokens (ES256 JWTs) from `ASC_*` environment variables.
//!
//! Data flows one way: environment → [`config`] → [`key`] → [`token`] → [`output`].
//! [`run`] is the whole program short of reading the process's environment and clock.
//!
//! The library mints in-process too:
//!
//! ```
//! use asc_jwt::{key, token};
//!
//! let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test-only-p256.p8"))?;
//! let key = key::parse(&pem)?;
//! let spec = token::TokenSpec {
//!     key_id: "TESTKEY123".into(),
//!     issuer_id: Some("57246542-96fe-1a63-e053-0824d011072a".into()),
//!     key_type: token::KeyType::Team,
//!     api: token::Api::AppStoreConnect,
//!     duration: 1200,
//!     scope: None,
//! };
//! let minted = token::mint(&spec, &key, 1_800_000_000)?;
//! assert_eq!(minted.issued_at, 1_800_000_000 - 60);
//! assert_eq!(minted.expires_at - minted.issued_at, 1200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod config;
pub mod crypto;
pub mod key;
pub mod output;
pub mod token;

use std::io::Write;

use config::Env;
use jsonwebtoken::errors::ErrorKind;
use output::Log;

/// Exit codes, as documented in `--help` and the README.
pub mod exit {
    /// A token was minted and written.
    pub const OK: u8 = 0;
    /// Anything else went wrong, e.g. `GITHUB_OUTPUT` could not be written.
    pub const FAILURE: u8 = 1;
    /// The configuration or input is wrong; nothing was minted.
    pub const USAGE: u8 = 2;
}

/// Reads the configuration from `env`, mints at Unix time `now`, writes the result, and
/// returns the exit code. Nothing it prints contains the key or, outside the token's
/// designated place, the token.
pub fn run(env: &Env, now: i64, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let log = Log {
        github: env.in_github_actions(),
    };
    let config = match config::read(env) {
        Ok(config) => config,
        Err(invalid) => {
            for warning in &invalid.warnings {
                let _ = log.warning(stderr, warning);
            }
            for problem in &invalid.problems {
                let _ = log.error(stderr, &problem.to_string());
            }
            let _ = log.error(
                stderr,
                &format!(
                    "{} configuration problem(s); nothing was minted (see `asc-jwt --help`)",
                    invalid.problems.len()
                ),
            );
            return exit::USAGE;
        }
    };
    for warning in &config.warnings {
        let _ = log.warning(stderr, warning);
    }
    let minted = match token::mint(&config.spec, &config.key, now) {
        Ok(minted) => minted,
        Err(err) if *err.kind() == ErrorKind::InvalidEcdsaKey => {
            let problem = config::Problem {
                var: config.key_var,
                message: key::MISMATCHED.to_string(),
            };
            let _ = log.error(stderr, &problem.to_string());
            return exit::USAGE;
        }
        Err(err) => {
            // jsonwebtoken's errors name the failure kind, never key material.
            let _ = log.error(stderr, &format!("could not sign the token: {err}"));
            return exit::FAILURE;
        }
    };
    match output::emit(
        config.format,
        &minted,
        &config.spec,
        config.github_output.as_deref(),
        env.in_github_actions(),
        stdout,
        stderr,
    ) {
        Ok(()) => exit::OK,
        Err(err) => {
            let _ = log.error(stderr, &format!("{err:#}"));
            exit::FAILURE
        }
    }
}
