//! `asc-jwt explain` on tokens minted by code that shares nothing with asc-jwt (PyJWT,
//! node's jose, the openssl command line with its DER signature, hand-made parts) and by
//! asc-jwt itself: a valid token of every service explains as valid; each rule broken
//! alone fails the one check that names it, exit 3; what is not a JWT is refused with
//! exit 2; nothing printed holds the token, its signature or the key.

use std::path::PathBuf;
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::common::*;
use crate::fake_apple::{Answer, Date, FakeApple, NOT_AUTHORIZED};

const BUSINESS_AUDIENCE: &str = "https://account.apple.com/auth/oauth2/v2/token";
const JTI: &str = "6f1c2a9e-5b3d-4e8f-9a7b-2c1d0e9f8a7b";

/// The binary's answer to `explain` with `input` on standard input.
struct Explained {
    code: i32,
    stdout: String,
    stderr: String,
}

fn explain_input(input: &[u8], env: &[(&str, &str)]) -> Explained {
    let output = asc_jwt()
        .arg("explain")
        .envs(env.iter().copied())
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Explained {
        code: output.status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// The JSON report on `token`.
fn json_report(token: &str, env: &[(&str, &str)]) -> (i32, Value) {
    let mut env = env.to_vec();
    env.push(("ASC_FORMAT", "json"));
    let out = explain_input(token.as_bytes(), &env);
    let json = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {} {}", out.stdout, out.stderr));
    (out.code, json)
}

/// The names of the checks that failed.
fn failed(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["result"] == "fail")
        .map(|c| c["check"].as_str().unwrap().to_owned())
        .collect()
}

fn reason<'a>(report: &'a Value, check: &str, result: &str) -> &'a str {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == check && c["result"] == result)
        .and_then(|c| c["reason"].as_str())
        .unwrap_or_else(|| panic!("no {result} check {check}: {report}"))
}

/// A valid header and claims of `api`'s token at `now`, as Apple's pages list them.
fn valid(api: &str, now: i64) -> (Value, Value) {
    let (iat, exp) = (now - 60, now + 1140);
    let typed = json!({"alg": "ES256", "kid": KEY_ID, "typ": "JWT"});
    let plain = json!({"alg": "ES256", "kid": KEY_ID});
    let manager = |client: &str| {
        (
            json!({"alg": "ES256", "kid": MANAGER_KEY_ID}),
            json!({"iss": client, "sub": client, "aud": BUSINESS_AUDIENCE, "iat": iat, "exp": exp, "jti": JTI}),
        )
    };
    match api {
        "app-store-connect" => (
            typed,
            json!({"iss": ISSUER, "iat": iat, "exp": exp, "aud": "appstoreconnect-v1"}),
        ),
        "enterprise" => (
            typed,
            json!({"iss": ISSUER, "iat": iat, "exp": exp, "aud": "apple-developer-enterprise-v1"}),
        ),
        "app-store-server" => (
            typed,
            json!({"iss": ISSUER, "iat": iat, "exp": exp, "aud": "appstoreconnect-v1", "bid": BUNDLE_ID}),
        ),
        "sign-in-with-apple" => (
            plain,
            json!({"iss": TEAM_ID, "sub": WEB_CLIENT_ID, "aud": "https://appleid.apple.com", "iat": iat, "exp": exp}),
        ),
        "business-manager" => manager(BUSINESS_CLIENT_ID),
        "school-manager" => manager(SCHOOL_CLIENT_ID),
        "apns" => (plain, json!({"iss": TEAM_ID, "iat": iat})),
        "music" => (plain, json!({"iss": TEAM_ID, "iat": iat, "exp": exp})),
        "weatherkit" => (
            json!({"alg": "ES256", "kid": KEY_ID, "id": format!("{TEAM_ID}.{SERVICE_ID}")}),
            json!({"iss": TEAM_ID, "sub": SERVICE_ID, "iat": iat, "exp": exp}),
        ),
        "maps" => (typed, json!({"iss": TEAM_ID, "iat": iat, "exp": exp})),
        "apple-ads" => (
            json!({"alg": "ES256", "kid": APPLE_ADS_KEY_ID}),
            json!({"iss": APPLE_ADS_TEAM_ID, "sub": APPLE_ADS_CLIENT_ID, "aud": "https://appleid.apple.com", "iat": iat, "exp": exp}),
        ),
        "devicecheck" => (plain, json!({"iss": TEAM_ID, "iat": iat})),
        other => panic!("no service {other}"),
    }
}

