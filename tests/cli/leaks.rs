//! No line printed, on any path, holds a 16-character run of the key's base64 body, of
//! the base64 `.p8` as users store it, or of a token, except the lines whose job is to
//! carry them: `::add-mask::` lines, the output file's `token=`, and the token itself on
//! the stdout of the text, json and dotenv formats.

use crate::common::*;

/// Runs `cmd` in a GitHub-like step (so every kind of line is printed) and checks
/// stdout, stderr and the GITHUB_OUTPUT file.
fn check(case: &str, cmd: &mut assert_cmd::Command) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("github_output");
    let output = cmd
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &file)
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    let tokens: Vec<&str> = stdout
        .lines()
        .chain(stderr.lines())
        .filter_map(|l| l.strip_prefix("::add-mask::"))
        .collect();
    let runs = secret_runs(&tokens);
    let token_lines: &[&str] = &["::add-mask::"];
    assert_no_leak(&format!("{case}: stderr"), &stderr, &runs, token_lines);
    // stdout's job in text/json/dotenv is the token, so there it is checked for key
    // material only; on a failure, for anything secret.
    let stdout_runs = match output.status.success() {
        true => secret_runs(&[]),
        false => runs.clone(),
    };
    assert_no_leak(
        &format!("{case}: stdout"),
        &stdout,
        &stdout_runs,
        token_lines,
    );
    // The key must not be signed into a token either (an origin or an ID that is the key
    // in disguise): its header and claims are checked for it in both base64 alphabets.
    let mut key_runs = secret_runs(&[]);
    key_runs.extend(secret_runs(&[]).iter().map(|r| url_safe(r)));
    for token in tokens.iter().filter(|t| t.matches('.').count() == 2) {
        for part in token.split('.').take(2) {
            use base64::Engine as _;
            let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&decoded);
            assert_no_leak(&format!("{case}: token claims"), &text, &key_runs, &[]);
        }
    }
    let token_output: &[&str] = match output.status.success() {
        true => &["token="],
        false => &[],
    };
    assert_no_leak(
        &format!("{case}: output file"),
        &written,
        &runs,
        token_output,
    );
}

#[test]
fn passing_runs_print_the_token_only_where_designated() {
    for format in ["text", "json", "dotenv", "github"] {
        check(format, configured().env("ASC_FORMAT", format));
    }
}

#[test]
fn runs_that_write_key_files_print_no_key_material() {
    for format in ["text", "json", "dotenv", "github"] {
        let dir = tempfile::tempdir().unwrap();
        check(
            &format!("key files, {format}"),
            configured()
                .env("ASC_FORMAT", format)
                .env("ASC_KEY_FILE", "true")
                .env("ASC_FASTLANE_JSON", "true")
                .env("ASC_ADD_TO_PATH", "true")
                .env("ASC_KEY_DIR", dir.path()),
        );
    }
}

#[test]
fn a_key_file_conflict_prints_no_key_material() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(format!("AuthKey_{KEY_ID}.p8")),
        read_fixture("test-only-p256-other.p8"),
    )
    .unwrap();
    check(
        "key file conflict",
        configured()
            .env("ASC_KEY_FILE", "true")
            .env("ASC_KEY_DIR", dir.path()),
    );
}

