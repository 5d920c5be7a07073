//! Bad configuration exits 2 with one message per problem naming the variable and the
//! action input, prints nothing on stdout and never panics.

use crate::common::*;
use predicates::prelude::*;

/// One bad configuration: what it starts from, what it sets, and what stderr must say.
struct Case {
    name: &'static str,
    /// Whether it starts from a valid configuration ([`configured`]) or from nothing.
    configured: bool,
    env: &'static [(&'static str, &'static str)],
    stderr: &'static [&'static str],
}

/// A new case is one entry.
const CASES: &[Case] = &[
    Case {
        name: "every missing required variable is listed",
        configured: false,
        env: &[],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) is not set",
            "error: ASC_ISSUER_ID (input issuer-id) is not set",
            "error: ASC_PRIVATE_KEY (input private-key) is not set, and neither is ASC_PRIVATE_KEY_PATH",
            "3 configuration problem(s)",
        ],
    },
    Case {
        name: "errors become workflow commands in GitHub Actions",
        configured: false,
        env: &[("GITHUB_ACTIONS", "true")],
        stderr: &["::error title=asc-jwt::ASC_KEY_ID (input key-id) is not set"],
    },
    Case {
        name: "empty values count as unset",
        configured: true,
        env: &[("ASC_KEY_ID", "   ")],
        stderr: &["error: ASC_KEY_ID (input key-id) is not set"],
    },
    Case {
        name: "key ID that is not alphanumeric",
        configured: true,
        env: &[("ASC_KEY_ID", "TESTKEY-12")],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) must contain only ASCII letters and digits, but character 8 is not one",
        ],
    },
    Case {
        name: "malformed issuer ID",
        configured: true,
        env: &[("ASC_ISSUER_ID", "57246542-96fe-1a63-e053")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not shaped like a UUID (23 characters in groups of 8-4-4-4)",
        ],
    },
    Case {
        name: "issuer ID set for an individual key",
        configured: true,
        env: &[("ASC_KEY_TYPE", "individual")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is set, but ASC_KEY_TYPE (input key-type) is `individual`",
        ],
    },
    Case {
        name: "both key sources",
        configured: true,
        env: &[("ASC_PRIVATE_KEY_PATH", "tests/fixtures/test-only-p256.p8")],
        stderr: &[
            "error: ASC_PRIVATE_KEY (input private-key) and ASC_PRIVATE_KEY_PATH (input private-key-path) are both set",
        ],
    },
    Case {
        name: "duration that is not a number",
        configured: true,
        env: &[("ASC_DURATION", "20m")],
        stderr: &[
            "error: ASC_DURATION (input duration) is `20m`: expected a whole number of seconds from 120 to 1200",
        ],
    },
    Case {
        name: "duration too short",
        configured: true,
        env: &[("ASC_DURATION", "60")],
        stderr: &["error: ASC_DURATION (input duration) is 60 s: expected at least 120 s"],
    },
    Case {
        name: "long duration without a GET-only scope",
        configured: true,
        env: &[
            ("ASC_DURATION", "3600"),
            ("ASC_SCOPE", "GET /v1/apps\nPATCH /v1/apps/1"),
        ],
        stderr: &[
            "error: ASC_DURATION (input duration) is 3600 s: Apple's rule is that a token lives at most 20 minutes (1200 s)",
        ],
    },
    Case {
        name: "bad scope entry",
        configured: true,
        env: &[("ASC_SCOPE", "GET /v1/apps\nFETCH /v1/builds")],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 2 has method `FETCH`: expected one of GET, POST, PATCH, PUT, DELETE",
        ],
    },
    Case {
        name: "unknown key type",
        configured: true,
        env: &[("ASC_KEY_TYPE", "admin")],
        stderr: &[
            "error: ASC_KEY_TYPE (input key-type) is `admin`: expected `team` or `individual`",
        ],
    },
    Case {
        name: "unknown api",
        configured: true,
        env: &[("ASC_API", "itunes")],
        stderr: &[
            "error: ASC_API (input api) is `itunes`: expected `app-store-connect`, `enterprise`, `app-store-server`, `sign-in-with-apple`, `business-manager`, `school-manager`, `apns`, `music`, `weatherkit` or `maps`",
        ],
    },
    Case {
        name: "unknown format",
        configured: true,
        env: &[("ASC_FORMAT", "yaml")],
        stderr: &["error: ASC_FORMAT is `yaml`: expected `text`, `json`, `dotenv` or `github`"],
    },
    Case {
        name: "a key folder with a line break is refused, not printed",
        configured: true,
        env: &[
            ("ASC_KEY_FILE", "true"),
            ("ASC_KEY_DIR", "/tmp/k\n::set-output name=token::ATTACKER"),
        ],
        stderr: &["error: ASC_KEY_DIR (input key-dir) has a control character"],
    },
    Case {
        name: "a key folder with a space in dotenv format",
        configured: true,
        env: &[
            ("ASC_KEY_FILE", "true"),
            ("ASC_FORMAT", "dotenv"),
            ("ASC_KEY_DIR", "/tmp/k NODE_OPTIONS=--require=./evil.js"),
        ],
        stderr: &["error: ASC_KEY_DIR (input key-dir) has white space"],
    },
    Case {
        name: "key ID longer than 10 characters",
        configured: true,
        env: &[("ASC_KEY_ID", "TESTKEY1234")],
        stderr: &["error: ASC_KEY_ID (input key-id) is 11 characters long: expected the 10"],
    },
    Case {
        name: "key ID shorter than 10 characters",
        configured: true,
        env: &[("ASC_KEY_ID", "SHORT")],
        stderr: &["error: ASC_KEY_ID (input key-id) is 5 characters long"],
    },
    Case {
        name: "key file name as key ID",
        configured: true,
        env: &[("ASC_KEY_ID", "AuthKey_ABCDE12345")],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) starts with `AuthKey_`: that is the file name; the key ID is ABCDE12345",
        ],
    },
    Case {
        name: "key ID and issuer ID swapped",
        configured: true,
        env: &[
            ("ASC_KEY_ID", "57246542-96fe-1a63-e053-0824d011072a"),
            ("ASC_ISSUER_ID", "ABCDE12345"),
        ],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) and ASC_ISSUER_ID (input issuer-id) look swapped",
            "error: 1 configuration problem(s)",
        ],
    },
    Case {
        name: "missing issuer ID mentions individual keys",
        configured: true,
        env: &[("ASC_ISSUER_ID", "")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not set: team keys need",
            "ASC_KEY_TYPE=individual (input key-type: individual)",
        ],
    },
    Case {
        name: "several scope entries on one line",
        configured: true,
        env: &[("ASC_SCOPE", "GET /v1/apps, GET /v1/builds")],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 1 lists several requests on one line: put them one per line or in a JSON array",
        ],
    },
    Case {
        name: "a full URL as scope path",
        configured: true,
        env: &[(
            "ASC_SCOPE",
            "GET https://api.appstoreconnect.apple.com/v1/apps",
        )],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 1 has a full URL: give the path only, e.g. `GET /v1/apps`",
        ],
    },
    Case {
        name: "a PEM pasted into the issuer ID",
        configured: true,
        env: &[(
            "ASC_ISSUER_ID",
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
        )],
        stderr: &["error: ASC_ISSUER_ID (input issuer-id) looks like the private key"],
    },
    Case {
        name: "a PEM without its END line",
        configured: true,
        env: &[(
            "ASC_PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n",
        )],
        stderr: &["the key looks cut short: copy the whole secret again"],
    },
    Case {
        name: "base64 of a key cut short",
        configured: true,
        env: &[(
            "ASC_PRIVATE_KEY",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
        )],
        stderr: &["the key looks cut short: copy the whole secret again"],
    },
    Case {
        name: "base64 of a key cut at a length base64 cannot have",
        configured: true,
        env: &[(
            "ASC_PRIVATE_KEY",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgA",
        )],
        stderr: &["the key looks cut short: copy the whole secret again"],
    },
    Case {
        name: "a bad duration and a bad scope are both reported",
        configured: true,
        env: &[("ASC_DURATION", "abc"), ("ASC_SCOPE", "FETCH /v1/apps")],
        stderr: &[
            "error: ASC_DURATION (input duration) is `abc`",
            "error: ASC_SCOPE (input scope) entry 1 has method `FETCH`",
            "error: 2 configuration problem(s)",
        ],
    },
    Case {
        name: "a bad issuer ID and a bad key type are both reported",
        configured: true,
        env: &[("ASC_ISSUER_ID", "xyz"), ("ASC_KEY_TYPE", "tem")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not shaped like a UUID",
            "error: ASC_KEY_TYPE (input key-type) is `tem`",
            "error: 2 configuration problem(s)",
        ],
    },
    Case {
        name: "github format outside GitHub",
        configured: true,
        env: &[("ASC_FORMAT", "github")],
        stderr: &["error: GITHUB_OUTPUT is not set, but ASC_FORMAT is `github`"],
    },
];

