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
        match self.github {
            true => writeln!(
                out,
                "::{level} title={}::{}",
                escape_property("asc-jwt"),
                escape_data(message)
            ),
            false => writeln!(out, "{level}: {message}"),
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

/// Escapes a workflow command's property value, which also ends at `:` and `,`.
pub fn escape_property(value: &str) -> String {
    escape_data(value).replace(':', "%3A").replace(',', "%2C")
}

/// One `::add-mask::` line per secret, in the order given.
pub fn masks<'a>(secrets: impl IntoIterator<Item = &'a str>) -> String {
    secrets
        .into_iter()
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
            masks(["a%0Ab", "jwt"]),
            "::add-mask::a%250Ab\n::add-mask::jwt\n"
        );
        assert_eq!(escape_property("a:b,c\n"), "a%3Ab%2Cc%0A");
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