#[test]
fn failing_runs_print_no_secret() {
    let pem = key_pem();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let truncated = pem[..pem.len() / 2].to_owned();
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&pem)
    };
    // The whole base64 `.p8` as letters and digits only: shaped like a (long) key ID.
    let alphanumeric: String = b64.chars().filter(char::is_ascii_alphanumeric).collect();
    let lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "base64 key as key id",
            vec![("ASC_KEY_ID", alphanumeric.clone())],
        ),
        (
            "base64 key as key id, with key files",
            vec![
                ("ASC_KEY_ID", alphanumeric.clone()),
                ("ASC_KEY_FILE", "true".into()),
                ("ASC_FASTLANE_JSON", "true".into()),
            ],
        ),
        (
            "two PEM body lines joined by a space as path",
            vec![
                ("ASC_PRIVATE_KEY", String::new()),
                ("ASC_PRIVATE_KEY_PATH", format!("{} {}", lines[0], lines[1])),
            ],
        ),
        ("key in key id", vec![("ASC_KEY_ID", body.clone())]),
        ("key in issuer id", vec![("ASC_ISSUER_ID", body.clone())]),
        ("key in key type", vec![("ASC_KEY_TYPE", body.clone())]),
        ("key in duration", vec![("ASC_DURATION", body.clone())]),
        ("key in scope", vec![("ASC_SCOPE", format!("GET {body}"))]),
        (
            "key in scope method",
            vec![("ASC_SCOPE", format!("{body} /v1"))],
        ),
        ("key in api", vec![("ASC_API", body.clone())]),
        ("key in format", vec![("ASC_FORMAT", body.clone())]),
        (
            "key as path",
            vec![
                ("ASC_PRIVATE_KEY", String::new()),
                ("ASC_PRIVATE_KEY_PATH", pem.clone()),
            ],
        ),
        (
            "body as path",
            vec![
                ("ASC_PRIVATE_KEY", String::new()),
                ("ASC_PRIVATE_KEY_PATH", body.clone()),
            ],
        ),
        (
            "base64 of the key as path",
            vec![
                ("ASC_PRIVATE_KEY", String::new()),
                ("ASC_PRIVATE_KEY_PATH", b64.clone()),
            ],
        ),
        (
            "key material as a PEM label",
            vec![(
                "ASC_PRIVATE_KEY",
                format!(
                    "-----BEGIN {}-----\nAAAA\n-----END {}-----\n",
                    &body[..30],
                    &body[..30]
                ),
            )],
        ),
        (
            "truncated key",
            vec![("ASC_PRIVATE_KEY", truncated.clone())],
        ),
        (
            "key body without armour, cut",
            vec![("ASC_PRIVATE_KEY", body[..40].to_owned())],
        ),
        (
            "key with junk",
            vec![("ASC_PRIVATE_KEY", format!("{pem}!!"))],
        ),
        (
            "individual with issuer",
            vec![("ASC_KEY_TYPE", "individual".into())],
        ),
    ];
    for (case, vars) in cases {
        let mut cmd = configured();
        for (name, value) in vars {
            cmd.env(name, value);
        }
        check(case, &mut cmd);
    }
}

/// The key in the forms users paste: its base64 body, the PEM, the base64 `.p8`, that
/// base64 with only its letters and digits (shaped like a long identifier), and the body
/// in base64url.
fn pasted_forms() -> Vec<(&'static str, String)> {
    use base64::Engine as _;
    let pem = key_pem();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&pem);
    let alphanumeric: String = b64.chars().filter(char::is_ascii_alphanumeric).collect();
    vec![
        ("body", body.clone()),
        ("pem", pem),
        ("base64 .p8", b64),
        ("alphanumeric", alphanumeric.clone()),
        ("dotted alphanumeric", format!("com.{alphanumeric}")),
        ("base64url body", url_safe(&body)),
        (
            "https base64url body",
            format!("https://{}", url_safe(&body)),
        ),
    ]
    .into_iter()
    .chain(flattened_forms())
    .collect()
}

/// The key flattened onto one line, as secret stores and copy-paste leave it: the PEM
/// and its body joined by spaces, hex DER (`xxd -p`, unwrapped, and bytes joined by `:`),
/// a JWK with its `d`, the base64 of the DER in both alphabets, and `d` alone; and the
/// private scalar as `openssl pkey -text -noout` prints it (`priv:`, 15 bytes a line).
fn flattened_forms() -> Vec<(&'static str, String)> {
    use base64::Engine as _;
    let pem = key_pem();
    let lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(lines.concat())
        .unwrap();
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    // The private scalar sits after `04 20` in the PKCS#8 body (RFC 5915's OCTET STRING).
    let at = der.windows(2).position(|w| w == [0x04, 0x20]).unwrap() + 2;
    let d = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&der[at..at + 32]);
    let jwk = format!(r#"{{"kty":"EC","crv":"P-256","d":"{d}","x":"x","y":"y"}}"#);
    let pairs =
        |bytes: &[u8]| -> Vec<String> { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let priv_lines: Vec<String> = pairs(&der[at..at + 32])
        .chunks(15)
        .map(|line| format!("    {}", line.join(":")))
        .collect();
    vec![
        ("hex der with colons", pairs(&der).join(":")),
        (
            "scalar, openssl -text",
            format!("priv:\n{}\n", priv_lines.join(":\n")),
        ),
        ("scalar in colons", pairs(&der[at..at + 32]).join(":")),
        ("pem joined by spaces", pem.trim_end().replace('\n', " ")),
        ("body joined by spaces", lines.join(" ")),
        ("hex der", hex.clone()),
        ("hex der, upper case", hex.to_uppercase()),
        ("jwk json", jwk.clone()),
        (
            "jwk json, spaced",
            jwk.replace(':', ": ").replace(',', ", "),
        ),
        (
            "base64 der",
            base64::engine::general_purpose::STANDARD.encode(&der),
        ),
        (
            "base64url der",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&der),
        ),
        ("jwk d", d),
    ]
}

