//! Every `ASC_API` service mints exactly the header and claims Apple documents for it,
//! signed so that openssl and PyJWT (with the service's audience) accept it, within the
//! service's lifetime rule. Apple's pages for each rule are cited in `src/token.rs`.

use crate::common::*;
use serde_json::{Value, json};

/// What one service's token must be. `claims` leaves out `iat`, `exp` and `jti`, whose
/// values change with each mint; the test adds them back after checking them.
struct Service {
    api: &'static str,
    header: Value,
    claims: Value,
    /// `aud`, which PyJWT is asked to check; `None`: the token has none.
    audience: Option<&'static str>,
    /// `exp - iat` when ASC_DURATION is unset; `None`: no `exp` (APNs).
    default: Option<u64>,
    /// The longest ASC_DURATION accepted; `None`: ASC_DURATION is refused (APNs).
    max: Option<u64>,
    jti: bool,
}

const SIX_MONTHS: u64 = 15_777_000;
const UNDER_180_DAYS: u64 = 180 * 86_400 - 1;
const BUSINESS_AUDIENCE: &str = "https://account.apple.com/auth/oauth2/v2/token";

fn services() -> Vec<Service> {
    let plain = json!({"alg": "ES256", "kid": KEY_ID});
    let typed = json!({"alg": "ES256", "kid": KEY_ID, "typ": "JWT"});
    let manager = json!({"alg": "ES256", "kid": MANAGER_KEY_ID});
    vec![
        Service {
            api: "app-store-server",
            header: typed.clone(),
            claims: json!({"iss": ISSUER, "aud": "appstoreconnect-v1", "bid": BUNDLE_ID}),
            audience: Some("appstoreconnect-v1"),
            default: Some(1200),
            max: Some(3600),
            jti: false,
        },
        Service {
            api: "sign-in-with-apple",
            header: plain.clone(),
            claims: json!({
                "iss": TEAM_ID, "sub": WEB_CLIENT_ID, "aud": "https://appleid.apple.com"
            }),
            audience: Some("https://appleid.apple.com"),
            default: Some(180 * 86_400),
            max: Some(SIX_MONTHS),
            jti: false,
        },
        Service {
            api: "business-manager",
            header: manager.clone(),
            claims: json!({
                "iss": BUSINESS_CLIENT_ID, "sub": BUSINESS_CLIENT_ID, "aud": BUSINESS_AUDIENCE
            }),
            audience: Some(BUSINESS_AUDIENCE),
            default: Some(1200),
            max: Some(UNDER_180_DAYS),
            jti: true,
        },
        Service {
            api: "school-manager",
            header: manager,
            claims: json!({
                "iss": SCHOOL_CLIENT_ID, "sub": SCHOOL_CLIENT_ID, "aud": BUSINESS_AUDIENCE
            }),
            audience: Some(BUSINESS_AUDIENCE),
            default: Some(1200),
            max: Some(UNDER_180_DAYS),
            jti: true,
        },
        Service {
            api: "apns",
            header: plain.clone(),
            claims: json!({"iss": TEAM_ID}),
            audience: None,
            default: None,
            max: None,
            jti: false,
        },
        Service {
            api: "music",
            header: plain.clone(),
            claims: json!({"iss": TEAM_ID}),
            audience: None,
            default: Some(1200),
            max: Some(SIX_MONTHS),
            jti: false,
        },
        Service {
            api: "weatherkit",
            header: json!({
                "alg": "ES256", "kid": KEY_ID, "id": format!("{TEAM_ID}.{SERVICE_ID}")
            }),
            claims: json!({"iss": TEAM_ID, "sub": SERVICE_ID}),
            audience: None,
            default: Some(1200),
            max: Some(SIX_MONTHS),
            jti: false,
        },
        Service {
            api: "maps",
            header: typed,
            claims: json!({"iss": TEAM_ID}),
            audience: None,
            default: Some(1200),
            max: Some(SIX_MONTHS),
            jti: false,
        },
        // `apple_ads/implementing-oauth-for-the-apple-search-ads-api`: header `alg`, `kid`;
        // `iss` teamId, `sub` clientId, Apple's `aud`; 179 days by default.
        Service {
            api: "apple-ads",
            header: json!({"alg": "ES256", "kid": APPLE_ADS_KEY_ID}),
            claims: json!({
                "iss": APPLE_ADS_TEAM_ID, "sub": APPLE_ADS_CLIENT_ID,
                "aud": "https://appleid.apple.com"
            }),
            audience: Some("https://appleid.apple.com"),
            default: Some(179 * 86_400),
            max: Some(UNDER_180_DAYS),
            jti: false,
        },
        // APNs' token (`devicecheck/accessing-and-modifying-per-device-data`).
        Service {
            api: "devicecheck",
            header: plain,
            claims: json!({"iss": TEAM_ID}),
            audience: None,
            default: None,
            max: None,
            jti: false,
        },
    ]
}

