//! Nothing from outside reaches the GitHub runner as a workflow command: every line of
//! every run, in every format, with `GITHUB_ACTIONS` set or not, is read by the runner's
//! own rules ([`runner_command`]), and only asc-jwt's own `::error`, `::warning` and
//! `::add-mask::` lines may be commands.

use crate::common::*;
use crate::fake_apple::{Answer, Date, FakeApple};

/// The commands the runner registers (actions/runner `ActionCommandManager`: `stop-commands`
/// and each command extension's `Command`, compared ignoring case).
const REGISTERED: [&str; 16] = [
    "stop-commands",
    "internal-set-repo-path",
    "set-env",
    "set-output",
    "save-state",
    "add-mask",
    "add-path",
    "add-matcher",
    "remove-matcher",
    "debug",
    "warning",
    "error",
    "notice",
    "group",
    "endgroup",
    "echo",
];

/// What the runner's culture-sensitive `StartsWith`/`IndexOf` may skip (ICU ignores
/// control characters, zero-width characters and the soft hyphen). Taken wide here, every
/// character but printable ASCII, so that the check errs towards finding a command.
fn ignorable(c: char) -> bool {
    !(c == ' ' || c.is_ascii_graphic())
}

/// The command name in `info` (up to its first space), if the runner registers it.
fn registered(info: &str) -> Option<String> {
    let name = info.split(' ').next().unwrap_or_default();
    REGISTERED
        .iter()
        .find(|r| r.eq_ignore_ascii_case(name))
        .map(|r| r.to_string())
}

/// The command the runner takes `line` for, by its own rules (actions/runner
/// `ActionCommandManager.TryProcessCommand`): first `ActionCommand.TryParseV2`, a line
/// that starts with `::` after `TrimStart()`, up to the next `::`; failing that
/// `ActionCommand.TryParse`, the legacy `##[name …]` anywhere in the line.
pub fn runner_command(line: &str) -> Option<String> {
    let v2: String = line
        .trim_start()
        .chars()
        .filter(|&c| !ignorable(c))
        .collect();
    if let Some(rest) = v2.strip_prefix("::")
        && let Some(end) = rest.find("::")
        && let Some(name) = registered(&rest[..end])
    {
        return Some(name);
    }
    let legacy: String = line.chars().filter(|&c| !ignorable(c)).collect();
    let start = legacy.find("##[")? + 3;
    let end = legacy[start..].find(']')? + start;
    registered(&legacy[start..end])
}

/// asc-jwt's own command lines: what it escapes itself (`github::Log`, `github::masks`).
const OWN: [&str; 3] = [
    "::error title=asc-jwt::",
    "::warning title=asc-jwt::",
    "::add-mask::",
];

/// Fails if a line of stdout, stderr or the runner's files is a command that asc-jwt did
/// not write as one.
fn assert_inert(case: &str, output: &std::process::Output) {
    let (stdout, stderr) = texts(output);
    for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        // The runner reads a line at `\n`, `\r` or `\r\n` (.NET `StreamReader.ReadLine`).
        for line in text.split(['\n', '\r']) {
            if OWN.iter().any(|own| line.starts_with(own)) {
                continue;
            }
            assert_eq!(
                runner_command(line),
                None,
                "{case}: {stream} line {line:?} is a workflow command\nstderr:\n{stderr}"
            );
        }
    }
    assert!(!stderr.contains("panicked"), "{case}: {stderr}");
}

#[test]
fn the_runner_rules_find_the_commands_the_runner_would_run() {
    for line in [
        "::warning::x",
        "  ::error title=t::x",
        "::ADD-MASK::x",
        "asc-jwt: minted; key file /tmp/kd/##[warning]INJECTED/AuthKey_A.p8",
        "error: `##[set-output name=a]b`",
        "#\u{200b}#[warning]zero-width",
        "\u{ad}::warning::soft hyphen",
        "::nothing::x ##[error]the legacy form after a failed V2 form",
    ] {
        assert!(runner_command(line).is_some(), "{line:?}");
    }
    for line in [
        "warning: a ::warning::x",
        "## [warning]x",
        ": :warning::x",
        "##[nothing]x",
        "::nothing::x",
        "##[warning",
    ] {
        assert_eq!(runner_command(line), None, "{line:?}");
    }
}

/// Values that are commands when printed at a line's start or anywhere: short enough to
/// be quoted back, with ignorable characters, and behind a line break.
const PAYLOADS: [&str; 5] = [
    "##[error]X",
    "::error::X",
    "#\u{200b}#[error]X",
    "a\n::error::X",
    "\u{ad}::warning::X",
];

