//! The network around the calls to Apple: proxies, redirects, an Apple that cannot be
//! reached, and the retry of a 401. Every server here is a tiny one on 127.0.0.1, started
//! and ended by its test; a "proxy" is one too, so no request ever leaves the machine.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::*;

/// One request as the server saw it: the request line and the `Authorization` header.
#[derive(Clone, Debug)]
struct Seen {
    line: String,
    authorization: Option<String>,
}

/// A loopback server that answers each request with the next of `script` (the last one
/// repeats) and closes the connection. Dropping it ends its thread.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(script: Vec<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, stopped) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // One connection at a time, so the script is followed in order.
            for (index, stream) in listener.incoming().enumerate() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                answer_one(stream, &script[index.min(script.len() - 1)], &log);
            }
        });
        Server {
            port,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request head, records it in `log`, writes `answer`, closes.
fn answer_one(stream: TcpStream, answer: &str, log: &Mutex<Vec<Seen>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            break;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    // Recorded before answering: the client may exit as soon as it has the answer.
    log.lock().unwrap().push(Seen {
        line: line.trim_end().to_owned(),
        authorization,
    });
    let _ = writer.write_all(answer.as_bytes());
    let _ = writer.flush();
    // A TLS client that was sent plain text may still be writing; let it finish first.
    std::thread::sleep(Duration::from_millis(50));
}

fn http(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

const NOT_AUTHORIZED: &str =
    r#"{"errors":[{"status":"401","code":"NOT_AUTHORIZED","title":"x","detail":"y"}]}"#;

fn ok() -> String {
    http("200 OK", "", r#"{"data":[]}"#)
}

fn unauthorized() -> String {
    http("401 Unauthorized", "", NOT_AUTHORIZED)
}

/// Stdout, stderr and exit code of a finished run, after checking that stderr holds no
/// secret and that nothing panicked.
fn finished(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let output = cmd.output().unwrap();
    let (stdout, stderr) = texts(&output);
    let token = serde_json::from_str::<serde_json::Value>(&stdout)
        .ok()
        .and_then(|json| json["token"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let tokens: Vec<&str> = [token.as_str()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    assert_no_leak("stderr", &stderr, &secret_runs(&tokens), &[]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code().unwrap(), stdout, stderr)
}

const PROXY_VARIABLES: [&str; 6] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

// --- 2: the test-only base URL never goes through a proxy ---

#[test]
fn the_test_base_url_ignores_every_proxy_variable() {
    for variable in PROXY_VARIABLES {
        let apple = Server::start(vec![ok()]);
        // A proxy that would answer for Apple, and would be seen to.
        let proxy = Server::start(vec![ok()]);
        let (code, stdout, stderr) = finished(
            configured()
                .env("ASC_API_BASE_URL", apple.url())
                .env("ASC_FORMAT", "json")
                .env("ASC_VERIFY", "true")
                .env(variable, proxy.url()),
        );
        assert_eq!(code, 0, "{variable}: {stderr}");
        assert!(proxy.seen().is_empty(), "{variable}: the proxy was asked");
        let lines: Vec<String> = apple.seen().into_iter().map(|s| s.line).collect();
        assert_eq!(
            lines,
            ["HEAD /v1 HTTP/1.1", "GET /v1/apps?limit=1 HTTP/1.1"],
            "{variable}"
        );
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(json["verified"], true, "{variable}");
    }
}

// --- 11 (and 2: Apple's host still honours HTTPS_PROXY) ---

/// Verifies against Apple's real host name through `proxy`, which never lets the request
/// out; returns exit code, stdout, stderr.
fn verify_through(proxy: &Server, credentials: &str) -> (i32, String, String) {
    finished(
        configured()
            .env("ASC_VERIFY", "true")
            .env("ASC_CLOCK", "local")
            .env(
                "HTTPS_PROXY",
                format!("http://{credentials}127.0.0.1:{}", proxy.port),
            ),
    )
}

#[test]
fn apples_host_goes_through_https_proxy_and_a_refusing_proxy_is_named_without_credentials() {
    let proxy = Server::start(vec![http("403 Forbidden", "", "")]);
    let (code, stdout, stderr) = verify_through(&proxy, "proxyuser:proxysecret@");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.is_empty(),
        "nothing is delivered when Apple cannot be asked"
    );
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{stderr}");
    assert_eq!(
        seen[0].line,
        "CONNECT api.appstoreconnect.apple.com:443 HTTP/1.1"
    );
    assert!(
        stderr.contains(&format!(
            "error: could not ask Apple whether it accepts the token: cannot reach \
             `api.appstoreconnect.apple.com` through the proxy `127.0.0.1:{}`: connect: the \
             proxy did not open a tunnel",
            proxy.port
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("proxyuser") && !stderr.contains("proxysecret"));
}

#[test]
fn a_failed_tls_handshake_is_called_tls() {
    // Opens the tunnel, then answers the TLS hello with plain text.
    let proxy = Server::start(vec![format!(
        "HTTP/1.1 200 Connection established\r\n\r\n{}",
        http("400 Bad Request", "", "")
    )]);
    let (code, stdout, stderr) = verify_through(&proxy, "");
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "nothing is delivered");
    assert!(
        stderr.contains(&format!(
            "cannot reach `api.appstoreconnect.apple.com` through the proxy `127.0.0.1:{}`: \
             TLS: the handshake failed (",
            proxy.port
        )),
        "{stderr}"
    );
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn an_unreachable_apple_delivers_nothing_in_any_format() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    for format in ["text", "json", "dotenv", "github"] {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("output");
        let keys = dir.path().join("keys");
        let (code, stdout, stderr) = finished(
            configured()
                .env("ASC_API_BASE_URL", &base)
                .env("ASC_VERIFY", "true")
                .env("ASC_CLOCK", "local")
                .env("ASC_FORMAT", format)
                .env("ASC_KEY_FILE", "true")
                .env("ASC_KEY_DIR", &keys)
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_OUTPUT", &output),
        );
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(stdout.is_empty(), "{format}: no token, no mask on stdout");
        assert!(!output.exists(), "{format}: GITHUB_OUTPUT was touched");
        assert!(!keys.exists(), "{format}: the key folder was written");
        assert!(
            stderr.contains(
                "::error title=asc-jwt::could not ask Apple whether it accepts the token: \
                 cannot reach `127.0.0.1`: connect: the connection was refused"
            ),
            "{format}: {stderr}"
        );
        assert!(!stderr.contains("uncategorized"), "{stderr}");
        assert!(
            stderr.contains("nothing was delivered (unset verify to mint without asking Apple)"),
            "{stderr}"
        );
        assert!(!stderr.contains("::add-mask::"), "{format}: {stderr}");
    }
}

// --- 7: no redirect is followed ---

/// A server that redirects to `target` on loopback, which would accept anything.
fn redirecting() -> (Server, Server) {
    let target = Server::start(vec![ok()]);
    let location = format!("Location: {}/elsewhere?steal=1\r\n", target.url());
    let apple = Server::start(vec![http("302 Found", &location, "")]);
    (apple, target)
}

#[test]
fn verify_reports_a_redirect_with_its_host_and_never_succeeds() {
    let (apple, target) = redirecting();
    let (code, stdout, stderr) = finished(
        configured()
            .env("ASC_API_BASE_URL", apple.url())
            .env("ASC_VERIFY", "true")
            .env("ASC_CLOCK", "local")
            .env("ASC_FORMAT", "json"),
    );
    assert!(target.seen().is_empty(), "the redirect was followed");
    assert_eq!(code, 1, "{stderr}");
    // The token went to the server; its answer must not bring it back into a message.
    let sent = apple.seen()[0].authorization.clone().unwrap();
    let token = sent.trim_start_matches("Bearer ");
    assert_no_leak("stderr", &stderr, &secret_runs(&[token]), &[]);
    assert!(stdout.is_empty(), "a redirect is not a verdict");
    assert!(
        stderr.contains(
            "error: could not ask Apple whether it accepts the token: `127.0.0.1` answered \
             HTTP 302 to `127.0.0.1`, a redirect, which is not followed"
        ),
        "{stderr}"
    );
    // The host only: not the port, path or query the network chose.
    assert!(!stderr.contains(&target.port.to_string()), "{stderr}");
    assert!(!stderr.contains("elsewhere") && !stderr.contains("steal"));
}

#[test]
fn the_clock_ignores_a_redirect_and_falls_back_to_the_local_clock() {
    let (apple, target) = redirecting();
    let (code, stdout, stderr) = finished(
        configured()
            .env("ASC_API_BASE_URL", apple.url())
            .env("ASC_CLOCK", "apple")
            .env("ASC_FORMAT", "json"),
    );
    assert!(target.seen().is_empty(), "the redirect was followed");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning: could not read Apple's clock (`127.0.0.1` answered HTTP 302 to \
             `127.0.0.1`, a redirect, which is not followed"
        ),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(json.get("clock_offset").is_none());
}

// --- 15: one retry of a 401 ---

#[test]
fn a_401_then_a_200_is_accepted_after_one_retry_with_a_fresh_token() {
    let apple = Server::start(vec![unauthorized(), ok()]);
    let started = Instant::now();
    let (code, stdout, stderr) = finished(
        configured()
            .env("ASC_API_BASE_URL", apple.url())
            .env("ASC_VERIFY", "true")
            .env("ASC_CLOCK", "local")
            .env("ASC_FORMAT", "json"),
    );
    let elapsed = started.elapsed();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        elapsed >= Duration::from_millis(1900),
        "retried after {elapsed:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["verified"], true);
    let seen = apple.seen();
    assert_eq!(seen.len(), 2);
    // The retry's token is a new one, and it is the one written.
    let bearer = format!("Bearer {}", json["token"].as_str().unwrap());
    assert_eq!(seen[1].authorization.as_deref(), Some(&*bearer));
    assert_ne!(seen[0].authorization, seen[1].authorization);
    assert!(
        stderr.contains(
            "warning: Apple answered 401 at first and accepted a freshly minted token when \
             asked again 2 s later"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("asc-jwt: Apple accepted the token (HTTP 200 in "));
}

#[test]
fn two_401s_are_a_refusal_as_before() {
    let apple = Server::start(vec![unauthorized()]);
    let (code, stdout, stderr) = finished(
        configured()
            .env("ASC_API_BASE_URL", apple.url())
            .env("ASC_VERIFY", "true")
            .env("ASC_CLOCK", "local")
            .env("ASC_FORMAT", "json"),
    );
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(apple.seen().len(), 2, "asked twice");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["verified"], false);
    assert!(stderr.contains("error: Apple refused the token: HTTP 401"));
    assert!(!stderr.contains("accepted the same token"));
}

#[test]
fn a_403_is_not_retried() {
    let apple = Server::start(vec![http("403 Forbidden", "", "{}")]);
    let (code, _, stderr) = finished(
        configured()
            .env("ASC_API_BASE_URL", apple.url())
            .env("ASC_VERIFY", "true")
            .env("ASC_CLOCK", "local"),
    );
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(apple.seen().len(), 1);
}
