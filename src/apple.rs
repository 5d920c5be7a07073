//! The two optional calls to Apple: reading Apple's clock from an unauthenticated
//! request's `Date` header, and one cheap authenticated read that shows whether Apple
//! accepts the token — with a diagnosis when it does not.
//!
//! HTTPS through `ureq` and `rustls` (on `ring`, the signer's crypto library), trusting
//! Mozilla's roots and the operating system's store together, so a self-hosted runner
//! behind a TLS-inspecting proxy works; `HTTPS_PROXY`/`NO_PROXY` are honoured for Apple's
//! hosts. No redirect is followed: the token goes to Apple's API host and nowhere else.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use ureq::http::{HeaderValue, Response};
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::{Agent, Body, RequestBuilder};

use crate::time::parse_http_date;
use crate::token::{Api, Minted, TokenSpec};

/// Each call to Apple gives up after this long, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// How long verify waits before asking again, with a freshly minted token, after a 401,
/// which Apple is known to give a valid token now and then.
pub const RETRY_DELAY: Duration = Duration::from_secs(2);

/// The host each service's token is checked against (and whose `Date` header is read).
pub fn base_url(api: Api) -> &'static str {
    match api {
        Api::AppStoreConnect => "https://api.appstoreconnect.apple.com",
        Api::Enterprise => "https://api.enterprise.developer.apple.com",
        // The sandbox: "A properly-constructed JWT should work for both the sandbox and
        // production environments" (Apple, developer forums 711801); hosts from
        // `appstoreserverapi/get-transaction-info`.
        Api::AppStoreServer => "https://api.storekit-sandbox.apple.com",
        Api::SignInWithApple => "https://appleid.apple.com",
        Api::BusinessManager | Api::SchoolManager => "https://account.apple.com",
        Api::Apns => "https://api.push.apple.com",
        Api::Music => "https://api.music.apple.com",
        Api::WeatherKit => "https://weatherkit.apple.com",
        Api::Maps => "https://maps-api.apple.com",
    }
}

/// The harmless request that shows whether Apple accepts a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe<'a> {
    /// `GET` with the token as bearer.
    Get(&'a str),
    /// `POST` of a form that carries the token (OAuth token endpoints): in the body for
    /// Sign in with Apple, in the query string for Business/School Manager ([`ask`]).
    Form(&'a str),
}

/// The code Sign in with Apple's check sends: no app ever received it, so a secret Apple
/// accepts is answered `invalid_grant` and one it refuses `invalid_client`
/// (`signinwithapplerestapi/errorresponse`).
pub const DUMMY_CODE: &str = "asc-jwt-verify-dummy-code";

/// The request [`verify`] makes for `api`'s tokens without a scope; `None` for APNs,
/// which speaks HTTP/2 only.
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
        Api::Apns => return None,
        // `applemusicapi/get-a-storefront`.
        Api::Music => Probe::Get("/v1/storefronts/us"),
        // Apple's example on `weatherkitrestapi/request-authentication-for-weatherkit-rest-api`.
        Api::WeatherKit => Probe::Get("/api/v1/availability/37.323/122.032?country=US"),
        // `applemapsserverapi/-v1-token`: the token exchange.
        Api::Maps => Probe::Get("/v1/token"),
    })
}