/// Every format, with and without `GITHUB_ACTIONS`, each with its own output file.
fn in_every_channel(case: &str, make: &dyn Fn() -> assert_cmd::Command) {
    for format in ["text", "json", "dotenv", "github"] {
        for github in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let mut cmd = make();
            cmd.env("ASC_FORMAT", format)
                .env("GITHUB_OUTPUT", dir.path().join("output"))
                .env("GITHUB_ENV", dir.path().join("env"))
                .env("GITHUB_PATH", dir.path().join("path"));
            if github {
                cmd.env("GITHUB_ACTIONS", "true");
            }
            let output = cmd.output().unwrap();
            assert_inert(&format!("{case}, {format}, github {github}"), &output);
        }
    }
}

#[test]
fn no_setting_reaches_the_runner_as_a_command() {
    for setting in asc_jwt::config::settings::SETTINGS {
        for payload in PAYLOADS {
            in_every_channel(&format!("{} = {payload:?}", setting.env), &|| {
                let mut cmd = configured();
                cmd.env(setting.env, payload);
                cmd
            });
        }
    }
}

#[test]
fn no_path_reaches_the_runner_as_a_command() {
    let root = tempfile::tempdir().unwrap();
    let folder = |name: &str| root.path().join(name).to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "key folder",
            vec![("ASC_KEY_DIR", folder("##[warning]INJECTED"))],
        ),
        (
            "key folder, zero-width",
            vec![("ASC_KEY_DIR", folder("#\u{200b}#[warning]INJECTED"))],
        ),
        ("HOME", vec![("HOME", folder("##[warning]HOME"))]),
        (
            "key file path",
            vec![
                ("ASC_PRIVATE_KEY", String::new()),
                ("ASC_PRIVATE_KEY_PATH", folder("##[warning]KEY/k.p8")),
            ],
        ),
    ];
    for (case, vars) in cases {
        in_every_channel(case, &|| {
            let mut cmd = configured();
            cmd.env("ASC_KEY_FILE", "true")
                .env("ASC_FASTLANE_JSON", "true")
                .env("ASC_ADD_TO_PATH", "true");
            for (name, value) in &vars {
                cmd.env(name, value);
            }
            cmd
        });
    }
    // The runner's own files at such a path.
    for name in ["GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH"] {
        let mut cmd = configured();
        cmd.env("ASC_FORMAT", "github")
            .env("ASC_KEY_FILE", "true")
            .env("ASC_KEY_DIR", folder("keys"))
            .env("ASC_ADD_TO_PATH", "true")
            .env(name, folder("##[warning]RUNNER/file"));
        assert_inert(name, &cmd.output().unwrap());
        cmd.env("GITHUB_ACTIONS", "true");
        assert_inert(&format!("{name}, github"), &cmd.output().unwrap());
    }
}

#[test]
fn no_apple_text_reaches_the_runner_as_a_command() {
    let code = "##[error]C";
    let words = "::error::T \u{2}::warning::U ##[warning]W";
    // 403, not 401: a 401 is asked again after two seconds.
    let bodies = [
        (
            "app-store-connect",
            403,
            serde_json::json!({"errors": [{"code": code, "title": words, "detail": words}]}),
        ),
        (
            "sign-in-with-apple",
            400,
            serde_json::json!({"error": code, "error_description": words}),
        ),
        (
            "weatherkit",
            403,
            serde_json::json!({"error": code, "message": words}),
        ),
        (
            "app-store-server",
            403,
            serde_json::json!({"errorCode": 4_010_001, "errorMessage": words}),
        ),
        (
            "maps",
            403,
            serde_json::json!({"error": {"message": words}}),
        ),
        (
            "business-manager",
            400,
            serde_json::json!({"error": code, "error_description": words}),
        ),
    ];
    for (api, status, body) in bodies {
        for date in [Date::Raw("##[warning]D"), Date::Raw("::warning::D")] {
            let apple = FakeApple::start(
                Answer {
                    date: date.clone(),
                    ..Answer::new(405, "")
                },
                Answer::new(status, &body.to_string()),
            );
            in_every_channel(&format!("{api} {status} {body}, {date:?}"), &|| {
                let mut cmd = match api {
                    "app-store-connect" => configured(),
                    _ => service(api),
                };
                cmd.env("ASC_API_BASE_URL", &apple.url)
                    .env("ASC_CLOCK", "apple")
                    .env("ASC_VERIFY", "true");
                cmd
            });
        }
    }
}
