//! Near misses (issue 19): a misspelt variable, another tool's names, a value one letter
//! off, a key encoded twice, two requests on one scope line, a missing key file among
//! other problems, a forgotten `api`, and the footer inside Actions. Each message says
//! what was probably meant; nothing is changed silently (every case still exits 2).

use crate::common::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use predicates::prelude::*;

/// The number of `error:` lines, the footer included.
fn errors(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.starts_with("error: ")).count()
}

#[test]
fn a_misspelt_variable_is_named_in_a_warning_with_the_closest_setting() {
    let assert = fails_with_usage_error(
        asc_jwt()
            .env("ASC_KEY_ID", KEY_ID)
            .env("ASC_ISSUERID", ISSUER)
            .env("ASC_PRIVATE_KEY", key_pem()),
        "warning: `ASC_ISSUERID` is not a setting of asc-jwt, and is ignored; did you mean \
         `ASC_ISSUER_ID`?",
    );
    // The setting then missing names the misspelt one.
    assert.stderr(
        predicate::str::contains(
            "error: ASC_ISSUER_ID (input issuer-id) is not set: team keys need",
        )
        .and(predicate::str::contains(
            "; `ASC_ISSUERID` is set, but is not a setting of asc-jwt: did you mean to name it \
         ASC_ISSUER_ID?",
        )),
    );
}

#[test]
fn asc_key_path_is_named_when_no_key_is_set() {
    fails_with_usage_error(
        identified().env("ASC_KEY_PATH", fixture("test-only-p256.p8")),
        "error: ASC_PRIVATE_KEY (input private-key) is not set, and neither is \
         ASC_PRIVATE_KEY_PATH (input private-key-path)",
    )
    .stderr(predicate::str::contains(
        "`ASC_KEY_PATH` is set: that is the name of asc-jwt's output (the key file it \
         wrote), not a setting; the key's path goes in ASC_PRIVATE_KEY_PATH (input \
         private-key-path)",
    ));
}

#[test]
fn a_misspelt_optional_setting_warns_and_the_token_is_still_minted() {
    configured()
        .env("ASC_DURATON", "600")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: `ASC_DURATON` is not a setting of asc-jwt, and is ignored; did you mean \
             `ASC_DURATION`?",
        ));
}

#[test]
fn asc_jwts_own_outputs_and_unrelated_names_are_not_called_misspelt() {
    mints_without_mentioning(
        &[
            ("ASC_TOKEN", "x"),
            ("ASC_TOKEN_EXPIRES_AT", "1"),
            ("ASC_KEY_PATH", "/tmp/AuthKey_TESTKEY123.p8"),
            ("ASC_JWT_TEST_RELEASE_URL", "http://127.0.0.1:1"),
        ],
        "warning",
    );
}

/// A valid configuration with `extra` set mints, and says nothing with `words` in it.
fn mints_without_mentioning(extra: &[(&str, &str)], words: &str) {
    let output = configured().envs(extra.iter().copied()).output().unwrap();
    let (_, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains(words), "{stderr}");
}

#[test]
fn an_unknown_variable_with_nothing_close_is_named_without_a_guess() {
    configured()
        .env("ASC_WORKFLOW_NAME", "nightly")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: `ASC_WORKFLOW_NAME` is not a setting of asc-jwt, and is ignored\n",
        ));
}

#[test]
fn fastlanes_names_are_named_as_the_likely_mix_up() {
    let assert = fails_with_usage_error(
        asc_jwt()
            .env("APP_STORE_CONNECT_API_KEY_KEY_ID", KEY_ID)
            .env("APP_STORE_CONNECT_API_KEY_ISSUER_ID", ISSUER)
            .env("APP_STORE_CONNECT_API_KEY_KEY", key_pem()),
        "error: ASC_KEY_ID (input key-id) is not set",
    );
    let output = assert.get_output();
    let (_, stderr) = texts(output);
    for (theirs, ours) in [
        (
            "APP_STORE_CONNECT_API_KEY_KEY_ID",
            "ASC_KEY_ID (input key-id)",
        ),
        (
            "APP_STORE_CONNECT_API_KEY_ISSUER_ID",
            "ASC_ISSUER_ID (input issuer-id)",
        ),
        (
            "APP_STORE_CONNECT_API_KEY_KEY",
            "ASC_PRIVATE_KEY (input private-key)",
        ),
    ] {
        let words = format!("`{theirs}` is set: that is fastlane's name for {ours}");
        assert!(stderr.contains(&words), "no {words:?} in\n{stderr}");
    }
    assert_eq!(errors(&stderr), 4, "{stderr}");
    assert_no_leak("stderr", &stderr, &secret_runs(&[]), &[]);
}

