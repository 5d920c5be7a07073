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

pub mod apple;
pub mod config;
pub mod crypto;
pub mod key;
pub mod keyfile;
pub mod output;
pub mod time;
pub mod token;

use std::io::Write;
use std::path::{Path, PathBuf};

use config::{Clock, Config, Env};
use jsonwebtoken::errors::ErrorKind;
use output::{Format, Log};

/// Exit codes, as documented in `--help` and the README.
pub mod exit {
    /// A token was minted and written.
    pub const OK: u8 = 0;
    /// Anything else went wrong, e.g. `GITHUB_OUTPUT` could not be written.
    pub const FAILURE: u8 = 1;
    /// The configuration or input is wrong; nothing was minted.
    pub const USAGE: u8 = 2;
    /// `ASC_VERIFY`: Apple refused the token (the outputs were still written).
    pub const REFUSED: u8 = 3;
}

/// A failed run: its exit code and what to say.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn new(code: u8, message: impl std::fmt::Display) -> Self {
        Failure {
            code,
            message: message.to_string(),
        }
    }
}

/// Reads the configuration from `env`, mints at Unix time `now`, writes the result, and
/// returns the exit code. `exe` is this program's path, for `ASC_ADD_TO_PATH`. Nothing it
/// prints contains the key or, outside the token's designated place, the token.
pub fn run(
    env: &Env,
    now: i64,
    exe: Option<&Path>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
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
    match deliver(&config, env, now, exe, stdout, stderr) {
        Ok(()) => exit::OK,
        Err(failure) => {
            let _ = log.error(stderr, &failure.message);
            failure.code
        }
    }
}