/// The request [`verify`] makes for `spec`: its service's [`probe`], except for a scoped
/// App Store Connect or Enterprise token, which "App Store Connect rejects … if none of the
/// scope entries match the attempted request" (`appstoreconnectapi/generating-tokens-for-
/// api-requests`): then the scope's first GET entry, as written. No `limit=1` is added
/// (Apple ignores `limit` when matching, but a by-ID or relationship path may refuse the
/// parameter, and a 400 would be blamed on the token). `None` where nothing can be asked:
/// APNs, and a scope without a GET, which `services` refuses with verify.
pub fn request(spec: &TokenSpec) -> Option<Probe<'_>> {
    match spec.scope.as_deref().filter(|_| spec.api.is_connect()) {
        Some(entries) => entries
            .iter()
            .find_map(|entry| entry.strip_prefix("GET "))
            .map(Probe::Get),
        None => probe(spec.api),
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

/// The check for `api` in words, for `--help`.
pub fn probe_words(api: Api) -> String {
    let host = base_url(api).trim_start_matches("https://");
    match probe(api) {
        Some(Probe::Get(path)) => format!("GET {host}{path}"),
        Some(Probe::Form(path)) if api.is_manager() => format!("POST {host}{path}?…"),
        Some(Probe::Form(path)) => format!("POST {host}{path}"),
        None => "none: APNs speaks HTTP/2 only".into(),
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
        // A redirect would carry the token to another host, or from https to http.
        .max_redirects(0)
        .user_agent(concat!("asc-jwt/", env!("CARGO_PKG_VERSION")))
        .tls_config(tls)
        .build()
        .into()
}

/// How far Apple's clock may be from this machine's and still be believed: a machine
/// clock off by hours happens (a hosted runner ~200 s, a laptop in the wrong zone); a day
/// or more is a wrong machine clock or an answer that is not Apple's, and a token minted
/// on either clock would be dated wrong (a `Date` of 2035 gave a secret valid from 2034).
pub const MAX_CLOCK_OFFSET: i64 = 86_400;

/// Apple's time, in Unix seconds, from the `Date` header of an unauthenticated HEAD of
/// `/v1` (App Store Connect, Enterprise) or of the path [`verify`] asks. Its distance
/// from this machine's clock is the caller's to judge ([`MAX_CLOCK_OFFSET`]).
pub fn server_time(agent: &Agent, base: &str, api: Api) -> Result<i64, String> {
    let path = match probe(api) {
        Some(Probe::Get(path) | Probe::Form(path)) if !api.is_connect() => path,
        _ => "/v1",
    };
    let response = direct_unless_apple(agent.head(format!("{base}{path}")), base)
        .call()
        .map_err(|err| describe(&err))?;
    if response.status().is_redirection() {
        return Err(redirected(&response, base));
    }
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

/// Apple's verdict, and the token it was given last: after a 401, a freshly minted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub verdict: Verdict,
    pub minted: Minted,
}

/// Why [`verify`] has no verdict: Apple could not be asked (or redirected), or the fresh
/// token for the retry could not be minted.
#[derive(Debug, PartialEq, Eq)]
pub enum Unchecked<E> {
    Unreachable(String),
    Mint(E),
}

/// What Apple said to the verifying request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The token works.
    Accepted {
        status: u16,
        millis: u128,
        /// The first answer was a 401, and a freshly minted token was accepted when
        /// asked again.
        after_401: bool,
        /// Business/School Manager: the access token the exchange gave.
        access_token: Option<AccessToken>,
    },
    /// Anything else, with Apple's error entries when the body had them.
    Refused {
        status: u16,
        errors: Vec<ApiError>,
        /// The body was not one of Apple's error forms.
        unreadable_body: bool,
    },
}

/// An OAuth access token Apple issued in exchange for a client assertion.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub token: String,
    /// Seconds it lives (`expires_in`; Apple documents 3600).
    pub expires_in: i64,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// One error Apple reported, whatever the service's error form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub detail: String,
}

/// The error forms of Apple's services: App Store Connect's `errors[]`, WeatherKit's
/// gateway answer (`error` and `message`, developer forums 713664), OAuth's `error` (Sign
/// in with Apple, Business/School Manager), the App Store Server API's `errorCode`, and
/// Maps' `error` object. Tried in this order: the gateway form before OAuth's, whose
/// `error` it shares.
#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorBody {
    Errors {
        errors: Vec<ApiError>,
    },
    Gateway {
        error: String,
        message: String,
    },
    OAuth {
        error: String,
        #[serde(default)]
        error_description: String,
    },
    StoreKit {
        #[serde(rename = "errorCode")]
        code: i64,
        #[serde(default, rename = "errorMessage")]
        message: String,
    },
    Maps {
        error: MapsError,
    },
}

#[derive(Deserialize)]
struct MapsError {
    #[serde(default)]
    message: String,
}

