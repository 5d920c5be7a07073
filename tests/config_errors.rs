//! Bad configuration exits 2 with one message per problem naming the variable and the
//! action input, prints nothing on stdout and never panics.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn fails_with_every_missing_required_variable_listed() {
    asc_jwt()
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("error: ASC_KEY_ID (input key-id) is not set"))
        .stderr(predicate::str::contains("error: ASC_ISSUER_ID (input issuer-id) is not set"))
        .stderr(predicate::str::contains(
            "error: ASC_PRIVATE_KEY (input private-key) is not set, and neither is ASC_PRIVATE_KEY_PATH",
        ))
        .stderr(predicate::str::contains("3 configuration problem(s)"));
}

#[test]
fn fails_with_empty_values_counted_as_unset() {
    fails_with_usage_error(
        configured().env("ASC_KEY_ID", "   "),
        "error: ASC_KEY_ID (input key-id) is not set",
    );
}

#[test]
fn fails_with_key_id_that_is_not_alphanumeric() {
    fails_with_usage_error(
        configured().env("ASC_KEY_ID", "TESTKEY-12"),
        "error: ASC_KEY_ID (input key-id) must contain only ASCII letters and digits, but character 8 is not one",
    );
}

#[test]
fn warns_about_a_key_id_of_unusual_length() {
    configured()
        .env("ASC_KEY_ID", "SHORT")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: ASC_KEY_ID (input key-id) is 5 characters long",
        ));
}

#[test]
fn fails_with_malformed_issuer_id() {
    fails_with_usage_error(
        configured().env("ASC_ISSUER_ID", "57246542-96fe-1a63-e053"),
        "error: ASC_ISSUER_ID (input issuer-id) is not shaped like a UUID (23 characters in groups of 8-4-4-4)",
    );
}

#[test]
fn fails_with_issuer_id_set_for_an_individual_key() {
    fails_with_usage_error(
        configured().env("ASC_KEY_TYPE", "individual"),
        "error: ASC_ISSUER_ID (input issuer-id) is set, but ASC_KEY_TYPE (input key-type) is `individual`",
    );
}

#[test]
fn fails_with_both_key_sources() {
    fails_with_usage_error(
        configured().env("ASC_PRIVATE_KEY_PATH", fixture("test-only-p256.p8")),
        "error: ASC_PRIVATE_KEY (input private-key) and ASC_PRIVATE_KEY_PATH (input private-key-path) are both set",
    );
}

#[test]
fn fails_with_duration_that_is_not_a_number() {
    fails_with_usage_error(
        configured().env("ASC_DURATION", "20m"),
        "error: ASC_DURATION (input duration) is `20m`: expected a whole number of seconds from 120 to 1200",
    );
}

#[test]
fn fails_with_duration_too_short() {
    fails_with_usage_error(
        configured().env("ASC_DURATION", "60"),
        "error: ASC_DURATION (input duration) is 60 s: expected at least 120 s",
    );
}

#[test]
fn fails_with_long_duration_without_a_get_only_scope() {
    fails_with_usage_error(
        configured()
            .env("ASC_DURATION", "3600")
            .env("ASC_SCOPE", "GET /v1/apps\nPATCH /v1/apps/1"),
        "error: ASC_DURATION (input duration) is 3600 s: Apple's rule is that a token lives at most 20 minutes (1200 s)",
    );
}

#[test]
fn fails_with_bad_scope_entry() {
    fails_with_usage_error(
        configured().env("ASC_SCOPE", "GET /v1/apps\nFETCH /v1/builds"),
        "error: ASC_SCOPE (input scope) entry 2 has method `FETCH`: expected one of GET, POST, PATCH, PUT, DELETE",
    );
}

#[test]
fn fails_with_unknown_key_type() {
    fails_with_usage_error(
        configured().env("ASC_KEY_TYPE", "admin"),
        "error: ASC_KEY_TYPE (input key-type) is `admin`: expected `team` or `individual`",
    );
}

#[test]
fn fails_with_unknown_api() {
    fails_with_usage_error(
        configured().env("ASC_API", "itunes"),
        "error: ASC_API (input api) is `itunes`: expected `app-store-connect` or `enterprise`",
    );
}

#[test]
fn fails_with_unknown_format() {
    fails_with_usage_error(
        configured().env("ASC_FORMAT", "yaml"),
        "error: ASC_FORMAT is `yaml`: expected `text`, `json`, `dotenv` or `github`",
    );
}

#[test]
fn fails_with_github_format_outside_github() {
    fails_with_usage_error(
        configured().env("ASC_FORMAT", "github"),
        "error: GITHUB_OUTPUT is not set, but ASC_FORMAT is `github`",
    );
}

#[test]
#[cfg(unix)]
fn fails_with_a_value_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt as _;
    let invalid = std::ffi::OsStr::from_bytes(b"TEST\xffKEY12");
    fails_with_usage_error(
        configured().env("ASC_KEY_ID", invalid),
        "error: ASC_KEY_ID (input key-id) is not valid UTF-8 text",
    );
}

#[test]
fn fails_with_an_unknown_argument_pointing_to_help() {
    asc_jwt()
        .arg("--key-id")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unexpected argument `--key-id`"))
        .stderr(predicate::str::contains("asc-jwt --help"));
}

#[test]
fn an_argument_that_is_not_an_option_is_not_echoed() {
    asc_jwt()
        .arg(key_pem())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unexpected argument:"))
        .stderr(predicate::str::contains("PRIVATE").not());
}

#[test]
fn errors_become_workflow_commands_in_github_actions() {
    asc_jwt()
        .env("GITHUB_ACTIONS", "true")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "::error title=asc-jwt::ASC_KEY_ID (input key-id) is not set",
        ));
}

#[test]
fn help_lists_every_variable_input_and_exit_code() {
    let assert = asc_jwt().arg("--help").assert().success().stderr("");
    let help = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for var in asc_jwt::settings::SETTINGS.iter().map(|s| s.var) {
        assert!(help.contains(var.name()), "{}", var.name());
        if let Some(input) = var.input() {
            assert!(help.contains(&format!("[{input}]")), "{input}");
        }
    }
    for line in ["  0  ", "  1  ", "  2  ", "  3  "] {
        assert!(help.contains(line), "exit code line {line:?}");
    }
}

#[test]
fn version_prints_the_package_version() {
    asc_jwt()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("asc-jwt {}\n", env!("CARGO_PKG_VERSION")));
}