/// Every setting that takes free text, each with a service that uses it.
const FREE_TEXT: [(&str, &str); 9] = [
    ("ASC_KEY_DIR", "app-store-connect"),
    ("ASC_PRIVATE_KEY_PATH", "app-store-connect"),
    ("ASC_BUNDLE_ID", "app-store-server"),
    ("ASC_CLIENT_ID", "sign-in-with-apple"),
    ("ASC_CLIENT_ID", "business-manager"),
    ("ASC_CLIENT_ID", "apple-ads"),
    ("ASC_SERVICE_ID", "weatherkit"),
    ("ASC_ORIGIN", "music"),
    ("ASC_ORIGIN", "maps"),
];

#[test]
fn a_flattened_key_in_any_free_text_setting_is_refused_with_exit_2() {
    for (var, api) in FREE_TEXT {
        for (form, value) in pasted_forms() {
            let mut cmd = match api {
                "app-store-connect" => configured(),
                _ => service(api),
            };
            if var == "ASC_PRIVATE_KEY_PATH" {
                cmd.env("ASC_PRIVATE_KEY", "");
            }
            cmd.env(var, &value);
            refused_as_the_key(&format!("{var} ({api}), {form}"), &mut cmd, &value);
        }
    }
}

/// The scope is signed into the token and its first GET sent to Apple in the URL: the key
/// in it, bare or as a request's query (also with a lifetime whose refusal names entries,
/// and with verify), is refused; so is the private scalar in bare hex, which only a path
/// may hold (a SHA-256 folder name).
#[test]
fn a_flattened_key_in_the_scope_is_refused_with_exit_2() {
    let (_, colons) = flattened_forms()
        .into_iter()
        .find(|(form, _)| *form == "scalar, openssl -text")
        .unwrap();
    let scalar: String = colons.chars().filter(char::is_ascii_hexdigit).collect();
    assert_eq!(scalar.len(), 64);
    let forms = pasted_forms()
        .into_iter()
        .chain([("scalar in hex", scalar)]);
    for (form, value) in forms {
        for (how, scope, extra) in [
            ("bare", value.clone(), None),
            (
                "in a query",
                format!("GET /v1/apps?filter[name]={value}"),
                None,
            ),
            (
                "in a query, 3600 s",
                format!("GET /v1/apps?x={value}"),
                Some(("ASC_DURATION", "3600")),
            ),
            (
                "second, with verify",
                format!("GET /v1/apps\nGET /v1/builds?x={value}"),
                Some(("ASC_VERIFY", "true")),
            ),
        ] {
            let mut cmd = configured();
            cmd.env("ASC_SCOPE", &scope)
                .env("ASC_API_BASE_URL", "http://127.0.0.1:9");
            if let Some((var, setting)) = extra {
                cmd.env(var, setting);
            }
            refused_as_the_key(&format!("ASC_SCOPE, {form}, {how}"), &mut cmd, &value);
        }
    }
}

/// Runs `cmd` (key files on, in an empty working folder) and checks that it was refused
/// with exit 2 as the key, quoting no 16-character run of `value` and creating nothing.
fn refused_as_the_key(case: &str, cmd: &mut assert_cmd::Command, value: &str) {
    let cwd = tempfile::tempdir().unwrap();
    let output = cmd
        .current_dir(cwd.path())
        .env("ASC_KEY_FILE", "true")
        .env("ASC_FORMAT", "json")
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&output);
    // Not the stderr: on a failure it may hold the key.
    assert_eq!(output.status.code(), Some(2), "{case}");
    assert_eq!(stdout, "", "{case}");
    assert!(stderr.contains("looks like the"), "{case}");
    let flat: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
    for run in flat.windows(16) {
        let run: String = run.iter().collect();
        // Say where, never what.
        assert!(!stderr.contains(&run), "{case}: stderr quotes the value");
    }
    let created = std::fs::read_dir(cwd.path()).unwrap().count();
    assert_eq!(created, 0, "{case}: something was created");
}