impl ErrorBody {
    fn into_errors(self) -> Vec<ApiError> {
        let one = |code: String, title: String| {
            vec![ApiError {
                code,
                title,
                detail: String::new(),
            }]
        };
        match self {
            ErrorBody::Errors { errors } => errors,
            ErrorBody::Gateway { error, message } => one(error, message),
            ErrorBody::OAuth {
                error,
                error_description,
            } => one(error, error_description),
            ErrorBody::StoreKit { code, message } => one(code.to_string(), message),
            ErrorBody::Maps { error } => one(String::new(), error.message),
        }
    }
}

/// The App Store Server API's answer to a token Apple read but whose `bid` is not an app
/// of the key's team ("Invalid request app identifier", developer forums 725963).
pub const STOREKIT_INVALID_APP: &str = "4000002";

/// Makes one check with `minted`, and one more after [`RETRY_DELAY`] with a token from
/// `remint` (a new `iat`, and a new `jti` where the service has one) if the first is
/// answered 401. `Unreachable` only when Apple could not be asked, or answered with a
/// redirect, which is not followed.
pub fn verify<E>(
    agent: &Agent,
    base: &str,
    spec: &TokenSpec,
    minted: Minted,
    remint: impl FnOnce() -> Result<Minted, E>,
) -> Result<Checked, Unchecked<E>> {
    verify_after(agent, base, spec, minted, remint, RETRY_DELAY)
}

/// [`verify`] with the delay before the retry as a parameter, so tests need not wait.
pub fn verify_after<E>(
    agent: &Agent,
    base: &str,
    spec: &TokenSpec,
    minted: Minted,
    remint: impl FnOnce() -> Result<Minted, E>,
    retry_delay: Duration,
) -> Result<Checked, Unchecked<E>> {
    let first = ask(agent, base, spec, &minted.token).map_err(Unchecked::Unreachable)?;
    let Verdict::Refused { status: 401, .. } = first else {
        return Ok(Checked {
            verdict: first,
            minted,
        });
    };
    std::thread::sleep(retry_delay);
    let fresh = remint().map_err(Unchecked::Mint)?;
    let verdict = match ask(agent, base, spec, &fresh.token).map_err(Unchecked::Unreachable)? {
        Verdict::Accepted {
            status,
            millis,
            access_token,
            ..
        } => Verdict::Accepted {
            status,
            millis,
            after_401: true,
            access_token,
        },
        refused => refused,
    };
    Ok(Checked {
        verdict,
        minted: fresh,
    })
}

fn ask(agent: &Agent, base: &str, spec: &TokenSpec, token: &str) -> Result<Verdict, String> {
    let probe = request(spec).ok_or("this token cannot be checked: APNs speaks HTTP/2 only, and a scope without a GET entry allows no harmless request")?;
    let started = Instant::now();
    let sent = match probe {
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
        Probe::Form(path) => direct_unless_apple(agent.post(format!("{base}{path}")), base)
            .send_form(form(spec, token)),
    };
    // A transport error may quote the URL, whose query carries a manager's assertion.
    let mut response =
        sent.map_err(|err| unreachable(agent, base, &err).replace(token, "(the token)"))?;
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        return Err(redirected(&response, base));
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let millis = started.elapsed().as_millis();
    let errors = serde_json::from_str::<ErrorBody>(&body)
        .ok()
        .map(ErrorBody::into_errors);
    let accepted = |access_token| Verdict::Accepted {
        status,
        millis,
        after_401: false,
        access_token,
    };
    let refused = || Verdict::Refused {
        status,
        unreadable_body: errors.is_none(),
        errors: errors.clone().unwrap_or_default(),
    };
    let codes: Vec<&str> = errors.iter().flatten().map(|e| e.code.as_str()).collect();
    Ok(match (spec.api, status) {
        (Api::BusinessManager | Api::SchoolManager, 200) => match access_token(&body) {
            Some(access) => accepted(Some(access)),
            None => Verdict::Refused {
                status,
                errors: Vec::new(),
                unreadable_body: true,
            },
        },
        (Api::BusinessManager | Api::SchoolManager, _) => refused(),
        // Only the authorization code was wrong: the secret itself passed.
        (Api::SignInWithApple, 400) if codes == ["invalid_grant"] => accepted(None),
        // Read, and only the transaction was not found.
        (Api::AppStoreServer, 400 | 404)
            if codes.len() == 1
                && codes[0] != STOREKIT_INVALID_APP
                && codes[0].bytes().all(|b| b.is_ascii_digit()) =>
        {
            accepted(None)
        }
        (_, 200..=299) => accepted(None),
        _ => refused(),
    })
}

