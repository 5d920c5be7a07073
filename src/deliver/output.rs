//! The four output formats. Every field a report can carry is listed once in [`FIELDS`],
//! with its name in each format; `--help` and the README's Output table are checked
//! against that list.
//!
//! The token is written to exactly one place per format; the masks that must come first
//! in a GitHub Actions step are the caller's job ([`secrets`] says what to mask).

use std::fs::File;
use std::io::{self, Write};

use serde_json::Value;

use crate::deliver::github;
use crate::deliver::keyfile::Written;
use crate::mint::key::P256Key;
use crate::mint::time::rfc3339;
use crate::mint::token::{Minted, TokenSpec};

/// How the token is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The token and a newline on stdout, nothing else there.
    Text,
    /// One JSON object on stdout.
    Json,
    /// `ASC_TOKEN=…` and `ASC_TOKEN_EXPIRES_AT=…` lines on stdout.
    Dotenv,
    /// Step outputs appended to `GITHUB_OUTPUT`.
    Github,
}

impl Format {
    /// The value of `ASC_FORMAT` that selects it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Dotenv => "dotenv",
            Format::Github => "github",
        }
    }
}

/// One field of a report, named as each format names it (`None`: not in that format).
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub json: Option<&'static str>,
    pub dotenv: Option<&'static str>,
    pub github: Option<&'static str>,
    /// When it is there; `None`: always. `github` writes every output, empty when absent.
    pub when: Option<&'static str>,
}

impl Field {
    /// The field's name in `format`, if it has one there.
    pub fn name(&self, format: Format) -> Option<&'static str> {
        match format {
            Format::Json => self.json,
            Format::Dotenv => self.dotenv,
            Format::Github => self.github,
            Format::Text => None,
        }
    }
}

const fn field(
    json: Option<&'static str>,
    dotenv: Option<&'static str>,
    github: Option<&'static str>,
    when: Option<&'static str>,
) -> Field {
    Field {
        json,
        dotenv,
        github,
        when,
    }
}

const FILES: Option<&str> = Some("when those files are written");
const ASKED: Option<&str> = Some("when Apple was asked");
const CONNECT: Option<&str> = Some("for `app-store-connect` and `enterprise`");
const ISSUED: Option<&str> =
    Some("when Apple issued one (`business-manager`, `school-manager`, `apple-ads` with verify)");

/// Every field, in the order `values` gives them and the formats write them.
pub const FIELDS: [Field; 13] = [
    field(Some("token"), Some("ASC_TOKEN"), Some("token"), None),
    field(
        Some("expires_at"),
        Some("ASC_TOKEN_EXPIRES_AT"),
        Some("expires-at"),
        None,
    ),
    field(Some("issued_at"), None, None, None),
    field(Some("key_id"), None, Some("key-id"), None),
    field(Some("key_type"), None, None, CONNECT),
    field(Some("api"), None, None, None),
    field(None, None, Some("issuer-id"), None),
    field(
        Some("key_path"),
        Some("ASC_KEY_PATH"),
        Some("key-path"),
        FILES,
    ),
    field(
        Some("fastlane_json_path"),
        Some("ASC_FASTLANE_JSON_PATH"),
        Some("fastlane-json-path"),
        FILES,
    ),
    field(Some("clock_offset"), None, Some("clock-offset"), ASKED),
    field(Some("verified"), None, Some("verified"), ASKED),
    field(
        Some("access_token"),
        Some("ASC_ACCESS_TOKEN"),
        Some("access-token"),
        ISSUED,
    ),
    field(
        Some("access_token_expires_at"),
        Some("ASC_ACCESS_TOKEN_EXPIRES_AT"),
        Some("access-token-expires-at"),
        ISSUED,
    ),
];

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
    /// The access token Apple issued for it, and when that expires (Unix seconds).
    pub access_token: Option<(&'a str, i64)>,
}

/// The report's value for each of [`FIELDS`], `None` where it has none.
fn values(report: &Report<'_>) -> [Option<Value>; 13] {
    let Report {
        minted,
        spec,
        written,
        clock_offset,
        verified,
        access_token,
    } = *report;
    let path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.to_string_lossy().into());
    [
        Some(minted.token.as_str().into()),
        Some(minted.expires_at.into()),
        Some(minted.issued_at.into()),
        Some(spec.key_id.as_str().into()),
        spec.api.is_connect().then(|| spec.key_type.name().into()),
        Some(spec.api.name().into()),
        spec.issuer_id.as_deref().map(Value::from),
        path(&written.key_path),
        path(&written.fastlane_json_path),
        clock_offset.map(Value::from),
        verified.map(Value::from),
        access_token.map(|(token, _)| Value::from(token)),
        access_token.map(|(_, expires_at)| Value::from(expires_at)),
    ]
}

/// A value as a line of text carries it: strings without JSON quotes.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The secrets to mask before anything is printed: the token and, when the key is going
/// to disk, every line of the key's base64 body and the body as one line (GitHub masks a
/// secret as it was stored, not the decoded form a later `cat` of the key file prints).
pub fn secrets(
    token: &str,
    access_token: Option<&str>,
    key_on_disk: Option<&P256Key>,
) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some(key) = key_on_disk {
        let pem = key.to_pem();
        let body: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        secrets.extend(body.iter().map(|l| l.to_string()));
        secrets.push(body.concat());
    }
    secrets.push(token.to_owned());
    secrets.extend(access_token.map(str::to_owned));
    secrets
}

