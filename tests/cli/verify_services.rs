//! `ASC_VERIFY` for every service but APNs and DeviceCheck, against the in-process fake
//! Apple: the exact request each service's check sends, and the verdict on the answers
//! Apple documents (pages and forum threads in `src/apple/`). APNs and DeviceCheck refuse
//! verify before any request.

use crate::common::*;
use crate::fake_apple::{Answer, Date, ECHO, ECHO_CUT, FakeApple, Request};

/// What the fake issues as an access token: long enough for the leak check's runs.
const ACCESS_TOKEN: &str = "fake-apple-access-token-0123456789abcdefghijklmnop";

/// The services that are checked with a GET, and the path and query each asks.
const GET_PROBES: [(&str, &str); 4] = [
    ("app-store-server", "/inApps/v1/transactions/0"),
    ("music", "/v1/storefronts/us"),
    (
        "weatherkit",
        "/api/v1/availability/37.323/122.032?country=US",
    ),
    ("maps", "/v1/token"),
];

/// The services that are checked with a form POST, and its path.
const FORM_PROBES: [(&str, &str); 4] = [
    ("sign-in-with-apple", "/auth/token"),
    ("business-manager", "/auth/oauth2/token"),
    ("school-manager", "/auth/oauth2/token"),
    ("apple-ads", "/auth/oauth2/token"),
];

/// `api` verified against `apple`, the outputs as JSON.
fn verifying(api: &str, apple: &FakeApple) -> assert_cmd::Command {
    let mut cmd = service(api);
    cmd.env("ASC_VERIFY", "true")
        .env("ASC_API_BASE_URL", &apple.url)
        .env("ASC_FORMAT", "json");
    cmd
}

/// Runs `cmd`; stderr must hold neither the key, nor the token, nor the fake's access
/// token, outside `::add-mask::` lines.
fn run(cmd: &mut assert_cmd::Command) -> Run {
    run_json(cmd, &[ACCESS_TOKEN])
}

/// `api` verified against a fake answering `status` and `body`; the verifying request
/// is the fake's second (the first is the HEAD that reads Apple's clock).
fn answered(api: &str, status: u16, body: &str) -> (Run, Vec<Request>) {
    let apple = FakeApple::start(Answer::new(405, ""), Answer::new(status, body));
    let result = run(&mut verifying(api, &apple));
    (result, apple.requests())
}

/// Apple accepted: exit 0, `verified` true, the token a valid one.
fn assert_accepted(case: &str, run: &Run, status: u16) {
    assert_eq!(run.code, 0, "{case}: {}", run.stderr);
    assert_eq!(run.json.as_ref().unwrap()["verified"], true, "{case}");
    // A 4xx that means "accepted" says what only was wrong: the dummy code or transaction.
    let how = match status {
        200..=299 => " in ",
        _ => ": only the dummy ",
    };
    assert!(
        run.stderr.contains(&format!(
            "asc-jwt: Apple accepted the token (HTTP {status}{how}"
        )),
        "{case}: {}",
        run.stderr
    );
    verify(run.token());
}

