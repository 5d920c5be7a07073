//! The one detector of the private key pasted into a free-text setting (IDs, origins, scope
//! requests, folders, paths), in any of its flattened forms: a value that holds it must not
//! become a folder, a claim, a URL or a word of a message. Pure, like [`super::values`].

use crate::mint::key::decode_base64;

pub const LOOKS_LIKE_THE_KEY: &str = "looks like the private key (it is not shown here): put the \
                                      key in ASC_PRIVATE_KEY (input private-key), and revoke it \
                                      in App Store Connect if this value was logged";

/// What only an EC key's encodings hold: the OID prefix `2a 86 48 ce 3d` (id-ecPublicKey
/// and prime256v1 both start with it, so every PKCS#8 and SEC1 P-256 key holds it) in
/// hex, and in base64 at each of its three alignments (the same in base64url); and the
/// base64 of `-----BEGIN`.
const KEY_MARKS: [&str; 5] = ["2a8648ce3d", "KoZIzj", "qGSM49", "qhkjOP", "LS0tLS1CRUdJT"];

/// The detector for every free-text setting, paths included, in any of the key's flattened
/// forms once white space is removed: PEM armour; the DER in hex (`has_hex_key`), base64 or
/// base64url (each holds one of `KEY_MARKS`), the PEM's base64; a JWK with its private `d`
/// member; the private scalar as `openssl pkey -text` prints it (`has_hex_key`); or any run
/// of base64 long and mixed enough to be the scalar (`has_base64_run`), base64 JSON judged
/// by what it decodes to (`without_base64_json`). The scalar as 64 bare hex digits is not
/// taken here: a SHA-256 names folders (`_temp/<sha256>`, a git SHA-256 commit, a
/// content-addressed cache), so only [`looks_like_key_or_scalar`], for values that are no
/// path, refuses it.
pub fn looks_like_key(value: &str) -> bool {
    let Some(value) = without_base64_json(value) else {
        return true;
    };
    let flat: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    flat.contains("-----")
        || has_hex_key(&flat)
        || KEY_MARKS[1..].iter().any(|mark| flat.contains(mark))
        || flat.contains(r#""d":"#)
        || flat.contains(r#"\"d\":"#)
        || has_base64_run(&flat)
}

/// [`looks_like_key`], or a run of 64 or more hex digits: the private scalar in hex. For
/// the values that are names Apple defines and that a token carries or a URL sends (IDs,
/// origins, scope requests), where no such run is normal: Apple's IDs are digits, UUIDs
/// (hex groups of at most 12), 10 letters and digits or base64 JSON, and a host label has
/// at most 63 characters (RFC 1035). Not for folders and paths (see [`looks_like_key`]).
pub fn looks_like_key_or_scalar(value: &str) -> bool {
    let flat: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    looks_like_key(value)
        || flat
            .split(|c: char| !c.is_ascii_hexdigit())
            .any(|run| run.len() >= 64)
}

/// The DER or the scalar in hex as dump tools print it: the OID mark once the `:` and `-`
/// between hex pairs are gone (`30:81:87:02:01:00:30:13:06:07:2a:86:48:ce:3d:…`, and
/// `xxd -p`'s lines, whose breaks may cut the mark, joined already); or 32 or more bytes
/// joined by `:`, as `openssl pkey -text -noout` prints the private scalar (`priv:` and
/// lines of `f9:51:88:…`) and the public key. A SHA-256 fingerprint in that form (32
/// bytes) is refused too: no setting takes one.
fn has_hex_key(flat: &str) -> bool {
    let joined: String = flat
        .chars()
        .filter(|c| !matches!(c, ':' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    joined.contains(KEY_MARKS[0]) || colon_bytes(flat) >= 32
}

/// The longest run of hex pairs joined by `:` (`f9:51:88` is 3).
fn colon_bytes(flat: &str) -> usize {
    let bytes = flat.as_bytes();
    let (mut longest, mut run, mut at) = (0, 0, 0);
    while at + 1 < bytes.len() {
        if bytes[at].is_ascii_hexdigit() && bytes[at + 1].is_ascii_hexdigit() {
            run += 1;
            longest = longest.max(run);
            if bytes.get(at + 2) == Some(&b':') {
                at += 3;
                continue;
            }
        }
        run = 0;
        at += 1;
    }
    longest
}

/// `value` with each base64 piece that encodes JSON cut out (as a `/`), so that what it
/// decodes to is judged rather than its look: App Store Connect's IDs of price points are
/// base64url JSON (`GET /v3/appPricePoints/eyJzIjoi…`, `{"s":"…","t":"USA","p":"10001"}`),
/// and would read as key material. `None` when a piece decodes to key material itself (a
/// JWK's `d`). Done before white space is removed, which would glue the next line to it.
fn without_base64_json(value: &str) -> Option<String> {
    let mut kept = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("eyJ") {
        let (before, from) = rest.split_at(start);
        let end = from
            .find(|c: char| !(c.is_ascii_alphanumeric() || "+=-_".contains(c)))
            .unwrap_or(from.len());
        let (piece, after) = from.split_at(end);
        kept.push_str(before);
        match base64_json(piece) {
            Some(json) if looks_like_key(&json) => return None,
            Some(_) => kept.push('/'),
            None => kept.push_str(piece),
        }
        rest = after;
    }
    kept.push_str(rest);
    Some(kept)
}

/// The JSON text that `piece`, base64 or base64url starting `eyJ` (`{"`), decodes to.
fn base64_json(piece: &str) -> Option<String> {
    let bytes = decode_base64(piece.as_bytes()).filter(|_| piece.starts_with("eyJ"))?;
    let text = String::from_utf8(bytes).ok()?;
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .map(|_| text)
}

/// Whether `value` holds a run of the base64 and base64url alphabets (`/` included, so a
/// key body's slashes do not cut it into short parts) that is key material
/// ([`key_shaped_part`]), which would otherwise be signed into a token or become a folder.
fn has_base64_run(value: &str) -> bool {
    value
        .split(|c: char| !(c.is_ascii_alphanumeric() || "+/=-_".contains(c)))
        .any(key_shaped_part)
}

/// A run at least as long as a P-256 private scalar in base64 (32 bytes: 43 characters),
/// not counting hex groups (a UUID's, a digest's), that reads like random base64 rather
/// than a name: from a quarter to three quarters of its letters capitals (a name is mostly
/// small letters, or all capitals), and at least one character in six a capital after a
/// small letter or digit, or a digit after a capital (words and paths have one a word:
/// `/Users/runner/work/MyApp`). Random base64 of 43 characters passes both 97 times in 100;
/// the key's longer forms are found by [`KEY_MARKS`] too.
fn key_shaped_part(part: &str) -> bool {
    const SEPARATORS: [char; 5] = ['/', '-', '_', '+', '='];
    let kept: String = part
        .split_inclusive(SEPARATORS)
        .filter(|segment| {
            let group = segment.trim_end_matches(SEPARATORS);
            group.len() < 4 || !group.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .collect();
    let bytes = kept.as_bytes();
    let letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let capitals = bytes.iter().filter(|b| b.is_ascii_uppercase()).count();
    let irregular = bytes
        .windows(2)
        .filter(|pair| {
            let (a, b) = (pair[0], pair[1]);
            ((a.is_ascii_lowercase() || a.is_ascii_digit()) && b.is_ascii_uppercase())
                || (a.is_ascii_uppercase() && b.is_ascii_digit())
        })
        .count();
    kept.len() >= 43
        && capitals * 4 >= letters
        && capitals * 4 <= letters * 3
        && irregular * 6 >= kept.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key in every flattened form, from the test-only fixture.
    fn flattened_keys() -> Vec<(&'static str, String)> {
        use base64::Engine as _;
        use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
        let pem = include_str!("../../tests/fixtures/test-only-p256.p8");
        let lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = STANDARD.decode(lines.concat()).unwrap();
        let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
        let at = der.windows(2).position(|w| w == [0x04, 0x20]).unwrap() + 2;
        let d = URL_SAFE_NO_PAD.encode(&der[at..at + 32]);
        let colons =
            |bytes: &[u8]| -> Vec<String> { bytes.iter().map(|b| format!("{b:02x}")).collect() };
        let colon_der = colons(&der).join(":");
        // `openssl pkey -text -noout`: `priv:`, then 15 bytes a line, each followed by `:`.
        let priv_lines: Vec<String> = colons(&der[at..at + 32])
            .chunks(15)
            .map(|line| format!("    {}", line.join(":")))
            .collect();
        let openssl_text = format!(
            "Private-Key: (256 bit)\npriv:\n{}\n",
            priv_lines.join(":\n")
        );
        vec![
            ("pem joined by spaces", pem.trim_end().replace('\n', " ")),
            ("body joined by spaces", lines.join(" ")),
            ("body", lines.concat()),
            ("body in a path", format!("/tmp/{}", lines.concat())),
            (
                "body cut at 39",
                lines.concat()[..39].to_owned() + "." + &lines.concat()[39..],
            ),
            ("hex der", hex.clone()),
            (
                "hex der in a path",
                format!("/tmp/keys/{}", hex.to_uppercase()),
            ),
            ("hex der with colons", colon_der.clone()),
            (
                "hex der with colons in a path",
                format!("/tmp/keys/{}", colon_der.to_uppercase()),
            ),
            ("hex der with dashes", colon_der.replace(':', "-")),
            ("hex der with spaces", colon_der.replace(':', " ")),
            ("scalar as openssl -text prints it", openssl_text.clone()),
            (
                "scalar in colons on one line",
                openssl_text.replace('\n', " "),
            ),
            (
                "scalar in colons in a path",
                format!("/tmp/{}", colons(&der[at..at + 32]).join(":")),
            ),
            ("base64 der", STANDARD.encode(&der)),
            ("base64url der", URL_SAFE_NO_PAD.encode(&der)),
            ("base64 of the pem", STANDARD.encode(pem)),
            ("jwk", format!(r#"{{"kty":"EC","crv":"P-256","d":"{d}"}}"#)),
            ("jwk, spaced", format!(r#"{{ "kty": "EC", "d" : "{d}" }}"#)),
            (
                "jwk in base64url",
                URL_SAFE_NO_PAD.encode(format!(r#"{{"kty":"EC","crv":"P-256","d":"{d}"}}"#)),
            ),
            ("jwk d", d.clone()),
            ("jwk d in an origin", format!("https://{d}.example.com")),
            ("jwk d in a bundle ID", format!("com.example.{d}")),
        ]
    }

    #[test]
    fn the_key_detector_takes_every_flattened_key_and_no_real_name() {
        for (form, value) in flattened_keys() {
            assert!(looks_like_key(&value), "{form}");
        }
        for fine in [
            "com.example.app",
            "com.example.averyveryverylongappnamewithmorethanfortyletters",
            "com.Example.MyVeryLongAppNameForTestingPurposes2024Edition",
            "com.mycompany.MyAppProductionBuildForTheAppStoreAndTestFlight",
            "com.example.web.signin",
            "BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152",
            "SCHOOLAPI.1A2B3C4D-5E6F-7A8B-9C0D-1E2F3A4B5C6D",
            "/Users/runner/work/_temp/1A2B3C4D-5E6F-7A8B-9C0D-1E2F3A4B5C6D/keys",
            "/Users/runner/work/KEYS/AB12CD34/PRODUCTION/XYZ",
            "57246542-96fe-1a63-e053-0824d011072a",
            "https://music.example.com",
            "https://*.example.com",
            "/home/runner/work/_temp/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            "/home/runner/work/_temp/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b9f86d081884c7d659a2feaa0",
            "/Users/runner/work/_temp/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d/private_keys",
            "/Users/runner/work/MyCompanyApp/MyCompanyApp/fastlane/AuthKeys/AppStoreConnect",
            "/Users/runner/work/MYAPP/MYAPP/KEYS/APPSTORECONNECT/PRODUCTION",
            "/Users/John/Work/Keys/Apps/Team/Prod/Apple/AuthKeys/Release",
            "/Users/runner/work/App2024Q1/App2024Q1/Build42/Keys/v2/iOS17",
            "/Volumes/Macintosh HD/Users/runner/Library/Mobile Documents/com~apple~CloudDocs/keys",
            "~/.appstoreconnect/private_keys",
            "./my-app.ios-release_keys.2024-06-01",
            "C:\\Users\\runneradmin\\AppData\\Local\\Temp\\a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            "D:\\a\\_temp\\MyCompany.MyProduct.AppStoreConnectKeys",
            "C:/Users/RunnerAdmin/AppData/Local/Temp/MyProjectKeys/AppStoreConnect",
            "com.example.MyApp.SignInWithAppleWebClientForProductionAndStaging",
            "https://my-app-staging-environment-1234.herokuapp.com",
        ] {
            assert!(!looks_like_key(fine), "{fine}");
        }
    }

    /// The private scalar in bare hex, from the test-only fixture.
    fn scalar_hex() -> String {
        let (_, colons) = flattened_keys()
            .into_iter()
            .find(|(form, _)| *form == "scalar in colons in a path")
            .unwrap();
        colons.trim_start_matches("/tmp/").replace(':', "")
    }

    #[test]
    fn the_scalar_in_bare_hex_is_the_key_in_a_name_but_a_digest_in_a_path() {
        let scalar = scalar_hex();
        assert_eq!(scalar.len(), 64);
        // SHA-256 of `test`: the shape of `_temp/<sha256>` folders and git SHA-256 commits.
        let sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        for path in [
            format!("/home/runner/work/_temp/{sha256}"),
            format!(
                "/Users/runner/.cache/keys/{}/private_keys",
                sha256.to_uppercase()
            ),
            format!("./{scalar}"),
        ] {
            assert!(!looks_like_key(&path), "{path}");
        }
        for (form, name) in [
            ("bare", scalar.clone()),
            ("upper case", scalar.to_uppercase()),
            ("in a query", format!("GET /v1/apps?x={scalar}")),
            (
                "on two lines",
                format!("{}\n{}", &scalar[..32], &scalar[32..]),
            ),
            ("in a bundle ID", format!("com.example.{scalar}")),
            ("in an origin", format!("https://{scalar}.example.com")),
        ] {
            assert!(looks_like_key_or_scalar(&name), "{form}");
        }
    }

    #[test]
    fn apples_names_and_requests_are_not_taken_for_the_key() {
        let xcode_cloud = long_lived_scope();
        for fine in [
            "GET /v1/ciProducts/5A2B3C4D-1E2F-4A5B-8C6D-7E8F9A0B1C2D/workflows",
            "GET /v1/builds?filter[app]=1234567890",
            "GET /v1/apps?filter[bundleId]=com.example.app",
            "GET /v1/apps/1234567890/relationships/appStoreVersions?filter[platform]=IOS",
            "GET /v1/appStoreVersionLocalizations/8d3e7f1a-2b4c-4d5e-9f6a-1b2c3d4e5f6a/appPreviewSets",
            "GET /v1/apps/6446048219/appStoreVersions?filter[appStoreState]=READY_FOR_SALE",
            // Price point IDs are base64url JSON: `{"s":"1506416547","t":"AFG","p":"10001"}`.
            "GET /v3/appPricePoints/eyJzIjoiMTUwNjQxNjU0NyIsInQiOiJBRkciLCJwIjoiMTAwMDEifQ",
            "GET /v3/appPricePoints/eyJzIjoiMTUwNjQxNjU0NyIsInQiOiJVU0EiLCJwIjoiMTAwMDAifQ/equalizations",
            "GET /v1/subscriptionPricePoints/eyJzIjoiNjQ0NzkxMDA4NCIsInQiOiJVU0EiLCJwIjoiMTAxNjcifQ",
            xcode_cloud.as_str(),
            "BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152",
            "com.example.MyApp.SignInWithAppleWebClientForProductionAndStaging",
            "https://my-app-staging-environment-1234.herokuapp.com",
        ] {
            assert!(!looks_like_key_or_scalar(fine), "{fine}");
        }
    }

    /// Every resource that allows a long-lived token, one GET a line, as a scope lists them.
    fn long_lived_scope() -> String {
        [
            "ciProducts",
            "ciWorkflows",
            "ciBuildRuns",
            "ciBuildActions",
            "ciArtifacts",
            "ciTestResults",
            "ciIssues",
            "ciMacOsVersions",
            "ciXcodeVersions",
            "scmProviders",
            "scmRepositories",
            "scmGitReferences",
            "scmPullRequests",
            "apps",
            "builds",
        ]
        .map(|resource| format!("GET /v1/{resource}"))
        .join("\n")
    }
}
