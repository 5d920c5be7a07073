//! Every key form a user may paste mints a token that openssl verifies; other keys are
//! refused with a message that names what was found.

use crate::common::*;
use predicates::prelude::*;

#[test]
fn every_key_form_mints_a_verifiable_token() {
    for (form, key) in key_forms() {
        let output = identified().env("ASC_PRIVATE_KEY", &key).output().unwrap();
        assert!(output.status.success(), "{form}: {}", texts(&output).1);
        let (stdout, _) = texts(&output);
        let (header, _) = verify(stdout.trim_end());
        assert_eq!(header["kid"], KEY_ID, "{form}");
    }
}

#[test]
fn every_key_form_is_accepted_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for (n, (form, key)) in key_forms().into_iter().enumerate() {
        let path = dir.path().join(format!("key{n}.p8"));
        std::fs::write(&path, key).unwrap();
        let output = identified()
            .env("ASC_PRIVATE_KEY_PATH", &path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{form}: {}", texts(&output).1);
        verify(texts(&output).0.trim_end());
    }
}

#[test]
fn key_path_starting_with_tilde_is_read_from_home() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join("keys")).unwrap();
    std::fs::write(home.path().join("keys/AuthKey_TESTKEY123.p8"), key_pem()).unwrap();
    asc_jwt()
        .env("HOME", home.path())
        .env("ASC_KEY_ID", KEY_ID)
        .env("ASC_ISSUER_ID", ISSUER)
        .env("ASC_PRIVATE_KEY_PATH", "~/keys/AuthKey_TESTKEY123.p8")
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn key_file_named_for_another_key_id_gets_a_warning() {
    minted_from_a_file_named("AuthKey_OTHERKEY99.p8")
        .stderr(predicate::str::contains(
            "warning: the key file is named for key ID `OTHERKEY99` but ASC_KEY_ID (input key-id) is `TESTKEY123`",
        ));
}

#[test]
fn keys_that_are_not_p256_private_keys_are_refused_by_name() {
    let cases = [
        ("test-only-p384.pem", "an EC key on curve P-384"),
        ("test-only-rsa.pem", "an RSA private key"),
        ("test-only-ed25519.pem", "an Ed25519 private key"),
        ("test-only-p256.pub.pem", "a public key"),
        ("test-only-cert.pem", "a certificate"),
    ];
    for (name, found) in cases {
        fails_with_usage_error(
            identified().env("ASC_PRIVATE_KEY", read_fixture(name)),
            format!(
                "error: ASC_PRIVATE_KEY (input private-key) holds {found}; expected an EC P-256 private key"
            ),
        );
    }
}

#[test]
fn garbage_key_is_refused_without_being_echoed() {
    fails_with_usage_error(
        identified().env("ASC_PRIVATE_KEY", "not-a-key-at-all!"),
        "ASC_PRIVATE_KEY (input private-key) is neither PEM nor base64",
    )
    .stderr(predicate::str::contains("not-a-key-at-all").not());
}

#[test]
fn unreadable_key_path_is_named() {
    fails_with_usage_error(
        identified().env("ASC_PRIVATE_KEY_PATH", "/nonexistent/AuthKey_TESTKEY123.p8"),
        "ASC_PRIVATE_KEY_PATH (input private-key-path) is `/nonexistent/AuthKey_TESTKEY123.p8`, which cannot be read (no such file)",
    );
}

#[test]
fn a_path_given_as_the_key_gets_a_hint() {
    fails_with_usage_error(
        identified().env("ASC_PRIVATE_KEY", "./AuthKey_TESTKEY123.p8"),
        "looks like a file path",
    );
}

#[test]
fn a_key_given_as_the_path_gets_a_hint() {
    fails_with_usage_error(
        identified().env("ASC_PRIVATE_KEY_PATH", key_pem()),
        "looks like the key itself",
    );
}

#[test]
fn key_whose_public_key_belongs_to_another_key_is_refused() {
    use base64::Engine as _;
    let der = |name: &str| {
        let body: String = read_fixture(name)
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    };
    let (own, other) = (der("test-only-p256.p8"), der("test-only-p256-other.p8"));
    assert_eq!(
        (own.len(), other.len()),
        (138, 138),
        "Apple's fixed PKCS#8 layout"
    );
    // The last 65 bytes are the public point.
    let spliced = [&own[..73], &other[73..]].concat();
    fails_with_usage_error(
        identified().env(
            "ASC_PRIVATE_KEY",
            base64::engine::general_purpose::STANDARD.encode(spliced),
        ),
        "error: ASC_PRIVATE_KEY (input private-key) is damaged (its embedded public key does not belong to its private key)",
    );
}

#[test]
fn a_real_path_that_looks_odd_is_still_read() {
    minted_from_a_file_named("authkeywithoutanyextensionatallxyz");
}

/// The test key written to a file called `name`, given as the key path; must mint.
fn minted_from_a_file_named(name: &str) -> assert_cmd::assert::Assert {
    let (_dir, path) = temp_file(name, key_pem());
    identified()
        .env("ASC_PRIVATE_KEY_PATH", &path)
        .assert()
        .success()
}