#[test]
fn another_tools_name_beside_ours_is_not_mentioned() {
    mints_without_mentioning(
        &[
            ("APP_STORE_CONNECT_API_KEY_KEY_ID", KEY_ID),
            ("APP_STORE_CONNECT_KEY_IDENTIFIER", KEY_ID),
        ],
        "APP_STORE_CONNECT",
    );
}

#[test]
fn another_tools_name_for_an_optional_setting_warns_while_ours_is_unset() {
    configured()
        .env("APP_STORE_CONNECT_API_KEY_DURATION", "600")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: `APP_STORE_CONNECT_API_KEY_DURATION` is set: that is fastlane's name for \
             ASC_DURATION (input duration), which asc-jwt reads; set ASC_DURATION to its \
             value instead",
        ));
}

#[test]
fn every_enumerated_value_one_slip_away_gets_a_suggestion() {
    for (var, value, meant) in [
        ("ASC_API", "app_store_connect", "app-store-connect"),
        ("ASC_API", "signinwithapple", "sign-in-with-apple"),
        ("ASC_FORMAT", "jsn", "json"),
        ("ASC_KEY_TYPE", "individul", "individual"),
        ("ASC_CLOCK", "aple", "apple"),
        ("ASC_VERIFY", "ture", "true"),
        ("ASC_KEY_FILE", "flase", "false"),
    ] {
        fails_with_usage_error(
            configured().env(var, value),
            format!("; did you mean `{meant}`?"),
        );
    }
}

#[test]
fn a_value_near_no_name_gets_no_suggestion() {
    fails_with_usage_error(
        configured().env("ASC_FORMAT", "xml"),
        "error: ASC_FORMAT is `xml`: expected `text`, `json`, `dotenv` or `github`\n",
    );
}

#[test]
fn a_key_encoded_twice_says_so() {
    let twice = STANDARD.encode(STANDARD.encode(key_pem()));
    let assert = fails_with_usage_error(
        identified().env("ASC_PRIVATE_KEY", &twice),
        "error: ASC_PRIVATE_KEY (input private-key) is base64 of base64 (encoded twice): \
         decode it once",
    );
    let (_, stderr) = texts(assert.get_output());
    let mut runs = secret_runs(&[]);
    runs.extend(secret_runs(&[&twice]));
    assert_no_leak("stderr", &stderr, &runs, &[]);
    let (_dir, path) = temp_file("AuthKey_TESTKEY123.p8", &twice);
    fails_with_usage_error(
        identified().env("ASC_PRIVATE_KEY_PATH", &path),
        "whose content is base64 of base64 (encoded twice): decode it once",
    );
}

#[test]
fn two_requests_on_one_scope_line_are_told_apart() {
    fails_with_usage_error(
        configured().env("ASC_SCOPE", "GET /v1/apps GET /v1/builds"),
        "error: ASC_SCOPE (input scope) entry 1 lists several requests on one line: put them \
         one per line",
    );
}

#[test]
fn a_scope_entry_without_a_method_says_the_method_is_missing() {
    fails_with_usage_error(
        configured().env("ASC_SCOPE", "GET /v1/apps\n/v1/builds"),
        "error: ASC_SCOPE (input scope) entry 2 has no method before its path",
    );
}

