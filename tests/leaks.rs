//! No line printed, on any path, holds a 16-character run of the key's base64 body, of
//! the base64 `.p8` as users store it, or of a token, except the lines whose job is to
//! carry the token (`::add-mask::` and the output file's `token=`).

mod common;

use common::*;

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
    if output.status.success() {
        // stdout's job in text/json/dotenv is the token; the other checks cover the rest.
        assert_no_leak(
            &format!("{case}: output file"),
            &written,
            &runs,
            &["token="],
        );
    } else {
        assert!(tokens.is_empty(), "{case}: failed but masked a token");
        assert_no_leak(&format!("{case}: stdout"), &stdout, &runs, &[]);
        assert_no_leak(&format!("{case}: output file"), &written, &runs, &[]);
    }
}

#[test]
fn passing_runs_print_the_token_only_where_designated() {
    for format in ["text", "json", "dotenv", "github"] {
        check(format, configured().env("ASC_FORMAT", format));
    }
}

#[test]
fn failing_runs_print_no_secret() {
    let pem = key_pem();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let truncated = pem[..pem.len() / 2].to_owned();
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
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
        ("key as path", vec![("ASC_PRIVATE_KEY_PATH", pem.clone())]),
        ("body as path", vec![("ASC_PRIVATE_KEY_PATH", body.clone())]),
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