/// Mints, then hands everything over in an order that never leaves a token unmasked or
/// half the outputs written: Apple is asked first when verifying, then GitHub's files are
/// opened, then masks are printed, then the key files are written, then the outputs.
fn deliver(
    config: &Config,
    env: &Env,
    now: i64,
    exe: Option<&Path>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Failure> {
    let log = Log {
        github: env.in_github_actions(),
    };
    let agent = (config.clock == Clock::Apple || config.verify).then(apple::agent);
    let (now, clock_offset) = match &agent {
        Some(agent) if config.clock == Clock::Apple => {
            read_apple_clock(agent, &config.api_base_url, now, log, stderr)
        }
        _ => (now, None),
    };
    let minted = token::mint(&config.spec, &config.key, now).map_err(|err| {
        match err.kind() {
            // `ring` checks the key pair as it signs.
            ErrorKind::InvalidEcdsaKey => Failure::new(
                exit::USAGE,
                config::Problem {
                    var: config.key_var,
                    message: key::MISMATCHED.to_string(),
                },
            ),
            // jsonwebtoken's errors name the failure kind, never key material.
            _ => Failure::new(exit::FAILURE, format!("could not sign the token: {err}")),
        }
    })?;
    // Asked before anything is delivered: when Apple cannot be asked, nothing is (exit 1);
    // when it answers, the outputs say whether it accepted the token.
    let verdict = match &agent {
        Some(agent) if config.verify => Some(
            apple::verify(agent, &config.api_base_url, config.spec.api, &minted.token).map_err(
                |why| {
                    Failure::new(
                        exit::FAILURE,
                        format!(
                            "could not ask Apple whether it accepts the token: {why}; nothing \
                             was delivered (unset verify to mint without asking Apple)"
                        ),
                    )
                },
            )?,
        ),
        _ => None,
    };

    let key_file = config.key_files.as_ref().is_some_and(|f| f.key_file);
    let open = |name: &str, path: &Option<PathBuf>, wanted: bool| match (path, wanted) {
        (Some(path), true) => output::open_github_file(name, path)
            .map(Some)
            .map_err(|err| Failure::new(exit::FAILURE, format!("{err:#}"))),
        _ => Ok(None),
    };
    let github = &config.github;
    let mut output_file = open(
        "GITHUB_OUTPUT",
        &github.output,
        config.format == Format::Github,
    )?;
    let mut env_file = open("GITHUB_ENV", &github.env, key_file)?;
    let mut path_file = open("GITHUB_PATH", &github.path, config.add_to_path)?;

    let io =
        |err: std::io::Error| Failure::new(exit::FAILURE, format!("cannot write output: {err}"));
    // The `github` format always masks: its file is read by the runner.
    if env.in_github_actions() || config.format == Format::Github {
        let masks = output::masks(
            &minted.token,
            config.key_files.as_ref().map(|_| &config.key),
        );
        let out: &mut dyn Write = match config.format {
            Format::Github => stdout,
            _ => stderr,
        };
        out.write_all(masks.as_bytes())
            .and_then(|()| out.flush())
            .map_err(io)?;
    }

    let written = match &config.key_files {
        Some(files) => keyfile::write(files, &config.key, &config.spec).map_err(|err| {
            let code = match err {
                keyfile::WriteError::Conflict(_) => exit::USAGE,
                keyfile::WriteError::Io { .. } => exit::FAILURE,
            };
            Failure::new(code, err)
        })?,
        None => keyfile::Written::default(),
    };
    let report = output::Report {
        minted: &minted,
        spec: &config.spec,
        written: &written,
        clock_offset,
        verified: verdict
            .as_ref()
            .map(|v| matches!(v, apple::Verdict::Accepted { .. })),
    };
    output::emit(config.format, &report, output_file.as_mut(), stdout, stderr).map_err(io)?;

    if let (Some(file), Some(key_path)) = (env_file.as_mut(), &written.key_path) {
        let dir = key_path.parent().unwrap_or(key_path);
        let mut lines = output::github_line("API_PRIVATE_KEYS_DIR", &dir.to_string_lossy());
        if config.add_to_path {
            // What a bare `asc-jwt` in a later step needs; the key as a path, never itself.
            let spec = &config.spec;
            lines += &output::github_line("ASC_KEY_ID", &spec.key_id);
            if let Some(issuer) = &spec.issuer_id {
                lines += &output::github_line("ASC_ISSUER_ID", issuer);
            }
            lines += &output::github_line("ASC_KEY_TYPE", spec.key_type.name());
            lines += &output::github_line("ASC_API", spec.api.name());
            lines += &output::github_line("ASC_PRIVATE_KEY_PATH", &key_path.to_string_lossy());
        }
        file.write_all(lines.as_bytes()).map_err(io)?;
    }
    if let Some(file) = path_file.as_mut() {
        let dir = exe.and_then(Path::parent).ok_or_else(|| {
            Failure::new(
                exit::FAILURE,
                "cannot tell which folder asc-jwt runs from, for GITHUB_PATH",
            )
        })?;
        file.write_all(format!("{}\n", dir.display()).as_bytes())
            .map_err(io)?;
    }
    match verdict {
        None => Ok(()),
        Some(apple::Verdict::Accepted {
            status,
            millis,
            after_401,
        }) => {
            if after_401 {
                let _ = log.warning(
                    stderr,
                    &format!(
                        "Apple answered 401 at first and accepted the same token when asked \
                         again {} s later: its 401s are sometimes spurious",
                        apple::RETRY_DELAY.as_secs()
                    ),
                );
            }
            let _ = writeln!(
                stderr,
                "asc-jwt: Apple accepted the token (HTTP {status} in {millis} ms)"
            );
            Ok(())
        }
        Some(apple::Verdict::Refused {
            status,
            errors,
            unreadable_body,
        }) => {
            let context = apple::Context {
                team_key: config.spec.issuer_id.is_some(),
                api: config.spec.api,
                clock_offset,
                mismatched_file_id: config.mismatched_file_id.clone(),
                key_id: config.spec.key_id.clone(),
            };
            Err(Failure::new(
                exit::REFUSED,
                apple::explain(status, &errors, unreadable_body, &context),
            ))
        }
    }
}

/// Apple's time for `iat`, and its offset from `local`; the local clock, with a
/// warning, when Apple's cannot be read. Never fails the mint.
fn read_apple_clock(
    agent: &ureq::Agent,
    base: &str,
    local: i64,
    log: Log,
    stderr: &mut dyn Write,
) -> (i64, Option<i64>) {
    match apple::server_time(agent, base) {
        Ok(apple_now) => {
            let offset = apple_now - local;
            let _ = writeln!(
                stderr,
                "asc-jwt: Apple's clock is {} s {} this machine's; minting on Apple's",
                offset.abs(),
                if offset >= 0 { "ahead of" } else { "behind" }
            );
            if offset.abs() > 30 {
                let _ = log.warning(
                    stderr,
                    &format!(
                        "this machine's clock is {} s off Apple's: tokens minted on it would \
                         be refused; fix the clock (NTP) if other tools talk to Apple",
                        offset.abs()
                    ),
                );
            }
            (apple_now, Some(offset))
        }
        Err(why) => {
            let _ = log.warning(
                stderr,
                &format!("could not read Apple's clock ({why}); minting on this machine's clock"),
            );
            (local, None)
        }
    }
}
