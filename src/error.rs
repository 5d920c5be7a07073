//! The one error type of a run, its exit code and its words. Errors carry what happened;
//! the message is made only when `main` prints it.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::apple::answers::ApiError;
use crate::apple::clock::Offset;
use crate::apple::diagnosis::{self, Context};
use crate::config::problems::Problem;
use crate::config::settings::Var;
use crate::deliver::keyfile::{self, WriteError};
use crate::mint::key;

/// Exit codes, as documented in `--help` and the README.
pub mod exit {
    /// A token was minted and written.
    pub const OK: u8 = 0;
    /// Anything else went wrong, e.g. `GITHUB_OUTPUT` could not be written.
    pub const FAILURE: u8 = 1;
    /// The configuration or input is wrong; nothing was minted.
    pub const USAGE: u8 = 2;
    /// `ASC_VERIFY`: Apple refused the token, or answered 429/5xx without judging it (the outputs were still written).
    pub const REFUSED: u8 = 3;
}

/// Where a reader of a configuration error finds the settings: `asc-jwt --help` on a
/// command line; inside GitHub Actions, where a workflow author has no such command,
/// the action's README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Help {
    Command,
    Inputs,
}

/// Why a run failed. Never carries key material or the token.
#[derive(Debug)]
pub enum Error {
    /// The configuration is wrong: every problem found, in the table's order, and where
    /// the settings are explained.
    Config(Vec<Problem>, Help),
    /// The key does not hold its own public key (`ring` checks the pair as it signs).
    KeyMismatch(Var),
    /// Signing failed for another reason (jsonwebtoken names the kind only).
    Sign(String),
    /// A key file exists with another key and overwriting was not asked for.
    KeyFileConflict(PathBuf),
    /// A key file or its folder could not be written.
    KeyFile { path: PathBuf, source: io::Error },
    /// One of the runner's files could not be opened.
    Open {
        name: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// Writing the outputs failed.
    Output(io::Error),
    /// `GITHUB_PATH` wants this program's folder, which is unknown.
    NoProgramFolder,
    /// `ASC_VERIFY`: Apple could not be asked.
    AppleUnreachable(String),
    /// `ASC_CLOCK=apple`: Apple's clock minus this machine's, in seconds, beyond
    /// [`crate::apple::clock::MAX_CLOCK_OFFSET`]; nothing was minted.
    WildClock(Offset),
    /// `ASC_VERIFY`: Apple refused the token.
    AppleRefused {
        status: u16,
        errors: Vec<ApiError>,
        unreadable_body: bool,
        context: Box<Context>,
    },
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(..) | Error::KeyMismatch(_) | Error::KeyFileConflict(_) => exit::USAGE,
            Error::AppleRefused { .. } => exit::REFUSED,
            Error::Sign(_)
            | Error::KeyFile { .. }
            | Error::Open { .. }
            | Error::Output(_)
            | Error::NoProgramFolder
            | Error::AppleUnreachable(_)
            | Error::WildClock(_) => exit::FAILURE,
        }
    }

    /// Lines to print before the message: each configuration problem.
    pub fn details(&self) -> Vec<String> {
        match self {
            Error::Config(problems, _) => problems.iter().map(Problem::to_string).collect(),
            _ => Vec::new(),
        }
    }
}

impl From<WriteError> for Error {
    fn from(err: WriteError) -> Self {
        match err {
            WriteError::Conflict(path) => Error::KeyFileConflict(path),
            WriteError::Io { path, source } => Error::KeyFile { path, source },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(problems, help) => write!(
                f,
                "{}; nothing was minted ({})",
                counted(problems.len(), "configuration problem"),
                match help {
                    Help::Command => "see `asc-jwt --help`",
                    Help::Inputs => {
                        "the step's inputs are described in the action's README under \
                         Inputs, the ASC_* variables under Configuration"
                    }
                }
            ),
            Error::KeyMismatch(var) => write!(f, "{var} {}", key::MISMATCHED),
            Error::Sign(why) => write!(f, "could not sign the token: {why}"),
            Error::KeyFileConflict(path) => write!(
                f,
                "`{}` already exists with a different key: set ASC_KEY_FILE_OVERWRITE \
                 (input key-file-overwrite) to `true` to replace it, or choose another \
                 ASC_KEY_DIR (input key-dir)",
                keyfile::shown(path)
            ),
            Error::KeyFile { path, source } => f.write_str(&key_file_failure(path, source)),
            Error::Open { name, path, source } => write!(
                f,
                "cannot open {name} `{}` for appending: {source}",
                keyfile::shown(path)
            ),
            Error::Output(source) => write!(f, "cannot write output: {source}"),
            Error::NoProgramFolder => {
                f.write_str("cannot tell which folder asc-jwt runs from, for GITHUB_PATH")
            }
            Error::AppleUnreachable(why) => write!(
                f,
                "could not ask Apple whether it accepts the token: {why}; nothing was \
                 delivered (unset verify to mint without asking Apple)"
            ),
            Error::WildClock(offset) => write!(
                f,
                "Apple's clock is {} this machine's, more than 24 hours: a token minted on \
                 either clock would be dated wrong, so nothing was minted; fix this machine's \
                 clock (NTP), or use `clock: local` (ASC_CLOCK `local`) to mint on it",
                offset.words()
            ),
            Error::AppleRefused {
                status,
                errors,
                unreadable_body,
                context,
            } => f.write_str(&diagnosis::explain(
                *status,
                errors,
                *unreadable_body,
                context,
            )),
        }
    }
}

/// `n` `thing`s, in the singular for one.
fn counted(n: usize, thing: &str) -> String {
    match n {
        1 => format!("1 {thing}"),
        n => format!("{n} {thing}s"),
    }
}

/// Why a key file could not be written: this program's own reason, or the OS's error by
/// kind (its message may quote more than the path).
fn key_file_failure(path: &std::path::Path, source: &std::io::Error) -> String {
    if let Some(why) = keyfile::unsafe_folder(source) {
        return why.to_owned();
    }
    match source.get_ref() {
        Some(reason) => format!("cannot write `{}`: {reason}", keyfile::shown(path)),
        None => format!("cannot write `{}`: {}", keyfile::shown(path), source.kind()),
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_documented_classes() {
        let io = || io::Error::other("x");
        assert_eq!(Error::Config(Vec::new(), Help::Command).exit_code(), 2);
        assert_eq!(Error::KeyMismatch(Var::PrivateKey).exit_code(), 2);
        assert_eq!(Error::KeyFileConflict(PathBuf::new()).exit_code(), 2);
        assert_eq!(Error::Output(io()).exit_code(), 1);
        assert_eq!(Error::AppleUnreachable(String::new()).exit_code(), 1);
        assert_eq!(Error::WildClock(Offset(-90_000)).exit_code(), 1);
        assert!(
            Error::WildClock(Offset(-90_000))
                .to_string()
                .starts_with("Apple's clock is 90000 s behind this machine's, more than 24 hours")
        );
        let refused = Error::AppleRefused {
            status: 401,
            errors: Vec::new(),
            unreadable_body: false,
            context: Box::new(Context {
                team_key: true,
                api: crate::mint::token::Api::AppStoreConnect,
                clock_offset: None,
                mismatched_file_id: None,
                key_id: "TESTKEY123".into(),
            }),
        };
        assert_eq!(refused.exit_code(), 3);
        assert!(
            refused
                .to_string()
                .starts_with("Apple refused the token: HTTP 401")
        );
    }
}