/// A base64 text in the URL-safe alphabet without padding, as JWKs and some secret stores
/// keep keys.
fn url_safe(base64: &str) -> String {
    base64
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

#[test]
fn passing_runs_of_every_service_print_the_token_only_where_designated() {
    for api in [
        "app-store-server",
        "sign-in-with-apple",
        "business-manager",
        "school-manager",
        "apns",
        "music",
        "weatherkit",
        "maps",
        "apple-ads",
        "devicecheck",
    ] {
        for format in ["text", "json", "dotenv", "github"] {
            check(
                &format!("{api}, {format}"),
                service(api).env("ASC_FORMAT", format),
            );
        }
    }
}

#[test]
fn the_key_pasted_into_a_new_setting_is_never_echoed() {
    // Each setting with a service that uses it, and with App Store Connect, which
    // refuses it (the key folder and key path are checked below).
    let settings = FREE_TEXT[2..].iter().copied().chain([
        ("ASC_TEAM_ID", "apns"),
        ("ASC_SCOPE", "maps"),
        ("ASC_KEY_ID", "business-manager"),
        ("ASC_KEY_ID", "school-manager"),
        ("ASC_KEY_ID", "sign-in-with-apple"),
        ("ASC_KEY_ID", "apple-ads"),
        ("ASC_TEAM_ID", "apple-ads"),
        ("ASC_TEAM_ID", "devicecheck"),
    ]);
    for (var, api) in settings {
        for (form, value) in pasted_forms() {
            check(
                &format!("{var} ({api}), {form}"),
                service(api).env(var, &value),
            );
            let array = serde_json::json!([value]).to_string();
            check(
                &format!("{var} ({api}), {form} in a JSON array"),
                service(api).env(var, array),
            );
            if var != "ASC_KEY_ID" {
                check(
                    &format!("{var} (app-store-connect), {form}"),
                    configured().env(var, &value),
                );
            }
        }
    }
}

/// Apple Ads keys are usually SEC1 (`openssl ecparam -genkey … -noout`, Apple's OAuth
/// page): no line of any run, passing or refused, holds a run of that key's text.
#[test]
fn apple_ads_runs_with_a_sec1_key_print_none_of_it() {
    let sec1 = read_fixture("test-only-p256-sec1.pem");
    let body: Vec<char> = sec1
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>()
        .chars()
        .collect();
    let runs: Vec<String> = body.windows(16).map(|w| w.iter().collect()).collect();
    let refusals = [
        ("ASC_TEAM_ID", TEAM_ID),
        ("ASC_CLIENT_ID", sec1.as_str()),
        ("ASC_DURATION", "15552000"),
    ];
    for format in ["text", "json", "dotenv", "github"] {
        let mut cmd = service("apple-ads");
        cmd.env("ASC_PRIVATE_KEY", &sec1).env("ASC_FORMAT", format);
        check(&format!("apple-ads, SEC1, {format}"), &mut cmd);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("github_output");
        let output = cmd.env("GITHUB_OUTPUT", &file).output().unwrap();
        assert!(output.status.success(), "{format}");
        let (stdout, stderr) = texts(&output);
        let written = std::fs::read_to_string(&file).unwrap_or_default();
        assert_no_leak(&format!("{format}: stdout"), &stdout, &runs, &[]);
        assert_no_leak(&format!("{format}: stderr"), &stderr, &runs, &[]);
        assert_no_leak(&format!("{format}: output file"), &written, &runs, &[]);
        for (var, value) in refusals {
            let output = service("apple-ads")
                .env("ASC_PRIVATE_KEY", &sec1)
                .env("ASC_FORMAT", format)
                .env(var, value)
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(2), "{format}, {var}");
            let (stdout, stderr) = texts(&output);
            assert_no_leak(&format!("{format}, {var}: stdout"), &stdout, &runs, &[]);
            assert_no_leak(&format!("{format}, {var}: stderr"), &stderr, &runs, &[]);
        }
    }
}

#[test]
fn the_key_pasted_into_the_key_folder_is_never_echoed_nor_created() {
    for (form, value) in pasted_forms() {
        let cwd = tempfile::tempdir().unwrap();
        check(
            &format!("ASC_KEY_DIR, {form}"),
            configured()
                .current_dir(cwd.path())
                .env("ASC_KEY_FILE", "true")
                .env("ASC_KEY_DIR", &value),
        );
        let created = std::fs::read_dir(cwd.path()).unwrap().count();
        assert_eq!(created, 0, "ASC_KEY_DIR, {form}: a folder was created");
    }
}

#[test]
fn a_key_passed_as_an_argument_is_not_echoed() {
    check("argument", asc_jwt().arg(key_pem()));
    let body: String = key_pem().lines().nth(1).unwrap().to_owned();
    check("argument body", asc_jwt().arg(format!("--{body}")));
}

#[test]
fn an_unwritable_output_file_prints_no_secret() {
    let output = configured()
        .env("ASC_FORMAT", "github")
        .env("GITHUB_OUTPUT", "/nonexistent/dir/out")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let (stdout, stderr) = texts(&output);
    let runs = secret_runs(&[]);
    assert_eq!(stdout, "");
    assert_no_leak("stderr", &stderr, &runs, &[]);
    assert!(!stderr.contains("eyJ"), "no token header on stderr");
}

#[test]
#[should_panic(expected = "line 2 leaks secret material")]
fn the_leak_check_itself_catches_a_fragment() {
    let body = key_pem().lines().nth(1).unwrap().to_owned();
    let text = format!("harmless\nerror: bad key {}\n", &body[10..30]);
    assert_no_leak("self-test", &text, &secret_runs(&[]), &[]);
}
