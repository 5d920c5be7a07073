//! Minting on Apple's clock and verifying with Apple, against a fake Apple on 127.0.0.1
//! (ASC_API_BASE_URL): offsets, a silent server, a bad Date, and every kind of answer.

use std::time::Instant;

use crate::common::*;
use crate::fake_apple::{Answer, Date, FakeApple, NOT_AUTHORIZED};
use serde_json::Value;

fn against(apple: &FakeApple) -> assert_cmd::Command {
    let mut cmd = configured();
    cmd.env("ASC_API_BASE_URL", &apple.url)
        .env("ASC_FORMAT", "json");
    cmd
}

fn run(cmd: &mut assert_cmd::Command) -> Run {
    run_json(cmd, &[])
}

fn claims(run: &Run) -> Value {
    verify(run.json.as_ref().unwrap()["token"].as_str().unwrap()).1
}

/// A fake Apple whose clock is `offset` seconds from this machine's, accepting tokens.
fn apple_off_by(offset: i64) -> FakeApple {
    FakeApple::start(
        Answer {
            date: Date::Offset(offset),
            ..Answer::new(401, "")
        },
        Answer::new(200, "{}"),
    )
}

#[test]
fn iat_follows_apples_clock_for_every_offset() {
    for offset in [-300, -30, 0, 30, 300] {
        let apple = apple_off_by(offset);
        let result = run(against(&apple).env("ASC_CLOCK", "apple"));
        assert_eq!(result.code, 0, "offset {offset}: {}", result.stderr);
        let sent = apple.dates_sent()[0];
        let claims = claims(&result);
        assert_eq!(
            claims["iat"].as_i64().unwrap(),
            sent - 60,
            "offset {offset}"
        );
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            1200
        );
        let measured = result.json.as_ref().unwrap()["clock_offset"]
            .as_i64()
            .unwrap();
        assert!(
            (measured - offset).abs() <= 1,
            "offset {offset} measured as {measured}"
        );
        assert!(result.stderr.contains("minting on Apple's"));
        if offset.abs() == 300 {
            assert!(
                result.stderr.contains("warning: this machine's clock is"),
                "{offset}"
            );
        }
        if offset == 0 {
            assert!(!result.stderr.contains("warning"), "{}", result.stderr);
        }
    }
}

#[test]
fn a_silent_server_falls_back_to_the_local_clock_within_the_timeout() {
    let apple = FakeApple::silent();
    let started = Instant::now();
    let before = now();
    let result = run(against(&apple).env("ASC_CLOCK", "apple"));
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(elapsed < 7.0, "gave up after {elapsed:.1} s");
    assert!(result.stderr.contains(
        "warning: could not read Apple's clock (no answer within 5 s); minting on this machine's clock"
    ));
    let iat = claims(&result)["iat"].as_i64().unwrap();
    assert!((before - 60..=now() - 60).contains(&iat));
    assert!(result.json.unwrap().get("clock_offset").is_none());
}

#[test]
fn a_malformed_date_falls_back_with_a_warning() {
    let apple = FakeApple::start(
        Answer {
            date: Date::Raw("sometime last week"),
            ..Answer::new(401, "")
        },
        Answer::new(200, "{}"),
    );
    let result = run(against(&apple).env("ASC_CLOCK", "apple"));
    assert_eq!(result.code, 0);
    assert!(result.stderr.contains(
        "warning: could not read Apple's clock (its Date header `sometime last week` is not an HTTP date)"
    ));
}

#[test]
fn verify_sends_exactly_the_bearer_token_and_reports_success() {
    let apple = FakeApple::start(Answer::new(401, ""), Answer::new(200, r#"{"data":[]}"#));
    let result = run(against(&apple).env("ASC_VERIFY", "true"));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains("asc-jwt: Apple accepted the token (HTTP 200 in ")
    );
    let json = result.json.as_ref().unwrap();
    assert_eq!(json["verified"], true);
    claims(&result);

    let requests = apple.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["HEAD", "GET"], "verify implies Apple's clock");
    let get = &requests[1];
    assert_eq!(get.target, "/v1/apps?limit=1");
    let auth: Vec<&str> = get
        .headers
        .iter()
        .filter(|(name, _)| name == "authorization")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(
        auth,
        [format!("Bearer {}", json["token"].as_str().unwrap())]
    );
    assert!(
        requests[0]
            .headers
            .iter()
            .all(|(name, _)| name != "authorization")
    );
}

#[test]
fn verify_with_a_local_clock_asks_only_once() {
    let apple = FakeApple::start(Answer::new(401, ""), Answer::new(200, "{}"));
    let result = run(against(&apple)
        .env("ASC_VERIFY", "true")
        .env("ASC_CLOCK", "local"));
    assert_eq!(result.code, 0);
    assert_eq!(apple.requests().len(), 1);
}

#[test]
fn enterprise_tokens_are_verified_with_an_enterprise_read() {
    let apple = FakeApple::start(Answer::new(401, ""), Answer::new(200, "{}"));
    run(against(&apple)
        .env("ASC_VERIFY", "true")
        .env("ASC_API", "enterprise"));
    assert_eq!(apple.requests()[1].target, "/v1/bundleIds?limit=1");
}

