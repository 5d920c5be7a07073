//! Mint the ES256 JWTs of Apple's APIs from `ASC_*` environment variables.
//!
//! Data flows one way, a folder per stage: environment → [`config`] (pure, driven by the
//! [`config::settings`] table, then the key loaded) → [`mint`] (key, header, claims,
//! signature) → [`apple`] (its clock and verdict, when asked) → [`deliver`] (formats, key
//! files, the runner's protocol); every failure is one [`Error`]. [`run`] is the whole program short of reading the process's
//! environment and clock, and of printing the error.
//!
//! The library mints in-process too:
//!
//! ```
//! use asc_jwt::mint::{key, token};
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
//!     ..Default::default()
//! };
//! let minted = token::mint(&spec, &key, 1_800_000_000)?;
//! assert_eq!(minted.issued_at, 1_800_000_000 - 60);
//! assert_eq!(minted.expires_at - minted.issued_at, 1200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod apple;
pub mod cli;
pub mod config;
pub mod deliver;
pub mod error;
pub mod explain;
pub mod mint;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use jsonwebtoken::errors::ErrorKind;

use config::check::{Env, Settings};
use config::load::{self, Config};
use config::settings::{Clock, Var};
use deliver::github::{self, Log};
use deliver::keyfile;
use deliver::output::{self, Format};
pub use error::{Error, Help, exit};
use mint::token::{self, Minted};

/// Reads the configuration from `env`, mints at Unix time `now` and hands the token over
/// in an order that never leaves it unmasked or half the outputs written: Apple is asked
/// first when verifying, then the runner's files are opened, the masks printed, the key
/// files written, then the outputs. `exe` is this program's path, for `ASC_ADD_TO_PATH`. Warnings go to `stderr`
/// through `log`; the error is the caller's to print. Nothing it prints contains the key
/// or, outside the token's designated place, the token.
pub fn run(
    env: &Env,
    now: i64,
    exe: Option<&Path>,
    log: Log,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    let config = configure(env, log, stderr)?;
    let settings = &config.settings;
    let agent = (settings.clock == Clock::Apple || settings.verify).then(apple::transport::agent);
    let (now, clock_offset) = apple_clock(settings, agent.as_ref(), now, log, stderr)?;
    let minted = mint(&config, now)?;
    // Asked before anything is delivered: when Apple cannot be asked, nothing is (exit 1);
    // when it answers, the outputs say whether it accepted the token, and are written
    // before a refusal fails the step. After a 401 Apple is asked with a fresh token,
    // which is then the one delivered.
    let (verdict, minted) = ask_apple(&config, agent.as_ref(), minted, now)?;
    // An access token lives from when Apple issued it; `now` is just before that.
    let access_token = match &verdict {
        Some(apple::verify::Verdict::Accepted {
            access_token: Some(access),
            ..
        }) => Some((access.token.as_str(), now.saturating_add(access.expires_in))),
        _ => None,
    };
    let mut files = open_runner_files(&config)?;
    let secrets = output::secrets(
        &minted.token,
        access_token.map(|(token, _)| token),
        config.key_files.as_ref().map(|_| &config.key),
    );
    print_masks(&config, log, &secrets, stdout, stderr)?;
    let written = write_key_files(&config)?;
    let report = output::Report {
        minted: &minted,
        spec: &settings.spec,
        written: &written,
        clock_offset,
        verified: verdict
            .as_ref()
            .map(|v| matches!(v, apple::verify::Verdict::Accepted { .. })),
        access_token,
    };
    output::emit(
        config.settings.format,
        &report,
        files.output.as_mut(),
        stdout,
        stderr,
    )
    .map_err(Error::Output)?;
    export(&config, &written, exe, &mut files)?;
    conclude(verdict, &config, clock_offset, log, stderr)
}

/// The token's `now` and Apple's clock offset: Apple's when asked for, else `local`.
fn apple_clock(
    settings: &Settings,
    agent: Option<&ureq::Agent>,
    local: i64,
    log: Log,
    stderr: &mut dyn Write,
) -> Result<(i64, Option<i64>), Error> {
    match agent {
        Some(agent) if settings.clock == Clock::Apple => {
            let base = &settings.api_base_url;
            read_apple_clock(agent, base, settings.spec.api, local, log, stderr)
        }
        _ => Ok((local, None)),
    }
}

