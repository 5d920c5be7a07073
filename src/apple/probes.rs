//! Each service's host and the harmless request that shows whether Apple accepts a token,
//! with the page of Apple's it follows.

use ureq::http::Response;
use ureq::{Agent, Body};

use crate::apple::hosts::base_url;
use crate::apple::transport::direct_unless_apple;
use crate::mint::token::{Api, TokenSpec};

/// The harmless request that shows whether Apple accepts a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe<'a> {
    /// `GET` with the token as bearer.
    Get(&'a str),
    /// `POST` of a form that carries the token (OAuth token endpoints): in the body for
    /// Sign in with Apple and Apple Ads, in the query string for Business/School Manager
    /// (`send`).
    Form(&'a str),
}

/// The code Sign in with Apple's check sends: no app ever received it, so a secret Apple
/// accepts is answered `invalid_grant` and one it refuses `invalid_client`
/// (`signinwithapplerestapi/errorresponse`).
pub const DUMMY_CODE: &str = "asc-jwt-verify-dummy-code";

/// The request [`verify`](crate::apple::verify::verify) makes for `api`'s tokens without a scope; `None` for APNs,
/// which speaks HTTP/2 only, and DeviceCheck (`services` says why).
pub fn probe(api: Api) -> Option<Probe<'static>> {
    Some(match api {
        Api::AppStoreConnect => Probe::Get("/v1/apps?limit=1"),
        Api::Enterprise => Probe::Get("/v1/bundleIds?limit=1"),
        // `appstoreserverapi/get-transaction-info`: 401 for a bad token, 400/404 with an
        // `errorCode` for a transaction ID that does not exist.
        Api::AppStoreServer => Probe::Get("/inApps/v1/transactions/0"),
        // `signinwithapplerestapi/generate-and-validate-tokens`.
        Api::SignInWithApple => Probe::Form("/auth/token"),
        // The OAuth page (see `token::MAX_CLIENT_ASSERTION_DURATION`): the exchange itself.
        Api::BusinessManager | Api::SchoolManager => Probe::Form("/auth/oauth2/token"),
        // `apple_ads/implementing-oauth-for-the-apple-search-ads-api`, "Request an Access
        // Token": the exchange itself.
        Api::AppleAds => Probe::Form("/auth/oauth2/token"),
        Api::Apns | Api::DeviceCheck => return None,
        // `applemusicapi/get-a-storefront`.
        Api::Music => Probe::Get("/v1/storefronts/us"),
        // Apple's example on `weatherkitrestapi/request-authentication-for-weatherkit-rest-api`.
        Api::WeatherKit => Probe::Get("/api/v1/availability/37.323/122.032?country=US"),
        // `applemapsserverapi/-v1-token`: the token exchange.
        Api::Maps => Probe::Get("/v1/token"),
    })
}

/// The request [`verify`](crate::apple::verify::verify) makes for `spec`: its service's
/// [`probe`], except for a scoped App Store Connect or Enterprise token, which "App Store
/// Connect rejects … if none of the scope entries match the attempted request"
/// (`appstoreconnectapi/generating-tokens-for-api-requests`): then the scope's first GET
/// entry, as written. No `limit=1` is added (Apple ignores `limit` when matching, but a
/// by-ID or relationship path may refuse the parameter, and a 400 would be blamed on the
/// token). `Err` says why nothing can be asked. The entry must be a plain path: it is
/// appended to Apple's host, and a token explained from elsewhere can carry any scope
/// (`GET @evil.example/x` would name another host).
pub fn request(spec: &TokenSpec) -> Result<Probe<'_>, &'static str> {
    let Some(entries) = spec.scope.as_deref().filter(|_| spec.api.is_connect()) else {
        return probe(spec.api).ok_or(match spec.api {
            Api::DeviceCheck => {
                "DeviceCheck's documented answers cannot show a token accepted without a \
                 real device token"
            }
            _ => "APNs speaks HTTP/2 only, which asc-jwt's client does not",
        });
    };
    let path = entries
        .iter()
        .find_map(|entry| entry.strip_prefix("GET "))
        .ok_or("its scope has no GET entry, and only a GET is a harmless request")?;
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains(['\\', '#'])
        && path.chars().all(|c| c.is_ascii_graphic());
    match plain {
        true => Ok(Probe::Get(path)),
        false => Err("its scope's first GET entry is not a plain path on Apple's host"),
    }
}

