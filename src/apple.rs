//! The two optional calls to Apple: reading Apple's clock from an unauthenticated
//! request's `Date` header, and one cheap authenticated read that shows whether Apple
//! accepts the token — with a diagnosis when it does not.
//!
//! HTTPS through `ureq` and `rustls` (on `ring`, the signer's crypto library), trusting
//! Mozilla's roots and the operating system's store together, so a self-hosted runner
//! behind a TLS-inspecting proxy works; `HTTPS_PROXY`/`NO_PROXY` are honoured.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use ureq::Agent;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::time::parse_http_date;
use crate::token::Api;

/// Each call to Apple gives up after this long, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The API host for `api`.
pub fn base_url(api: Api) -> &'static str {
    match api {
        Api::AppStoreConnect => "https://api.appstoreconnect.apple.com",
        Api::Enterprise => "https://api.enterprise.developer.apple.com",
    }
}

/// The cheap authenticated read used to verify a token.
pub fn verify_path(api: Api) -> &'static str {
    match api {
        Api::AppStoreConnect => "/v1/apps?limit=1",
        Api::Enterprise => "/v1/bundleIds?limit=1",
    }
}

/// An HTTP client for Apple's API: short timeout, statuses as values, both root stores.
pub fn agent() -> Agent {
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    // A store that cannot be read only costs its roots; Mozilla's remain.
    let native = rustls_native_certs::load_native_certs();
    roots.extend(
        native
            .certs
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned()),
    );
    let tls = TlsConfig::builder()
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("asc-jwt/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .build()
        .into()
}

/// Apple's time, in Unix seconds, from the `Date` header of an unauthenticated HEAD.
pub fn server_time(agent: &Agent, base: &str) -> Result<i64, String> {
    let response = agent
        .head(format!("{base}/v1"))
        .call()
        .map_err(|err| describe(&err))?;
    let date = response
        .headers()
        .get("date")
        .ok_or("the answer has no Date header")?;
    let text = date.to_str().map_err(|_| "its Date header is not text")?;
    parse_http_date(text).ok_or_else(|| {
        format!(
            "its Date header `{}` is not an HTTP date",
            text.chars().take(40).collect::<String>()
        )
    })
}

/// What Apple said to the verifying request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: the token works.
    Accepted { status: u16, millis: u128 },
    /// Anything else, with Apple's `errors[]` when the body had them.
    Refused {
        status: u16,
        errors: Vec<ApiError>,
        /// The body was not Apple's error JSON.
        unreadable_body: bool,
    },
}

/// One entry of Apple's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub detail: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    errors: Vec<ApiError>,
}

/// Makes one authenticated read with `token`. `Err` only when Apple could not be asked.
pub fn verify(agent: &Agent, base: &str, api: Api, token: &str) -> Result<Verdict, String> {
    let started = Instant::now();
    let mut response = agent
        .get(format!("{base}{}", verify_path(api)))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .map_err(|err| describe(&err))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(Verdict::Accepted {
            status,
            millis: started.elapsed().as_millis(),
        });
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let errors = serde_json::from_str::<ErrorBody>(&body).map(|b| b.errors);
    Ok(Verdict::Refused {
        status,
        unreadable_body: errors.is_err(),
        errors: errors.unwrap_or_default(),
    })
}

/// A transport error in words, without anything the request carried.
fn describe(err: &ureq::Error) -> String {
    match err {
        ureq::Error::Timeout(_) => format!("no answer within {} s", TIMEOUT.as_secs()),
        ureq::Error::Io(io) => format!("network error ({})", io.kind()),
        ureq::Error::HostNotFound => "the host name did not resolve".into(),
        ureq::Error::ConnectionFailed => "the connection failed".into(),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "the TLS handshake failed".into(),
        other => format!("the request failed ({other})"),
    }
}

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

/// The error message for a refusal: Apple's own words, then what to check.
pub fn explain(status: u16, errors: &[ApiError], unreadable_body: bool, ctx: &Context) -> String {
    let clip = |s: &str| s.chars().take(300).collect::<String>();
    let mut text = format!("Apple refused the token: HTTP {status}");
    for e in errors {
        text += &format!(
            "\n  {}: {} {}",
            clip(&e.code),
            clip(&e.title),
            clip(&e.detail)
        );
    }
    if unreadable_body {
        text += " (the answer was not Apple's error JSON)";
    }
    text += "\nCheck:";
    for line in diagnosis(status, ctx) {
        text += &format!("\n  - {line}");
    }
    text
}

fn diagnosis(status: u16, ctx: &Context) -> Vec<String> {
    let mut lines = Vec::new();
    match status {
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
    if status == 403 {
        lines.push(
            "403 means the token was read but not allowed: accept the latest program license \
             agreement in App Store Connect (Business, or the developer account), and check \
             that the key's role may read this resource"
                .into(),
        );
    }
    if let Some(id) = &ctx.mismatched_file_id {
        lines.push(format!(
            "the key file is named for key ID `{id}` but the token says `{}`: the key ID must \
             be the one the key was issued with",
            ctx.key_id
        ));
    }
    if ctx.team_key {
        lines.push(
            "this is a team-key token (`iss` = issuer ID): the issuer ID must be the one shown \
             in Users and Access > Integrations > App Store Connect API, and the key must be a \
             team key; for a key made in your user profile use key-type `individual` and no \
             issuer ID"
                .into(),
        );
    } else {
        lines.push(
            "this is an individual-key token (`sub` = `user`, no issuer): the key must have been \
             made in your user profile; for a team key use key-type `team` with the issuer ID"
                .into(),
        );
    }
    match ctx.clock_offset {
        Some(offset) => lines.push(format!(
            "the token was minted on Apple's clock (this machine's is {} s {}), so the clock \
             is not the cause",
            offset.abs(),
            if offset > 0 { "behind" } else { "ahead" }
        )),
        None => lines.push(
            "the token was minted on this machine's clock: if it is more than a minute ahead \
             of Apple's, Apple refuses the token; set clock `apple` to mint on Apple's"
                .into(),
        ),
    }
    lines.push(match ctx.api {
        Api::AppStoreConnect => "the token is for the App Store Connect API (aud \
                                 `appstoreconnect-v1`): a key of the Enterprise Program API \
                                 needs api `enterprise`"
            .into(),
        Api::Enterprise => "the token is for the Enterprise Program API (aud \
                            `apple-developer-enterprise-v1`): an App Store Connect key needs \
                            api `app-store-connect`"
            .into(),
    });
    lines.push(
        "the key may have been revoked, or the .p8 may belong to another key ID: App Store \
         Connect lists the active keys with their IDs"
            .into(),
    );
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