/// The fewest characters an access token of Apple's can have. Apple documents no length
/// (`apple-school-and-business-manager-api/implementing-oauth-for-the-apple-school-manager-
/// and-apple-business-api`: the exchange's `access_token` is sent "as a bearer token"),
/// but a token shorter than this is guessable (RFC 6749 section 10.10) and none Apple
/// issues; it would also be masked in the log ([`crate::github::masks`]).
pub const SHORTEST_ACCESS_TOKEN: usize = 16;

/// The access token of an OAuth success body, if it is one a header and an output line
/// can carry: RFC 6750's bearer alphabet, from [`SHORTEST_ACCESS_TOKEN`] characters to
/// 8 KiB.
fn access_token(body: &str) -> Option<AccessToken> {
    #[derive(Deserialize)]
    struct Success {
        access_token: String,
        // Any JSON: a lifetime of an unexpected type must not cost a usable token.
        #[serde(default)]
        expires_in: Option<serde_json::Value>,
    }
    let success: Success = serde_json::from_str(body).ok()?;
    let token = success.access_token;
    let plain = (SHORTEST_ACCESS_TOKEN..=8192).contains(&token.len()) && is_b64token(&token);
    plain.then_some(AccessToken {
        token,
        // "The token lifetime (TTL) of one hour (3600 seconds)." More than a day is no
        // lifetime Apple gives, so it is not believed either.
        expires_in: success
            .expires_in
            .and_then(|s| s.as_i64())
            .filter(|s| (1..=86_400).contains(s))
            .unwrap_or(3600),
    })
}

/// Whether `base` is one of Apple's API hosts, rather than the test-only loopback URL.
fn is_apple(base: &str) -> bool {
    Api::ALL.into_iter().any(|api| base_url(api) == base)
}

/// The test-only URL never goes through a proxy: a proxy would read its token and could
/// answer for "Apple". Apple's hosts keep the agent's `HTTPS_PROXY`/`NO_PROXY`.
fn direct_unless_apple<B>(request: RequestBuilder<B>, base: &str) -> RequestBuilder<B> {
    if is_apple(base) {
        request
    } else {
        request.config().proxy(None).build()
    }
}

/// The proxy a request to `base` goes through, as `host:port` (never its credentials).
fn proxy_used(agent: &Agent, base: &str) -> Option<String> {
    let proxy = agent.config().proxy().filter(|_| is_apple(base))?;
    let uri = base.parse::<ureq::http::Uri>().ok()?;
    if proxy.is_no_proxy(&uri) {
        return None;
    }
    Some(format!("{}:{}", shown_host(proxy.host()), proxy.port()))
}

/// `host` as it may be printed: a host name or IP address, lower-cased, or a placeholder
/// when it holds anything else (it may come from the network).
fn shown_host(host: &str) -> String {
    let bracketed = host.starts_with('[') && host.ends_with(']');
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-' || (bracketed && c == ':');
    let inner = host.trim_start_matches('[').trim_end_matches(']');
    if inner.is_empty() || host.len() > 253 || !inner.chars().all(allowed) {
        return "(not a valid host name)".into();
    }
    host.to_ascii_lowercase()
}

/// The host of `url` (an absolute or scheme-relative URL), without scheme, credentials,
/// port or path; `None` for a relative reference.
fn url_host(url: &str) -> Option<String> {
    let rest = match url.split_once("://") {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            rest
        }
        _ => url.strip_prefix("//")?,
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = match host_port.find(']') {
        Some(end) if host_port.starts_with('[') => &host_port[..=end],
        _ => host_port.split(':').next().unwrap_or_default(),
    };
    Some(shown_host(host))
}

