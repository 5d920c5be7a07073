//! Shared helpers: the binary with a clean environment, the test-only key in every form,
//! a token verifier that does not use this crate's signing code, and the leak check.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

pub const KEY_ID: &str = "TESTKEY123";
pub const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A file named `name` holding `content` in a folder of its own, removed with the guard.
pub fn temp_file(name: &str, content: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    (dir, path)
}

pub fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// The key as Apple ships it.
pub fn key_pem() -> String {
    read_fixture("test-only-p256.p8")
}

/// The binary with an empty environment: every test states what it sets.
pub fn asc_jwt() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("asc-jwt").unwrap();
    cmd.env_clear();
    cmd
}

/// The binary with the test key's ID and issuer, but no key yet.
pub fn identified() -> assert_cmd::Command {
    let mut cmd = asc_jwt();
    cmd.env("ASC_KEY_ID", KEY_ID).env("ASC_ISSUER_ID", ISSUER);
    cmd
}

/// The binary configured with a valid team key passed as text.
pub fn configured() -> assert_cmd::Command {
    let mut cmd = identified();
    cmd.env("ASC_PRIVATE_KEY", key_pem());
    cmd
}

/// Runs `cmd` and checks that it fails as bad input does: exit 2, nothing on stdout, no
/// panic, and `message` on stderr. Returns the assertion for further checks.
pub fn fails_with_usage_error(
    cmd: &mut assert_cmd::Command,
    message: impl AsRef<str>,
) -> assert_cmd::assert::Assert {
    use predicates::prelude::*;
    cmd.assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(message.as_ref()))
        .stderr(predicate::str::contains("panicked").not())
}

fn wrap(text: &str, width: usize, eol: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(eol)
        + eol
}

/// Every form of the test key a user may paste, named.
pub fn key_forms() -> Vec<(&'static str, String)> {
    let pem = key_pem();
    let sec1 = read_fixture("test-only-p256-sec1.pem");
    let b64 = STANDARD.encode(&pem);
    let der_b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    vec![
        ("pkcs8 pem", pem.clone()),
        ("pkcs8 pem, crlf", pem.replace('\n', "\r\n")),
        ("pkcs8 pem, no final newline", pem.trim_end().to_owned()),
        (
            "pkcs8 pem, literal \\n",
            pem.trim_end().replace('\n', "\\n"),
        ),
        ("sec1 pem", sec1.clone()),
        (
            "sec1 pem, no public key",
            read_fixture("test-only-p256-sec1-nopub.pem"),
        ),
        (
            "pkcs8 pem, no public key",
            read_fixture("test-only-p256-pkcs8-nopub.pem"),
        ),
        ("base64 of pem, unwrapped", b64.clone()),
        ("base64 of pem, 76 columns lf", wrap(&b64, 76, "\n")),
        ("base64 of pem, 76 columns crlf", wrap(&b64, 76, "\r\n")),
        ("base64 of pem, url-safe", URL_SAFE.encode(&pem)),
        ("base64 of pem, unpadded", URL_SAFE_NO_PAD.encode(&pem)),
        ("base64 of sec1 pem", STANDARD.encode(&sec1)),
        ("base64 der", der_b64),
        ("pem in double quotes", format!("\"{pem}\"")),
        ("base64 in single quotes", format!("'{b64}'")),
    ]
}

fn b64url(part: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(part)
        .expect("token part is base64url without padding")
}

