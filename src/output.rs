//! The four output formats, and GitHub's workflow commands (mask, error, warning).
//!
//! The token is written to exactly one place per format; in a GitHub Actions step its
//! `::add-mask::` line (and those of the key, when it goes to disk) come first.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::key::P256Key;
use crate::keyfile::Written;
use crate::time::rfc3339;
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

/// Everything a successful run reports.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub minted: &'a Minted,
    pub spec: &'a TokenSpec,
    pub written: &'a Written,
    /// Apple's clock minus this machine's, in seconds, when it was read.
    pub clock_offset: Option<i64>,
    /// Whether Apple accepted the token, when it was asked.
    pub verified: Option<bool>,
}

/// The `::add-mask::` lines for the token and, when the key is going to disk, for every
/// line of the key's base64 body and the body as one line: GitHub masks a secret as it
/// was stored, not the decoded form a later `cat` of the key file would print.
pub fn masks(token: &str, key_on_disk: Option<&P256Key>) -> String {
    let mut lines = String::new();
    if let Some(key) = key_on_disk {
        let pem = key.to_pem();
        let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for line in body.iter().copied().chain([body.concat().as_str()]) {
            lines.push_str(&format!("::add-mask::{line}\n"));
        }
    }
    lines.push_str(&format!("::add-mask::{token}\n"));
    lines
}

/// One `name=value` line for GITHUB_OUTPUT or GITHUB_ENV, in the runner's multi-line
/// form if the value has a line break.
pub fn github_line(name: &str, value: &str) -> String {
    if value.contains(['\n', '\r']) {
        let mut delimiter = String::from("ASC_JWT_EOF");
        while value.contains(&delimiter) {
            delimiter.push('_');
        }
        format!("{name}<<{delimiter}\n{value}\n{delimiter}\n")
    } else {
        format!("{name}={value}\n")
    }
}

/// Writes the report in `format`: to stdout, or for `github` to `github_output` (opened
/// by the caller before anything was printed). The masks are the caller's job too.
pub fn emit(
    format: Format,
    report: &Report<'_>,
    github_output: Option<&mut File>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<()> {
    let Report {
        minted,
        spec,
        written,
        clock_offset,
        verified,
    } = *report;
    let key_path = written.key_path.as_deref().map(path_text);
    let fastlane_path = written.fastlane_json_path.as_deref().map(path_text);
    match format {
        Format::Github => {
            let mut lines = github_line("token", &minted.token);
            lines += &github_line("expires-at", &minted.expires_at.to_string());
            lines += &github_line("key-id", &spec.key_id);
            lines += &github_line("issuer-id", spec.issuer_id.as_deref().unwrap_or(""));
            lines += &github_line("key-path", key_path.as_deref().unwrap_or(""));
            lines += &github_line("fastlane-json-path", fastlane_path.as_deref().unwrap_or(""));
            let offset = clock_offset.map(|o| o.to_string()).unwrap_or_default();
            lines += &github_line("clock-offset", &offset);
            let verified = verified.map(|v| v.to_string()).unwrap_or_default();
            lines += &github_line("verified", &verified);
            let file =
                github_output.ok_or_else(|| io::Error::other("GITHUB_OUTPUT is not open"))?;
            file.write_all(lines.as_bytes())?;
            file.flush()?;
        }
        Format::Json => {
            let mut value = serde_json::json!({
                "token": minted.token,
                "expires_at": minted.expires_at,
                "issued_at": minted.issued_at,
                "key_id": spec.key_id,
                "key_type": spec.key_type.name(),
                "api": spec.api.name(),
            });
            if let Some(path) = &key_path {
                value["key_path"] = path.as_str().into();
            }
            if let Some(path) = &fastlane_path {
                value["fastlane_json_path"] = path.as_str().into();
            }
            if let Some(offset) = clock_offset {
                value["clock_offset"] = offset.into();
            }
            if let Some(verified) = verified {
                value["verified"] = verified.into();
            }
            writeln!(stdout, "{value}")?;
        }
        Format::Dotenv => {
            let mut lines = format!(
                "ASC_TOKEN={}\nASC_TOKEN_EXPIRES_AT={}\n",
                minted.token, minted.expires_at
            );
            if let Some(path) = &key_path {
                lines += &format!("ASC_KEY_PATH={path}\n");
            }
            if let Some(path) = &fastlane_path {
                lines += &format!("ASC_FASTLANE_JSON_PATH={path}\n");
            }
            stdout.write_all(lines.as_bytes())?;
        }
        Format::Text => writeln!(stdout, "{}", minted.token)?,
    }
    stdout.flush()?;
    writeln!(stderr, "{}", summary(report))
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Opens a GitHub Actions file (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH) to append to.
pub fn open_github_file(name: &str, path: &Path) -> anyhow::Result<File> {
    use anyhow::Context as _;
    open_for_append(path)
        .with_context(|| format!("cannot open {name} `{}` for appending", path.display()))
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

/// The one human line: what was minted and until when, and what was written; never the
/// token.
pub fn summary(report: &Report<'_>) -> String {
    let Report {
        minted,
        spec,
        written,
        ..
    } = *report;
    let mut line = format!(
        "asc-jwt: minted a {} key token for key ID {} (api {}, lifetime {} s), expires {}",
        spec.key_type.name(),
        spec.key_id,
        spec.api.name(),
        spec.duration,
        rfc3339(minted.expires_at)
    );
    if let Some(path) = &written.key_path {
        line += &format!("; key file {}", path.display());
    }
    if let Some(path) = &written.fastlane_json_path {
        line += &format!("; fastlane JSON {}", path.display());
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

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
