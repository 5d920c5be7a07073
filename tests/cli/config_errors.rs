//! Bad configuration exits 2 with one message per problem naming the variable and the
//! action input, prints nothing on stdout and never panics.

use crate::common::*;
use predicates::prelude::*;

/// What a case starts from before setting its own variables.
enum From {
    Nothing,
    /// A valid App Store Connect team key ([`configured`]).
    Connect,
    /// A valid configuration of this api ([`service`]).
    Api(&'static str),
}
use From::*;

/// One bad configuration: what it starts from, what it sets, and what stderr must say.
struct Case {
    name: &'static str,
    from: From,
    env: &'static [(&'static str, &'static str)],
    stderr: &'static [&'static str],
}

/// A new case is one entry.
const CASES: &[Case] = &[
    Case {
        name: "every missing required variable is listed",
        from: Nothing,
        env: &[],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) is not set",
            "error: ASC_ISSUER_ID (input issuer-id) is not set",
            "error: ASC_PRIVATE_KEY (input private-key) is not set, and neither is ASC_PRIVATE_KEY_PATH",
            "3 configuration problems",
        ],
    },
    Case {
        name: "errors become workflow commands in GitHub Actions",
        from: Nothing,
        env: &[("GITHUB_ACTIONS", "true")],
        stderr: &["::error title=asc-jwt::ASC_KEY_ID (input key-id) is not set"],
    },
    Case {
        name: "empty values count as unset",
        from: Connect,
        env: &[("ASC_KEY_ID", "   ")],
        stderr: &["error: ASC_KEY_ID (input key-id) is not set"],
    },
    Case {
        name: "key ID that is not alphanumeric",
        from: Connect,
        env: &[("ASC_KEY_ID", "TESTKEY-12")],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) must contain only ASCII letters and digits, but character 8 is not one",
        ],
    },
    Case {
        name: "malformed issuer ID",
        from: Connect,
        env: &[("ASC_ISSUER_ID", "57246542-96fe-1a63-e053")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not shaped like a UUID (23 characters in groups of 8-4-4-4)",
        ],
    },
    Case {
        name: "issuer ID set for an individual key",
        from: Connect,
        env: &[("ASC_KEY_TYPE", "individual")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is set, but ASC_KEY_TYPE (input key-type) is `individual`",
        ],
    },
    Case {
        name: "both key sources",
        from: Connect,
        env: &[("ASC_PRIVATE_KEY_PATH", "tests/fixtures/test-only-p256.p8")],
        stderr: &[
            "error: ASC_PRIVATE_KEY (input private-key) and ASC_PRIVATE_KEY_PATH (input private-key-path) are both set",
        ],
    },
    Case {
        name: "duration that is not a number",
        from: Connect,
        env: &[("ASC_DURATION", "20m")],
        stderr: &[
            "error: ASC_DURATION (input duration) is `20m`: expected a whole number of seconds, from 120 to the api's maximum (1200 for `app-store-connect`",
        ],
    },
    Case {
        name: "duration too short",
        from: Connect,
        env: &[("ASC_DURATION", "60")],
        stderr: &["error: ASC_DURATION (input duration) is 60 s: expected at least 120 s"],
    },
    Case {
        name: "long duration with a scope that is not GET-only",
        from: Connect,
        env: &[
            ("ASC_DURATION", "3600"),
            ("ASC_SCOPE", "GET /v1/ciProducts\nPATCH /v1/ciWorkflows/1"),
        ],
        stderr: &[
            "error: ASC_DURATION (input duration) is 3600 s, but ASC_SCOPE (input scope) entry 2 `PATCH /v1/ciWorkflows/1` cannot live longer than 20 minutes (1200 s)",
        ],
    },
    Case {
        name: "long duration with a GET-only scope of resources that do not allow it",
        from: Connect,
        env: &[
            ("ASC_DURATION", "15777000"),
            (
                "ASC_SCOPE",
                "GET /v1/apps\nGET /v1/ciProducts\nGET /v1/builds",
            ),
        ],
        stderr: &[
            "error: ASC_DURATION (input duration) is 15777000 s, but ASC_SCOPE (input scope) entry 1 `GET /v1/apps`, entry 3 `GET /v1/builds` cannot live longer than 20 minutes (1200 s): Apple accepts a longer lifetime only when every entry is a GET of a resource that allows it (Build Actions, Build Runs, Git References, Issues, macOS Versions, Products, Providers, Power and Performance Metrics and Logs, Pull Requests, Repositories, Test Results, Workflows, Xcode Versions)",
        ],
    },
    Case {
        name: "long duration without a scope names the resources that allow it",
        from: Connect,
        env: &[("ASC_DURATION", "3600")],
        stderr: &[
            "error: ASC_DURATION (input duration) is 3600 s: Apple refuses a token that lives longer than 20 minutes (1200 s) unless it has a scope whose every entry is a GET of a resource that allows long-lived tokens (Build Actions, Build Runs,",
            "set ASC_SCOPE (input scope) to such requests only, e.g. `GET /v1/ciProducts`",
        ],
    },
    Case {
        name: "verify with a scope that has no GET entry",
        from: Connect,
        env: &[
            ("ASC_VERIFY", "true"),
            ("ASC_SCOPE", "POST /v1/ciBuildRuns\nPATCH /v1/ciWorkflows/1"),
        ],
        stderr: &[
            "error: ASC_VERIFY (input verify) is `true`, but ASC_SCOPE (input scope) lists no GET request: Apple refuses a scoped token for any request outside its scope, and verify only reads",
        ],
    },
    Case {
        name: "enterprise tokens live at most 20 minutes whatever the scope",
        from: Connect,
        env: &[
            ("ASC_API", "enterprise"),
            ("ASC_DURATION", "1201"),
            ("ASC_SCOPE", "GET /v1/bundleIds"),
        ],
        stderr: &[
            "error: ASC_DURATION (input duration) is 1201 s: Enterprise Program API tokens live at most 1200 s (20 minutes); lower it",
        ],
    },
    Case {
        name: "bad scope entry",
        from: Connect,
        env: &[("ASC_SCOPE", "GET /v1/apps\nFETCH /v1/builds")],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 2 has method `FETCH`: expected one of GET, POST, PATCH, PUT, DELETE",
        ],
    },
    Case {
        name: "unknown key type",
        from: Connect,
        env: &[("ASC_KEY_TYPE", "admin")],
        stderr: &[
            "error: ASC_KEY_TYPE (input key-type) is `admin`: expected `team` or `individual`",
        ],
    },
    Case {
        name: "unknown api",
        from: Connect,
        env: &[("ASC_API", "itunes")],
        stderr: &[
            "error: ASC_API (input api) is `itunes`: expected `app-store-connect`, `enterprise`, `app-store-server`, `sign-in-with-apple`, `business-manager`, `school-manager`, `apns`, `music`, `weatherkit`, `maps`, `apple-ads` or `devicecheck`",
        ],
    },
    Case {
        name: "unknown format",
        from: Connect,
        env: &[("ASC_FORMAT", "yaml")],
        stderr: &["error: ASC_FORMAT is `yaml`: expected `text`, `json`, `dotenv` or `github`"],
    },
    Case {
        name: "a key folder with a line break is refused, not printed",
        from: Connect,
        env: &[
            ("ASC_KEY_FILE", "true"),
            ("ASC_KEY_DIR", "/tmp/k\n::set-output name=token::ATTACKER"),
        ],
        stderr: &["error: ASC_KEY_DIR (input key-dir) has a control character"],
    },
    Case {
        name: "a key folder with a space in dotenv format",
        from: Connect,
        env: &[
            ("ASC_KEY_FILE", "true"),
            ("ASC_FORMAT", "dotenv"),
            ("ASC_KEY_DIR", "/tmp/k NODE_OPTIONS=--require=./evil.js"),
        ],
        stderr: &["error: ASC_KEY_DIR (input key-dir) has white space"],
    },
    Case {
        name: "key ID longer than 10 characters",
        from: Connect,
        env: &[("ASC_KEY_ID", "TESTKEY1234")],
        stderr: &["error: ASC_KEY_ID (input key-id) is 11 characters long: expected the 10"],
    },
    Case {
        name: "key ID shorter than 10 characters",
        from: Connect,
        env: &[("ASC_KEY_ID", "SHORT")],
        stderr: &["error: ASC_KEY_ID (input key-id) is 5 characters long"],
    },
    Case {
        name: "key file name as key ID",
        from: Connect,
        env: &[("ASC_KEY_ID", "AuthKey_ABCDE12345")],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) starts with `AuthKey_`: that is the file name; the key ID is ABCDE12345",
        ],
    },
    Case {
        name: "key ID and issuer ID swapped",
        from: Connect,
        env: &[
            ("ASC_KEY_ID", "57246542-96fe-1a63-e053-0824d011072a"),
            ("ASC_ISSUER_ID", "ABCDE12345"),
        ],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) and ASC_ISSUER_ID (input issuer-id) look swapped",
            "error: 1 configuration problem",
        ],
    },
    Case {
        name: "missing issuer ID mentions individual keys",
        from: Connect,
        env: &[("ASC_ISSUER_ID", "")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not set: team keys need",
            "ASC_KEY_TYPE=individual (input key-type: individual)",
        ],
    },
    Case {
        name: "several scope entries on one line",
        from: Connect,
        env: &[("ASC_SCOPE", "GET /v1/apps, GET /v1/builds")],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 1 lists several requests on one line: put them one per line or in a JSON array",
        ],
    },
    Case {
        name: "a full URL as scope path",
        from: Connect,
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
        from: Connect,
        env: &[(
            "ASC_ISSUER_ID",
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
        )],
        stderr: &["error: ASC_ISSUER_ID (input issuer-id) looks like the private key"],
    },
    Case {
        name: "a PEM without its END line",
        from: Connect,
        env: &[(
            "ASC_PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n",
        )],
        stderr: &["the key looks cut short: copy the whole secret again"],
    },
    Case {
        name: "base64 of a key cut short",
        from: Connect,
        env: &[(
            "ASC_PRIVATE_KEY",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
        )],
        stderr: &["the key looks cut short: copy the whole secret again"],
    },
    Case {
        name: "base64 of a key cut at a length base64 cannot have",
        from: Connect,
        env: &[(
            "ASC_PRIVATE_KEY",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgA",
        )],
        stderr: &["the key looks cut short: copy the whole secret again"],
    },
    Case {
        name: "a bad duration and a bad scope are both reported",
        from: Connect,
        env: &[("ASC_DURATION", "abc"), ("ASC_SCOPE", "FETCH /v1/apps")],
        stderr: &[
            "error: ASC_DURATION (input duration) is `abc`",
            "error: ASC_SCOPE (input scope) entry 1 has method `FETCH`",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "a bad issuer ID and a bad key type are both reported",
        from: Connect,
        env: &[("ASC_ISSUER_ID", "xyz"), ("ASC_KEY_TYPE", "tem")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not shaped like a UUID",
            "error: ASC_KEY_TYPE (input key-type) is `tem`",
            "error: 2 configuration problems",
        ],
    },
    // Each service: its required settings missing, reported together.
    Case {
        name: "app-store-server without issuer ID and bundle ID",
        from: Api("app-store-server"),
        env: &[("ASC_ISSUER_ID", ""), ("ASC_BUNDLE_ID", "")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not set: App Store Server API tokens are issued by the issuer ID shown with the In-App Purchase keys",
            "error: ASC_BUNDLE_ID (input bundle-id) is not set: App Store Server API tokens name the app by its bundle ID (`bid`)",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "sign-in-with-apple without Team ID and client ID, with an issuer ID",
        from: Api("sign-in-with-apple"),
        env: &[
            ("ASC_TEAM_ID", ""),
            ("ASC_CLIENT_ID", ""),
            ("ASC_ISSUER_ID", ISSUER),
        ],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is set, but Sign in with Apple client secrets are issued by your Team ID: set ASC_TEAM_ID (input team-id) instead",
            "error: ASC_TEAM_ID (input team-id) is not set: Sign in with Apple client secrets are issued by your 10-character Team ID",
            "error: ASC_CLIENT_ID (input client-id) is not set: Sign in with Apple client secrets name the Services ID (web sign-in) or the App ID's bundle ID",
            "error: 3 configuration problems",
        ],
    },
    Case {
        name: "business-manager without client ID",
        from: Api("business-manager"),
        env: &[("ASC_CLIENT_ID", "")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) is not set: Apple Business Manager client assertions are issued by the client ID shown with the API account, `BUSINESSAPI.` followed by a UUID",
        ],
    },
    Case {
        name: "school-manager without client ID",
        from: Api("school-manager"),
        env: &[("ASC_CLIENT_ID", "")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) is not set: Apple School Manager client assertions are issued by the client ID shown with the API account, `SCHOOLAPI.` followed by a UUID",
        ],
    },
    Case {
        name: "apns without Team ID",
        from: Api("apns"),
        env: &[("ASC_TEAM_ID", "")],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is not set: APNs provider tokens are issued by your 10-character Team ID",
        ],
    },
    Case {
        name: "music without Team ID",
        from: Api("music"),
        env: &[("ASC_TEAM_ID", "")],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is not set: Apple Music developer tokens are issued by your 10-character Team ID",
        ],
    },
    Case {
        name: "weatherkit without Team ID and service ID",
        from: Api("weatherkit"),
        env: &[("ASC_TEAM_ID", ""), ("ASC_SERVICE_ID", "")],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is not set: WeatherKit tokens are issued by your 10-character Team ID",
            "error: ASC_SERVICE_ID (input service-id) is not set: WeatherKit tokens name the Services ID registered for WeatherKit",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "maps without key ID and Team ID",
        from: Api("maps"),
        env: &[("ASC_TEAM_ID", ""), ("ASC_KEY_ID", "")],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) is not set",
            "error: ASC_TEAM_ID (input team-id) is not set: Maps tokens are issued by your 10-character Team ID",
            "error: 2 configuration problems",
        ],
    },
    // Settings the service does not use: which api uses them, or what to set instead.
    Case {
        name: "every new setting with app-store-connect",
        from: Connect,
        env: &[
            ("ASC_TEAM_ID", "ABCDE12345"),
            ("ASC_BUNDLE_ID", "com.example.app"),
            ("ASC_CLIENT_ID", "com.example.web"),
            ("ASC_SERVICE_ID", "com.example.weather"),
            ("ASC_ORIGIN", "https://example.com"),
        ],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is set, but App Store Connect API tokens are issued by the issuer ID shown above the keys in App Store Connect: set ASC_ISSUER_ID (input issuer-id) instead, and unset this one",
            "error: ASC_BUNDLE_ID (input bundle-id) is set, but App Store Connect API tokens do not use it (it is for api `app-store-server`); unset it",
            "error: ASC_CLIENT_ID (input client-id) is set, but App Store Connect API tokens do not use it (it is for api `sign-in-with-apple`, `business-manager`, `school-manager`, `apple-ads`); unset it",
            "error: ASC_SERVICE_ID (input service-id) is set, but App Store Connect API tokens do not use it (it is for api `weatherkit`); unset it",
            "error: ASC_ORIGIN (input origin) is set, but App Store Connect API tokens do not use it (it is for api `music`, `maps`); unset it",
            // No service uses all five together, so none is named.
            "error: ASC_API (input api) is not set, so the token is for `app-store-connect`, which has no use for ASC_TEAM_ID, ASC_BUNDLE_ID, ASC_CLIENT_ID, ASC_SERVICE_ID, ASC_ORIGIN: set it to the service the token is for\n",
            "error: 6 configuration problems",
        ],
    },
    Case {
        name: "a forgotten api (the action's default) is named with the service the settings fit",
        from: Connect,
        env: &[
            ("ASC_API", "app-store-connect"),
            ("ASC_ISSUER_ID", ""),
            ("ASC_TEAM_ID", "ABCDE12345"),
            ("ASC_CLIENT_ID", "com.example.web"),
        ],
        stderr: &[
            "error: ASC_API (input api) is `app-store-connect`, which has no use for ASC_TEAM_ID, ASC_CLIENT_ID: set it to the service the token is for, here `sign-in-with-apple`",
        ],
    },
    Case {
        name: "a Business Manager client ID for Sign in with Apple",
        from: Api("sign-in-with-apple"),
        env: &[(
            "ASC_CLIENT_ID",
            "BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152",
        )],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) is an Apple Business or School Manager client ID: Sign in with Apple's is the Services ID or the App ID's bundle ID; for that API use api `business-manager` or `school-manager`",
        ],
    },
    Case {
        name: "a Team ID as the issuer ID",
        from: Connect,
        env: &[("ASC_ISSUER_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is 10 letters and digits, the shape of a key ID or Team ID: expected the UUID-shaped issuer ID",
        ],
    },
    Case {
        name: "a comma between maps scopes",
        from: Api("maps"),
        env: &[
            ("ASC_SCOPE", "mapkit_js,server_api"),
            ("ASC_ORIGIN", "https://example.com"),
        ],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 1 has white space or a comma: put one scope per line or per array element",
        ],
    },
    Case {
        name: "app-store-server with a Team ID, key type and scope",
        from: Api("app-store-server"),
        env: &[
            ("ASC_TEAM_ID", "ABCDE12345"),
            ("ASC_KEY_TYPE", "team"),
            ("ASC_SCOPE", "GET /v1/apps"),
        ],
        stderr: &[
            "error: ASC_KEY_TYPE (input key-type) is set, but App Store Server API tokens do not use it (it is for api `app-store-connect`, `enterprise`); unset it",
            "error: ASC_SCOPE (input scope) is set, but App Store Server API tokens do not use it (it is for api `app-store-connect`, `enterprise`, `maps`); unset it",
            "error: ASC_TEAM_ID (input team-id) is set, but App Store Server API tokens are issued by the issuer ID shown above the keys in App Store Connect: set ASC_ISSUER_ID (input issuer-id) instead",
            "error: 3 configuration problems",
        ],
    },
    Case {
        name: "sign-in-with-apple with a bundle ID, service ID and origin",
        from: Api("sign-in-with-apple"),
        env: &[
            ("ASC_BUNDLE_ID", "com.example.app"),
            ("ASC_SERVICE_ID", "com.example.weather"),
            ("ASC_ORIGIN", "https://example.com"),
        ],
        stderr: &[
            "error: ASC_BUNDLE_ID (input bundle-id) is set, but Sign in with Apple names the app by its client ID: put the Services ID (web) or the App ID's bundle ID (apps) in ASC_CLIENT_ID (input client-id) instead, and unset this one",
            "error: ASC_SERVICE_ID (input service-id) is set, but Sign in with Apple names the app by its client ID",
            "error: ASC_ORIGIN (input origin) is set, but Sign in with Apple client secrets do not use it (it is for api `music`, `maps`); unset it",
            "error: 3 configuration problems",
        ],
    },
    Case {
        name: "business-manager with an issuer ID and a Team ID",
        from: Api("business-manager"),
        env: &[("ASC_ISSUER_ID", ISSUER), ("ASC_TEAM_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is set, but Apple Business Manager client assertions are issued by the client ID: set ASC_CLIENT_ID (input client-id) instead, and unset this one",
            "error: ASC_TEAM_ID (input team-id) is set, but Apple Business Manager client assertions do not use it (it is for api `sign-in-with-apple`, `apns`, `music`, `weatherkit`, `maps`, `apple-ads`, `devicecheck`); unset it",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "weatherkit with a client ID and a bundle ID",
        from: Api("weatherkit"),
        env: &[
            ("ASC_CLIENT_ID", "com.example.weather"),
            ("ASC_BUNDLE_ID", "com.example.app"),
        ],
        stderr: &[
            "error: ASC_BUNDLE_ID (input bundle-id) is set, but WeatherKit names the Services ID registered for it: put it in ASC_SERVICE_ID (input service-id) instead, and unset this one",
            "error: ASC_CLIENT_ID (input client-id) is set, but WeatherKit names the Services ID registered for it",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "maps with a service ID",
        from: Api("maps"),
        env: &[("ASC_SERVICE_ID", "com.example.weather")],
        stderr: &[
            "error: ASC_SERVICE_ID (input service-id) is set, but Maps tokens do not use it (it is for api `weatherkit`); unset it",
        ],
    },
    Case {
        name: "music with key files, fastlane JSON and a scope",
        from: Api("music"),
        env: &[
            ("ASC_KEY_FILE", "true"),
            ("ASC_FASTLANE_JSON", "true"),
            ("ASC_SCOPE", "server_api"),
        ],
        stderr: &[
            "error: ASC_SCOPE (input scope) is set, but Apple Music developer tokens do not use it (it is for api `app-store-connect`, `enterprise`, `maps`); unset it",
            "error: ASC_KEY_FILE (input key-file) is `true`, but Apple Music developer tokens are not read by altool, notarytool or fastlane: key files are written for `app-store-connect` and `enterprise` only; unset it",
            "error: ASC_FASTLANE_JSON (input fastlane-json) is `true`, but Apple Music developer tokens are not read by altool, notarytool or fastlane",
            "error: 3 configuration problems",
        ],
    },
    Case {
        name: "apns with a duration, a key type, verify and Apple's clock",
        from: Api("apns"),
        env: &[
            ("ASC_DURATION", "1200"),
            ("ASC_KEY_TYPE", "team"),
            ("ASC_VERIFY", "true"),
            ("ASC_CLOCK", "apple"),
        ],
        stderr: &[
            "error: ASC_KEY_TYPE (input key-type) is set, but APNs provider tokens do not use it (it is for api `app-store-connect`, `enterprise`); unset it",
            "error: ASC_DURATION (input duration) is set, but APNs tokens have no `exp`: Apple accepts them for one hour after `iat`, and refuses a new token more often than every 20 minutes; unset it",
            "error: ASC_CLOCK (input clock) is `apple`, but APNs speaks HTTP/2 only, which asc-jwt's client does not, so its clock cannot be read; use `local`",
            "error: ASC_VERIFY (input verify) is `true`, but APNs speaks HTTP/2 only, which asc-jwt's client does not: an APNs token cannot be checked here",
            "error: 4 configuration problems",
        ],
    },
    // The classic mistakes.
    Case {
        name: "a Team ID where the client ID belongs",
        from: Api("sign-in-with-apple"),
        env: &[("ASC_CLIENT_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) looks like a Team ID or key ID (10 letters and digits): the client ID is the Services ID or the App ID's bundle ID, e.g. `com.example.web`; the Team ID goes in ASC_TEAM_ID (input team-id)",
        ],
    },
    Case {
        name: "a Team ID where a manager client ID belongs",
        from: Api("business-manager"),
        env: &[("ASC_CLIENT_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) looks like a Team ID or key ID (10 letters and digits): the client ID is `BUSINESSAPI.` followed by a UUID",
        ],
    },
    Case {
        name: "a client ID with the Team ID prefix",
        from: Api("sign-in-with-apple"),
        env: &[("ASC_CLIENT_ID", "ABCDE12345.com.example.app")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) starts with your Team ID: Sign in with Apple's client ID is the App ID's bundle ID without that prefix (`com.example.app`), or the Services ID",
        ],
    },
    Case {
        name: "a client ID with the Team ID prefix in lower case",
        from: Api("sign-in-with-apple"),
        env: &[
            ("ASC_TEAM_ID", "abcde12345"),
            ("ASC_CLIENT_ID", "abcde12345.com.example.app"),
        ],
        stderr: &["error: ASC_CLIENT_ID (input client-id) starts with your Team ID"],
    },
    Case {
        name: "a WeatherKit service ID with the Team ID prefix",
        from: Api("weatherkit"),
        env: &[("ASC_SERVICE_ID", "ABCDE12345.com.example.weather")],
        stderr: &[
            "error: ASC_SERVICE_ID (input service-id) starts with your Team ID: the header's `id` is written as TEAMID.SERVICEID from ASC_TEAM_ID (input team-id) and this setting, so give the Services ID alone, without `TEAMID.`",
        ],
    },
    Case {
        name: "a School Manager client ID with business-manager",
        from: Api("business-manager"),
        env: &[("ASC_CLIENT_ID", SCHOOL_CLIENT_ID)],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) starts with `SCHOOLAPI.`, so it is an Apple School Manager client ID: use api `school-manager`, or the client ID that starts with `BUSINESSAPI.`",
        ],
    },
    Case {
        name: "a Business Manager client ID with school-manager",
        from: Api("school-manager"),
        env: &[("ASC_CLIENT_ID", BUSINESS_CLIENT_ID)],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) starts with `BUSINESSAPI.`, so it is an Apple Business Manager client ID: use api `business-manager`, or the client ID that starts with `SCHOOLAPI.`",
        ],
    },
    Case {
        name: "a manager client ID without its prefix",
        from: Api("business-manager"),
        env: &[("ASC_CLIENT_ID", "9703f56c-10ce-4d8c-9d1e-3f5c0b2a7e41")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) must start with `BUSINESSAPI.` followed by a UUID: copy the client ID shown with the API account",
        ],
    },
    Case {
        name: "a manager client ID cut short",
        from: Api("business-manager"),
        env: &[("ASC_CLIENT_ID", "BUSINESSAPI.9703f56c")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) must be `BUSINESSAPI.` followed by a UUID (8-4-4-4-12 hex digits)",
        ],
    },
    Case {
        name: "a 10-character key ID with business-manager",
        from: Api("business-manager"),
        env: &[("ASC_KEY_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) is not a UUID (10 letters and digits are the key IDs of developer-account keys): expected the key ID shown when the key was added to the API account",
        ],
    },
    Case {
        name: "a manager key's UUID with another api",
        from: Api("sign-in-with-apple"),
        env: &[("ASC_KEY_ID", MANAGER_KEY_ID)],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) is a UUID, which only Apple Business and School Manager and Apple Ads keys have: use api `business-manager`, `school-manager` or `apple-ads` for such a key; Sign in with Apple client secrets need a key ID of 10 letters and digits",
        ],
    },
    // Apple Ads (`apple_ads/implementing-oauth-for-the-apple-search-ads-api`) and
    // DeviceCheck: their IDs, their mix-ups with other services', and what they refuse.
    Case {
        name: "apple-ads without its team ID, client ID and key ID",
        from: Nothing,
        env: &[
            ("ASC_API", "apple-ads"),
            ("ASC_PRIVATE_KEY_PATH", "/nonexistent"),
        ],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) is not set",
            "error: ASC_TEAM_ID (input team-id) is not set: Apple Ads client secrets name the Apple Ads API user's `teamId`, `SEARCHADS.` followed by a UUID, shown with the credentials in Apple Ads (Account Settings > API)",
            "error: ASC_CLIENT_ID (input client-id) is not set: Apple Ads client secrets name the Apple Ads API user's `clientId`",
        ],
    },
    Case {
        name: "a developer Team ID with apple-ads",
        from: Api("apple-ads"),
        env: &[("ASC_TEAM_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is a developer-account Team ID, but Apple Ads client secrets are issued by Apple Ads' own team ID, `SEARCHADS.` followed by a UUID: copy the `teamId` shown with the credentials in Apple Ads (Account Settings > API)",
            "error: 1 configuration problem",
        ],
    },
    Case {
        name: "a Team ID as the Apple Ads client ID",
        from: Api("apple-ads"),
        env: &[("ASC_CLIENT_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) looks like a Team ID or key ID (10 letters and digits): Apple Ads' client ID is `SEARCHADS.` followed by a UUID, the `clientId` shown with the credentials",
        ],
    },
    Case {
        name: "a Business Manager client ID with apple-ads",
        from: Api("apple-ads"),
        env: &[("ASC_CLIENT_ID", BUSINESS_CLIENT_ID)],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) is an Apple Business or School Manager client ID: Apple Ads' starts with `SEARCHADS.`; for that API use api `business-manager` or `school-manager`",
        ],
    },
    Case {
        name: "Apple Ads IDs cut short or without their prefix",
        from: Api("apple-ads"),
        env: &[
            ("ASC_TEAM_ID", "SEARCHADS.9703f56c"),
            ("ASC_CLIENT_ID", "9703f56c-10ce-4876-8f59-e78e5e23a152"),
        ],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) must be `SEARCHADS.` followed by a UUID (8-4-4-4-12 hex digits): copy the `teamId` shown with the credentials in Apple Ads (Account Settings > API)",
            "error: ASC_CLIENT_ID (input client-id) must be `SEARCHADS.` followed by a UUID (8-4-4-4-12 hex digits): copy the `clientId`",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "a 10-character key ID with apple-ads",
        from: Api("apple-ads"),
        env: &[("ASC_KEY_ID", "ABCDE12345")],
        stderr: &[
            "error: ASC_KEY_ID (input key-id) is not a UUID (10 letters and digits are the key IDs of developer-account keys)",
        ],
    },
    Case {
        name: "apple-ads refuses an issuer ID and 180 days",
        from: Api("apple-ads"),
        env: &[("ASC_ISSUER_ID", ISSUER), ("ASC_DURATION", "15552000")],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is set, but Apple Ads client secrets are issued by your Team ID: set ASC_TEAM_ID (input team-id) instead, and unset this one",
            "error: ASC_DURATION (input duration) is 15552000 s: Apple Ads client secrets live at most 15551999 s",
        ],
    },
    Case {
        name: "Apple Ads IDs with sign-in-with-apple",
        from: Api("sign-in-with-apple"),
        env: &[
            ("ASC_TEAM_ID", APPLE_ADS_TEAM_ID),
            ("ASC_CLIENT_ID", APPLE_ADS_CLIENT_ID),
        ],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is an Apple Ads team ID (`SEARCHADS.…`): use api `apple-ads` for it; Sign in with Apple client secrets are issued by your 10-character Team ID",
            "error: ASC_CLIENT_ID (input client-id) starts with `SEARCHADS.`, so it is an Apple Ads client ID: use api `apple-ads` for it; Sign in with Apple client secrets name another client ID",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "an Apple Ads team ID with devicecheck",
        from: Api("devicecheck"),
        env: &[("ASC_TEAM_ID", APPLE_ADS_TEAM_ID)],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is an Apple Ads team ID (`SEARCHADS.…`): use api `apple-ads` for it; DeviceCheck tokens are issued by your 10-character Team ID",
        ],
    },
    Case {
        name: "an Apple Ads client ID with business-manager",
        from: Api("business-manager"),
        env: &[("ASC_CLIENT_ID", APPLE_ADS_CLIENT_ID)],
        stderr: &[
            "error: ASC_CLIENT_ID (input client-id) starts with `SEARCHADS.`, so it is an Apple Ads client ID: use api `apple-ads` for it; Apple Business Manager client assertions name another client ID",
            "error: 1 configuration problem",
        ],
    },
    Case {
        name: "a forgotten api with Apple Ads IDs names apple-ads alone",
        from: Connect,
        env: &[
            ("ASC_TEAM_ID", APPLE_ADS_TEAM_ID),
            ("ASC_CLIENT_ID", APPLE_ADS_CLIENT_ID),
        ],
        stderr: &[
            "error: ASC_API (input api) is not set, so the token is for `app-store-connect`, which has no use for ASC_TEAM_ID, ASC_CLIENT_ID: set it to the service the token is for, here `apple-ads`",
        ],
    },
    Case {
        name: "devicecheck refuses a duration, verify and a client ID",
        from: Api("devicecheck"),
        env: &[
            ("ASC_DURATION", "1200"),
            ("ASC_VERIFY", "true"),
            ("ASC_CLIENT_ID", WEB_CLIENT_ID),
        ],
        stderr: &[
            "error: ASC_DURATION (input duration) is set, but DeviceCheck tokens have no `exp`: they are made as APNs tokens are, which Apple accepts for one hour after `iat`; unset it",
            "error: ASC_VERIFY (input verify) is `true`, but DeviceCheck has no harmless request whose answer shows a token accepted",
            "error: ASC_CLIENT_ID (input client-id) is set, but DeviceCheck tokens do not use it",
            "error: 3 configuration problems",
        ],
    },
    Case {
        name: "devicecheck without a Team ID, with a manager's key ID",
        from: Nothing,
        env: &[
            ("ASC_API", "devicecheck"),
            ("ASC_KEY_ID", MANAGER_KEY_ID),
            ("ASC_PRIVATE_KEY_PATH", "/nonexistent"),
        ],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is not set: DeviceCheck tokens are issued by your 10-character Team ID",
            "error: ASC_KEY_ID (input key-id) is a UUID, which only Apple Business and School Manager and Apple Ads keys have",
        ],
    },
    Case {
        name: "Team ID equal to the key ID",
        from: Api("apns"),
        env: &[("ASC_TEAM_ID", KEY_ID)],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) equals ASC_KEY_ID (input key-id): the Team ID is your account's (Membership details), the key ID the key's",
        ],
    },
    Case {
        name: "a Team ID of 9 characters",
        from: Api("music"),
        env: &[("ASC_TEAM_ID", "ABCDE1234")],
        stderr: &[
            "error: ASC_TEAM_ID (input team-id) is 9 characters long: expected the 10-character Team ID",
        ],
    },
    Case {
        name: "a Team ID with a dash",
        from: Api("music"),
        env: &[("ASC_TEAM_ID", "ABCDE-1234")],
        stderr: &["error: ASC_TEAM_ID (input team-id) is not only ASCII letters and digits"],
    },
    Case {
        name: "a bundle ID with a space and a bad issuer ID",
        from: Api("app-store-server"),
        env: &[
            ("ASC_BUNDLE_ID", "com.example app"),
            ("ASC_ISSUER_ID", "not-an-issuer"),
        ],
        stderr: &[
            "error: ASC_ISSUER_ID (input issuer-id) is not shaped like a UUID",
            "error: ASC_BUNDLE_ID (input bundle-id) has a character other than ASCII letters, digits, `.`, `-` and `_` at position 12",
            "error: 2 configuration problems",
        ],
    },
    Case {
        name: "maps scope mapkit_js without an origin",
        from: Api("maps"),
        env: &[("ASC_SCOPE", "server_api\nmapkit_js")],
        stderr: &[
            "error: ASC_ORIGIN (input origin) is not set, but the scope `mapkit_js` needs the web origins allowed to use the token",
        ],
    },
    Case {
        name: "maps scope web_snapshots without an origin",
        from: Api("maps"),
        env: &[(
            "ASC_SCOPE",
            r#"["server_api", "web_snapshots", "embed_api"]"#,
        )],
        stderr: &[
            "error: ASC_ORIGIN (input origin) is not set, but the scope `web_snapshots` needs",
        ],
    },
    Case {
        name: "an unknown maps scope",
        from: Api("maps"),
        env: &[("ASC_SCOPE", "server_api\nmapkit")],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 2 is `mapkit`: expected one or more of `server_api`, `mapkit_js`, `web_snapshots`, `embed_api`",
        ],
    },
    Case {
        name: "maps scopes written as the claim, space-separated",
        from: Api("maps"),
        env: &[
            ("ASC_SCOPE", "server_api mapkit_js"),
            ("ASC_ORIGIN", "https://example.com"),
        ],
        stderr: &[
            "error: ASC_SCOPE (input scope) entry 1 has white space or a comma: put one scope per line or per array element, e.g. `[\"server_api\", \"mapkit_js\"]`",
        ],
    },
    Case {
        name: "an App Store Connect scope with maps",
        from: Api("maps"),
        env: &[("ASC_SCOPE", "GET /v1/apps")],
        stderr: &["error: ASC_SCOPE (input scope) entry 1"],
    },
    Case {
        name: "an empty maps scope list",
        from: Api("maps"),
        env: &[("ASC_SCOPE", "[]")],
        stderr: &["error: ASC_SCOPE (input scope) lists no scopes"],
    },
    Case {
        name: "origins separated by a comma",
        from: Api("music"),
        env: &[("ASC_ORIGIN", "https://a.example, https://b.example")],
        stderr: &[
            "error: ASC_ORIGIN (input origin) entry 1 has white space or a comma: put one origin per line or per array element",
        ],
    },
    Case {
        name: "an origin with a space on the second line",
        from: Api("maps"),
        env: &[("ASC_ORIGIN", "https://a.example\nhttps://b.example x")],
        stderr: &["error: ASC_ORIGIN (input origin) entry 2 has white space or a comma"],
    },
    Case {
        name: "an origin array with a number",
        from: Api("music"),
        env: &[("ASC_ORIGIN", r#"["https://a.example", 3]"#)],
        stderr: &[
            "error: ASC_ORIGIN (input origin) starts with `[` but is not a JSON array of strings",
        ],
    },
    Case {
        name: "an empty origin list",
        from: Api("music"),
        env: &[("ASC_ORIGIN", "[]")],
        stderr: &["error: ASC_ORIGIN (input origin) lists no origins"],
    },
    Case {
        name: "the key's base64 pasted into the origin",
        from: Api("music"),
        env: &[(
            "ASC_ORIGIN",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
        )],
        stderr: &["error: ASC_ORIGIN (input origin) looks like the private key"],
    },
    Case {
        name: "the key's base64 pasted into an origin array",
        from: Api("maps"),
        env: &[(
            "ASC_ORIGIN",
            r#"["https://example.com", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg"]"#,
        )],
        stderr: &["error: ASC_ORIGIN (input origin) entry 2 looks like the private key"],
    },
    Case {
        name: "a duration that is not a number with a six-month api",
        from: Api("sign-in-with-apple"),
        env: &[("ASC_DURATION", "6 months")],
        stderr: &[
            "error: ASC_DURATION (input duration) is `6 months`: expected a whole number of seconds, from 120 to the api's maximum",
        ],
    },
    Case {
        name: "github format outside GitHub",
        from: Connect,
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
        let mut cmd = match case.from {
            Nothing => asc_jwt(),
            Connect => configured(),
            Api(api) => service(api),
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
    for var in asc_jwt::config::settings::SETTINGS.iter().map(|s| s.var) {
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

#[test]
fn help_as_a_word_prints_the_same_help() {
    let flag = asc_jwt().arg("--help").assert().success();
    let word = asc_jwt().arg("help").assert().success().stderr("");
    assert_eq!(word.get_output().stdout, flag.get_output().stdout);
}

#[test]
fn one_problem_is_counted_in_the_singular() {
    asc_jwt()
        .env("ASC_KEY_ID", "TESTKEY123")
        .env("ASC_KEY_TYPE", "individual")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 configuration problem;"));
}
