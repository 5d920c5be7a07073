//! Values as users really pass them: quoted, lower-case, in odd places, or crafted to
//! inject lines into a channel the program prints to.

use crate::common::*;
use serde_json::Value;

/// Payloads that must never reach any output as a line of their own.
const INJECTIONS: &[(&str, &str)] = &[
    ("/tmp/k\n::set-output name=token::ATTACKER", "::set-output"),
    ("/tmp/k\r::stop-commands::x", "::stop-commands"),
    ("/tmp/k\nNODE_OPTIONS=--require=./evil.js", "NODE_OPTIONS"),
];

#[test]
fn a_key_folder_cannot_inject_lines_in_any_format() {
    for (dir, injected) in INJECTIONS {
        for format in ["text", "json", "dotenv", "github"] {
            for github in ["true", "false"] {
                let (_out_dir, out) = temp_file("github_output", "");
                let output = configured()
                    .env("ASC_FORMAT", format)
                    .env("GITHUB_ACTIONS", github)
                    .env("GITHUB_OUTPUT", &out)
                    .env("ASC_KEY_FILE", "true")
                    .env("ASC_KEY_DIR", dir)
                    .output()
                    .unwrap();
                let (stdout, stderr) = texts(&output);
                let written = std::fs::read_to_string(&out).unwrap_or_default();
                let case = format!("{injected} {format} github={github}");
                assert_eq!(output.status.code(), Some(2), "{case}");
                // Say which channel, never print it: it may hold mask lines of the key.
                for (channel, text) in
                    [("stdout", &stdout), ("stderr", &stderr), ("file", &written)]
                {
                    let mut lines = text.split(['\n', '\r']);
                    assert!(
                        lines.all(|l| !l.starts_with(injected)),
                        "{case}: {channel} has an injected line"
                    );
                }
            }
        }
    }
}

#[test]
fn every_value_may_be_quoted_as_in_a_dotenv_file() {
    let (_dir, path) = temp_file("key.p8", key_pem());
    let output = identified()
        .env("ASC_KEY_ID", format!("\"{KEY_ID}\""))
        .env("ASC_ISSUER_ID", format!("'{ISSUER}'"))
        .env("ASC_PRIVATE_KEY_PATH", format!("\"{}\"", path.display()))
        .env("ASC_DURATION", "'600'")
        .env("ASC_KEY_TYPE", "\"team\"")
        .env("ASC_FORMAT", "'json'")
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    let value: Value = serde_json::from_str(&stdout).unwrap();
    let (header, claims) = verify(value["token"].as_str().unwrap());
    assert_eq!(header["kid"], KEY_ID);
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
}

#[test]
fn a_lower_case_key_id_is_upper_cased() {
    let output = configured()
        .env("ASC_KEY_ID", "testkey123")
        .env("ASC_FORMAT", "json")
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    let value: Value = serde_json::from_str(&stdout).unwrap();
    let (header, _) = verify(value["token"].as_str().unwrap());
    assert_eq!(header["kid"], "TESTKEY123");
    assert_eq!(value["key_id"], "TESTKEY123");
}

#[test]
fn the_summary_names_an_individual_key_with_its_article() {
    let output = configured()
        .env_remove("ASC_ISSUER_ID")
        .env("ASC_KEY_TYPE", "individual")
        .output()
        .unwrap();
    let (_, stderr) = texts(&output);
    assert!(
        stderr.starts_with("asc-jwt: minted an individual key token"),
        "{stderr}"
    );
}

#[test]
fn a_missing_key_file_is_reported_without_the_file_name_warning_first() {
    let output = configured()
        .env_remove("ASC_PRIVATE_KEY")
        .env("ASC_PRIVATE_KEY_PATH", "/nonexistent/AuthKey_NOPE123456.p8")
        .output()
        .unwrap();
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2));
    let unreadable = stderr.find("cannot be read").expect("cannot be read");
    if let Some(warning) = stderr.find("named for key ID") {
        assert!(unreadable < warning, "{stderr}");
    }
}

#[test]
fn an_unreadable_path_that_may_be_key_material_is_not_quoted() {
    let pem = key_pem();
    let lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let joined = format!("{} {}", lines[0], lines[1]);
    let output = configured()
        .env_remove("ASC_PRIVATE_KEY")
        .env("ASC_PRIVATE_KEY_PATH", &joined)
        .output()
        .unwrap();
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("ASC_PRIVATE_KEY_PATH (input private-key-path) looks like the key itself"),
        "the path is not said to be the key"
    );
    assert!(!stderr.contains(&lines[0][..20]), "the path is quoted");
}

#[test]
fn a_value_of_only_quotes_counts_as_unset() {
    let output = configured()
        .env("ASC_DURATION", "\"\"")
        .env("ASC_SCOPE", "' '")
        .env("ASC_FORMAT", "json")
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let lifetime = json["expires_at"].as_i64().unwrap() - json["issued_at"].as_i64().unwrap();
    assert_eq!(lifetime, 1200, "the default duration applies");
}

#[test]
fn dotenv_refuses_a_key_folder_it_would_have_to_quote() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("odd(1)");
    let output = configured()
        .env("ASC_FORMAT", "dotenv")
        .env("ASC_KEY_FILE", "true")
        .env("ASC_KEY_DIR", &dir)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("ASC_KEY_DIR (input key-dir)")
            && stderr.contains("the `dotenv` format cannot carry safely"),
        "{stderr}"
    );
    assert!(!dir.exists(), "nothing was written");
}

#[test]
fn a_relative_key_folder_is_exported_as_an_absolute_path() {
    let cwd = tempfile::tempdir().unwrap();
    let (_env_dir, github_env) = temp_file("github_env", "");
    let output = configured()
        .current_dir(cwd.path())
        .env("ASC_FORMAT", "json")
        .env("ASC_KEY_FILE", "true")
        .env("ASC_KEY_DIR", "keys")
        .env("GITHUB_ENV", &github_env)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let key_path = std::path::Path::new(json["key_path"].as_str().unwrap());
    assert!(key_path.is_absolute(), "key_path is {}", key_path.display());
    assert!(
        key_path.starts_with(cwd.path().canonicalize().unwrap())
            || key_path.starts_with(cwd.path())
    );
    let exported = std::fs::read_to_string(&github_env).unwrap();
    assert!(
        !exported.contains("\nkeys\n") && !exported.contains("=keys"),
        "GITHUB_ENV names the folder relatively"
    );
}
