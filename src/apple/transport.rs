//! The HTTPS client for Apple's hosts, through `ureq` and `rustls` (on `ring`, the
//! signer's crypto library), trusting Mozilla's roots and the operating system's store
//! together, so a self-hosted runner behind a TLS-inspecting proxy works;
//! `HTTPS_PROXY`/`NO_PROXY` are honoured for Apple's hosts and never for the test-only
//! URL. No redirect is followed: the token goes to Apple's API host and nowhere else. A
//! failure is said in words that carry nothing the request did.

use std::sync::Arc;
use std::time::Duration;

use ureq::http::{HeaderValue, Response};
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::{Agent, Body, RequestBuilder};

use crate::apple::hosts::is_apple;

/// Each call to Apple gives up after this long, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(5);

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

/// The test-only URL never goes through a proxy: a proxy would read its token and could
/// answer for "Apple". Apple's hosts keep the agent's `HTTPS_PROXY`/`NO_PROXY`.
pub(crate) fn direct_unless_apple<B>(request: RequestBuilder<B>, base: &str) -> RequestBuilder<B> {
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
pub(crate) fn redirected(response: &Response<Body>, base: &str) -> String {
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
pub(crate) fn unreachable(agent: &Agent, base: &str, err: &ureq::Error) -> String {
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
pub(crate) fn describe(err: &ureq::Error) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apple::hosts::base_url;
    use crate::mint::token::Api;
    use ureq::{Proxy, ProxyProtocol};

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
}