/// Each case exits 2 with nothing on stdout, no panic and its messages on stderr; every
/// failing case is listed, not only the first.
#[test]
fn each_bad_configuration_exits_2_naming_the_variable_and_input() {
    let mut failures = Vec::new();
    for case in CASES {
        let mut cmd = if case.configured {
            configured()
        } else {
            asc_jwt()
        };
        let output = cmd.envs(case.env.iter().copied()).output().unwrap();
        let (stdout, stderr) = texts(&output);
        let mut wrong: Vec<String> = case
            .stderr
            .iter()
            .filter(|message| !stderr.contains(*message))
            .map(|message| format!("no {message:?}"))
            .collect();
        if output.status.code() != Some(2) {
            wrong.push(format!("exit {:?}", output.status.code()));
        }
        if !stdout.is_empty() || stderr.contains("panicked") {
            wrong.push("stdout not empty, or a panic".into());
        }
        if !wrong.is_empty() {
            failures.push(format!("{}: {}\n{stderr}", case.name, wrong.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[cfg(unix)]
fn fails_with_a_value_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt as _;
    let invalid = std::ffi::OsStr::from_bytes(b"TEST\xffKEY12");
    let assert = fails_with_usage_error(
        configured().env("ASC_KEY_ID", invalid),
        "error: ASC_KEY_ID (input key-id) is not valid UTF-8 text",
    );
    let (_, stderr) = texts(assert.get_output());
    assert_eq!(
        stderr.matches("ASC_KEY_ID").count(),
        1,
        "reported once: {stderr}"
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
