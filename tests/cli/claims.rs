//! The token's header and claims are exactly what Apple documents, checked on tokens
//! verified by openssl.

use crate::common::*;
use serde_json::{Value, json};

fn mint(cmd: &mut assert_cmd::Command) -> (Value, Value) {
    let output = cmd.output().unwrap();
    assert!(output.status.success(), "{}", texts(&output).1);
    verify(texts(&output).0.trim_end())
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn header_is_exactly_alg_kid_typ() {
    let (header, _) = mint(&mut configured());
    assert_eq!(header, json!({"alg": "ES256", "kid": KEY_ID, "typ": "JWT"}));
}

#[test]
fn team_token_has_exactly_iss_iat_exp_aud() {
    let before = now();
    let (_, claims) = mint(&mut configured());
    let after = now();
    assert_eq!(keys(&claims), ["aud", "exp", "iat", "iss"]);
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], "appstoreconnect-v1");
    let iat = claims["iat"].as_i64().expect("iat is an integer");
    let exp = claims["exp"].as_i64().expect("exp is an integer");
    assert!(
        (before - 60..=after - 60).contains(&iat),
        "iat is back-dated 60 s"
    );
    assert_eq!(exp - iat, 1200);
}

#[test]
fn individual_token_has_sub_user_instead_of_iss() {
    let (_, claims) = mint(
        asc_jwt()
            .env("ASC_KEY_ID", KEY_ID)
            .env("ASC_KEY_TYPE", "individual")
            .env("ASC_PRIVATE_KEY", key_pem()),
    );
    assert_eq!(keys(&claims), ["aud", "exp", "iat", "sub"]);
    assert_eq!(claims["sub"], "user");
}

#[test]
fn scope_is_a_json_array_in_the_given_order() {
    let (_, claims) = mint(configured().env(
        "ASC_SCOPE",
        "GET /v1/apps?filter[platform]=IOS\nPOST /v1/builds",
    ));
    assert_eq!(keys(&claims), ["aud", "exp", "iat", "iss", "scope"]);
    assert_eq!(
        claims["scope"],
        json!(["GET /v1/apps?filter[platform]=IOS", "POST /v1/builds"])
    );
}

#[test]
fn enterprise_api_uses_its_own_audience() {
    let (_, claims) = mint(configured().env("ASC_API", "enterprise"));
    assert_eq!(claims["aud"], "apple-developer-enterprise-v1");
}

#[test]
fn duration_sets_exp_minus_iat() {
    let (_, claims) = mint(configured().env("ASC_DURATION", "300"));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        300
    );
}

#[test]
fn get_only_scope_allows_a_six_month_token() {
    let (_, claims) = mint(
        configured()
            .env(
                "ASC_SCOPE",
                r#"["GET /v1/ciProducts", "GET /v1/ciBuildRuns"]"#,
            )
            .env("ASC_DURATION", "15777000"),
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        15_777_000
    );
}
