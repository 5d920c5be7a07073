//! The GitHub Actions runner's protocol, all of it: workflow commands (`::add-mask::`,
//! `::error`, `::warning`) and their escaping, and the files it reads after the step
//! (`GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_PATH`) with their `name<<DELIMITER` heredocs.
//! Knows nothing of tokens or settings: callers hand it names and values.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Prints errors and warnings: as workflow commands in a GitHub Actions step, plainly elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    pub github: bool,
}

impl Log {
    pub fn error(&self, out: &mut dyn Write, message: &str) -> io::Result<()> {
        self.line(out, "error", message)
    }

    pub fn warning(&self, out: &mut dyn Write, message: &str) -> io::Result<()> {
        self.line(out, "warning", message)
    }

    fn line(&self, out: &mut dyn Write, level: &str, message: &str) -> io::Result<()> {
        let message = inert(message);
        match self.github {
            true => writeln!(
                out,
                "::{level} title={}::{}",
                escape_property("asc-jwt"),
                escape_data(&message)
            ),
            false => writeln!(out, "{level}: {message}"),
        }
    }
}

/// Text from outside (paths, values, Apple's words) as any line asc-jwt prints may hold
/// it. The runner takes a line for a command when, after leading white space, it starts
/// with `::name…::`, or else when `##[name…]` is anywhere in it (actions/runner
/// `ActionCommandManager.TryProcessCommand`: `ActionCommand.TryParseV2`, then the legacy
/// `TryParse`), whatever stream or format it is in. So a space goes into every `##[` and
/// after a line's leading `:`.
pub fn inert(text: &str) -> String {
    defuse(text, " [")
}

/// [`inert`] with `bracket` in place of the `[` of a `##[`, for a format where a space
/// would change the value (`\u005b` in JSON).
pub fn defuse(text: &str, bracket: &str) -> String {
    // The runner compares culture-sensitively, and ICU skips control, zero-width and
    // other format characters: `#\u{200b}#[` is a `##[` to it. Every character but
    // printable ASCII and letters or digits is taken to be skipped.
    let skipped = |c: char| !(c == ' ' || c.is_ascii_graphic() || c.is_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let (mut at_start, mut leading_colon, mut last_two) = (true, false, ['\0'; 2]);
    for c in text.chars() {
        // A line ends at `\n` or `\r` for the runner (.NET `StreamReader.ReadLine`).
        if c == '\n' || c == '\r' {
            (at_start, leading_colon, last_two) = (true, false, ['\0'; 2]);
        } else if !(skipped(c) || (at_start && c.is_whitespace())) {
            if leading_colon && c == ':' {
                out.push(' ');
            }
            leading_colon = at_start && c == ':';
            at_start = false;
            if c == '[' && last_two == ['#', '#'] {
                out.push_str(bracket);
                last_two = ['#', '['];
                continue;
            }
            last_two = [last_two[1], c];
        }
        out.push(c);
    }
    out
}

/// Escapes a workflow command's message as the runner expects.
pub fn escape_data(message: &str) -> String {
    message
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value, which also ends at `:` and `,`.
pub fn escape_property(value: &str) -> String {
    escape_data(value).replace(':', "%3A").replace(',', "%2C")
}

/// Values shorter than this are never masked: the runner would hide every occurrence
/// of them in the rest of the job's log (a mask of `-` hides every dash).
pub const SHORTEST_MASK: usize = 8;

/// One `::add-mask::` line per secret, in the order given, but none for a value shorter
/// than [`SHORTEST_MASK`].
pub fn masks<'a>(secrets: impl IntoIterator<Item = &'a str>) -> String {
    secrets
        .into_iter()
        .filter(|secret| secret.chars().count() >= SHORTEST_MASK)
        // The runner decodes `%25`, `%0D` and `%0A` in a command's text before it stores
        // the mask: unescaped, `a%0Ab` would mask `a⏎b` and leave `a%0Ab` in clear.
        .map(|secret| format!("::add-mask::{}\n", escape_data(secret)))
        .collect()
}

/// One `name=value` line for GITHUB_OUTPUT or GITHUB_ENV, in the runner's multi-line
/// form if the value has a line break.
pub fn file_line(name: &str, value: &str) -> String {
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

/// Opens one of the runner's files for appending; if it does not end in a newline, adds
/// one so that our first line does not run into someone else's last.
pub fn open_for_append(path: &Path) -> io::Result<File> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_data_is_escaped() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(
            masks(["a%0Ab-secret", "jwt-token"]),
            "::add-mask::a%250Ab-secret\n::add-mask::jwt-token\n"
        );
        assert_eq!(escape_property("a:b,c\n"), "a%3Ab%2Cc%0A");
    }

    #[test]
    fn no_mask_is_printed_for_a_value_shorter_than_eight_characters() {
        assert_eq!(
            masks(["-", "", "1234567", "12345678"]),
            "::add-mask::12345678\n"
        );
    }

    #[test]
    fn outside_text_loses_every_command_form() {
        for (text, inert_text) in [
            ("/tmp/##[warning]x", "/tmp/## [warning]x"),
            ("a ###[error]", "a ### [error]"),
            ("#\u{200b}#[error]", "#\u{200b}# [error]"),
            ("::error::x", ": :error::x"),
            (
                "  \u{ad}:\u{200b}:warning::x",
                "  \u{ad}:\u{200b} :warning::x",
            ),
            ("a\n::x\r::y", "a\n: :x\r: :y"),
            ("a::b ##c [d] #[e]", "a::b ##c [d] #[e]"),
            (": x", ": x"),
        ] {
            assert_eq!(inert(text), inert_text, "{text:?}");
        }
        assert_eq!(defuse("\"/##[x\"", "\\u005b"), "\"/##\\u005bx\"");
    }

    #[test]
    fn multi_line_values_get_a_delimiter_they_do_not_contain() {
        assert_eq!(file_line("a", "b"), "a=b\n");
        assert_eq!(
            file_line("a", "x\nASC_JWT_EOF"),
            "a<<ASC_JWT_EOF_\nx\nASC_JWT_EOF\nASC_JWT_EOF_\n"
        );
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
