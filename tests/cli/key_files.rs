//! The key written for Apple's tools and fastlane: Apple's form whatever form it came
//! in, private permissions, safe reruns, and the GitHub files later steps read.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;

/// A valid configuration that writes key files into `dir`.
fn writing_to(dir: &Path) -> assert_cmd::Command {
    let mut cmd = configured();
    cmd.env("ASC_KEY_FILE", "true").env("ASC_KEY_DIR", dir);
    cmd
}

fn key_path(dir: &Path) -> PathBuf {
    dir.join(format!("AuthKey_{KEY_ID}.p8"))
}

/// Files in `dir`, sorted, to show nothing else (no temporary file) was left.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_key_form_is_written_in_apples_form() {
    let apple = key_pem();
    for (form, key) in key_forms() {
        let dir = tempfile::tempdir().unwrap();
        let output = writing_to(dir.path())
            .env("ASC_PRIVATE_KEY", &key)
            .output()
            .unwrap();
        assert!(output.status.success(), "{form}: {}", texts(&output).1);
        let written = std::fs::read_to_string(key_path(dir.path())).unwrap();
        assert_eq!(written, apple, "{form}: byte-identical to Apple's .p8");
        let check = Command::new("openssl")
            .args(["pkey", "-noout", "-in"])
            .arg(key_path(dir.path()))
            .status()
            .unwrap();
        assert!(check.success(), "{form}: openssl pkey accepts the file");
    }
}

#[cfg(unix)]
#[test]
fn folder_is_0700_and_file_0600() {
    use std::os::unix::fs::PermissionsExt as _;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("private_keys");
    writing_to(&dir).assert().success();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&key_path(&dir)), 0o600);
}

#[test]
fn a_rerun_with_the_same_key_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    writing_to(dir.path()).assert().success();
    writing_to(dir.path()).assert().success();
    assert_eq!(listing(dir.path()), [format!("AuthKey_{KEY_ID}.p8")]);
}

#[test]
fn a_file_holding_another_key_is_an_error_unless_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        key_path(dir.path()),
        read_fixture("test-only-p256-other.p8"),
    )
    .unwrap();
    fails_with_usage_error(
        &mut writing_to(dir.path()),
        format!(
            "error: `{}` already exists with a different key: set ASC_KEY_FILE_OVERWRITE (input key-file-overwrite) to `true`",
            key_path(dir.path()).display()
        ),
    );
    assert_eq!(
        std::fs::read_to_string(key_path(dir.path())).unwrap(),
        read_fixture("test-only-p256-other.p8"),
        "left untouched"
    );
    writing_to(dir.path())
        .env("ASC_KEY_FILE_OVERWRITE", "true")
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(key_path(dir.path())).unwrap(),
        key_pem()
    );
    assert_eq!(listing(dir.path()), [format!("AuthKey_{KEY_ID}.p8")]);
}

#[test]
fn an_unwritable_folder_fails_with_exit_1_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    writing_to(&blocker.join("private_keys"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("error: cannot write `"));
    assert_eq!(listing(dir.path()), ["a-file"]);
}

#[test]
fn a_folder_where_the_key_file_should_be_fails_with_exit_1_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(key_path(dir.path())).unwrap();
    writing_to(dir.path())
        .env("ASC_KEY_FILE_OVERWRITE", "true")
        .assert()
        .code(1)
        .stdout("");
    assert_eq!(listing(dir.path()), [format!("AuthKey_{KEY_ID}.p8")]);
}

#[test]
fn fastlane_json_holds_the_normalized_key() {
    let dir = tempfile::tempdir().unwrap();
    let sec1 = read_fixture("test-only-p256-sec1.pem");
    let output = configured()
        .env("ASC_PRIVATE_KEY", sec1)
        .env("ASC_FASTLANE_JSON", "true")
        .env("ASC_KEY_DIR", dir.path())
        .env("ASC_FORMAT", "json")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", texts(&output).1);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        report.get("key_path").is_none(),
        "no key file was asked for"
    );
    let path = report["fastlane_json_path"].as_str().unwrap();
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(json["key"], key_pem());
    assert_eq!(json["key_id"], KEY_ID);
    assert_eq!(json["issuer_id"], ISSUER);
    assert_eq!(json["duration"], 1200);
    assert_eq!(json["in_house"], false);
}

#[test]
fn default_folder_outside_github_is_the_one_altool_searches() {
    let home = tempfile::tempdir().unwrap();
    let output = configured()
        .env("HOME", home.path())
        .env("ASC_KEY_FILE", "true")
        .env("ASC_FORMAT", "dotenv")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", texts(&output).1);
    let expected = home
        .path()
        .join(".appstoreconnect/private_keys/AuthKey_TESTKEY123.p8");
    assert!(
        texts(&output)
            .0
            .contains(&format!("ASC_KEY_PATH={}\n", expected.display()))
    );
    assert_eq!(std::fs::read_to_string(expected).unwrap(), key_pem());
}