/// Apple's verdict on the token, when `ASC_VERIFY` asks for one, and the token to hand
/// over: `minted`, or the one minted for the retry after a 401 (`now` plus the time
/// since, so its `iat` is new).
fn ask_apple(
    config: &Config,
    agent: Option<&ureq::Agent>,
    minted: Minted,
    now: i64,
) -> Result<(Option<apple::verify::Verdict>, Minted), Error> {
    let settings = &config.settings;
    let Some(agent) = agent.filter(|_| settings.verify) else {
        return Ok((None, minted));
    };
    let started = std::time::Instant::now();
    let remint = || {
        let since = i64::try_from(started.elapsed().as_secs()).unwrap_or(i64::MAX);
        mint(config, now.saturating_add(since))
    };
    match apple::verify::verify(
        agent,
        &settings.api_base_url,
        &settings.spec,
        minted,
        remint,
    ) {
        Ok(checked) => Ok((Some(checked.verdict), checked.minted)),
        Err(apple::verify::Unchecked::Unreachable(why)) => Err(Error::AppleUnreachable(why)),
        Err(apple::verify::Unchecked::Mint(err)) => Err(err),
    }
}

/// The pure check, then the load step; the warnings of either are printed whatever the
/// outcome.
fn configure(env: &Env, log: Log, stderr: &mut dyn Write) -> Result<Config, Error> {
    let config = config::check::check(env)
        .map_err(load::with_key_file)
        .and_then(|settings| load::load(settings, env));
    let warnings = match &config {
        Ok(config) => &config.settings.warnings,
        Err(invalid) => &invalid.warnings,
    };
    for warning in warnings {
        let _ = log.warning(stderr, warning);
    }
    let help = match log.github {
        true => Help::Inputs,
        false => Help::Command,
    };
    config.map_err(|invalid| Error::Config(invalid.problems, help))
}

fn mint(config: &Config, now: i64) -> Result<Minted, Error> {
    token::mint(&config.settings.spec, &config.key, now).map_err(|err| match err.kind() {
        // `ring` checks the key pair as it signs.
        ErrorKind::InvalidEcdsaKey => Error::KeyMismatch(config.settings.key_var),
        // jsonwebtoken's errors name the failure kind, never key material.
        _ => Error::Sign(err.to_string()),
    })
}

/// The runner's files this run appends to, opened before anything is printed so that a
/// file that cannot be written fails the run before the token is anywhere.
#[derive(Debug, Default)]
struct RunnerFiles {
    output: Option<File>,
    env: Option<File>,
    path: Option<File>,
}

fn open_runner_files(config: &Config) -> Result<RunnerFiles, Error> {
    let open = |name, path: &Option<PathBuf>, wanted: bool| match (path, wanted) {
        (Some(path), true) => {
            github::open_for_append(path)
                .map(Some)
                .map_err(|source| Error::Open {
                    name,
                    path: path.clone(),
                    source,
                })
        }
        _ => Ok(None),
    };
    let key_file = config.key_files.as_ref().is_some_and(|f| f.key_file);
    let github = &config.settings.github;
    Ok(RunnerFiles {
        output: open(
            "GITHUB_OUTPUT",
            &github.output,
            config.settings.format == Format::Github,
        )?,
        env: open("GITHUB_ENV", &github.env, key_file)?,
        path: open("GITHUB_PATH", &github.path, config.settings.add_to_path)?,
    })
}

/// In a GitHub Actions step, and always in `github` format (its file is read by the
/// runner), the masks come before anything else.
fn print_masks(
    config: &Config,
    log: Log,
    secrets: &[String],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    if !log.github && config.settings.format != Format::Github {
        return Ok(());
    }
    let masks = github::masks(secrets.iter().map(String::as_str));
    let out: &mut dyn Write = match config.settings.format {
        Format::Github => stdout,
        _ => stderr,
    };
    out.write_all(masks.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Output)
}

fn write_key_files(config: &Config) -> Result<keyfile::Written, Error> {
    match &config.key_files {
        Some(files) => Ok(keyfile::write(files, &config.key, &config.settings.spec)?),
        None => Ok(keyfile::Written::default()),
    }
}