#[test]
fn a_missing_key_file_is_reported_with_every_other_problem() {
    let assert = fails_with_usage_error(
        asc_jwt()
            .env("ASC_ISSUER_ID", ISSUER)
            .env("ASC_DURATION", "soon")
            .env("ASC_PRIVATE_KEY_PATH", "/nonexistent/AuthKey_TESTKEY123.p8"),
        "error: ASC_PRIVATE_KEY_PATH (input private-key-path) is \
         `/nonexistent/AuthKey_TESTKEY123.p8`, which cannot be read (no such file)",
    );
    let (_, stderr) = texts(assert.get_output());
    assert!(
        stderr.contains("error: ASC_KEY_ID (input key-id) is not set"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: ASC_DURATION (input duration) is `soon`"),
        "{stderr}"
    );
    assert!(stderr.contains("3 configuration problems"), "{stderr}");
}

#[test]
fn a_key_file_that_is_not_a_key_is_reported_with_every_other_problem() {
    let (_dir, path) = temp_file("AuthKey_TESTKEY123.p8", "not a key");
    fails_with_usage_error(
        identified()
            .env("ASC_FORMAT", "jsn")
            .env("ASC_PRIVATE_KEY_PATH", &path),
        "whose content is neither PEM nor base64",
    )
    .stderr(predicate::str::contains("error: ASC_FORMAT is `jsn`"));
}

#[test]
fn sign_in_with_apple_settings_without_api_point_one_way() {
    let assert = fails_with_usage_error(
        asc_jwt()
            .env("ASC_KEY_ID", KEY_ID)
            .env("ASC_TEAM_ID", "ABCDE12345")
            .env("ASC_CLIENT_ID", "com.example.web")
            .env("ASC_DURATION", "15552000")
            .env("ASC_PRIVATE_KEY_PATH", fixture("test-only-p256.p8")),
        "error: ASC_API (input api) is not set, so the token is for `app-store-connect`, \
         which has no use for ASC_TEAM_ID, ASC_CLIENT_ID: set it to the service the token \
         is for, here `sign-in-with-apple`",
    );
    let (_, stderr) = texts(assert.get_output());
    // Nothing points back to App Store Connect's settings.
    for wrong in [
        "ASC_ISSUER_ID",
        "error: ASC_DURATION",
        "error: ASC_TEAM_ID",
        "error: ASC_CLIENT_ID",
    ] {
        assert!(!stderr.contains(wrong), "{wrong:?} in\n{stderr}");
    }
    assert_eq!(errors(&stderr), 2, "{stderr}");
}

#[test]
fn a_team_id_beside_an_issuer_id_is_still_told_to_go() {
    // The issuer ID says App Store Connect was meant: the Team ID's own message stays.
    fails_with_usage_error(
        configured().env("ASC_TEAM_ID", "ABCDE12345"),
        "error: ASC_TEAM_ID (input team-id) is set, but App Store Connect API tokens are \
         issued by the issuer ID",
    );
}

#[test]
fn business_manager_settings_without_api_point_one_way() {
    let assert = fails_with_usage_error(
        asc_jwt()
            .env("ASC_KEY_ID", "e339d085-a821-438a-a527-d044edacf50a")
            .env(
                "ASC_CLIENT_ID",
                "BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152",
            )
            .env("ASC_PRIVATE_KEY", key_pem()),
        "error: ASC_API (input api) is not set, so the token is for `app-store-connect`, \
         which has no use for ASC_CLIENT_ID",
    );
    let (_, stderr) = texts(assert.get_output());
    assert_eq!(errors(&stderr), 2, "{stderr}");
}

#[test]
fn inside_actions_the_footer_names_the_inputs_not_the_command_line() {
    let output = asc_jwt().env("GITHUB_ACTIONS", "true").output().unwrap();
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr.contains("asc-jwt --help"), "{stderr}");
    assert!(
        stderr.contains(
            "::error title=asc-jwt::3 configuration problems; nothing was minted (the step's \
             inputs are described in the action's README under Inputs, the ASC_* variables \
             under Configuration)"
        ),
        "{stderr}"
    );
}

#[test]
fn outside_actions_the_footer_points_to_help() {
    fails_with_usage_error(
        &mut asc_jwt(),
        "error: 3 configuration problems; nothing was minted (see `asc-jwt --help`)",
    );
}

#[test]
fn sign_in_settings_beside_a_leftover_issuer_id_point_one_way() {
    // The README's `export` leaves ASC_ISSUER_ID set; the Team ID and client ID fit Sign in
    // with Apple alone, so no message may send the reader back to App Store Connect.
    let assert = fails_with_usage_error(
        configured()
            .env("ASC_TEAM_ID", "ABCDE12345")
            .env("ASC_CLIENT_ID", "com.example.web"),
        "here `sign-in-with-apple`, and unset ASC_ISSUER_ID, which it has no use for",
    );
    let (_, stderr) = texts(assert.get_output());
    // The one problem, and the count.
    assert_eq!(errors(&stderr), 2, "{stderr}");
    assert!(!stderr.contains("set ASC_ISSUER_ID instead"), "{stderr}");
}

#[test]
fn a_key_path_that_cannot_be_read_points_to_the_file_next_to_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("AuthKey_TESTKEY123.p8"), key_pem()).unwrap();
    let cases = [
        (dir.path().join("AuthKey_TESTKEY123"), "did you mean `"),
        (
            dir.path().to_path_buf(),
            "the folder holds `AuthKey_TESTKEY123.p8`",
        ),
    ];
    for (path, words) in cases {
        fails_with_usage_error(identified().env("ASC_PRIVATE_KEY_PATH", &path), words);
    }
    fails_with_usage_error(
        identified()
            .current_dir(dir.path())
            .env("ASC_PRIVATE_KEY_PATH", "missing.p8"),
        "(a relative path, read from `",
    );
}

#[test]
fn typographic_quotes_around_a_value_are_named() {
    let assert = fails_with_usage_error(
        configured().env("ASC_ISSUER_ID", format!("“{ISSUER}”")),
        "ASC_ISSUER_ID (input issuer-id) is wrapped in typographic quotes",
    );
    let (_, stderr) = texts(assert.get_output());
    // One problem, and the count: not also "is not set" or a shape the quotes make.
    assert_eq!(errors(&stderr), 2, "{stderr}");
}