/// The form a [`Probe::Form`] posts for `spec`, the token in its place.
fn form<'a>(spec: &'a TokenSpec, token: &'a str) -> Vec<(&'static str, &'a str)> {
    let client_id = spec.client_id.as_deref().unwrap_or_default();
    match spec.api {
        Api::SignInWithApple => vec![
            ("client_id", client_id),
            ("client_secret", token),
            ("code", DUMMY_CODE),
            ("grant_type", "authorization_code"),
        ],
        // The OAuth page's curl, in its order: `grant_type=client_credentials&client_id=…
        // &client_secret=…&scope=searchadsorg`.
        Api::AppleAds => vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", token),
            ("scope", "searchadsorg"),
        ],
        _ => vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", token),
            (
                "scope",
                match spec.api {
                    Api::SchoolManager => "school.api",
                    _ => "business.api",
                },
            ),
        ],
    }
}

/// Sends `probe` with `token` in its place: a GET with the token as bearer, or the form
/// of an OAuth token endpoint.
pub(crate) fn send(
    agent: &Agent,
    base: &str,
    spec: &TokenSpec,
    probe: Probe<'_>,
    token: &str,
) -> Result<Response<Body>, ureq::Error> {
    match probe {
        Probe::Get(path) => direct_unless_apple(agent.get(format!("{base}{path}")), base)
            .header("Authorization", format!("Bearer {token}"))
            .call(),
        // `apple-school-and-business-manager-api/implementing-oauth-for-the-apple-school-
        // manager-and-apple-business-api`, "Request an access token": `curl -X POST -H
        // 'Content-Type: application/x-www-form-urlencoded' 'https://account.apple.com/
        // auth/oauth2/token?grant_type=client_credentials&client_id=…'`, no body.
        Probe::Form(path) if spec.api.is_manager() => {
            direct_unless_apple(agent.post(format!("{base}{path}")), base)
                .query_pairs(form(spec, token))
                .content_type("application/x-www-form-urlencoded")
                .send_empty()
        }
        // Sign in with Apple's form, and Apple Ads': its page
        // (`apple_ads/implementing-oauth-for-the-apple-search-ads-api`) says "Include the
        // following parameters in the request body", though its curl puts them in the
        // query string. The body is followed: the secret lives up to 180 days, and a URL is
        // what proxies and servers log (RFC 6749 section 2.3.1 keeps client credentials
        // out of the request URI); third-party clients report the form body accepted.
        Probe::Form(path) => direct_unless_apple(agent.post(format!("{base}{path}")), base)
            .send_form(form(spec, token)),
    }
}

/// The check for `api` in words, for `--help`.
pub fn probe_words(api: Api) -> String {
    let host = base_url(api).trim_start_matches("https://");
    match probe(api) {
        Some(Probe::Get(path)) => format!("GET {host}{path}"),
        Some(Probe::Form(path)) if api.is_manager() => format!("POST {host}{path}?…"),
        Some(Probe::Form(path)) => format!("POST {host}{path}"),
        None if api == Api::DeviceCheck => "none: needs a real device token".into(),
        None => "none: APNs speaks HTTP/2 only".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scoped_connect_token_is_checked_with_its_first_get_entry() {
        let scoped = |api, scope: &[&str]| TokenSpec {
            api,
            scope: Some(scope.iter().map(|s| s.to_string()).collect()),
            ..TokenSpec::default()
        };
        let spec = scoped(
            Api::AppStoreConnect,
            &[
                "POST /v1/ciBuildRuns",
                "GET /v1/ciProducts?filter[app]=1",
                "GET /v1/apps",
            ],
        );
        assert_eq!(
            request(&spec),
            Ok(Probe::Get("/v1/ciProducts?filter[app]=1"))
        );
        let spec = scoped(Api::Enterprise, &["GET /v1/bundleIds/1"]);
        assert_eq!(request(&spec), Ok(Probe::Get("/v1/bundleIds/1")));
        assert_eq!(
            request(&scoped(Api::Enterprise, &["DELETE /v1/users/1"])),
            Err("its scope has no GET entry, and only a GET is a harmless request")
        );
        // Maps' scope is not a request, and an unscoped token keeps its service's probe.
        let maps = scoped(Api::Maps, &["server_api"]);
        assert_eq!(request(&maps), Ok(Probe::Get("/v1/token")));
        let plain = TokenSpec::default();
        assert_eq!(request(&plain), Ok(Probe::Get("/v1/apps?limit=1")));
        // A token explained from elsewhere can carry any scope: nothing leaves Apple's host.
        for entry in [
            "GET @evil.example/x",
            "GET //evil.example/x",
            "GET \\\\evil.example/x",
            "GET evil.example/x",
            "GET /v1/apps\r\nHost: evil",
        ] {
            assert!(
                request(&scoped(Api::AppStoreConnect, &[entry])).is_err(),
                "{entry}"
            );
        }
    }
}