/// What later steps get: the key folder (and, with `ASC_ADD_TO_PATH`, what a bare
/// `asc-jwt` needs) on GITHUB_ENV, this program's folder on GITHUB_PATH.
fn export(
    config: &Config,
    written: &keyfile::Written,
    exe: Option<&Path>,
    files: &mut RunnerFiles,
) -> Result<(), Error> {
    if let (Some(file), Some(key_path)) = (files.env.as_mut(), &written.key_path) {
        file.write_all(env_lines(config, key_path).as_bytes())
            .map_err(Error::Output)?;
    }
    if let Some(file) = files.path.as_mut() {
        let dir = exe.and_then(Path::parent).ok_or(Error::NoProgramFolder)?;
        file.write_all(format!("{}\n", dir.display()).as_bytes())
            .map_err(Error::Output)?;
    }
    Ok(())
}

fn env_lines(config: &Config, key_path: &Path) -> String {
    let dir = key_path.parent().unwrap_or(key_path);
    let mut lines = github::file_line("API_PRIVATE_KEYS_DIR", &dir.to_string_lossy());
    if config.settings.add_to_path {
        // What a bare `asc-jwt` in a later step needs; the key as a path, never itself.
        let spec = &config.settings.spec;
        let key_path = key_path.to_string_lossy();
        let vars = [
            (Var::KeyId, Some(spec.key_id.as_str())),
            (Var::IssuerId, spec.issuer_id.as_deref()),
            (Var::KeyType, Some(spec.key_type.name())),
            (Var::Api, Some(spec.api.name())),
            (Var::PrivateKeyPath, Some(&*key_path)),
        ];
        for (var, value) in vars {
            if let Some(value) = value {
                lines += &github::file_line(var.name(), value);
            }
        }
    }
    lines
}

/// Apple's verdict, when it was asked: a line when it accepted, the error otherwise.
fn conclude(
    verdict: Option<apple::verify::Verdict>,
    config: &Config,
    clock_offset: Option<i64>,
    log: Log,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    match verdict {
        None => Ok(()),
        Some(apple::verify::Verdict::Accepted {
            status,
            millis,
            after_401,
            ..
        }) => {
            if after_401 {
                let _ = log.warning(
                    stderr,
                    &format!(
                        "Apple answered 401 at first and accepted a freshly minted token \
                         when asked again {} s later: its 401s are sometimes spurious; the \
                         token handed over is the one it accepted",
                        apple::verify::RETRY_DELAY.as_secs()
                    ),
                );
            }
            // Sign in with Apple and the App Store Server API accept with an error about
            // the dummy code or transaction: say so, or "accepted (HTTP 400)" reads wrong.
            let how = match config.settings.spec.api {
                _ if (200..300).contains(&status) => String::new(),
                token::Api::SignInWithApple => ": only the dummy code was refused;".into(),
                token::Api::AppStoreServer => ": only the dummy transaction was not found;".into(),
                _ => String::new(),
            };
            let _ = writeln!(
                stderr,
                "asc-jwt: Apple accepted the token (HTTP {status}{how} in {millis} ms)"
            );
            Ok(())
        }
        Some(apple::verify::Verdict::Refused {
            status,
            errors,
            unreadable_body,
        }) => Err(Error::AppleRefused {
            status,
            errors,
            unreadable_body,
            context: Box::new(apple::diagnosis::Context {
                team_key: config.settings.spec.issuer_id.is_some(),
                api: config.settings.spec.api,
                clock_offset,
                mismatched_file_id: config.settings.mismatched_file_id.clone(),
                key_id: config.settings.spec.key_id.clone(),
            }),
        }),
    }
}

/// Apple's time for `iat`, and its offset from `local`; the local clock, with a
/// warning, when Apple's cannot be read. Fails only when the two are more than
/// [`apple::clock::MAX_CLOCK_OFFSET`] apart.
fn read_apple_clock(
    agent: &ureq::Agent,
    base: &str,
    api: token::Api,
    local: i64,
    log: Log,
    stderr: &mut dyn Write,
) -> Result<(i64, Option<i64>), Error> {
    match apple::clock::offset(agent, base, api, local) {
        Ok((apple_now, offset)) => {
            if !offset.believable() {
                return Err(Error::WildClock(offset));
            }
            let _ = writeln!(
                stderr,
                "asc-jwt: Apple's clock is {} this machine's; minting on Apple's",
                offset.words()
            );
            let offset = offset.0;
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
            Ok((apple_now, Some(offset)))
        }
        Err(why) => {
            let _ = log.warning(
                stderr,
                &format!("could not read Apple's clock ({why}); minting on this machine's clock"),
            );
            Ok((local, None))
        }
    }
}