/// The service explain reads a valid `api` token as without `ASC_API`: a DeviceCheck
/// token is an APNs token's twin (`iss` and `iat`), read as the first listed.
fn found_as(api: &str) -> &str {
    match api {
        "devicecheck" => "apns",
        other => other,
    }
}

/// Every service, by its `ASC_API` name.
fn apis() -> impl Iterator<Item = &'static str> {
    asc_jwt::mint::token::Api::ALL
        .into_iter()
        .map(|api| api.name())
}

/// PyJWT's token of `header` and `claims`, signed with the test key; `None` when PyJWT
/// is not installed (`pyjwt_python` says so).
fn pyjwt(header: &Value, claims: &Value) -> Option<String> {
    const PROGRAM: &str = r#"
import json, sys
import jwt
header, claims = json.loads(sys.stdin.read())
header.pop("alg", None)
header.setdefault("typ", None)  # PyJWT adds `typ` unless told it is None
print(jwt.encode(claims, open(sys.argv[1]).read(), algorithm="ES256", headers=header))
"#;
    let python = pyjwt_python()?;
    Some(run_with_stdin(
        Command::new(python)
            .arg("-c")
            .arg(PROGRAM)
            .arg(fixture("test-only-p256.p8")),
        &json!([header, claims]).to_string(),
    ))
}

fn run_with_stdin(cmd: &mut Command, input: &str) -> String {
    let output = piped(cmd, input);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// node's jose signs `header` and `claims` (`scripts/node_modules`, from `npm ci
/// --prefix scripts`); `None`, with a note, where node or jose is missing.
fn jose(header: &Value, claims: &Value) -> Option<String> {
    const PROGRAM: &str = r#"
import { readFileSync } from "node:fs";
import { SignJWT, importPKCS8 } from "jose";
const [header, claims] = JSON.parse(readFileSync(0, "utf8"));
const key = await importPKCS8(readFileSync(process.argv[1], "utf8"), "ES256");
console.log(await new SignJWT(claims).setProtectedHeader(header).sign(key));
"#;
    let scripts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts");
    let node_works = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_works || !scripts.join("node_modules/jose").exists() {
        eprintln!(
            "note: node or jose (npm ci --prefix scripts) is missing: jose's tokens are skipped"
        );
        return None;
    }
    Some(run_with_stdin(
        Command::new("node")
            .current_dir(&scripts)
            .args(["--input-type=module", "-e", PROGRAM])
            .arg(fixture("test-only-p256.p8")),
        &json!([header, claims]).to_string(),
    ))
}

fn b64(json: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json.to_string())
}

/// `header.claims` signed by `openssl dgst -sha256 -sign`, whose signature is DER.
fn openssl_der(header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let (_dir, message) = temp_file("message", &input);
    let output = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(fixture("test-only-p256.p8"))
        .arg(&message)
        .output()
        .expect("openssl is installed");
    assert!(output.status.success());
    assert_eq!(output.stdout[0], 0x30, "openssl signs in DER");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(&output.stdout))
}