#[test]
fn a_flag_that_is_not_true_or_false_is_an_error() {
    fails_with_usage_error(
        configured().env("ASC_KEY_FILE", "yes please"),
        "error: ASC_KEY_FILE (input key-file) is `yes please`: expected `true` or `false`",
    );
}

/// A GitHub Actions step with key-file, fastlane-json and add-to-path: the outputs, the
/// GITHUB_ENV and GITHUB_PATH lines as the runner reads them, and the masks first.
#[test]
fn in_github_actions_later_steps_get_paths_env_and_path() {
    let runner = tempfile::tempdir().unwrap();
    let file = |name: &str| runner.path().join(name);
    for name in ["output", "env", "path"] {
        std::fs::write(file(name), "").unwrap();
    }
    let output = configured()
        .env("GITHUB_ACTIONS", "true")
        .env("RUNNER_TEMP", runner.path())
        .env("GITHUB_OUTPUT", file("output"))
        .env("GITHUB_ENV", file("env"))
        .env("GITHUB_PATH", file("path"))
        .env("ASC_FORMAT", "github")
        .env("ASC_KEY_FILE", "true")
        .env("ASC_FASTLANE_JSON", "true")
        .env("ASC_ADD_TO_PATH", "true")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", texts(&output).1);
    let dir = runner.path().join("asc-jwt/private_keys");
    let key_file = dir.join("AuthKey_TESTKEY123.p8");

    let outputs = parse_github_file(&std::fs::read_to_string(file("output")).unwrap());
    assert_eq!(outputs["key-path"], key_file.to_string_lossy());
    assert_eq!(outputs["key-id"], KEY_ID);
    assert_eq!(outputs["issuer-id"], ISSUER);
    assert!(outputs["fastlane-json-path"].ends_with(".fastlane.json"));
    verify(&outputs["token"]);

    let env = parse_github_file(&std::fs::read_to_string(file("env")).unwrap());
    assert_eq!(env["API_PRIVATE_KEYS_DIR"], dir.to_string_lossy());
    assert_eq!(env["ASC_PRIVATE_KEY_PATH"], key_file.to_string_lossy());
    assert_eq!(env["ASC_KEY_ID"], KEY_ID);
    assert_eq!(env["ASC_ISSUER_ID"], ISSUER);
    assert_eq!(env["ASC_KEY_TYPE"], "team");
    assert_eq!(env["ASC_API"], "app-store-connect");
    assert!(!env.contains_key("ASC_PRIVATE_KEY"), "never the key itself");
    assert!(
        !env.contains_key("ASC_FORMAT"),
        "a later bare asc-jwt prints text"
    );

    let path = std::fs::read_to_string(file("path")).unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_asc-jwt"));
    assert_eq!(path, format!("{}\n", bin.parent().unwrap().display()));

    // Every stdout line is a mask, the key's lines before the token's.
    let (stdout, _) = texts(&output);
    let masked: Vec<&str> = stdout
        .lines()
        .map(|l| {
            l.strip_prefix("::add-mask::")
                .expect("only masks on stdout")
        })
        .collect();
    let body: Vec<String> = key_pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_owned)
        .collect();
    for line in &body {
        assert!(masked.contains(&line.as_str()), "each key line is masked");
    }
    assert!(
        masked.contains(&body.concat().as_str()),
        "and the body as one line"
    );
    assert_eq!(masked.last().unwrap(), &outputs["token"].as_str());
}

/// Together with the GITHUB_ENV test above: a later step's bare `asc-jwt`, with just
/// what the action wrote to GITHUB_ENV, mints a token.
#[test]
fn a_bare_run_with_the_written_env_mints_a_fresh_token() {
    let (runner, env_file) = temp_file("env", "");
    configured()
        .env("GITHUB_ACTIONS", "true")
        .env("RUNNER_TEMP", runner.path())
        .env("GITHUB_ENV", &env_file)
        .env("GITHUB_PATH", runner.path().join("path"))
        .env("ASC_KEY_FILE", "true")
        .env("ASC_ADD_TO_PATH", "true")
        .assert()
        .success();
    let mut later = asc_jwt();
    for (name, value) in parse_github_file(&std::fs::read_to_string(&env_file).unwrap()) {
        later.env(name, value);
    }
    let output = later.output().unwrap();
    assert!(output.status.success(), "{}", texts(&output).1);
    verify(texts(&output).0.trim_end());
}