/// Each refusal: outputs still written, exit 3, Apple's words and a diagnosis.
fn refused(status: u16, body: &str) -> Run {
    let apple = FakeApple::start(Answer::new(401, ""), Answer::new(status, body));
    let result = run(against(&apple).env("ASC_VERIFY", "true"));
    assert_eq!(result.code, 3, "HTTP {status}: {}", result.stderr);
    let json = result.json.as_ref().expect("the outputs are still written");
    assert_eq!(json["verified"], false);
    claims(&result);
    // 429 and 5xx are answers that judged nothing: no checklist of the configuration.
    let (verdict, checklist) = match status {
        429 | 500..=599 => ("did not judge", false),
        _ => ("refused", true),
    };
    assert!(
        result
            .stderr
            .contains(&format!("error: Apple {verdict} the token: HTTP {status}")),
        "{}",
        result.stderr
    );
    assert_eq!(result.stderr.contains("team-key token"), checklist);
    assert_eq!(result.stderr.contains("minted on Apple's clock"), checklist);
    result
}

#[test]
fn a_401_quotes_apples_error_and_diagnoses() {
    let result = refused(401, NOT_AUTHORIZED);
    assert!(result.stderr.contains(
        "NOT_AUTHORIZED: Authentication credentials are missing or invalid. Provide a properly configured"
    ));
    assert!(result.stderr.contains("revoked"));
    assert!(result.stderr.contains("aud `appstoreconnect-v1`"));
}

#[test]
fn a_403_points_to_the_license_agreement() {
    let body = r#"{"errors":[{"status":"403","code":"FORBIDDEN_ERROR","title":"This request is forbidden for security reasons","detail":"A required agreement is missing or has expired."}]}"#;
    let result = refused(403, body);
    assert!(
        result
            .stderr
            .contains("FORBIDDEN_ERROR: This request is forbidden")
    );
    assert!(result.stderr.contains("program license agreement"));
}

#[test]
fn a_429_says_the_token_was_not_judged() {
    let result = refused(
        429,
        r#"{"errors":[{"code":"RATE_LIMIT_EXCEEDED","title":"The request rate limit has been reached.","detail":"Try again later."}]}"#,
    );
    assert!(result.stderr.contains("rate-limiting"));
}

#[test]
fn a_500_says_the_failure_is_apples() {
    let result = refused(
        500,
        r#"{"errors":[{"code":"UNEXPECTED_ERROR","title":"An unexpected error occurred.","detail":"The server failed."}]}"#,
    );
    assert!(result.stderr.contains("failure on Apple's side"));
}

#[test]
fn a_body_that_is_not_json_is_said_to_be_so() {
    let result = refused(502, "<html>Bad Gateway</html>");
    assert!(
        result
            .stderr
            .contains("(the answer was not Apple's error JSON)")
    );
}

#[test]
fn github_outputs_carry_the_clock_offset_and_the_verdict() {
    let apple = FakeApple::start(
        Answer {
            date: Date::Offset(120),
            ..Answer::new(401, "")
        },
        Answer::new(401, NOT_AUTHORIZED),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("output");
    let output = against(&apple)
        .env("ASC_FORMAT", "github")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &file)
        .env("ASC_VERIFY", "true")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let (stdout, stderr) = texts(&output);
    assert!(stderr.contains("::error title=asc-jwt::Apple refused the token: HTTP 401%0A"));
    let values = parse_github_file(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(values["verified"], "false");
    let offset: i64 = values["clock-offset"].parse().unwrap();
    assert!((offset - 120).abs() <= 1);
    verify(&values["token"]);
    let runs = secret_runs(&[values["token"].as_str()]);
    assert_no_leak("stdout", &stdout, &runs, &["::add-mask::"]);
    assert_no_leak("stderr", &stderr, &runs, &[]);
}

#[test]
fn the_base_url_override_refuses_anything_but_loopback() {
    let result = run(configured().env("ASC_API_BASE_URL", "https://example.com"));
    assert_eq!(result.code, 2);
    assert!(result.stderr.contains(
        "error: ASC_API_BASE_URL is for tests only and accepts only `http://127.0.0.1:PORT`"
    ));
}

#[test]
fn an_unreachable_apple_during_verify_is_exit_1_with_nothing_delivered() {
    let apple = FakeApple::silent();
    let result = run(against(&apple)
        .env("ASC_VERIFY", "true")
        .env("ASC_CLOCK", "local"));
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(result.stderr.contains(
        "error: could not ask Apple whether it accepts the token: cannot reach `127.0.0.1`: \
         timeout: no answer within 5 s"
    ));
    assert!(result.json.is_none(), "no token is printed");
}

#[test]
fn apples_clock_more_than_a_day_off_mints_nothing() {
    for offset in [86_400 + 120, -(86_400 + 120), 10 * 365 * 86_400] {
        for format in ["json", "github"] {
            let apple = apple_off_by(offset);
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("output");
            let result = run(against(&apple)
                .env("ASC_CLOCK", "apple")
                .env("ASC_FORMAT", format)
                .env("GITHUB_OUTPUT", &file));
            let case = format!("offset {offset}, {format}");
            assert_eq!(result.code, 1, "{case}: {}", result.stderr);
            assert_eq!(result.stdout, "", "{case}");
            assert!(!file.exists(), "{case}: GITHUB_OUTPUT was written");
            assert!(
                !result.stderr.contains("eyJ"),
                "{case}: a token was printed"
            );
            for words in [
                "more than 24 hours",
                "fix this machine's clock",
                "clock: local",
            ] {
                assert!(result.stderr.contains(words), "{case}: {}", result.stderr);
            }
        }
    }
}

#[test]
fn apples_clock_less_than_a_day_off_is_minted_on_with_a_warning() {
    let apple = apple_off_by(86_400 - 120);
    let result = run(against(&apple).env("ASC_CLOCK", "apple"));
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert!(result.stderr.contains("warning: this machine's clock is"));
    let iat = claims(&result)["iat"].as_i64().unwrap();
    assert_eq!(iat, apple.dates_sent()[0] - 60);
}
