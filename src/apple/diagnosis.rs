//! What to check after a refusal: Apple's own words, quoted so they cannot act on the
//! runner, then the causes the status, the service and the configuration point to.

use crate::apple::answers::{ApiError, STOREKIT_INVALID_APP};
use crate::mint::token::Api;

/// What the configuration shows, for the diagnosis of a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub team_key: bool,
    pub api: Api,
    /// Apple minus local, in seconds, when Apple's clock was read.
    pub clock_offset: Option<i64>,
    /// The key ID in the key file's name `AuthKey_<ID>.p8`, when it differs from the key ID.
    pub mismatched_file_id: Option<String>,
    pub key_id: String,
}

/// Whether Apple answered without judging the token: rate limiting or its own failure.
pub fn not_judged(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// The error message for a refusal: Apple's own words, then what to check.
pub fn explain(status: u16, errors: &[ApiError], unreadable_body: bool, ctx: &Context) -> String {
    let verdict = match not_judged(status) {
        true => "did not judge",
        false => "refused",
    };
    let mut text = format!("Apple {verdict} the token: HTTP {status}");
    for e in errors {
        let words = [quoted(&e.title), quoted(&e.detail)]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let line = match (quoted(&e.code), words) {
            (code, words) if code.is_empty() => words,
            (code, words) if words.is_empty() => code,
            (code, words) => format!("{code}: {words}"),
        };
        if !line.is_empty() {
            text += &format!("\n  {line}");
        }
    }
    if unreadable_body {
        text += " (the answer was not Apple's error JSON)";
    }
    text += "\nCheck:";
    let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    for line in diagnosis(status, &codes, ctx) {
        text += &format!("\n  - {line}");
    }
    text
}

/// Apple's text as it may be quoted: the network wrote it, so each control character
/// and line break becomes a space (no line of its own, no terminal escape), at most 300
/// characters, trimmed.
fn quoted(text: &str) -> String {
    let mut flat: String = text
        .chars()
        .take(300)
        .map(|c| match c.is_ascii_graphic() {
            true => c,
            false => ' ',
        })
        .collect();
    // A runner reads `::` at a line's start (after spaces) as a workflow command.
    while flat.contains("::") {
        flat = flat.replace("::", ": :");
    }
    flat.trim().to_owned()
}

fn diagnosis(status: u16, codes: &[&str], ctx: &Context) -> Vec<String> {
    let mut lines = status_lines(status, ctx.api);
    // The configuration was not the question: the checklist would only mislead.
    if not_judged(status) {
        return lines;
    }
    if let Some(id) = &ctx.mismatched_file_id {
        lines.push(format!(
            "the key file is named for key ID `{id}` but the token says `{}`: the key ID must \
             be the one the key was issued with",
            ctx.key_id
        ));
    }
    lines.extend(service_lines(ctx.api, codes, ctx.team_key));
    lines.push(clock_line(ctx));
    lines.push(revoked_line(ctx.api));
    lines
}

/// What the HTTP status alone says.
fn status_lines(status: u16, api: Api) -> Vec<String> {
    let mut lines = Vec::new();
    match status {
        // Only an exchange (Business/School Manager, Apple Ads) is refused with a 2xx.
        200..=299 => lines.push(format!(
            "HTTP {status} without an access token that a header can carry (`access_token`, \
             printable ASCII without spaces) is not the answer Apple's token endpoint gives; \
             check HTTPS_PROXY/NO_PROXY and that the request reached Apple"
        )),
        400 if !api.is_connect() => {}
        401 | 403 => {}
        429 => lines.push(
            "HTTP 429 means Apple is rate-limiting this key: the token was not judged; \
             wait and try again"
                .into(),
        ),
        500..=599 => lines.push(format!(
            "HTTP {status} is a failure on Apple's side: the token was not judged; try again \
             later"
        )),
        _ => lines.push(format!(
            "HTTP {status} is not an answer Apple gives to a token problem; check \
             HTTPS_PROXY/NO_PROXY and that the request reached Apple"
        )),
    }
    if status == 403 && api.is_connect() {
        lines.push(
            "403 means the token was read but not allowed: accept the latest program license \
             agreement in App Store Connect (Business, or the developer account), and check \
             that the key's role may read this resource"
                .into(),
        );
    }
    lines
}

/// The classic mistakes of each service.
fn service_lines(api: Api, codes: &[&str], team_key: bool) -> Vec<String> {
    let line = |text: &str| vec![text.to_owned()];
    match api {
        Api::AppStoreConnect | Api::Enterprise => connect_lines(api, team_key),
        Api::AppStoreServer if codes == [STOREKIT_INVALID_APP] => line(
            "Apple read the token but does not know its bundle ID (`bid`) for this key's \
             team: ASC_BUNDLE_ID must be the bundle ID of one of the team's apps, exactly",
        ),
        Api::AppStoreServer => line(
            "App Store Server API tokens are signed with an In-App Purchase key (App Store \
             Connect > Users and Access > Integrations > In-App Purchase), not an App Store \
             Connect API key; the issuer ID is the same for both",
        ),
        Api::SignInWithApple => vec![
            "`invalid_client`: the secret's `sub` (ASC_CLIENT_ID) must be exactly the \
             `client_id` the app sends, case included: the Services ID for sign-in on the \
             web, the App ID's bundle ID in an app; a Services ID and an App ID are not \
             interchangeable"
                .into(),
            "`iss` (ASC_TEAM_ID) must be the Team ID of the account that owns the key, and \
             the key must have Sign in with Apple enabled for that App ID"
                .into(),
        ],
        Api::BusinessManager | Api::SchoolManager => vec![
            "the key ID is the one shown when the public key was added to the API account, \
             and the client ID (`iss` and `sub`) that account's; an assertion made with \
             another account's key is refused"
                .into(),
            "an assertion past its `exp` is refused: mint a new one (this run's lives for the \
             duration set)"
                .into(),
        ],
        Api::AppleAds => APPLE_ADS.map(String::from).to_vec(),
        Api::Apns | Api::DeviceCheck => Vec::new(),
        Api::Music => line(
            "the key must have MusicKit enabled (Certificates, IDs & Profiles > Keys), and \
             ASC_TEAM_ID be the Team ID of the account that owns it",
        ),
        Api::WeatherKit => line(
            "the key must have WeatherKit enabled and ASC_SERVICE_ID be a Services ID \
             registered for WeatherKit; HTTP 403 means the account is not entitled to it",
        ),
        Api::Maps => line(
            "the key must have Maps (MapKit JS / Maps Server API) enabled; the Maps Server \
             API needs scope `server_api`",
        ),
    }
}

/// Apple Ads' classic mistakes (`apple_ads/implementing-oauth-for-the-apple-search-ads-api`):
/// the three IDs of the credentials block, the uploaded public key, `exp` under 180 days.
const APPLE_ADS: [&str; 3] = [
    "`invalid_client`: the secret's `kid` (ASC_KEY_ID), `iss` (ASC_TEAM_ID) and `sub` \
     (ASC_CLIENT_ID) must be the `keyId`, `teamId` and `clientId` shown together \
     with the credentials in Apple Ads (Account Settings > API), each in its place: \
     swapped IDs are refused",
    "the public key uploaded there must be this private key's (`openssl ec -in \
     private-key.pem -pubout`): after a new key pair, upload its public key again",
    "a secret past its `exp` is refused: Apple allows less than 180 days, so rotate \
     it before then (this run's lives for the duration set)",
];

/// The key kind's and the audience's mistakes, for App Store Connect and Enterprise.
fn connect_lines(api: Api, team_key: bool) -> Vec<String> {
    match api {
        Api::AppStoreConnect if team_key => vec![
            TEAM_KEY.into(),
            "the token is for the App Store Connect API (aud `appstoreconnect-v1`): an \
             In-App Purchase key (for the App Store Server API) is not an App Store Connect \
             API key, and a key of the Enterprise Program API needs api `enterprise`"
                .into(),
        ],
        Api::AppStoreConnect => vec![
            INDIVIDUAL_KEY.into(),
            "the token is for the App Store Connect API (aud `appstoreconnect-v1`): a key of \
             the Enterprise Program API needs api `enterprise`"
                .into(),
        ],
        _ => vec![
            if team_key { TEAM_KEY } else { INDIVIDUAL_KEY }.into(),
            "the token is for the Enterprise Program API (aud \
             `apple-developer-enterprise-v1`): an App Store Connect key needs api \
             `app-store-connect`"
                .into(),
        ],
    }
}

const TEAM_KEY: &str = "this is a team-key token (`iss` = issuer ID): the issuer ID must be the \
                        one shown in Users and Access > Integrations > App Store Connect API, \
                        and the key must be a team key; for a key made in your user profile \
                        use key-type `individual` and no issuer ID";

const INDIVIDUAL_KEY: &str = "this is an individual-key token (`sub` = `user`, no issuer): the \
                              key must have been made in your user profile; for a team key use \
                              key-type `team` with the issuer ID";

fn clock_line(ctx: &Context) -> String {
    match ctx.clock_offset {
        Some(offset) => format!(
            "the token was minted on Apple's clock (this machine's is {} s {}), so the clock \
             is not the cause",
            offset.abs(),
            if offset > 0 { "behind" } else { "ahead" }
        ),
        None => "the token was minted on this machine's clock: if it is more than a minute \
                 ahead of Apple's, Apple refuses the token; set clock `apple` to mint on \
                 Apple's"
            .into(),
    }
}

fn revoked_line(api: Api) -> String {
    let listed = match api {
        _ if api.is_connect() || api == Api::AppStoreServer => "App Store Connect",
        _ if api.is_manager() => "the API account in Apple Business or School Manager",
        Api::AppleAds => "Apple Ads (Account Settings > API)",
        _ => "Certificates, IDs & Profiles > Keys in your developer account",
    };
    format!(
        "the key may have been revoked, or the private key may belong to another key ID: \
         {listed} lists the active keys with their IDs"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(code: &str, title: &str, detail: &str) -> ApiError {
        ApiError::new(code, title, detail)
    }

    fn ctx() -> Context {
        Context {
            team_key: true,
            api: Api::AppStoreConnect,
            clock_offset: Some(-200),
            mismatched_file_id: None,
            key_id: "TESTKEY123".into(),
        }
    }

    #[test]
    fn a_401_quotes_apple_and_lists_the_checks() {
        let errors = [ApiError {
            code: "NOT_AUTHORIZED".into(),
            title: "Authentication credentials are missing or invalid.".into(),
            detail: "Provide a properly configured and signed bearer token.".into(),
        }];
        let text = explain(401, &errors, false, &ctx());
        assert!(text.starts_with("Apple refused the token: HTTP 401\n  NOT_AUTHORIZED: Authentication credentials are missing or invalid. Provide"));
        assert!(text.contains("team-key token"));
        assert!(text.contains("this machine's is 200 s ahead"));
        assert!(text.contains("aud `appstoreconnect-v1`"));
        assert!(text.contains("revoked"));
        assert!(!text.contains("license agreement"));
    }

    #[test]
    fn a_5xx_or_429_says_the_token_was_not_judged_and_lists_no_checks_of_it() {
        for status in [429, 500, 503] {
            let text = explain(status, &[], true, &ctx());
            assert!(
                text.starts_with(&format!("Apple did not judge the token: HTTP {status}")),
                "{text}"
            );
            assert!(
                !text.contains("revoked") && !text.contains("team-key"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_403_points_to_the_license_agreement_and_role() {
        let text = explain(403, &[], false, &ctx());
        assert!(text.contains("program license agreement"));
        assert!(text.contains("role"));
    }

    #[test]
    fn a_mismatched_key_file_name_is_named() {
        let ctx = Context {
            mismatched_file_id: Some("OTHERKEY99".into()),
            team_key: false,
            clock_offset: None,
            ..ctx()
        };
        let text = explain(401, &[], true, &ctx);
        assert!(text.contains("named for key ID `OTHERKEY99` but the token says `TESTKEY123`"));
        assert!(text.contains("individual-key token"));
        assert!(text.contains("set clock `apple`"));
        assert!(text.contains("not Apple's error JSON"));
    }

    #[test]
    fn apples_words_are_quoted_on_one_line_each_without_empty_parts() {
        let errors = [
            error("", "Not Authorized", ""),
            error("invalid_client", "", ""),
            error(
                "bad\n::warning::x",
                "two\r\nlines \u{1b}[2J",
                "and\u{2028}more",
            ),
        ];
        let ctx = Context {
            api: Api::Maps,
            ..ctx()
        };
        let text = explain(401, &errors, false, &ctx);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "  Not Authorized");
        assert_eq!(lines[2], "  invalid_client");
        assert_eq!(lines[3], "  bad : :warning: :x: two  lines  [2J and more");
        assert_eq!(lines[4], "Check:");
        // A runner skips the spaces before `::`, so no quoted line may start one.
        let text = explain(
            400,
            &[error("::stop-commands::pwned", "\u{202e}x", "")],
            false,
            &ctx,
        );
        assert_eq!(text.lines().nth(1), Some("  : :stop-commands: :pwned: x"));
    }

    #[test]
    fn a_success_without_an_access_token_is_said_to_be_so() {
        let ctx = Context {
            api: Api::BusinessManager,
            ..ctx()
        };
        let text = explain(200, &[], true, &ctx);
        assert!(text.contains("HTTP 200 without an access token"), "{text}");
        assert!(!text.contains("not an answer Apple gives to a token problem"));
    }
}