/// Writes the report in `format`: to stdout, or for `github` to `github_output` (opened
/// by the caller before anything was printed); then the summary line to stderr.
pub fn emit(
    format: Format,
    report: &Report<'_>,
    github_output: Option<&mut File>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<()> {
    let named = FIELDS
        .iter()
        .zip(values(report))
        .filter_map(|(field, value)| field.name(format).map(|name| (name, value)));
    match format {
        Format::Github => {
            let lines: String = named
                .map(|(name, value)| {
                    github::file_line(name, &value.as_ref().map(text).unwrap_or_default())
                })
                .collect();
            let file =
                github_output.ok_or_else(|| io::Error::other("GITHUB_OUTPUT is not open"))?;
            file.write_all(lines.as_bytes())?;
            file.flush()?;
        }
        Format::Json => {
            let object: serde_json::Map<String, Value> = named
                .filter_map(|(name, value)| Some((name.to_owned(), value?)))
                .collect();
            // `\u005b` is `[` to every JSON reader, and no `##[` to the runner.
            let json = Value::Object(object).to_string();
            writeln!(stdout, "{}", github::defuse(&json, "\\u005b"))?;
        }
        Format::Dotenv => {
            let lines: String = named
                .filter_map(|(name, value)| Some(format!("{name}={}\n", dotenv(&text(&value?)))))
                .collect();
            stdout.write_all(lines.as_bytes())?;
        }
        Format::Text => writeln!(stdout, "{}", report.minted.token)?,
    }
    stdout.flush()?;
    writeln!(stderr, "{}", github::inert(&summary(report)))
}

/// Whether `value` goes into dotenv output as it is: one word that no shell or dotenv
/// reader changes.
pub fn dotenv_plain(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.:/+=@,".contains(c))
}

/// A dotenv value that stays one word on one line: as is when plain, otherwise in single
/// quotes with control characters escaped, so neither `export $(asc-jwt)` nor a GitLab
/// dotenv report can read a second variable out of it; a `##[` in it is closed and
/// reopened around a double-quoted `[` (the same value to a shell), so the runner reads no
/// command in the line.
fn dotenv(value: &str) -> String {
    if dotenv_plain(value) {
        return value.to_owned();
    }
    let escaped: String = value
        .chars()
        .map(|c| match c {
            '\'' => "'\\''".to_owned(),
            c if c.is_control() || c.is_whitespace() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect();
    github::defuse(&format!("'{escaped}'"), "'\"[\"'")
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
    let what = match spec.key_type {
        _ if !spec.api.is_connect() => "a",
        crate::mint::token::KeyType::Team => "a team key",
        crate::mint::token::KeyType::Individual => "an individual key",
    };
    let mut line = format!(
        "asc-jwt: minted {what} token for key ID {} (api {}, lifetime {} s), expires {}",
        spec.key_id,
        spec.api.name(),
        spec.duration,
        rfc3339(minted.expires_at)
    );
    if let Some((_, expires_at)) = report.access_token {
        line += &format!(
            "; Apple issued an access token, expires {}",
            rfc3339(expires_at)
        );
    }
    if let Some(path) = &written.key_path {
        line += &format!("; key file {}", crate::deliver::keyfile::shown(path));
    }
    if let Some(path) = &written.fastlane_json_path {
        line += &format!("; fastlane JSON {}", crate::deliver::keyfile::shown(path));
    }
    line
}

/// The fields of `format` as `--help` and the README list them: `always`, plus each group
/// of optional ones with when they appear.
pub fn field_list(format: Format, quote: &str, separator: &str) -> String {
    let named = |when: Option<&str>| -> Vec<String> {
        FIELDS
            .iter()
            .filter(|f| f.when == when)
            .filter_map(|f| f.name(format))
            .map(|name| format!("{quote}{name}{quote}"))
            .collect()
    };
    let mut list = named(None).join(separator);
    for when in [CONNECT, FILES, ASKED, ISSUED] {
        let extra = named(when);
        if !extra.is_empty() && format != Format::Github {
            list += &format!(", plus {} {}", and_list(&extra), when.unwrap_or_default());
        } else if !extra.is_empty() {
            list += &format!("{separator}{}", extra.join(separator));
        }
    }
    list
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_name_in_some_format() {
        for field in FIELDS {
            assert!(field.json.or(field.dotenv).or(field.github).is_some());
        }
    }

    #[test]
    fn dotenv_values_stay_one_line_and_plain_paths_stay_bare() {
        assert_eq!(dotenv("/tmp/keys/AuthKey_A.p8"), "/tmp/keys/AuthKey_A.p8");
        assert_eq!(dotenv("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(dotenv("/tmp/it's"), "'/tmp/it'\\''s'");
        assert_eq!(dotenv("/k\nNODE_OPTIONS=x"), "'/k\\nNODE_OPTIONS=x'");
        assert_eq!(dotenv("/k/##[warning]x"), "'/k/##'\"[\"'warning]x'");
    }

    #[test]
    fn field_lists_name_the_optional_fields_and_when() {
        assert_eq!(
            field_list(Format::Dotenv, "`", ", "),
            "`ASC_TOKEN`, `ASC_TOKEN_EXPIRES_AT`, plus `ASC_KEY_PATH` and \
             `ASC_FASTLANE_JSON_PATH` when those files are written, plus `ASC_ACCESS_TOKEN` \
             and `ASC_ACCESS_TOKEN_EXPIRES_AT` when Apple issued one (`business-manager`, \
             `school-manager`, `apple-ads` with verify)"
        );
    }
}