/// A token put together by hand, with any signature bytes.
fn forged(header: &Value, claims: &Value, signature: &[u8]) -> String {
    format!(
        "{}.{}.{}",
        b64(header),
        b64(claims),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

#[test]
fn every_service_pyjwt_signs_explains_as_valid_and_found() {
    let key = key_pem();
    for api in apis() {
        let (header, claims) = valid(api, now());
        let Some(token) = pyjwt(&header, &claims) else {
            return;
        };
        let (code, report) = json_report(&token, &[("ASC_PRIVATE_KEY", &key)]);
        assert_eq!(failed(&report), Vec::<String>::new(), "{api}: {report}");
        assert_eq!(code, 0, "{api}");
        assert_eq!(report["service"], found_as(api), "{api}: {report}");
        assert!(reason(&report, "key", "pass").contains("verifies"), "{api}");
        assert_eq!(report["claims"], claims, "{api}");
    }
}

#[test]
fn every_token_asc_jwt_mints_explains_as_valid() {
    let mut mints: Vec<(&str, assert_cmd::Command)> = vec![("app-store-connect", configured())];
    let mut enterprise = configured();
    enterprise.env("ASC_API", "enterprise");
    mints.push(("enterprise", enterprise));
    for api in apis().skip(2) {
        mints.push((api, service(api)));
    }
    let mut individual = asc_jwt();
    individual
        .env("ASC_KEY_ID", KEY_ID)
        .env("ASC_KEY_TYPE", "individual")
        .env("ASC_PRIVATE_KEY", key_pem());
    mints.push(("app-store-connect", individual));
    let mut long_lived = configured();
    long_lived
        .env("ASC_SCOPE", "GET /v1/ciProducts\nGET /v1/apps/1/ciProduct")
        .env("ASC_DURATION", "86400");
    mints.push(("app-store-connect", long_lived));
    let mut maps = service("maps");
    maps.env("ASC_SCOPE", "server_api\nmapkit_js")
        .env("ASC_ORIGIN", "https://example.com");
    mints.push(("maps", maps));
    let mut music = service("music");
    music
        .env("ASC_ORIGIN", "https://example.com\nhttps://example.org")
        .env("ASC_DURATION", "15777000");
    mints.push(("music", music));
    let mut siwa = service("sign-in-with-apple");
    siwa.env("ASC_DURATION", "15777000");
    mints.push(("sign-in-with-apple", siwa));
    for (api, mut cmd) in mints {
        let output = cmd.output().unwrap();
        assert!(output.status.success(), "{api}");
        let token = texts(&output).0.trim().to_owned();
        let (code, report) = json_report(&token, &[("ASC_PRIVATE_KEY", &key_pem())]);
        assert_eq!((code, failed(&report)), (0, vec![]), "{api}: {report}");
        assert_eq!(report["service"], found_as(api), "{report}");
    }
}

/// One rule broken: which service names it, how, the checks that fail and words of
/// their reason.
struct Broken {
    name: &'static str,
    api: &'static str,
    /// ASC_API, where the token alone would be read as another service.
    given: bool,
    change: fn(&mut Value, &mut Value, i64),
    fails: &'static [&'static str],
    words: &'static str,
}

fn broken_rules() -> Vec<Broken> {
    let case = |name, api, change, fails, words| Broken {
        name,
        api,
        given: false,
        change,
        fails,
        words,
    };
    let given = |name, api, change, fails, words| Broken {
        name,
        api,
        given: true,
        change,
        fails,
        words,
    };
    vec![
        case(
            "lifetime over 20 minutes",
            "app-store-connect",
            |_, c, _| c["exp"] = json!(c["iat"].as_i64().unwrap() + 3600),
            &["lifetime"],
            "has no scope",
        ),
        case(
            "iat in the future",
            "app-store-connect",
            |_, c, n| {
                c["iat"] = json!(n + 300);
                c["exp"] = json!(n + 1200)
            },
            &["iat"],
            "in the future",
        ),
        case(
            "expired",
            "app-store-connect",
            |_, c, n| {
                c["iat"] = json!(n - 3000);
                c["exp"] = json!(n - 1800)
            },
            &["exp"],
            "the token has expired",
        ),
        case(
            "individual key with iss",
            "app-store-connect",
            |_, c, _| c["sub"] = json!("user"),
            &["iss"],
            "individual keys don't use the issuer ID",
        ),
        case(
            "GET scope of a short-lived resource, long life",
            "app-store-connect",
            |_, c, _| {
                c["scope"] = json!(["GET /v1/apps"]);
                c["exp"] = json!(c["iat"].as_i64().unwrap() + 3600)
            },
            &["lifetime"],
            "which this scope is not: `GET /v1/apps` is not",
        ),
        case(
            "scope entry in lower case",
            "app-store-connect",
            |_, c, _| c["scope"] = json!(["get /v1/apps"]),
            &["scope"],
            "method",
        ),
        case(
            "Team ID as issuer",
            "app-store-connect",
            |_, c, _| c["iss"] = json!(TEAM_ID),
            &["iss"],
            "a Team ID or key ID",
        ),
        case(
            "UUID key ID",
            "app-store-connect",
            |h, _, _| h["kid"] = json!(MANAGER_KEY_ID),
            &["kid"],
            "only Apple Business/School Manager and Apple Ads keys",
        ),
        case(
            "typ not JWT",
            "app-store-connect",
            |h, _, _| h["typ"] = json!("at+jwt"),
            &["typ"],
            "lists `JWT`",
        ),
        case(
            "wrong audience",
            "app-store-connect",
            |_, c, _| c["aud"] = json!("appstoreconnect-v2"),
            &["aud"],
            "are for `appstoreconnect-v1`",
        ),
        case(
            "enterprise past 20 minutes",
            "enterprise",
            |_, c, _| {
                c["scope"] = json!(["GET /v1/ciProducts"]);
                c["exp"] = json!(c["iat"].as_i64().unwrap() + 3600)
            },
            &["lifetime"],
            "at most 1200 s",
        ),
        case(
            "app store server past 60 minutes",
            "app-store-server",
            |_, c, _| c["exp"] = json!(c["iat"].as_i64().unwrap() + 7200),
            &["lifetime"],
            "at most 3600 s",
        ),
        given(
            "app store server without bid",
            "app-store-server",
            |_, c, _| {
                c.as_object_mut().unwrap().remove("bid");
            },
            &["bid"],
            "is missing",
        ),
        case(
            "Team ID as Sign in with Apple client ID",
            "sign-in-with-apple",
            |_, c, _| c["sub"] = json!(TEAM_ID),
            &["sub"],
            "looks like a Team ID",
        ),
        case(
            "client ID with the Team ID prefix",
            "sign-in-with-apple",
            |_, c, _| c["sub"] = json!(format!("{TEAM_ID}.{WEB_CLIENT_ID}")),
            &["sub"],
            "without the `TEAMID.` prefix",
        ),
        case(
            "secret past six months",
            "sign-in-with-apple",
            |_, c, _| c["exp"] = json!(c["iat"].as_i64().unwrap() + 15_777_100),
            &["lifetime"],
            "at most 15777000 s",
        ),
        case(
            "business key ID not a UUID",
            "business-manager",
            |h, _, _| h["kid"] = json!(KEY_ID),
            &["kid"],
            "a UUID",
        ),
        case(
            "business assertion without jti",
            "business-manager",
            |_, c, _| {
                c.as_object_mut().unwrap().remove("jti");
            },
            &["jti"],
            "is missing",
        ),
        given(
            "school assertion with the token URL as aud",
            "school-manager",
            |_, c, _| c["aud"] = json!("https://account.apple.com/auth/oauth2/token"),
            &["aud"],
            "are for `https://account.apple.com/auth/oauth2/v2/token`",
        ),
        given(
            "school assertion with a business client ID",
            "school-manager",
            |_, c, _| {
                c["iss"] = json!(BUSINESS_CLIENT_ID);
                c["sub"] = json!(BUSINESS_CLIENT_ID)
            },
            &["iss", "sub"],
            "starts with `BUSINESSAPI.`",
        ),
        case(
            "APNs token over an hour old",
            "apns",
            |_, c, n| c["iat"] = json!(n - 7200),
            &["lifetime"],
            "7200 s old",
        ),
        case(
            "MusicKit origin as one string",
            "music",
            |_, c, _| c["origin"] = json!("https://example.com"),
            &["origin"],
            "an array of strings",
        ),
        case(
            "WeatherKit header without id",
            "weatherkit",
            |h, _, _| {
                h.as_object_mut().unwrap().remove("id");
            },
            &["id"],
            "is missing",
        ),
        case(
            "WeatherKit header id of another service",
            "weatherkit",
            |h, _, _| h["id"] = json!(format!("{TEAM_ID}.com.example.other")),
            &["id"],
            "`iss`.`sub`",
        ),
        case(
            "Maps web scope without origin",
            "maps",
            |_, c, _| c["scope"] = json!("mapkit_js"),
            &["origin"],
            "needs `origin`",
        ),
        case(
            "Maps scope as an array",
            "maps",
            |_, c, _| c["scope"] = json!(["server_api"]),
            &["scope"],
            "one string",
        ),
    ]
}

fn assert_names(case: &Broken, token: &str) {
    let env: Vec<(&str, &str)> = match case.given {
        true => vec![("ASC_API", case.api)],
        false => vec![],
    };
    let (code, report) = json_report(token, &env);
    assert_eq!(failed(&report), case.fails, "{}: {report}", case.name);
    assert_eq!(
        (code, report["service"].as_str()),
        (3, Some(case.api)),
        "{}",
        case.name
    );
    for check in case.fails {
        assert!(
            reason(&report, check, "fail").contains(case.words),
            "{}: {report}",
            case.name
        );
    }
    // The text report names it on one line.
    let text = explain_input(token.as_bytes(), &env);
    let line = format!("FAIL  {}: ", case.fails[0]);
    assert!(
        text.stdout
            .lines()
            .any(|l| l.starts_with(&line) && l.contains(case.words)),
        "{}: {}",
        case.name,
        text.stdout
    );
}

#[test]
fn each_rule_broken_alone_in_a_pyjwt_token_fails_the_check_that_names_it() {
    for case in broken_rules() {
        let (mut header, mut claims) = valid(case.api, now());
        (case.change)(&mut header, &mut claims, now());
        let Some(token) = pyjwt(&header, &claims) else {
            return;
        };
        assert_names(&case, &token);
    }
}

/// The same rules on hand-made tokens (no signature to verify), so that a runner
/// without PyJWT checks them too.
#[test]
fn each_rule_broken_alone_in_a_hand_made_token_fails_the_check_that_names_it() {
    for case in broken_rules() {
        let (mut header, mut claims) = valid(case.api, now());
        (case.change)(&mut header, &mut claims, now());
        assert_names(&case, &forged(&header, &claims, &[1u8; 64]));
    }
    for api in apis() {
        let (header, claims) = valid(api, now());
        let (code, report) = json_report(&forged(&header, &claims, &[1u8; 64]), &[]);
        assert_eq!((code, failed(&report)), (0, vec![]), "{api}: {report}");
        assert_eq!(report["service"], found_as(api), "{api}: {report}");
    }
}

#[test]
fn a_devicecheck_token_is_read_as_its_apns_twin_unless_asc_api_names_it() {
    let (header, claims) = valid("devicecheck", now());
    let token = forged(&header, &claims, &[1u8; 64]);
    let (code, report) = json_report(&token, &[]);
    assert_eq!(
        (code, report["service"].as_str()),
        (0, Some("apns")),
        "{report}"
    );
    assert!(
        report["found_by"]
            .as_str()
            .unwrap()
            .contains("fit `apns`, `devicecheck` alike"),
        "{report}"
    );
    let (code, report) = json_report(&token, &[("ASC_API", "devicecheck")]);
    assert_eq!(
        (code, report["service"].as_str()),
        (0, Some("devicecheck")),
        "{report}"
    );
}

#[test]
fn jose_tokens_are_explained_alike() {
    let (header, claims) = valid("app-store-connect", now());
    let Some(token) = jose(&header, &claims) else {
        return;
    };
    let (code, report) = json_report(&token, &[("ASC_PRIVATE_KEY", &key_pem())]);
    assert_eq!((code, failed(&report)), (0, vec![]), "{report}");
    for name in [
        "WeatherKit header without id",
        "expired",
        "Team ID as Sign in with Apple client ID",
    ] {
        let case = broken_rules().into_iter().find(|c| c.name == name).unwrap();
        let (mut header, mut claims) = valid(case.api, now());
        (case.change)(&mut header, &mut claims, now());
        assert_names(&case, &jose(&header, &claims).unwrap());
    }
}

#[test]
fn an_openssl_der_signature_is_named_and_found_right_but_misencoded() {
    let (header, claims) = valid("app-store-connect", now());
    let token = openssl_der(&header, &claims);
    let (code, report) = json_report(&token, &[]);
    assert_eq!(
        (code, failed(&report)),
        (3, vec!["signature".to_owned()]),
        "{report}"
    );
    assert!(reason(&report, "signature", "fail").contains("is DER-encoded"));
    let (code, report) = json_report(&token, &[("ASC_PRIVATE_KEY", &key_pem())]);
    assert_eq!(code, 3);
    assert!(
        reason(&report, "key", "pass").contains("only its encoding is wrong"),
        "{report}"
    );
}

#[test]
fn another_algorithm_and_signature_length_are_named() {
    let (mut header, claims) = valid("app-store-connect", now());
    header["alg"] = json!("RS256");
    let (code, report) = json_report(&forged(&header, &claims, &[7u8; 256]), &[]);
    assert_eq!(
        (code, failed(&report)),
        (3, vec!["signature".to_owned(), "alg".to_owned()]),
        "{report}"
    );
    assert!(reason(&report, "alg", "fail").contains("is `RS256`"));
    assert!(reason(&report, "signature", "fail").contains("is 256 bytes"));
}

#[test]
fn a_lifetime_apple_states_no_limit_for_is_a_note() {
    let (header, mut claims) = valid("weatherkit", now());
    claims["exp"] = json!(now() + 400 * 86_400);
    let (code, report) = json_report(&forged(&header, &claims, &[1u8; 64]), &[]);
    assert_eq!((code, failed(&report)), (0, vec![]), "{report}");
    assert!(reason(&report, "lifetime", "note").contains("Apple's page states none"));
}

#[test]
fn a_foreign_claim_is_a_note_and_no_refusal() {
    let (header, mut claims) = valid("app-store-connect", now());
    claims["nbf"] = claims["iat"].clone();
    let (code, report) = json_report(&forged(&header, &claims, &[1u8; 64]), &[]);
    assert_eq!((code, failed(&report)), (0, vec![]), "{report}");
    assert!(reason(&report, "claims", "note").contains("`nbf`"));
}

#[test]
fn a_token_signed_by_another_key_is_named() {
    let output = identified()
        .env("ASC_PRIVATE_KEY_PATH", fixture("test-only-p256-other.p8"))
        .output()
        .unwrap();
    let token = texts(&output).0.trim().to_owned();
    let (code, report) = json_report(&token, &[("ASC_PRIVATE_KEY", &key_pem())]);
    assert_eq!(
        (code, failed(&report)),
        (3, vec!["key".to_owned()]),
        "{report}"
    );
    assert!(
        reason(&report, "key", "fail").contains("does not verify with the key of ASC_PRIVATE_KEY")
    );
    let public = read_fixture("test-only-p256.pub.pem");
    let (code, report) = json_report(&token, &[("ASC_PUBLIC_KEY", &public)]);
    assert_eq!(
        (code, failed(&report)),
        (3, vec!["key".to_owned()]),
        "{report}"
    );
    let mine = texts(&configured().output().unwrap()).0.trim().to_owned();
    let (code, report) = json_report(&mine, &[("ASC_PUBLIC_KEY", &public)]);
    assert_eq!(code, 0, "{report}");
    assert!(reason(&report, "key", "pass").contains("ASC_PUBLIC_KEY"));
}

#[test]
fn a_key_file_named_for_another_key_id_than_kid_is_named() {
    let (_dir, path) = temp_file("AuthKey_ZYXWV98765.p8", key_pem());
    let token = texts(&configured().output().unwrap()).0.trim().to_owned();
    let (code, report) = json_report(&token, &[("ASC_PRIVATE_KEY_PATH", path.to_str().unwrap())]);
    assert_eq!(
        (code, failed(&report)),
        (3, vec!["kid".to_owned()]),
        "{report}"
    );
    assert!(reason(&report, "kid", "fail").contains("named for key ID `ZYXWV98765`"));
}

#[test]
fn bad_keys_and_formats_are_configuration_errors() {
    let token = texts(&configured().output().unwrap()).0.trim().to_owned();
    for (env, words) in [
        (
            ("ASC_PUBLIC_KEY", key_pem()),
            "ASC_PUBLIC_KEY holds a private key",
        ),
        (
            ("ASC_PUBLIC_KEY", "not a key".to_owned()),
            "ASC_PUBLIC_KEY is not a public key structure",
        ),
        (
            ("ASC_PRIVATE_KEY", read_fixture("test-only-rsa.pem")),
            "ASC_PRIVATE_KEY (input private-key) holds an RSA",
        ),
        (
            ("ASC_FORMAT", "dotenv".to_owned()),
            "ASC_FORMAT must be `text` or `json`",
        ),
    ] {
        let out = explain_input(token.as_bytes(), &[(env.0, &env.1)]);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{words}");
        assert!(out.stderr.contains(words), "{}", out.stderr);
    }
}

#[test]
fn what_is_not_a_jwt_is_refused_with_exit_2() {
    let megabyte = vec![b'a'; 1 << 20];
    let cases: [(&[u8], &str); 6] = [
        (b"", "standard input is empty"),
        (b"  \n", "standard input is empty"),
        (b"eyJhbGciOiJFUzI1NiJ9.e30", "standard input has 2 part(s)"),
        (
            b"!!!.e30.e30",
            "standard input has a header that is not base64url",
        ),
        (&megabyte, "standard input is longer than 64 KiB"),
        (
            &[0xff, 0xfe, b'.', b'.'],
            "standard input is not UTF-8 text",
        ),
    ];
    for (input, words) in cases {
        let out = explain_input(input, &[]);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{words}");
        assert!(out.stderr.contains(words), "{words}: {}", out.stderr);
    }
    let out = explain_input(b"", &[("ASC_TOKEN", "x.y")]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("ASC_TOKEN has 2 part(s)"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_token_is_read_from_asc_token_and_never_from_the_command_line() {
    let token = texts(&configured().output().unwrap()).0.trim().to_owned();
    let out = explain_input(b"", &[("ASC_TOKEN", &token)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("note  input: read from ASC_TOKEN"),
        "{}",
        out.stdout
    );
    let output = asc_jwt().args(["explain", &token]).output().unwrap();
    let (stdout, stderr) = texts(&output);
    assert_eq!((output.status.code(), stdout.as_str()), (Some(2), ""));
    assert!(stderr.contains("takes no argument"), "{stderr}");
    assert_no_leak("argument", &stderr, &secret_runs(&[&token]), &[]);
}

#[test]
fn apples_clock_judges_the_times_when_asked() {
    // Apple's clock is ten minutes ahead: an `iat` five minutes ahead of this machine's
    // is in Apple's past.
    let apple = FakeApple::start(
        Answer {
            status: 200,
            date: Date::Offset(600),
            body: String::new(),
        },
        Answer::new(200, ""),
    );
    let (header, mut claims) = valid("app-store-connect", now());
    claims["iat"] = json!(now() + 300);
    claims["exp"] = json!(now() + 1200);
    let token = forged(&header, &claims, &[1u8; 64]);
    let (code, report) = json_report(&token, &[]);
    assert_eq!((code, failed(&report)), (3, vec!["iat".to_owned()]));
    let env = [
        ("ASC_CLOCK", "apple"),
        ("ASC_API_BASE_URL", apple.url.as_str()),
    ];
    let (code, report) = json_report(&token, &env);
    assert_eq!((code, failed(&report)), (0, vec![]), "{report}");
    assert!(reason(&report, "clock", "pass").contains("ahead"));
}

#[test]
fn verify_puts_the_token_to_apple_with_its_probe_and_diagnosis() {
    let token = texts(&configured().output().unwrap()).0.trim().to_owned();
    let apple = FakeApple::start(Answer::new(405, ""), Answer::new(200, r#"{"data":[]}"#));
    let env = [
        ("ASC_VERIFY", "true"),
        ("ASC_CLOCK", "local"),
        ("ASC_API_BASE_URL", apple.url.as_str()),
    ];
    let (code, report) = json_report(&token, &env);
    assert_eq!(code, 0, "{report}");
    assert!(reason(&report, "apple", "pass").contains("Apple accepted the token (HTTP 200"));
    let asked = &apple.requests()[0];
    assert_eq!(
        (asked.method.as_str(), asked.target.as_str()),
        ("GET", "/v1/apps?limit=1")
    );
    assert_eq!(
        asked.header_values("authorization"),
        [format!("Bearer {token}").as_str()]
    );

    let apple = FakeApple::start(Answer::new(405, ""), Answer::new(401, NOT_AUTHORIZED));
    let env = [
        ("ASC_VERIFY", "true"),
        ("ASC_CLOCK", "local"),
        ("ASC_API_BASE_URL", apple.url.as_str()),
    ];
    let out = explain_input(token.as_bytes(), &env);
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("FAIL  apple: Apple refused the token: HTTP 401"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("NOT_AUTHORIZED"));
    // Asked again after the 401, with the same token: it cannot be minted afresh.
    let bearers: Vec<String> = apple
        .requests()
        .iter()
        .map(|r| r.header_values("authorization").concat())
        .collect();
    assert_eq!(bearers, vec![format!("Bearer {token}"); 2]);
    assert_no_leak("verify stdout", &out.stdout, &secret_runs(&[&token]), &[]);
}

#[test]
fn nothing_printed_holds_the_token_its_signature_or_the_key() {
    let key = key_pem();
    let good = texts(&configured().output().unwrap()).0.trim().to_owned();
    let (header, claims) = valid("sign-in-with-apple", now());
    let der = openssl_der(&header, &claims);
    let other = texts(
        &identified()
            .env("ASC_PRIVATE_KEY_PATH", fixture("test-only-p256-other.p8"))
            .output()
            .unwrap(),
    )
    .0
    .trim()
    .to_owned();
    for token in [&good, &der, &other] {
        let signature = token.rsplit('.').next().unwrap();
        let runs = secret_runs(&[token, signature]);
        for format in ["text", "json"] {
            let env = [
                ("ASC_PRIVATE_KEY", key.as_str()),
                ("ASC_FORMAT", format),
                ("GITHUB_ACTIONS", "true"),
            ];
            let out = explain_input(token.as_bytes(), &env);
            // It did explain: the report is there, with the header and claims.
            assert!([0, 3].contains(&out.code), "{}", out.stderr);
            assert!(out.stdout.contains("\"kid\":"), "{}", out.stdout);
            assert_no_leak("explain stdout", &out.stdout, &runs, &[]);
            assert_no_leak("explain stderr", &out.stderr, &runs, &[]);
            assert!(!out.stdout.contains(signature));
        }
    }
    // A token that is not a JWT is not quoted back either.
    let out = explain_input(format!("{good}.x").as_bytes(), &[]);
    assert_eq!(out.code, 2);
    assert_no_leak("not a JWT", &out.stderr, &secret_runs(&[&good]), &[]);
}

#[test]
fn without_a_key_the_report_says_the_signature_was_not_verified() {
    let (header, claims) = valid("app-store-connect", now());
    let token = forged(&header, &claims, &[1u8; 64]);
    let (code, report) = json_report(&token, &[]);
    assert_eq!(code, 0, "{report}");
    assert!(
        reason(&report, "key", "note").contains("not checked"),
        "{report}"
    );
    assert!(
        report["verdict"]
            .as_str()
            .unwrap()
            .contains("not verified: no key given"),
        "{report}"
    );
    let (_, report) = json_report(&token, &[("ASC_PRIVATE_KEY", &key_pem())]);
    assert!(!report["verdict"].as_str().unwrap().contains("not verified"));
}

#[test]
fn verify_never_sends_a_token_whose_scope_names_another_host_anywhere() {
    // A token explained from elsewhere can carry any scope: `GET @host:port/x` appended to
    // Apple's URL would name another host, which would get the bearer token.
    let apple = FakeApple::start(Answer::new(405, ""), Answer::new(200, r#"{"data":[]}"#));
    let elsewhere = FakeApple::start(Answer::new(405, ""), Answer::new(200, r#"{"data":[]}"#));
    let host = elsewhere.url.trim_start_matches("http://");
    let (header, mut claims) = valid("app-store-connect", now());
    claims["scope"] = json!([format!("GET @{host}/stolen")]);
    let token = forged(&header, &claims, &[1u8; 64]);
    let env = [
        ("ASC_VERIFY", "true"),
        ("ASC_CLOCK", "local"),
        ("ASC_API_BASE_URL", apple.url.as_str()),
    ];
    let (_, report) = json_report(&token, &env);
    assert!(elsewhere.requests().is_empty(), "the token went to {host}");
    assert!(apple.requests().is_empty(), "{report}");
    assert!(
        reason(&report, "apple", "note").contains("not a plain path on Apple's host"),
        "{report}"
    );
}

#[test]
fn key_material_in_a_header_or_claim_is_never_quoted() {
    let scalar = private_scalar();
    let hex: String = scalar.iter().map(|b| format!("{b:02x}")).collect();
    let b64url = URL_SAFE_NO_PAD.encode(&scalar);
    let runs = secret_runs(&[&hex, &b64url]);
    for (name, value) in [("hex", &hex), ("base64url", &b64url)] {
        for (part, field) in [("claims", "aud"), ("header", "typ"), ("header", "kid")] {
            let (mut header, mut claims) = valid("app-store-connect", now());
            match part {
                "claims" => claims[field] = json!(value),
                _ => header[field] = json!(value),
            }
            let token = forged(&header, &claims, &[1u8; 64]);
            for format in ["text", "json"] {
                let out = explain_input(token.as_bytes(), &[("ASC_FORMAT", format)]);
                assert_eq!(out.code, 3, "{name} in {field}: {}", out.stdout);
                let what = format!("{name} in {field}, {format}");
                assert_no_leak(&what, &out.stdout, &runs, &[]);
                assert_no_leak(&what, &out.stderr, &runs, &[]);
            }
        }
    }
}