/// Decodes a token by hand and checks its signature with the `openssl` command line
/// against the test key's public key; returns (header, claims).
pub fn verify(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWS compact token has three parts");
    let header: Value = serde_json::from_slice(&b64url(parts[0])).unwrap();
    let claims: Value = serde_json::from_slice(&b64url(parts[1])).unwrap();
    let signature = b64url(parts[2]);
    assert_eq!(
        signature.len(),
        64,
        "ES256 signatures are 64 raw bytes r||s"
    );

    let dir = tempfile::tempdir().unwrap();
    let message = dir.path().join("message");
    let der = dir.path().join("signature.der");
    std::fs::write(&message, format!("{}.{}", parts[0], parts[1])).unwrap();
    std::fs::write(&der, rs_to_der(&signature)).unwrap();
    let status = Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(fixture("test-only-p256.pub.pem"))
        .arg("-signature")
        .arg(&der)
        .arg(&message)
        .output()
        .expect("openssl is installed");
    assert!(
        status.status.success(),
        "openssl rejected the signature: {}",
        String::from_utf8_lossy(&status.stdout)
    );
    (header, claims)
}

/// r||s → DER `SEQUENCE { INTEGER r, INTEGER s }`, as openssl wants it.
fn rs_to_der(rs: &[u8]) -> Vec<u8> {
    fn integer(bytes: &[u8]) -> Vec<u8> {
        let mut v: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
        if v.first().is_none_or(|&b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        let mut out = vec![0x02, v.len() as u8];
        out.extend(v);
        out
    }
    let mut body = integer(&rs[..32]);
    body.extend(integer(&rs[32..]));
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

/// Every 16-character run of every secret the tests use: the key's base64 body, the
/// base64 of the whole `.p8` as users store it, and the given tokens.
pub fn secret_runs(tokens: &[&str]) -> Vec<String> {
    let pem = key_pem();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut secrets = vec![body, STANDARD.encode(&pem)];
    secrets.extend(tokens.iter().map(|t| t.to_string()));
    secrets
        .iter()
        .flat_map(|s| {
            let chars: Vec<char> = s.chars().collect();
            chars
                .windows(16)
                .map(|w| w.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Fails if any line of `text` holds a secret run, except the lines whose designated job
/// is to carry the token (`::add-mask::`, `token=`) when `allowed` says so.
pub fn assert_no_leak(what: &str, text: &str, runs: &[String], allowed: &[&str]) {
    for (number, line) in text.lines().enumerate() {
        if allowed.iter().any(|prefix| line.starts_with(prefix)) {
            continue;
        }
        // Say where, never what: the failure message must not repeat the secret.
        assert!(
            !runs.iter().any(|r| line.contains(r.as_str())),
            "{what} line {} leaks secret material",
            number + 1
        );
    }
}

/// Stdout and stderr of a finished command as strings.
pub fn texts(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8(output.stdout.clone()).unwrap(),
        String::from_utf8(output.stderr.clone()).unwrap(),
    )
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Parses a GITHUB_OUTPUT or GITHUB_ENV file as the runner does: `name=value` lines, and
/// `name<<DELIMITER` … `DELIMITER` blocks for multi-line values.
pub fn parse_github_file(text: &str) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let heredoc = line.find("<<");
        let equals = line.find('=');
        match (heredoc, equals) {
            (Some(h), e) if e.is_none_or(|e| h < e) => {
                let (name, delimiter) = (&line[..h], &line[h + 2..]);
                let body: Vec<&str> = lines.by_ref().take_while(|l| *l != delimiter).collect();
                values.insert(name.to_owned(), body.join("\n"));
            }
            (_, Some(e)) => {
                values.insert(line[..e].to_owned(), line[e + 1..].to_owned());
            }
            _ => panic!("the runner would reject the line {line:?}"),
        }
    }
    values
}

/// A finished run whose stdout is JSON (`ASC_FORMAT=json`).
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub json: Option<Value>,
}

impl Run {
    pub fn token(&self) -> &str {
        self.json.as_ref().unwrap()["token"].as_str().unwrap()
    }
}

/// Runs `cmd`; stderr must hold neither the key, nor the token printed, nor any of
/// `secrets`, outside `::add-mask::` lines, and no panic.
pub fn run_json(cmd: &mut assert_cmd::Command, secrets: &[&str]) -> Run {
    let output = cmd.output().unwrap();
    let (stdout, stderr) = texts(&output);
    let json: Option<Value> = serde_json::from_str(&stdout).ok();
    let token = json
        .as_ref()
        .and_then(|j| j["token"].as_str())
        .unwrap_or_default();
    let secrets: Vec<&str> = std::iter::once(token)
        .chain(secrets.iter().copied())
        .filter(|s| !s.is_empty())
        .collect();
    assert_no_leak("stderr", &stderr, &secret_runs(&secrets), &["::add-mask::"]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    Run {
        code: output.status.code().unwrap(),
        stdout,
        stderr,
        json,
    }
}

/// The test Team ID, and the IDs each service names its app or account by.
pub const TEAM_ID: &str = "ABCDE12345";
pub const BUNDLE_ID: &str = "com.example.app";
pub const WEB_CLIENT_ID: &str = "com.example.web";
pub const SERVICE_ID: &str = "com.example.weather";
/// Apple's example key ID for Business and School Manager keys (a UUID).
pub const MANAGER_KEY_ID: &str = "e339d085-a821-438a-a527-d044edacf50a";
pub const BUSINESS_CLIENT_ID: &str = "BUSINESSAPI.9703f56c-10ce-4d8c-9d1e-3f5c0b2a7e41";
pub const SCHOOL_CLIENT_ID: &str = "SCHOOLAPI.9703f56c-10ce-4d8c-9d1e-3f5c0b2a7e41";
/// Apple Ads' IDs, from Apple's example payload and credentials block
/// (`apple_ads/implementing-oauth-for-the-apple-search-ads-api`).
pub const APPLE_ADS_KEY_ID: &str = "a273d0d3-4d9e-458c-a173-0db8619ca7d7";
pub const APPLE_ADS_TEAM_ID: &str = "SEARCHADS.9703f56c-10ce-4876-8f59-e78e5e23a152";
pub const APPLE_ADS_CLIENT_ID: &str = "SEARCHADS.27478e71-3bb0-4588-998c-182e2b405577";

/// The settings `api` requires, with valid values (the key aside); the developer-account
/// services (`apns`, `music`, `maps`, `devicecheck`) need the Team ID alone.
pub fn service_env(api: &str) -> Vec<(&'static str, &str)> {
    let key_id = match api {
        "business-manager" | "school-manager" => MANAGER_KEY_ID,
        "apple-ads" => APPLE_ADS_KEY_ID,
        _ => KEY_ID,
    };
    let mut env = vec![("ASC_API", api), ("ASC_KEY_ID", key_id)];
    env.extend(match api {
        "app-store-server" => vec![("ASC_ISSUER_ID", ISSUER), ("ASC_BUNDLE_ID", BUNDLE_ID)],
        "sign-in-with-apple" => vec![("ASC_TEAM_ID", TEAM_ID), ("ASC_CLIENT_ID", WEB_CLIENT_ID)],
        "business-manager" => vec![("ASC_CLIENT_ID", BUSINESS_CLIENT_ID)],
        "school-manager" => vec![("ASC_CLIENT_ID", SCHOOL_CLIENT_ID)],
        "apple-ads" => vec![
            ("ASC_TEAM_ID", APPLE_ADS_TEAM_ID),
            ("ASC_CLIENT_ID", APPLE_ADS_CLIENT_ID),
        ],
        "weatherkit" => vec![("ASC_TEAM_ID", TEAM_ID), ("ASC_SERVICE_ID", SERVICE_ID)],
        _ => vec![("ASC_TEAM_ID", TEAM_ID)],
    });
    env
}

/// The binary configured to mint a valid token for `api` (not App Store Connect), with
/// the test key passed as text.
pub fn service(api: &str) -> assert_cmd::Command {
    let mut cmd = asc_jwt();
    cmd.envs(service_env(api)).env("ASC_PRIVATE_KEY", key_pem());
    cmd
}

/// The Python that has PyJWT: the checkout's `.ci/venv`, which `.ci/run` creates (there
/// PyJWT is required), else `python3` from PATH if it can import `jwt`. A plain
/// `cargo test` on a fresh clone (and CI's test matrix) has neither, and skips PyJWT's
/// reading with a note; openssl still checks every signature there.
pub fn pyjwt_python() -> Option<PathBuf> {
    static PYTHON: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/venv");
            let in_venv = [venv.join("bin/python"), venv.join("Scripts/python.exe")]
                .into_iter()
                .find(|p| p.exists());
            let has_jwt = |python: &PathBuf| {
                Command::new(python)
                    .args(["-c", "import jwt, cryptography"])
                    .output()
                    .is_ok_and(|o| o.status.success())
            };
            if let Some(python) = in_venv {
                assert!(
                    has_jwt(&python),
                    "{} cannot import PyJWT: run `bash .ci/run`, which installs it",
                    python.display()
                );
                return Some(python);
            }
            let found = Some(PathBuf::from("python3")).filter(has_jwt);
            if found.is_none() {
                eprintln!("note: PyJWT is not installed, so only openssl checks signatures here");
            }
            found
        })
        .clone()
}

/// PyJWT's reading of `token`, which shares no code with this crate: the ES256 signature
/// against the test key's public key, `exp` and `iat`, and `aud` equal to `audience`
/// (with `None`, audience checking is off). `Some(Err(why))` when PyJWT refuses it;
/// `None` when PyJWT is not installed ([`pyjwt_python`]).
pub fn pyjwt(token: &str, audience: Option<&str>) -> Option<Result<(Value, Value), String>> {
    const PROGRAM: &str = r#"
import json, sys
import jwt
key = open(sys.argv[1]).read()
audience = sys.argv[2] if len(sys.argv) > 2 else None
token = sys.stdin.read().strip()
try:
    claims = jwt.decode(token, key, algorithms=["ES256"], audience=audience,
                        options={"verify_aud": audience is not None, "require": ["iat"]})
except jwt.InvalidTokenError as error:
    sys.exit(f"PyJWT refused the token: {type(error).__name__}")
print(json.dumps({"header": jwt.get_unverified_header(token), "claims": claims}))
"#;
    let python = pyjwt_python()?;
    let output = piped(
        Command::new(python)
            .arg("-c")
            .arg(PROGRAM)
            .arg(fixture("test-only-p256.pub.pem"))
            .args(audience),
        token,
    );
    if !output.status.success() {
        return Some(Err(String::from_utf8_lossy(&output.stderr).into_owned()));
    }
    let read: Value = serde_json::from_slice(&output.stdout).unwrap();
    Some(Ok((read["header"].clone(), read["claims"].clone())))
}

/// Runs `cmd` with `input` on its standard input; its output.
pub fn piped(cmd: &mut Command, input: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Decodes `token` by hand, checks its signature with openssl, and, where PyJWT is
/// installed, has PyJWT verify it with `audience` and read the same header and claims.
pub fn verify_with_audience(token: &str, audience: Option<&str>) -> (Value, Value) {
    let (header, claims) = verify(token);
    if let Some(read) = pyjwt(token, audience) {
        let (py_header, py_claims) = read.unwrap_or_else(|why| panic!("{why}"));
        assert_eq!(py_header, header, "PyJWT reads the same header");
        assert_eq!(py_claims, claims, "PyJWT reads the same claims");
    }
    (header, claims)
}

/// The test key's private scalar (32 bytes): it follows `04 20` in the PKCS#8 body
/// (RFC 5915's OCTET STRING).
pub fn private_scalar() -> Vec<u8> {
    let body: String = key_pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(body).unwrap();
    let at = der.windows(2).position(|w| w == [0x04, 0x20]).unwrap() + 2;
    der[at..at + 32].to_vec()
}