/// The service named `api`.
fn named(api: &str) -> Service {
    services().into_iter().find(|s| s.api == api).unwrap()
}

/// Runs `cmd` in json format; returns the output's fields and the token's header and
/// claims, verified by openssl and PyJWT with `audience`.
fn mint(cmd: &mut assert_cmd::Command, audience: Option<&str>) -> (Value, Value, Value) {
    let output = cmd.env("ASC_FORMAT", "json").output().unwrap();
    let (stdout, stderr) = texts(&output);
    assert!(output.status.success(), "{stderr}");
    let fields: Value = serde_json::from_str(&stdout).unwrap();
    let (header, claims) = verify_with_audience(fields["token"].as_str().unwrap(), audience);
    (fields, header, claims)
}

fn is_v4_uuid(value: &str) -> bool {
    let lengths: Vec<usize> = value.split('-').map(str::len).collect();
    lengths == [8, 4, 4, 4, 12]
        && value
            .chars()
            .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f'))
        && &value[14..15] == "4"
        && "89ab".contains(&value[19..20])
}

/// The claims `service` must have, given the `iat` and `jti` the token carries.
fn expected_claims(service: &Service, claims: &Value) -> Value {
    let mut expected = service.claims.clone();
    let iat = claims["iat"].as_i64().expect("iat is an integer");
    expected["iat"] = iat.into();
    if let Some(duration) = service.default {
        expected["exp"] = (iat + duration as i64).into();
    }
    if service.jti {
        let jti = claims["jti"].as_str().expect("jti is a string");
        assert!(is_v4_uuid(jti), "{}: jti is a version 4 UUID", service.api);
        expected["jti"] = jti.into();
    }
    expected
}

#[test]
fn every_service_mints_exactly_its_header_and_claims_with_its_default_lifetime() {
    for service in services() {
        let before = now();
        let (fields, header, claims) = mint(&mut self::service(service.api), service.audience);
        let after = now();
        let api = service.api;
        assert_eq!(header, service.header, "{api}: header");
        assert_eq!(claims, expected_claims(&service, &claims), "{api}: claims");
        let iat = claims["iat"].as_i64().unwrap();
        assert!(
            (before - 60..=after - 60).contains(&iat),
            "{api}: iat is back-dated 60 s"
        );
        assert_eq!(fields["api"], api);
        assert_eq!(fields["issued_at"], iat);
    }
}

#[test]
fn manager_assertions_carry_a_new_version_4_uuid_as_jti() {
    for api in ["business-manager", "school-manager"] {
        let audience = Some(BUSINESS_AUDIENCE);
        let (_, _, first) = mint(&mut service(api), audience);
        let (_, _, second) = mint(&mut service(api), audience);
        for claims in [&first, &second] {
            assert!(is_v4_uuid(claims["jti"].as_str().unwrap()), "{api}");
        }
        assert_ne!(first["jti"], second["jti"], "{api}: a new jti per token");
    }
}

#[test]
fn apns_and_devicecheck_tokens_have_no_exp_and_stop_working_an_hour_after_iat() {
    for api in ["apns", "devicecheck"] {
        let (fields, _, claims) = mint(&mut service(api), None);
        assert_eq!(claims.get("exp"), None, "{api}");
        assert_eq!(claims.get("aud"), None, "{api}");
        let iat = claims["iat"].as_i64().unwrap();
        assert_eq!(fields["issued_at"], iat, "{api}");
        assert_eq!(fields["expires_at"], iat + 3600, "{api}");
    }
}