/// A 3xx in words: its status and the host its `Location` names.
fn redirected(response: &Response<Body>, base: &str) -> String {
    let target = match response.headers().get("location").map(HeaderValue::to_str) {
        None => "without a Location".to_owned(),
        Some(Err(_)) => "to a Location that is not text".to_owned(),
        Some(Ok(location)) => match url_host(location) {
            Some(host) => format!("to `{host}`"),
            None => "to another path on the same host".to_owned(),
        },
    };
    format!(
        "`{}` answered HTTP {} {target}, a redirect, which is not followed: requests go \
         only to Apple's API host; check HTTPS_PROXY/NO_PROXY and any captive portal or \
         filtering proxy between this machine and Apple",
        url_host(base).unwrap_or_default(),
        response.status().as_u16()
    )
}

/// Why `base` could not be asked: its host, the proxy if one was used, and the cause.
fn unreachable(agent: &Agent, base: &str, err: &ureq::Error) -> String {
    let host = url_host(base).unwrap_or_default();
    let proxy = proxy_used(agent, base);
    let via = proxy
        .as_deref()
        .map(|p| format!(" through the proxy `{p}`"))
        .unwrap_or_default();
    let (cause, mut detail) = classify(err);
    if cause == Cause::Dns && proxy.is_some() {
        detail = "the proxy's host name did not resolve".into();
    }
    let cause = match cause {
        Cause::Dns => "DNS: ",
        Cause::Connect => "connect: ",
        Cause::Tls => "TLS: ",
        Cause::Timeout => "timeout: ",
        Cause::Other => "",
    };
    format!("cannot reach `{host}`{via}: {cause}{detail}")
}

/// The kinds of transport failure a user can act on differently.
#[derive(Debug, PartialEq, Eq)]
enum Cause {
    Dns,
    Connect,
    Tls,
    Timeout,
    /// Connected, but the exchange failed otherwise (e.g. the answer was not HTTP).
    Other,
}

/// A transport error in words, without anything the request carried.
fn describe(err: &ureq::Error) -> String {
    classify(err).1
}

fn classify(err: &ureq::Error) -> (Cause, String) {
    use std::io::ErrorKind as Kind;
    match err {
        ureq::Error::Timeout(_) => (
            Cause::Timeout,
            format!("no answer within {} s", TIMEOUT.as_secs()),
        ),
        ureq::Error::HostNotFound => (Cause::Dns, "the host name did not resolve".into()),
        ureq::Error::Io(io) if is_dns_failure(io) => {
            (Cause::Dns, "the host name did not resolve".into())
        }
        ureq::Error::Io(io) if io.kind() == Kind::TimedOut => (
            Cause::Timeout,
            format!("no answer within {} s", TIMEOUT.as_secs()),
        ),
        ureq::Error::Io(io) => match io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
            Some(tls) => (Cause::Tls, tls_failed(&tls.to_string())),
            None if io.kind() == Kind::ConnectionRefused => {
                (Cause::Connect, "the connection was refused".into())
            }
            None => (
                Cause::Connect,
                format!("the connection failed ({})", clean(&io.to_string())),
            ),
        },
        ureq::Error::ConnectionFailed => (Cause::Connect, "the connection failed".into()),
        ureq::Error::ConnectProxyFailed(why) => (
            Cause::Connect,
            format!("the proxy did not open a tunnel ({})", clean(why)),
        ),
        ureq::Error::Tls(why) => (Cause::Tls, tls_failed(why)),
        ureq::Error::Rustls(tls) => (Cause::Tls, tls_failed(&tls.to_string())),
        other => (
            Cause::Other,
            format!("the request failed ({})", clean(&other.to_string())),
        ),
    }
}

fn tls_failed(why: &str) -> String {
    format!(
        "the handshake failed ({}); behind a TLS-inspecting proxy, add its root certificate \
         to the system's trust store",
        clean(why)
    )
}

/// The standard library reports a failed name lookup as an uncategorized I/O error.
fn is_dns_failure(io: &std::io::Error) -> bool {
    const WINDOWS_LOOKUP_ERRORS: [i32; 3] = [11001, 11002, 11004];
    io.to_string()
        .starts_with("failed to lookup address information")
        || (cfg!(windows)
            && io
                .raw_os_error()
                .is_some_and(|code| WINDOWS_LOOKUP_ERRORS.contains(&code)))
}

/// One line of printable ASCII, at most 160 characters: error texts may quote the network.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(160)
        .collect()
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