/// Apple refused: exit 3, the outputs still written with `verified` false, Apple's
/// status and each of `quoted` (its words and the diagnosis) on stderr.
fn assert_refused(case: &str, run: &Run, status: u16, quoted: &[&str]) {
    assert_eq!(run.code, 3, "{case}: {}", run.stderr);
    let json = run.json.as_ref().expect("the outputs are still written");
    assert_eq!(json["verified"], false, "{case}");
    verify(run.token());
    assert!(
        run.stderr
            .contains(&format!("error: Apple refused the token: HTTP {status}")),
        "{case}: {}",
        run.stderr
    );
    for text in quoted {
        assert!(
            run.stderr.contains(text),
            "{case}: no `{text}` in {}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("revoked"), "{case}: {}", run.stderr);
}

fn only_non_head(requests: &[Request]) -> &Request {
    let asked: Vec<&Request> = requests.iter().filter(|r| r.method != "HEAD").collect();
    assert_eq!(asked.len(), 1, "{requests:?}");
    asked[0]
}

#[test]
fn get_services_send_their_probe_with_the_token_as_bearer() {
    for (api, target) in GET_PROBES {
        let (result, requests) = answered(api, 200, "{}");
        assert_accepted(api, &result, 200);
        let methods: Vec<(&str, &str)> = requests
            .iter()
            .map(|r| (r.method.as_str(), r.target.as_str()))
            .collect();
        assert_eq!(methods, [("HEAD", target), ("GET", target)], "{api}");
        let get = &requests[1];
        let bearer = format!("Bearer {}", result.token());
        assert_eq!(
            get.header_values("authorization"),
            [bearer.as_str()],
            "{api}"
        );
        assert_eq!(get.body, "", "{api}");
        assert!(
            requests[0].header_values("authorization").is_empty(),
            "{api}"
        );
    }
}

/// The form as sorted pairs, so that order does not matter but duplicates do.
fn sorted_form(request: &Request) -> Vec<(String, String)> {
    let mut form = request.form();
    form.sort();
    form
}

fn assert_form_post(api: &str, apple: &FakeApple, request: &Request, path: &str) {
    assert_eq!(
        (request.method.as_str(), request.path()),
        ("POST", path),
        "{api}"
    );
    assert_eq!(
        request.header_values("content-type"),
        ["application/x-www-form-urlencoded"],
        "{api}"
    );
    assert_eq!(request.header_values("host"), [apple.host()], "{api}");
    // The token goes in the form only.
    assert!(request.header_values("authorization").is_empty(), "{api}");
}

#[test]
fn sign_in_with_apple_posts_the_secret_with_a_dummy_code_and_no_redirect_uri() {
    let apple = FakeApple::start(
        Answer::new(405, ""),
        Answer::new(400, r#"{"error":"invalid_grant"}"#),
    );
    let result = run(&mut verifying("sign-in-with-apple", &apple));
    assert_accepted("sign-in-with-apple", &result, 400);
    let requests = apple.requests();
    let post = only_non_head(&requests);
    assert_form_post("sign-in-with-apple", &apple, post, "/auth/token");
    assert_eq!(post.target, "/auth/token", "the form is in the body");
    let expected = [
        ("client_id", WEB_CLIENT_ID),
        ("client_secret", result.token()),
        ("code", asc_jwt::apple::probes::DUMMY_CODE),
        ("grant_type", "authorization_code"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    assert_eq!(sorted_form(post), expected);
}

/// `apple-school-and-business-manager-api/implementing-oauth-for-the-apple-school-manager-
/// and-apple-business-api`, "Request an access token": a POST with a form content type
/// whose parameters are in the query string, in this order, and no body.
#[test]
fn business_and_school_manager_post_the_exchange_in_the_query_string() {
    for (api, client_id, scope) in [
        ("business-manager", BUSINESS_CLIENT_ID, "business.api"),
        ("school-manager", SCHOOL_CLIENT_ID, "school.api"),
    ] {
        let apple = FakeApple::start(Answer::new(405, ""), Answer::new(200, &success(scope)));
        let result = run(&mut verifying(api, &apple));
        assert_accepted(api, &result, 200);
        let requests = apple.requests();
        let post = only_non_head(&requests);
        assert_form_post(api, &apple, post, "/auth/oauth2/token");
        let expected = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", result.token()),
            ("scope", scope),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(post.query(), expected, "{api}: {}", post.target);
        assert_eq!(post.body, "", "{api}: no body");
    }
}

/// `apple_ads/implementing-oauth-for-the-apple-search-ads-api`, "Request an Access
/// Token": Apple's curl, a POST with the form content type, `grant_type`, `client_id`,
/// `client_secret` and `scope=searchadsorg` in the query string in this order, no body,
/// no `X-AP-Context` (that header is for the API's calls, not the token endpoint).
#[test]
fn apple_ads_posts_the_exchange_in_the_body_so_no_url_carries_the_secret() {
    let apple = FakeApple::start(
        Answer::new(405, ""),
        Answer::new(200, &success("searchadsorg")),
    );
    let result = run(&mut verifying("apple-ads", &apple));
    assert_accepted("apple-ads", &result, 200);
    let requests = apple.requests();
    let post = only_non_head(&requests);
    assert_form_post("apple-ads", &apple, post, "/auth/oauth2/token");
    let expected: Vec<(String, String)> = [
        ("grant_type", "client_credentials"),
        ("client_id", APPLE_ADS_CLIENT_ID),
        ("client_secret", result.token()),
        ("scope", "searchadsorg"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    // Apple's text: "Include the following parameters in the request body"; a secret that
    // lives months never goes in a URL, which proxies and servers log.
    assert_eq!(post.form(), expected);
    assert_eq!(post.target, "/auth/oauth2/token", "no query string");
    assert!(post.header_values("x-ap-context").is_empty());
    assert_eq!(result.json.as_ref().unwrap()["access_token"], ACCESS_TOKEN);
}

#[test]
fn every_service_but_apns_and_devicecheck_is_in_a_probe_table() {
    // The tables above cover every service but APNs and DeviceCheck, so no service goes
    // unchecked.
    let listed: Vec<&str> = GET_PROBES
        .iter()
        .chain(FORM_PROBES.iter())
        .map(|(api, _)| *api)
        .collect();
    let names: Vec<&str> = asc_jwt::mint::token::Api::ALL
        .map(|api| api.name())
        .to_vec();
    for api in &listed {
        assert!(names.contains(api), "{api} is not a service");
    }
    for api in asc_jwt::mint::token::Api::ALL {
        let expected = !api.is_connect() && asc_jwt::apple::probes::probe(api).is_some();
        assert_eq!(listed.contains(&api.name()), expected, "{}", api.name());
        let probe = asc_jwt::apple::probes::probe(api).map(|p| match p {
            asc_jwt::apple::probes::Probe::Get(path) => ("GET", path),
            asc_jwt::apple::probes::Probe::Form(path) => ("POST", path),
        });
        if let Some((_, path)) = GET_PROBES.iter().find(|(name, _)| *name == api.name()) {
            assert_eq!(probe, Some(("GET", *path)));
        }
        if let Some((_, path)) = FORM_PROBES.iter().find(|(name, _)| *name == api.name()) {
            assert_eq!(probe, Some(("POST", *path)));
        }
    }
}

// Sign in with Apple: `signinwithapplerestapi/errorresponse`.

#[test]
fn sign_in_with_apple_invalid_client_is_a_refusal_with_the_client_id_diagnosis() {
    let (result, _) = answered("sign-in-with-apple", 400, r#"{"error":"invalid_client"}"#);
    assert_refused(
        "invalid_client",
        &result,
        400,
        &[
            "\n  invalid_client\n",
            "the secret's `sub` (ASC_CLIENT_ID) must be exactly the `client_id`",
            "Services ID and an App ID are not interchangeable",
            "`iss` (ASC_TEAM_ID) must be the Team ID",
        ],
    );
}

#[test]
fn sign_in_with_apple_invalid_request_is_a_refusal_quoting_the_description() {
    let body = r#"{"error":"invalid_request","error_description":"The request is malformed, typically because it's missing a parameter."}"#;
    let (result, _) = answered("sign-in-with-apple", 400, body);
    assert_refused(
        "invalid_request",
        &result,
        400,
        &[
            "invalid_request: The request is malformed, typically because it's missing a parameter.",
            "ASC_CLIENT_ID",
        ],
    );
}

#[test]
fn sign_in_with_apple_invalid_grant_with_a_description_is_accepted() {
    let body = r#"{"error":"invalid_grant","error_description":"The code has already been used."}"#;
    let (result, _) = answered("sign-in-with-apple", 400, body);
    assert_accepted("invalid_grant", &result, 400);
}

#[test]
fn apples_words_are_quoted_on_one_line_without_control_characters() {
    // Apple's text comes from the network: outside a GitHub step (no `::error`
    // escaping) it must not start a line of its own, nor carry terminal escapes.
    let body = r#"{"error":"invalid_client\n::warning::injected","error_description":"a\r\n::add-mask::x \u001b[2Jcleared\u2028::group::y"}"#;
    let (result, _) = answered("sign-in-with-apple", 400, body);
    assert_eq!(result.code, 3, "{}", result.stderr);
    assert!(
        result.stderr.contains("invalid_client"),
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("cleared"), "{}", result.stderr);
    for line in result.stderr.lines() {
        assert!(!line.trim_start().starts_with("::"), "line {line:?}");
    }
    assert!(!result.stderr.contains(['\u{1b}', '\r', '\u{2028}']));
}

// Business and School Manager: the exchange's access token.

fn success(scope: &str) -> String {
    format!(
        r#"{{"access_token":"{ACCESS_TOKEN}","token_type":"Bearer","expires_in":3600,"scope":"{scope}"}}"#
    )
}

/// Business Manager verified in a GitHub Actions step in `format`, on the local clock
/// (so that nothing but the masks can come first on stderr); returns the run, the
/// GITHUB_OUTPUT file's text, and the Unix times just before and after.
fn manager_in_github(format: &str, status: u16, body: &str) -> (Run, String, i64, i64) {
    in_github("business-manager", format, status, body)
}

/// [`manager_in_github`] for `api`.
fn in_github(api: &str, format: &str, status: u16, body: &str) -> (Run, String, i64, i64) {
    let apple = FakeApple::start(Answer::new(405, ""), Answer::new(status, body));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("github_output");
    let before = now();
    let result = run(verifying(api, &apple)
        .env("ASC_FORMAT", format)
        .env("ASC_CLOCK", "local")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &file));
    let after = now();
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    (result, written, before, after)
}

/// The access token's mask comes with the token's, first on `masked` (stdout in the
/// github format, stderr otherwise), before any other line there.
fn assert_masked_first(format: &str, masked: &str) {
    let masks: Vec<&str> = masked
        .lines()
        .take_while(|l| l.starts_with("::add-mask::"))
        .collect();
    assert_eq!(
        masks.len(),
        2,
        "{format}: the token's and the access token's"
    );
    assert!(
        masks.contains(&format!("::add-mask::{ACCESS_TOKEN}").as_str()),
        "{format}"
    );
}

#[test]
fn an_issued_access_token_is_output_in_every_format_and_masked_first() {
    let exchanges = [
        ("business-manager", "business.api"),
        ("apple-ads", "searchadsorg"),
    ];
    for ((api, scope), format) in exchanges
        .into_iter()
        .flat_map(|e| ["github", "json", "dotenv"].map(|f| (e, f)))
    {
        let (result, written, before, after) = in_github(api, format, 200, &success(scope));
        assert_eq!(result.code, 0, "{api}, {format}: {}", result.stderr);
        let (access, expires_at) = match format {
            "github" => {
                assert_masked_first(format, &result.stdout);
                let values = parse_github_file(&written);
                assert_eq!(values["verified"], "true");
                let expires_at = values["access-token-expires-at"].parse::<i64>().unwrap();
                (values["access-token"].clone(), expires_at)
            }
            "json" => {
                assert_masked_first(format, &result.stderr);
                let json = result.json.as_ref().unwrap();
                assert_eq!(json["verified"], true);
                let access = json["access_token"].as_str().unwrap().to_owned();
                (access, json["access_token_expires_at"].as_i64().unwrap())
            }
            _ => {
                assert_masked_first(format, &result.stderr);
                let value = |name: &str| {
                    let prefix = format!("{name}=");
                    let lines: Vec<&str> = result
                        .stdout
                        .lines()
                        .filter_map(|l| l.strip_prefix(prefix.as_str()))
                        .collect();
                    assert_eq!(lines.len(), 1, "{name} in {}", result.stdout);
                    lines[0].to_owned()
                };
                let expires_at = value("ASC_ACCESS_TOKEN_EXPIRES_AT").parse::<i64>().unwrap();
                (value("ASC_ACCESS_TOKEN"), expires_at)
            }
        };
        assert_eq!(access, ACCESS_TOKEN, "{api}, {format}");
        assert!(
            (before + 3600..=after + 3600).contains(&expires_at),
            "{format}: expires at {expires_at}, asked between {before} and {after}"
        );
        assert!(
            result
                .stderr
                .contains("Apple issued an access token, expires ")
        );
    }
}

/// The access token never reaches stdout, stderr or the output file.
fn assert_nowhere(case: &str, result: &Run, written: &str, access: &str) {
    let chars: Vec<char> = access.chars().collect();
    let runs: Vec<String> = chars.windows(16).map(|w| w.iter().collect()).collect();
    assert_no_leak(&format!("{case}: stdout"), &result.stdout, &runs, &[]);
    assert_no_leak(&format!("{case}: stderr"), &result.stderr, &runs, &[]);
    assert_no_leak(&format!("{case}: output file"), written, &runs, &[]);
}

#[test]
fn invalid_client_from_the_exchange_is_a_refusal_and_no_access_token() {
    for (api, status) in [
        ("business-manager", 400),
        ("business-manager", 401),
        ("school-manager", 400),
    ] {
        let case = format!("{api}, HTTP {status}");
        let body = r#"{"error":"invalid_client"}"#;
        let (result, written, _, _) = in_github(api, "github", status, body);
        assert_invalid_client(&case, &result, &written, status);
        for text in [
            "the key ID is the one shown when the public key was added",
            "an assertion past its `exp` is refused",
            "the API account in Apple Business or School Manager lists the active keys",
        ] {
            assert!(
                result.stderr.contains(text),
                "{case}: no `{text}` in {}",
                result.stderr
            );
        }
    }
}

/// `invalid_client` from an exchange: exit 3, the outputs written with `verified` false
/// and no access token, Apple's error quoted.
fn assert_invalid_client(case: &str, result: &Run, written: &str, status: u16) {
    assert_eq!(result.code, 3, "{case}: {}", result.stderr);
    let values = parse_github_file(written);
    assert_eq!(values["verified"], "false", "{case}");
    assert_eq!(values["access-token"], "", "{case}");
    assert_eq!(values["access-token-expires-at"], "", "{case}");
    verify(&values["token"]);
    let refused = format!("Apple refused the token: HTTP {status}%0A  invalid_client%0ACheck:");
    assert!(
        result.stderr.contains(&refused),
        "{case}: {}",
        result.stderr
    );
}

/// A refused Apple Ads secret (`invalid_client`, which Apple's OAuth server answers for
/// "invalid client secret (expired token, malformed claims, or invalid signature)",
/// `signinwithapplerestapi/errorresponse`) gets the checklist: the three IDs, the
/// uploaded public key, the expiry.
#[test]
fn apple_ads_invalid_client_is_a_refusal_with_the_ids_key_and_expiry_checklist() {
    for status in [400, 401] {
        let case = format!("apple-ads, HTTP {status}");
        let body = r#"{"error":"invalid_client"}"#;
        let (result, written, _, _) = in_github("apple-ads", "github", status, body);
        assert_invalid_client(&case, &result, &written, status);
        for text in [
            "must be the `keyId`, `teamId` and `clientId` shown together with the credentials in Apple Ads (Account Settings > API), each in its place",
            "the public key uploaded there must be this private key's",
            "a secret past its `exp` is refused: Apple allows less than 180 days",
            "Apple Ads (Account Settings > API) lists the active keys",
        ] {
            assert!(
                result.stderr.contains(text),
                "{case}: no `{text}` in {}",
                result.stderr
            );
        }
    }
}

#[test]
fn a_success_without_a_usable_access_token_is_a_refusal_and_writes_none() {
    let spaced = "fake-apple-access token-0123456789abcdefghijklmnop";
    let broken = "fake-apple-access\ntoken-0123456789abcdefghijklmnop";
    let cases = [
        (
            "no access_token",
            r#"{"token_type":"Bearer","expires_in":3600}"#.to_owned(),
            "",
        ),
        (
            "a space",
            success("business.api").replace(ACCESS_TOKEN, spaced),
            spaced,
        ),
        (
            "a newline",
            success("business.api").replace(ACCESS_TOKEN, &broken.replace('\n', "\\n")),
            broken,
        ),
        // Shorter than 16 characters: no access token Apple issues (and a mask of `-`
        // would hide every dash in the rest of the job's log).
        (
            "`-`",
            success("business.api").replace(ACCESS_TOKEN, "-"),
            "",
        ),
        (
            "15 characters",
            success("business.api").replace(ACCESS_TOKEN, "fake-apple-acce"),
            "",
        ),
    ];
    for (case, body, access) in cases {
        for format in ["github", "json", "dotenv"] {
            let case = format!("{case}, {format}");
            let (result, written, _, _) = manager_in_github(format, 200, &body);
            assert_eq!(result.code, 3, "{case}: {}", result.stderr);
            assert!(
                result.stderr.contains("Apple refused the token: HTTP 200"),
                "{case}: {}",
                result.stderr
            );
            if format == "json" {
                let json = result.json.as_ref().unwrap();
                assert_eq!(json["verified"], false);
                assert!(json.get("access_token").is_none(), "{case}");
            }
            if !access.is_empty() {
                assert_nowhere(&case, &result, &written, access);
            }
            let outputs = parse_github_file(&written);
            let issued = outputs.get("access-token").map(String::as_str);
            assert!(issued.unwrap_or_default().is_empty(), "{case}: {written}");
            for line in result.stdout.lines().chain(result.stderr.lines()) {
                if let Some(masked) = line.strip_prefix("::add-mask::") {
                    assert!(masked.len() >= 8, "{case}: a mask of {masked:?}");
                }
            }
        }
    }
}

// App Store Server API: `appstoreserverapi/get-transaction-info`.

#[test]
fn app_store_server_not_found_answers_mean_the_token_was_accepted() {
    for (status, body) in [
        (
            404,
            r#"{"errorCode":4040010,"errorMessage":"Transaction id not found."}"#,
        ),
        (
            400,
            r#"{"errorCode":4000006,"errorMessage":"Invalid transaction id."}"#,
        ),
    ] {
        let (result, _) = answered("app-store-server", status, body);
        assert_accepted(&format!("HTTP {status}"), &result, status);
    }
}

#[test]
fn app_store_server_401_is_a_refusal_naming_the_in_app_purchase_key() {
    let (result, _) = answered("app-store-server", 401, "");
    assert_refused(
        "401",
        &result,
        401,
        &[
            "signed with an In-App Purchase key",
            "not an App Store Connect API key",
        ],
    );
}

#[test]
fn app_store_server_invalid_app_identifier_is_a_refusal_naming_the_bundle_id() {
    let body = r#"{"errorCode":4000002,"errorMessage":"Invalid request app identifier."}"#;
    let (result, _) = answered("app-store-server", 400, body);
    assert_refused(
        "4000002",
        &result,
        400,
        &[
            "4000002: Invalid request app identifier.",
            "ASC_BUNDLE_ID must be the bundle ID of one of the team's apps",
        ],
    );
}

// MusicKit, WeatherKit, Maps: a 200 is accepted, a 401 refused.

#[test]
fn music_weatherkit_and_maps_accept_a_200() {
    for (api, body) in [
        ("music", r#"{"data":[{"id":"us","type":"storefronts"}]}"#),
        ("weatherkit", r#"["currentWeather","forecastDaily"]"#),
        (
            "maps",
            r#"{"accessToken":"maps-access","expiresInSeconds":1800}"#,
        ),
    ] {
        let (result, _) = answered(api, 200, body);
        assert_accepted(api, &result, 200);
        assert!(
            result.json.as_ref().unwrap().get("access_token").is_none(),
            "{api}"
        );
    }
}

#[test]
fn music_weatherkit_and_maps_refuse_on_a_401() {
    let maps_error = r#"{"error":{"message":"Not Authorized","details":[]}}"#;
    let music_error = r#"{"errors":[{"code":"40100","title":"Unauthorized","status":"401"}]}"#;
    let cases = [
        ("music", "", vec!["the key must have MusicKit enabled"]),
        (
            "music",
            music_error,
            vec!["40100: Unauthorized", "MusicKit enabled"],
        ),
        (
            "weatherkit",
            "",
            vec!["the key must have WeatherKit enabled"],
        ),
        (
            "maps",
            maps_error,
            vec!["\n  Not Authorized\n", "Maps (MapKit JS / Maps Server API)"],
        ),
    ];
    // Each 401 is asked again after 2 s: the cases wait side by side.
    std::thread::scope(|scope| {
        for (api, body, quoted) in &cases {
            scope.spawn(move || {
                let (result, requests) = answered(api, 401, body);
                assert_refused(api, &result, 401, quoted);
                let gets = requests.iter().filter(|r| r.method == "GET").count();
                assert_eq!(gets, 2, "{api}: a 401 is asked again once");
            });
        }
    });
}

#[test]
fn weatherkit_403_is_a_refusal_naming_the_entitlement() {
    let body = r#"{"timestamp":"2026-11-29T09:00:00Z","status":403,"error":"Forbidden","message":"Access Denied","path":"/api/v1/availability/37.323/122.032"}"#;
    let (result, _) = answered("weatherkit", 403, body);
    assert_refused(
        "403",
        &result,
        403,
        &[
            "HTTP 403 means the account is not entitled to it",
            "Access Denied",
        ],
    );
}

#[test]
fn a_401_then_a_200_for_music_is_accepted_with_a_fresh_token_which_is_output() {
    let apple = FakeApple::scripted(
        Answer::new(405, ""),
        vec![Answer::new(401, ""), Answer::new(200, "{}")],
    );
    let result = run(&mut verifying("music", &apple));
    assert_accepted("retry", &result, 200);
    assert!(
        result
            .stderr
            .contains("Apple answered 401 at first and accepted a freshly minted token"),
        "{}",
        result.stderr
    );
    let gets: Vec<String> = apple
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.header_values("authorization").concat())
        .collect();
    assert_eq!(gets.len(), 2);
    assert_eq!(
        gets[1],
        format!("Bearer {}", result.token()),
        "the one accepted"
    );
    let iat = |bearer: &str| verify(bearer.trim_start_matches("Bearer ")).1["iat"].as_i64();
    let (first, second) = (iat(&gets[0]).unwrap(), iat(&gets[1]).unwrap());
    assert!(second >= first + 2, "a new iat: {first} then {second}");
    let json = result.json.as_ref().unwrap();
    assert_eq!(json["issued_at"], second);
    assert_eq!(json["expires_at"], second + 1200);
}

#[test]
fn a_401_then_a_200_for_business_manager_retries_with_a_new_jti() {
    let apple = FakeApple::scripted(
        Answer::new(405, ""),
        vec![
            Answer::new(401, r#"{"error":"invalid_client"}"#),
            Answer::new(200, &success("business.api")),
        ],
    );
    let result = run(&mut verifying("business-manager", &apple));
    assert_accepted("retry", &result, 200);
    let assertions: Vec<String> = apple
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            let query = r.query();
            let (_, value) = query.iter().find(|(n, _)| n == "client_assertion").unwrap();
            value.clone()
        })
        .collect();
    assert_eq!(assertions.len(), 2);
    assert_eq!(assertions[1], result.token(), "the one accepted is output");
    let jti = |token: &str| verify(token).1["jti"].clone();
    assert_ne!(jti(&assertions[0]), jti(&assertions[1]), "a new jti");
    assert_eq!(result.json.as_ref().unwrap()["access_token"], ACCESS_TOKEN);
}

/// A scoped App Store Connect or Enterprise token is asked with its scope's first GET
/// entry, exactly as written: Apple refuses it for any other request.
#[test]
fn a_scoped_token_is_verified_with_its_first_get_entry_as_written() {
    let cases = [
        (
            "app-store-connect",
            "POST /v1/ciBuildRuns\nGET /v1/ciProducts?filter[app]=1234\nGET /v1/apps",
            "/v1/ciProducts?filter[app]=1234",
        ),
        (
            "app-store-connect",
            "GET /v1/ciWorkflows/1234",
            "/v1/ciWorkflows/1234",
        ),
        (
            "enterprise",
            "GET /v1/bundleIds/1\nGET /v1/users",
            "/v1/bundleIds/1",
        ),
    ];
    for (api, scope, asked) in cases {
        let apple = FakeApple::start(Answer::new(405, ""), Answer::new(200, r#"{"data":[]}"#));
        let result = run(configured()
            .env("ASC_API", api)
            .env("ASC_SCOPE", scope)
            .env("ASC_VERIFY", "true")
            .env("ASC_API_BASE_URL", &apple.url)
            .env("ASC_FORMAT", "json"));
        assert_accepted(api, &result, 200);
        let requests = apple.requests();
        let get = only_non_head(&requests);
        assert_eq!(
            (get.method.as_str(), get.target.as_str()),
            ("GET", asked),
            "{api}"
        );
        let bearer = format!("Bearer {}", result.token());
        assert_eq!(
            get.header_values("authorization"),
            [bearer.as_str()],
            "{api}"
        );
    }
}

#[test]
fn apns_and_devicecheck_refuse_verify_before_asking() {
    for (api, why) in [
        ("apns", "APNs speaks HTTP/2"),
        ("devicecheck", "DeviceCheck has no harmless request"),
    ] {
        let apple = FakeApple::start(Answer::new(200, ""), Answer::new(200, "{}"));
        let result = run(verifying(api, &apple).env("ASC_CLOCK", "local"));
        assert_eq!(result.code, 2, "{api}: {}", result.stderr);
        assert_eq!(result.stdout, "", "{api}");
        let expected = format!("ASC_VERIFY (input verify) is `true`, but {why}");
        assert!(
            result.stderr.contains(&expected),
            "{api}: {}",
            result.stderr
        );
        assert!(apple.requests().is_empty(), "{api}");
    }
}

#[test]
fn apples_clock_is_read_from_a_head_of_each_services_probe() {
    // DeviceCheck is asked nothing, but its host speaks HTTP/1.1 (`devicecheck/accessing-
    // and-modifying-per-device-data` shows plain curl calls): a HEAD of `/v1`.
    let probes = GET_PROBES
        .iter()
        .chain(FORM_PROBES.iter())
        .chain([("devicecheck", "/v1")].iter());
    for (api, path) in probes {
        let apple = FakeApple::start(
            Answer {
                date: Date::Offset(300),
                ..Answer::new(405, "")
            },
            Answer::new(500, "{}"),
        );
        let result = run(service(api)
            .env("ASC_CLOCK", "apple")
            .env("ASC_API_BASE_URL", &apple.url)
            .env("ASC_FORMAT", "json"));
        assert_eq!(result.code, 0, "{api}: {}", result.stderr);
        let requests = apple.requests();
        let asked: Vec<(&str, &str)> = requests
            .iter()
            .map(|r| (r.method.as_str(), r.target.as_str()))
            .collect();
        assert_eq!(asked, [("HEAD", *path)], "{api}");
        assert!(
            requests[0].header_values("authorization").is_empty(),
            "{api}"
        );
        assert_eq!(requests[0].body, "", "{api}");
        let iat = verify(result.token()).1["iat"].as_i64().unwrap();
        assert_eq!(iat, apple.dates_sent()[0] - 60, "{api}");
    }
}

/// A gateway's, a proxy's or an OAuth server's answer may echo the request: Apple's words
/// are quoted without the token, whole or cut (no 16-character run of it), outside GitHub
/// Actions, where nothing masks it, and inside, where the mask misses a cut.
#[test]
fn an_answer_that_echoes_the_token_is_quoted_without_it() {
    let errors = format!(
        r#"{{"errors":[{{"code":"NOT_AUTHORIZED","title":"Bearer {ECHO} was refused","detail":"Authorization: Bearer {ECHO_CUT}"}}]}}"#
    );
    let oauth = format!(
        r#"{{"error":"invalid_client","error_description":"client_assertion={ECHO_CUT}, secret {ECHO}"}}"#
    );
    let gateway = format!(r#"{{"error":"Forbidden","message":"token {ECHO_CUT} denied"}}"#);
    let cases = [
        ("app-store-connect", 403, &errors),
        ("business-manager", 400, &oauth),
        ("sign-in-with-apple", 400, &oauth),
        ("weatherkit", 403, &gateway),
    ];
    for (api, status, body) in cases {
        for actions in ["false", "true"] {
            let case = format!("{api}, GITHUB_ACTIONS={actions}");
            let apple = FakeApple::start(Answer::new(405, ""), Answer::new(status, body));
            let mut cmd = match api {
                "app-store-connect" => configured(),
                _ => service(api),
            };
            let output = cmd
                .env("ASC_VERIFY", "true")
                .env("ASC_API_BASE_URL", &apple.url)
                .env("ASC_FORMAT", "json")
                .env("GITHUB_ACTIONS", actions)
                .output()
                .unwrap();
            let (_, stderr) = texts(&output);
            let tokens: Vec<String> = apple.requests().iter().map(Request::token).collect();
            let token = tokens
                .iter()
                .find(|t| t.len() > 200)
                .expect("a token was sent");
            assert_eq!(output.status.code(), Some(3), "{case}");
            assert!(stderr.contains("(the token)"), "{case}: {stderr}");
            let runs = secret_runs(&[token]);
            assert_no_leak(&case, &stderr, &runs, &["::add-mask::"]);
        }
    }
}
