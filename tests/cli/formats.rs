//! The four output formats, the GITHUB_OUTPUT file read back the way the runner reads it,
//! and masking.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;

#[test]
fn text_prints_the_token_alone_on_stdout() {
    let output = configured().output().unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.ends_with('\n'));
    verify(stdout.trim_end());
    assert!(stderr.starts_with("asc-jwt: minted a team key token for key ID TESTKEY123"));
    assert!(!stderr.contains(stdout.trim_end()));
}

#[test]
fn json_prints_one_object_with_the_documented_fields() {
    let output = configured().env("ASC_FORMAT", "json").output().unwrap();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let (_, claims) = verify(value["token"].as_str().unwrap());
    assert_eq!(value["expires_at"], claims["exp"]);
    assert_eq!(value["issued_at"], claims["iat"]);
    assert_eq!(value["key_id"], KEY_ID);
    assert_eq!(value["key_type"], "team");
    assert_eq!(value["api"], "app-store-connect");
    assert_eq!(value.as_object().unwrap().len(), 6);
}

#[test]
fn dotenv_prints_token_and_expiry_lines() {
    let output = configured().env("ASC_FORMAT", "dotenv").output().unwrap();
    let (stdout, _) = texts(&output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    let token = lines[0].strip_prefix("ASC_TOKEN=").unwrap();
    let (_, claims) = verify(token);
    assert_eq!(lines[1], format!("ASC_TOKEN_EXPIRES_AT={}", claims["exp"]));
}

#[test]
fn github_appends_outputs_and_keeps_what_was_there() {
    let (_dir, file) = temp_file(
        "github_output",
        "earlier=1\nnotes<<EOF\nline one\nline two\nEOF\n",
    );
    let output = configured()
        .env("ASC_FORMAT", "github")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &file)
        .output()
        .unwrap();
    assert!(output.status.success());
    let values = parse_github_file(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(values["earlier"], "1");
    assert_eq!(values["notes"], "line one\nline two");
    let token = &values["token"];
    let (_, claims) = verify(token);
    assert_eq!(values["expires-at"], claims["exp"].to_string());

    let (stdout, stderr) = texts(&output);
    assert_eq!(
        stdout,
        format!("::add-mask::{token}\n"),
        "stdout holds the mask alone"
    );
    assert!(!stderr.contains(token.as_str()));
    assert!(stderr.contains("expires 20"));
}

#[test]
fn github_starts_a_new_line_after_a_file_without_a_final_newline() {
    let (_dir, file) = temp_file("github_output", "earlier=1");
    configured()
        .env("ASC_FORMAT", "github")
        .env("GITHUB_OUTPUT", &file)
        .assert()
        .success();
    let values = parse_github_file(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(values["earlier"], "1");
    assert!(values.contains_key("token"));
}

#[test]
fn github_with_an_unwritable_output_fails_and_prints_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("missing-dir/github_output");
    configured()
        .env("ASC_FORMAT", "github")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &file)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "::error title=asc-jwt::cannot open GITHUB_OUTPUT",
        ))
        .stderr(predicate::str::contains("eyJ").not());
    assert!(!file.exists());
}

#[test]
fn in_github_actions_other_formats_print_the_mask_first_on_stderr() {
    for format in ["text", "json", "dotenv"] {
        let output = configured()
            .env("ASC_FORMAT", format)
            .env("GITHUB_ACTIONS", "true")
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&output);
        let first = stderr.lines().next().unwrap();
        let token = first
            .strip_prefix("::add-mask::")
            .expect("mask comes first");
        assert!(stdout.contains(token), "{format}");
        assert!(!stdout.contains("::add-mask::"), "{format}");
    }
}

#[test]
fn outside_github_actions_no_mask_is_printed() {
    configured()
        .assert()
        .success()
        .stderr(predicate::str::contains("::add-mask::").not());
}
