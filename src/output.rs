//! The four output formats, and GitHub's workflow commands (mask, error, warning).
//!
//! The token is written to exactly one place per format; in a GitHub Actions step its
//! `::add-mask::` line always comes first.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::token::{Minted, TokenSpec};

/// How the token is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The token and a newline on stdout, nothing else there.
    Text,
    /// One JSON object on stdout.
    Json,
    /// `ASC_TOKEN=…` and `ASC_TOKEN_EXPIRES_AT=…` lines on stdout.
    Dotenv,
    /// Step outputs `token` and `expires-at` appended to `GITHUB_OUTPUT`.
    Github,
}

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "dotenv" => Some(Format::Dotenv),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// Prints errors and warnings: as workflow commands in a GitHub Actions step, plainly elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    pub github: bool,
}

impl Log {
    pub fn error(&self, out: &mut dyn Write, message: &str) -> io::Result<()> {
        match self.github {
            true => writeln!(out, "::error title=asc-jwt::{}", escape_data(message)),
            false => writeln!(out, "error: {message}"),
        }
    }

    pub fn warning(&self, out: &mut dyn Write, message: &str) -> io::Result<()> {
        match self.github {
            true => writeln!(out, "::warning title=asc-jwt::{}", escape_data(message)),
            false => writeln!(out, "warning: {message}"),
        }
    }
}

/// Escapes a workflow command's message as the runner expects.
pub fn escape_data(message: &str) -> String {
    message
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Writes the token in `format`. For `github`, `github_output` must be set; it is opened
/// before anything is printed, so a file that cannot be written leaves the token nowhere.
pub fn emit(
    format: Format,
    minted: &Minted,
    spec: &TokenSpec,
    github_output: Option<&Path>,
    in_github_actions: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let mask = format!("::add-mask::{}\n", minted.token);
    match format {
        Format::Github => {
            let path = github_output.context("GITHUB_OUTPUT is not set")?;
            let mut file = open_for_append(path).with_context(|| {
                format!(
                    "cannot open GITHUB_OUTPUT `{}` for appending",
                    path.display()
                )
            })?;
            stdout.write_all(mask.as_bytes())?;
            stdout.flush()?;
            let lines = format!("token={}\nexpires-at={}\n", minted.token, minted.expires_at);
            file.write_all(lines.as_bytes())
                .and_then(|()| file.flush())
                .with_context(|| format!("cannot write to GITHUB_OUTPUT `{}`", path.display()))?;
        }
        Format::Text | Format::Json | Format::Dotenv => {
            if in_github_actions {
                stderr.write_all(mask.as_bytes())?;
                stderr.flush()?;
            }
            let body = match format {
                Format::Json => {
                    let value = serde_json::json!({
                        "token": minted.token,
                        "expires_at": minted.expires_at,
                        "issued_at": minted.issued_at,
                        "key_id": spec.key_id,
                        "key_type": spec.key_type.name(),
                        "api": spec.api.name(),
                    });
                    format!("{value}\n")
                }
                Format::Dotenv => format!(
                    "ASC_TOKEN={}\nASC_TOKEN_EXPIRES_AT={}\n",
                    minted.token, minted.expires_at
                ),
                _ => format!("{}\n", minted.token),
            };
            stdout.write_all(body.as_bytes())?;
            stdout.flush()?;
        }
    }
    writeln!(stderr, "{}", summary(minted, spec))?;
    Ok(())
}

/// Opens for appending; if the file does not end in a newline, adds one so that our
/// first line does not run into someone else's last.
fn open_for_append(path: &Path) -> io::Result<File> {
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)?;
    let length = file.metadata()?.len();
    if length > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::End(-1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
    }
    Ok(file)
}

/// The one human line: what was minted and until when; never the token.
pub fn summary(minted: &Minted, spec: &TokenSpec) -> String {
    format!(
        "asc-jwt: minted a {} key token for key ID {} (api {}, lifetime {} s), expires {}",
        spec.key_type.name(),
        spec.key_id,
        spec.api.name(),
        spec.duration,
        rfc3339(minted.expires_at)
    )
}

/// Unix seconds as RFC 3339 UTC (`2026-11-28T13:20:00Z`).
pub fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_000_000), "2026-12-23T04:26:40Z");
    }

    #[test]
    fn workflow_command_data_is_escaped() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
    }

    #[test]
    fn appending_keeps_prior_content_and_starts_on_a_new_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        std::fs::write(&path, "earlier=1").unwrap();
        open_for_append(&path)
            .unwrap()
            .write_all(b"token=x\n")
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "earlier=1\ntoken=x\n"
        );
    }
}
