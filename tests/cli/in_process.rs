//! Through `asc_jwt::run` in-process, with stdout and stderr recorded as one sequence of
//! writes: in a GitHub Actions step the masks come before any output, in every format,
//! and stderr carries no secret outside them.

use std::cell::RefCell;
use std::ffi::OsString;
use std::io::Write;
use std::rc::Rc;

use asc_jwt::config::check::Env;
use asc_jwt::deliver::github::Log;

use crate::common::*;
use crate::fake_apple::{Answer, FakeApple};

/// Every write to either stream, in order, with the stream's name.
type Writes = Rc<RefCell<Vec<(&'static str, String)>>>;

struct Recorder {
    name: &'static str,
    writes: Writes,
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf).into_owned();
        self.writes.borrow_mut().push((self.name, text));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs in a GitHub-like step with `extra` set; returns the writes in order.
fn run_in_github(extra: &[(&str, &std::path::Path)]) -> Vec<(&'static str, String)> {
    let identity = [("ASC_KEY_ID", KEY_ID), ("ASC_ISSUER_ID", ISSUER)];
    run_as(&identity, extra)
}

/// Runs in a GitHub-like step as `identity` (the key ID and the settings its service
/// needs), with `extra` set; returns the writes in order.
fn run_as(
    identity: &[(&str, &str)],
    extra: &[(&str, &std::path::Path)],
) -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().unwrap();
    let mut vars: Vec<(OsString, OsString)> = vec![
        ("ASC_PRIVATE_KEY".into(), key_pem().into()),
        ("GITHUB_ACTIONS".into(), "true".into()),
        ("GITHUB_OUTPUT".into(), dir.path().join("output").into()),
    ];
    vars.extend(identity.iter().map(|(k, v)| (k.into(), v.into())));
    vars.extend(extra.iter().map(|(k, v)| (k.into(), v.into())));
    let writes = Writes::default();
    let mut stdout = Recorder {
        name: "stdout",
        writes: writes.clone(),
    };
    let mut stderr = Recorder {
        name: "stderr",
        writes: writes.clone(),
    };
    let log = Log { github: true };
    let result = asc_jwt::run(&Env::new(vars), now(), None, log, &mut stdout, &mut stderr);
    assert!(result.is_ok(), "{:?}", result.err());
    writes.take()
}

/// Everything written to stderr, taken together, holds no run of `runs` outside the masks.
fn assert_stderr_holds_no_secret(case: &str, writes: &[(&str, String)], runs: &[String]) {
    let stderr: String = writes
        .iter()
        .filter(|(stream, _)| *stream == "stderr")
        .map(|(_, text)| text.as_str())
        .collect();
    assert_no_leak(&format!("{case}: stderr"), &stderr, runs, &["::add-mask::"]);
}

#[test]
fn masks_come_before_any_output_in_every_format() {
    let keys = tempfile::tempdir().unwrap();
    for format in ["text", "json", "dotenv", "github"] {
        for key_file in [false, true] {
            let format_path = std::path::Path::new(format);
            let mut extra = vec![("ASC_FORMAT", format_path)];
            if key_file {
                extra.push(("ASC_KEY_FILE", std::path::Path::new("true")));
                extra.push(("ASC_KEY_DIR", keys.path()));
            }
            let writes = run_in_github(&extra);
            let case = format!("{format}, key file {key_file}");
            let (stream, first) = writes.first().cloned().unwrap_or_default();
            assert!(
                !first.is_empty() && first.lines().all(|l| l.starts_with("::add-mask::")),
                "{case}: the first write, on {stream}, is not the masks"
            );
            let masks = first.lines().count();
            assert_eq!(masks, if key_file { 1 + 1 + 3 } else { 1 }, "{case}");
            assert!(
                writes.len() > 1,
                "{case}: nothing but the masks was written"
            );
            let token = first
                .lines()
                .last()
                .and_then(|l| l.strip_prefix("::add-mask::"));
            let runs = secret_runs(&[token.unwrap_or_default()]);
            assert_stderr_holds_no_secret(&case, &writes, &runs);
        }
    }
}

#[test]
fn the_access_token_mask_is_among_the_masks_printed_first() {
    const ACCESS: &str = "in-process-access-token-0123456789abcdefghij";
    let body = format!(
        r#"{{"access_token":"{ACCESS}","token_type":"Bearer","expires_in":3600,"scope":"business.api"}}"#
    );
    let apple = FakeApple::start(Answer::new(405, ""), Answer::new(200, &body));
    let url = std::path::PathBuf::from(&apple.url);
    let identity = service_env("business-manager");
    for format in ["text", "json", "dotenv", "github"] {
        let extra = [
            ("ASC_FORMAT", std::path::Path::new(format)),
            ("ASC_VERIFY", std::path::Path::new("true")),
            ("ASC_API_BASE_URL", url.as_path()),
        ];
        let writes = run_as(&identity, &extra);
        let masks_at = writes
            .iter()
            .position(|(_, text)| text.starts_with("::add-mask::"))
            .unwrap_or_else(|| panic!("{format}: no masks"));
        let masks: Vec<&str> = writes[masks_at].1.lines().collect();
        assert_eq!(
            masks.len(),
            2,
            "{format}: the token's and the access token's"
        );
        assert!(
            masks.iter().all(|l| l.starts_with("::add-mask::")),
            "{format}"
        );
        assert_eq!(masks[1], format!("::add-mask::{ACCESS}"), "{format}");
        let token = masks[0].trim_start_matches("::add-mask::");
        let runs = secret_runs(&[token, ACCESS]);
        // Only Apple's clock may come first, and it carries no secret.
        for (stream, text) in &writes[..masks_at] {
            assert_no_leak(
                &format!("{format}: {stream} before the masks"),
                text,
                &runs,
                &[],
            );
        }
        assert_stderr_holds_no_secret(format, &writes, &runs);
    }
}