/// RFC 6750's `b64token`, the form of a bearer token: `A-Z a-z 0-9 - . _ ~ + /`, then
/// `=` padding. Nothing a header, an output line or a mask would read differently.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
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
        // Only the Business/School Manager exchange is refused with a 2xx.
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
        Api::Enterprise => vec![
            if team_key { TEAM_KEY } else { INDIVIDUAL_KEY }.into(),
            "the token is for the Enterprise Program API (aud \
             `apple-developer-enterprise-v1`): an App Store Connect key needs api \
             `app-store-connect`"
                .into(),
        ],
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
        Api::Apns => Vec::new(),
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
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use ureq::{Proxy, ProxyProtocol};

    /// Answers one connection per entry of `answers`, in order, on 127.0.0.1; returns
    /// the base URL and the thread, which ends after the last answer.
    fn serve(answers: Vec<&'static str>) -> (String, std::thread::JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let thread = std::thread::spawn(move || {
            let mut served = 0;
            for answer in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let head =
                    format!("HTTP/1.1 {answer}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                (&stream).write_all(head.as_bytes()).unwrap();
                served += 1;
            }
            served
        });
        (base, thread)
    }

    fn minted(token: &str) -> Minted {
        Minted {
            token: token.into(),
            issued_at: 1,
            expires_at: 2,
        }
    }

    /// [`verify_after`] without delay, the first token `first`, a retry's `second`.
    fn check(base: &str) -> Result<Checked, Unchecked<()>> {
        let spec = TokenSpec::default();
        let remint = || Ok(minted("second"));
        verify_after(
            &agent(),
            base,
            &spec,
            minted("first"),
            remint,
            Duration::ZERO,
        )
    }

    #[test]
    fn a_401_is_asked_again_once_with_a_fresh_token_which_is_handed_over() {
        let (base, server) = serve(vec!["401 Unauthorized", "200 OK"]);
        let checked = check(&base).unwrap();
        assert!(matches!(
            checked.verdict,
            Verdict::Accepted {
                status: 200,
                after_401: true,
                ..
            }
        ));
        assert_eq!(checked.minted, minted("second"));
        assert_eq!(server.join().unwrap(), 2);
    }

    #[test]
    fn a_second_401_is_the_verdict_and_a_first_200_is_no_retry() {
        let (base, server) = serve(vec!["401 Unauthorized", "401 Unauthorized"]);
        let checked = check(&base).unwrap();
        assert!(matches!(
            checked.verdict,
            Verdict::Refused { status: 401, .. }
        ));
        assert_eq!(checked.minted, minted("second"));
        assert_eq!(server.join().unwrap(), 2);

        let (base, server) = serve(vec!["200 OK"]);
        let checked = check(&base).unwrap();
        assert!(matches!(
            checked.verdict,
            Verdict::Accepted {
                after_401: false,
                ..
            }
        ));
        assert_eq!(checked.minted, minted("first"));
        assert_eq!(server.join().unwrap(), 1);
    }

    #[test]
    fn a_failed_fresh_mint_is_no_verdict() {
        let (base, server) = serve(vec!["401 Unauthorized"]);
        let spec = TokenSpec::default();
        let remint = || Err::<Minted, _>("no key");
        let result = verify_after(
            &agent(),
            &base,
            &spec,
            minted("first"),
            remint,
            Duration::ZERO,
        );
        assert_eq!(result, Err(Unchecked::Mint("no key")));
        assert_eq!(server.join().unwrap(), 1);
    }

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
            Some(Probe::Get("/v1/ciProducts?filter[app]=1"))
        );
        let spec = scoped(Api::Enterprise, &["GET /v1/bundleIds/1"]);
        assert_eq!(request(&spec), Some(Probe::Get("/v1/bundleIds/1")));
        assert_eq!(
            request(&scoped(Api::Enterprise, &["DELETE /v1/users/1"])),
            None
        );
        // Maps' scope is not a request, and an unscoped token keeps its service's probe.
        let maps = scoped(Api::Maps, &["server_api"]);
        assert_eq!(request(&maps), Some(Probe::Get("/v1/token")));
        let plain = TokenSpec::default();
        assert_eq!(request(&plain), Some(Probe::Get("/v1/apps?limit=1")));
    }

    #[test]
    fn the_host_of_a_location_is_shown_alone_and_only_when_it_is_a_host() {
        let cases = [
            ("https://Evil.Example:8443/path?q=1#f", Some("evil.example")),
            ("http://user:secret@10.0.0.1/x", Some("10.0.0.1")),
            ("//cdn.example/x", Some("cdn.example")),
            ("http://[::1]:8080/", Some("[::1]")),
            ("/v1/apps", None),
            (
                "http://evil.example%0A::stop-commands::x/",
                Some("(not a valid host name)"),
            ),
            ("http://a b/", Some("(not a valid host name)")),
            ("http:///nohost", Some("(not a valid host name)")),
            ("git+ssh://Host.Example/repo", Some("host.example")),
        ];
        for (location, host) in cases {
            assert_eq!(url_host(location).as_deref(), host, "{location}");
        }
    }

    #[test]
    fn a_failed_name_lookup_is_called_dns_not_uncategorized() {
        // The text the standard library gives a failed getaddrinfo.
        let io = std::io::Error::other(
            "failed to lookup address information: Name or service not known",
        );
        let text = unreachable(&agent(), "http://127.0.0.1:9", &ureq::Error::Io(io));
        assert_eq!(
            text,
            "cannot reach `127.0.0.1`: DNS: the host name did not resolve"
        );
        assert_eq!(classify(&ureq::Error::HostNotFound).0, Cause::Dns);
    }

    #[test]
    fn the_proxy_is_named_by_host_and_port_only_and_only_when_used() {
        let proxy = Proxy::builder(ProxyProtocol::Http)
            .host("proxy.corp")
            .port(3128)
            .username("user")
            .password("hunter2")
            .no_proxy("api.enterprise.developer.apple.com")
            .build()
            .unwrap();
        let agent: Agent = Agent::config_builder().proxy(Some(proxy)).build().into();
        let apple = base_url(Api::AppStoreConnect);
        assert_eq!(
            proxy_used(&agent, apple).as_deref(),
            Some("proxy.corp:3128")
        );
        assert_eq!(
            proxy_used(&agent, base_url(Api::Enterprise)),
            None,
            "NO_PROXY"
        );
        assert_eq!(proxy_used(&agent, "http://127.0.0.1:9"), None, "test URL");
        let text = unreachable(&agent, apple, &ureq::Error::ConnectionFailed);
        assert_eq!(
            text,
            "cannot reach `api.appstoreconnect.apple.com` through the proxy `proxy.corp:3128`: \
             connect: the connection failed"
        );
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

    fn read(body: &str) -> Option<Vec<ApiError>> {
        serde_json::from_str::<ErrorBody>(body)
            .ok()
            .map(ErrorBody::into_errors)
    }

    fn error(code: &str, title: &str, detail: &str) -> ApiError {
        ApiError {
            code: code.into(),
            title: title.into(),
            detail: detail.into(),
        }
    }

    #[test]
    fn each_of_apples_error_forms_is_read() {
        let cases = [
            // App Store Connect (APPLE.md's 401 body).
            (
                r#"{"errors":[{"status":"401","code":"NOT_AUTHORIZED","title":"Authentication credentials are missing or invalid.","detail":"Provide a token."}]}"#,
                error(
                    "NOT_AUTHORIZED",
                    "Authentication credentials are missing or invalid.",
                    "Provide a token.",
                ),
            ),
            // OAuth (`signinwithapplerestapi/errorresponse`), with and without a description.
            (
                r#"{"error":"invalid_grant","error_description":"The code has already been used."}"#,
                error("invalid_grant", "The code has already been used.", ""),
            ),
            (
                r#"{"error":"invalid_client"}"#,
                error("invalid_client", "", ""),
            ),
            // The App Store Server API (developer forums 757720).
            (
                r#"{"errorCode":4040010,"errorMessage":"Transaction id not found."}"#,
                error("4040010", "Transaction id not found.", ""),
            ),
            (r#"{"errorCode":4000006}"#, error("4000006", "", "")),
            // Maps' ErrorResponse.
            (
                r#"{"error":{"message":"Not Authorized","details":[]}}"#,
                error("", "Not Authorized", ""),
            ),
            // WeatherKit's 403 (developer forums 713664).
            (
                r#"{"timestamp":"2026-11-29T09:00:00Z","status":403,"error":"Forbidden","message":"Access Denied","path":"/api/v1/availability/37.323/122.032"}"#,
                error("Forbidden", "Access Denied", ""),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(read(body), Some(vec![expected]), "{body}");
        }
    }

    #[test]
    fn bodies_that_are_no_error_form_are_not_read_as_one() {
        for body in [
            "",
            "{}",
            "[]",
            r#"{"data":[]}"#,
            r#"["currentWeather"]"#,
            r#"{"error":5}"#,
            r#"{"errorCode":"4040010"}"#,
            r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#,
            "<html>Bad Gateway</html>",
        ] {
            assert_eq!(read(body), None, "{body}");
        }
    }

    #[test]
    fn apples_success_body_gives_its_access_token() {
        // Apple's example on the Business/School Manager OAuth page.
        let body = r#"{"access_token":"eyJhbGciOiJIUzI1NiJ9.abc-_~+/=","token_type":"Bearer","expires_in":3600,"scope":"business.api"}"#;
        let access = access_token(body).unwrap();
        assert_eq!(access.token, "eyJhbGciOiJIUzI1NiJ9.abc-_~+/=");
        assert_eq!(access.expires_in, 3600);
        let lifetime = |body: &str| access_token(body).map(|a| a.expires_in);
        assert_eq!(
            lifetime(r#"{"access_token":"abcdefghijklmnop","expires_in":7200}"#),
            Some(7200)
        );
        // Apple documents one hour; anything unusable as a lifetime falls back to it.
        for expires_in in [
            "",
            r#","expires_in":0"#,
            r#","expires_in":-5"#,
            r#","expires_in":null"#,
            r#","expires_in":"3600""#,
            r#","expires_in":1.5"#,
            r#","expires_in":9223372036854775807"#,
        ] {
            let body = format!(r#"{{"access_token":"abcdefghijklmnop"{expires_in}}}"#);
            assert_eq!(lifetime(&body), Some(3600), "{body}");
        }
    }

    #[test]
    fn an_access_token_no_header_or_output_line_can_carry_is_none() {
        let long = "a".repeat(8193);
        let longest = "a".repeat(8192);
        for token in [
            "",
            "a b",
            "a\\nb",
            "a\\rb",
            "a\\tb",
            "a\\u0000b",
            "caf\\u00e9",
            &long,
        ] {
            let body = format!(r#"{{"access_token":"{token}","expires_in":3600}}"#);
            assert!(access_token(&body).is_none(), "{body}");
        }
        let body = format!(r#"{{"access_token":"{longest}"}}"#);
        assert_eq!(access_token(&body).map(|a| a.token.len()), Some(8192));
        for body in [
            "",
            "{}",
            r#"{"access_token":5}"#,
            r#"{"error":"invalid_client"}"#,
        ] {
            assert!(access_token(body).is_none(), "{body}");
        }
    }

    #[test]
    fn an_access_token_outside_the_bearer_alphabet_or_under_16_characters_is_refused() {
        let short = "abcdefghijklmno";
        for token in ["abc%0Adef", "abc%25", "a\"b", "a=b", "==", "-", short] {
            let body = serde_json::json!({ "access_token": token }).to_string();
            assert_eq!(access_token(&body), None, "{token}");
        }
        let apple = access_token(r#"{"access_token":"eyJ.a-b_c~d+e/f=="}"#);
        assert_eq!(apple.map(|a| a.token).as_deref(), Some("eyJ.a-b_c~d+e/f=="));
        let sixteen = access_token(r#"{"access_token":"abcdefghijklmnop"}"#);
        assert_eq!(sixteen.map(|a| a.token.len()), Some(16));
    }

    #[test]
    fn an_access_tokens_debug_form_hides_it() {
        let access = access_token(r#"{"access_token":"secret-access-token"}"#).unwrap();
        assert!(!format!("{access:?}").contains("secret-access"));
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