/// Apple's page makes the Apple Ads key with `openssl ecparam -genkey … -noout`: a SEC1
/// `BEGIN EC PRIVATE KEY` file; its Python sample writes PKCS#8. The same key in either
/// form (and as a file) signs a secret openssl and PyJWT accept with Apple's audience.
#[test]
fn apple_ads_secrets_are_signed_from_the_sec1_and_the_pkcs8_key() {
    let audience = Some("https://appleid.apple.com");
    let sec1 = read_fixture("test-only-p256-sec1.pem");
    assert!(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
    let pkcs8 = read_fixture("test-only-p256.p8");
    assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----"));
    let service = named("apple-ads");
    let mut from_file = self::service("apple-ads");
    from_file
        .env_remove("ASC_PRIVATE_KEY")
        .env("ASC_PRIVATE_KEY_PATH", fixture("test-only-p256-sec1.pem"));
    for (form, cmd) in [
        (
            "SEC1 text",
            self::service("apple-ads").env("ASC_PRIVATE_KEY", &sec1),
        ),
        (
            "PKCS#8 text",
            self::service("apple-ads").env("ASC_PRIVATE_KEY", &pkcs8),
        ),
        ("SEC1 file", &mut from_file),
    ] {
        let (_, header, claims) = mint(cmd, audience);
        assert_eq!(header, service.header, "{form}");
        assert_eq!(claims, expected_claims(&service, &claims), "{form}");
    }
}

#[test]
fn the_json_expiry_is_the_tokens_exp() {
    for api in ["sign-in-with-apple", "business-manager", "maps"] {
        let audience = named(api).audience;
        let (fields, _, claims) = mint(&mut service(api), audience);
        assert_eq!(fields["expires_at"], claims["exp"], "{api}");
    }
}

#[test]
fn music_origins_are_a_json_array_in_the_given_order() {
    let (_, _, claims) = mint(
        service("music").env(
            "ASC_ORIGIN",
            "https://example.com\nhttps://music.example.com",
        ),
        None,
    );
    assert_eq!(
        claims["origin"],
        json!(["https://example.com", "https://music.example.com"])
    );
    let (_, _, from_json) = mint(
        service("music").env("ASC_ORIGIN", r#"["https://example.com"]"#),
        None,
    );
    assert_eq!(from_json["origin"], json!(["https://example.com"]));
}

#[test]
fn maps_scope_is_one_space_separated_string_and_origin_one_comma_separated_string() {
    let (_, header, claims) = mint(
        service("maps")
            .env("ASC_SCOPE", r#"["server_api", "mapkit_js"]"#)
            .env("ASC_ORIGIN", "*.example.com\nhttps://example.org"),
        None,
    );
    assert_eq!(header, named("maps").header);
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(
        claims,
        json!({
            "iss": TEAM_ID, "iat": iat, "exp": iat + 1200,
            "scope": "server_api mapkit_js", "origin": "*.example.com,https://example.org"
        })
    );
}

#[test]
fn a_lower_case_team_id_is_written_in_capitals_in_iss_and_the_weatherkit_id() {
    let (_, header, claims) = mint(
        service("weatherkit").env("ASC_TEAM_ID", TEAM_ID.to_lowercase()),
        None,
    );
    assert_eq!(header["id"], format!("{TEAM_ID}.{SERVICE_ID}"));
    assert_eq!(header.get("typ"), None);
    assert_eq!(claims["iss"], TEAM_ID);
}

/// The lifetime of a token minted with `ASC_DURATION=seconds`, or the refusal's stderr.
fn lifetime(api: &'static str, seconds: u64) -> Result<i64, String> {
    lifetime_of(&mut service(api), api, seconds)
}

/// The lifetime of the token `cmd` mints with `ASC_DURATION=seconds`, or the refusal's
/// stderr; `case` names it in a failure.
fn lifetime_of(cmd: &mut assert_cmd::Command, case: &str, seconds: u64) -> Result<i64, String> {
    let output = cmd
        .env("ASC_DURATION", seconds.to_string())
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    match output.status.code() {
        Some(0) => {
            let (_, claims) = verify(stdout.trim_end());
            Ok(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap())
        }
        Some(2) if stdout.is_empty() && !stderr.contains("panicked") => Err(stderr),
        code => panic!("{case}, {seconds} s: exit {code:?}, stdout {stdout:?}, {stderr}"),
    }
}

#[test]
fn each_service_accepts_its_maximum_lifetime_and_refuses_one_second_more() {
    for service in services() {
        let (api, Some(max)) = (service.api, service.max) else {
            continue;
        };
        assert_eq!(lifetime(api, max), Ok(max as i64), "{api}");
        let refused = lifetime(api, max + 1).unwrap_err();
        let expected = format!(
            "error: ASC_DURATION (input duration) is {} s: {} live at most {max} s",
            max + 1,
            title(api)
        );
        assert!(refused.contains(&expected), "{api}: {refused}");
    }
}

#[test]
fn each_service_accepts_120_seconds_and_refuses_119() {
    for service in services() {
        let (api, Some(_)) = (service.api, service.max) else {
            continue;
        };
        assert_eq!(lifetime(api, 120), Ok(120), "{api}");
        let refused = lifetime(api, 119).unwrap_err();
        assert!(
            refused
                .contains("error: ASC_DURATION (input duration) is 119 s: expected at least 120 s"),
            "{api}: {refused}"
        );
    }
}

/// How messages name each service's tokens.
fn title(api: &str) -> &'static str {
    match api {
        "app-store-server" => "App Store Server API tokens",
        "sign-in-with-apple" => "Sign in with Apple client secrets",
        "business-manager" => "Apple Business Manager client assertions",
        "school-manager" => "Apple School Manager client assertions",
        "music" => "Apple Music developer tokens",
        "weatherkit" => "WeatherKit tokens",
        "maps" => "Maps tokens",
        "apple-ads" => "Apple Ads client secrets",
        other => panic!("no title for {other}"),
    }
}

/// The PyJWT check above is not a formality: it refuses a token for another audience,
/// one whose claims were changed after signing, and (where a service has none) does not
/// invent an audience.
#[test]
fn pyjwt_refuses_a_wrong_audience_and_a_changed_claim() {
    let output = service("sign-in-with-apple").output().unwrap();
    let token = texts(&output).0.trim_end().to_owned();
    let Some(right) = pyjwt(&token, Some("https://appleid.apple.com")) else {
        return; // PyJWT is not installed: `pyjwt_python` says so.
    };
    assert!(right.is_ok(), "{right:?}");
    let wrong = pyjwt(&token, Some("appstoreconnect-v1")).unwrap();
    assert!(wrong.unwrap_err().contains("InvalidAudienceError"));

    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = "com.example.other".into();
    let changed = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let refused = pyjwt(&changed, Some("https://appleid.apple.com")).unwrap();
    assert!(refused.unwrap_err().contains("InvalidSignatureError"));
}

/// One GET per resource of Apple's long-lived list (`appstoreconnectapi/generating-tokens-
/// for-api-requests`, "Determine the Appropriate Token Lifetime"), by the paths its page
/// lists.
const LONG_LIVED: [&str; 13] = [
    "GET /v1/ciBuildActions/1/issues",         // Build Actions
    "GET /v1/ciProducts/1/buildRuns",          // Build Runs (listed under Products)
    "GET /v1/scmGitReferences/1",              // Git References
    "GET /v1/ciIssues/1",                      // Issues
    "GET /v1/ciMacOsVersions",                 // macOS Versions
    "GET /v1/apps/1/ciProduct",                // Products
    "GET /v1/scmProviders/1/repositories",     // Providers
    "GET /v1/builds/1/diagnosticSignatures",   // Power and Performance Metrics and Logs
    "GET /v1/scmPullRequests/1",               // Pull Requests
    "GET /v1/scmRepositories/1/gitReferences", // Repositories
    "GET /v1/ciTestResults/1",                 // Test Results
    "GET /v1/ciWorkflows/1",                   // Workflows
    "GET /v1/ciXcodeVersions/1/macOsVersions", // Xcode Versions
];

/// The lifetime of an `api` token (App Store Connect or Enterprise) with `scope` and
/// `ASC_DURATION=seconds`, or the refusal's stderr.
fn connect_lifetime(api: &str, scope: &str, seconds: u64) -> Result<i64, String> {
    let mut cmd = configured();
    cmd.env("ASC_API", api).env("ASC_SCOPE", scope);
    lifetime_of(&mut cmd, scope, seconds)
}

#[test]
fn each_long_lived_resource_mints_six_months_and_apps_and_builds_do_not() {
    for entry in LONG_LIVED {
        assert_eq!(
            connect_lifetime("app-store-connect", entry, SIX_MONTHS),
            Ok(SIX_MONTHS as i64),
            "{entry}"
        );
    }
    for entry in ["GET /v1/apps", "GET /v1/builds"] {
        let refused = connect_lifetime("app-store-connect", entry, 1201).unwrap_err();
        let expected = format!(
            "error: ASC_DURATION (input duration) is 1201 s, but ASC_SCOPE (input scope) \
             entry 1 `{entry}` cannot live longer than 20 minutes (1200 s)"
        );
        assert!(refused.contains(&expected), "{entry}: {refused}");
        assert_eq!(
            connect_lifetime("app-store-connect", entry, 1200),
            Ok(1200),
            "{entry}"
        );
    }
}

#[test]
fn enterprise_tokens_never_live_past_20_minutes() {
    let scope = LONG_LIVED.join("\n");
    assert_eq!(connect_lifetime("enterprise", &scope, 1200), Ok(1200));
    let refused = connect_lifetime("enterprise", &scope, SIX_MONTHS).unwrap_err();
    assert!(
        refused.contains(
            "error: ASC_DURATION (input duration) is 15777000 s: Enterprise Program API \
             tokens live at most 1200 s (20 minutes)"
        ),
        "{refused}"
    );
}

#[test]
fn sign_in_with_apple_defaults_to_180_days_and_still_allows_six_months() {
    let api = "sign-in-with-apple";
    let (_, _, claims) = mint(&mut service(api), named(api).audience);
    let default = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(default, 15_552_000);
    assert_eq!(lifetime(api, SIX_MONTHS), Ok(SIX_MONTHS as i64));
}
