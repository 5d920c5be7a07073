//! Every form a `.p8` key arrives in → one P-256 PKCS#8 key with its public key.
//!
//! Accepted, auto-detected: PKCS#8 or SEC1 PEM (LF, CRLF, literal `\n`), base64 of
//! either PEM (wrapped or not, standard or URL-safe, padded or not), base64 of the
//! bare DER, each optionally inside one pair of matching quotes. Errors describe what
//! was found and never quote the input.

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use pkcs8::der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef};
use pkcs8::der::{Decode, Encode};
use pkcs8::{AlgorithmIdentifierRef, PrivateKeyInfoRef};
use sec1::{EcParameters, EcPrivateKey};

const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// A validated P-256 private key in PKCS#8 DER, always with its public key embedded
/// (the form Apple ships and `ring` requires).
#[derive(Clone, PartialEq, Eq)]
pub struct P256Key {
    pkcs8: Vec<u8>,
}

impl fmt::Debug for P256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P256Key([redacted])")
    }
}

impl P256Key {
    /// The key as PKCS#8 DER.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The key in Apple's own `.p8` form: PKCS#8 PEM, LF line ends, 64 columns, final newline.
    pub fn to_pem(&self) -> String {
        let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
        pem::encode_config(&pem::Pem::new("PRIVATE KEY", self.pkcs8.clone()), config)
    }
}

/// Why a value is not a usable key. Never carries any of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// Neither PEM nor base64 nor DER.
    Unrecognized,
    /// A PEM block or DER structure that is not a private key, named.
    WrongKind(String),
    /// A private key of another algorithm or curve, named.
    WrongAlgorithm(String),
    /// Looks like the right thing but is damaged.
    Malformed(&'static str),
    /// The start of a key whose end is missing: a PEM without its END line, or DER
    /// shorter than its own length says.
    CutShort,
    /// The base64 of a key's base64: decoded once, it is a key in an accepted form.
    EncodedTwice,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const EXPECTED: &str = "expected an EC P-256 private key: the contents of the `.p8` file \
                                from App Store Connect (`-----BEGIN PRIVATE KEY-----`) or its base64";
        match self {
            KeyError::Unrecognized => write!(f, "is neither PEM nor base64; {EXPECTED}"),
            KeyError::WrongKind(what) => write!(f, "holds {what}; {EXPECTED}"),
            KeyError::WrongAlgorithm(what) => write!(f, "holds {what}; {EXPECTED}"),
            KeyError::Malformed(why) => write!(f, "is damaged ({why}); {EXPECTED}"),
            KeyError::CutShort => f.write_str(
                "is incomplete, its end is missing; the key looks cut short: copy the whole \
                 secret again, from `-----BEGIN PRIVATE KEY-----` to `-----END PRIVATE KEY-----`",
            ),
            KeyError::EncodedTwice => f.write_str(
                "is base64 of base64 (encoded twice): decode it once (`base64 -d`) and store \
                 that, or the `.p8` file's text itself",
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// What is wrong with a key whose embedded public key is not its own; `ring` finds this
/// when it signs.
pub const MISMATCHED: KeyError =
    KeyError::Malformed("its embedded public key does not belong to its private key");

/// Parses a key in any accepted form.
pub fn parse(input: &[u8]) -> Result<P256Key, KeyError> {
    let text = unquote(trim(input));
    if contains(text, b"-----BEGIN") {
        return from_pem(text);
    }
    let Some(decoded) = decode_base64(text) else {
        return Err(cut_base64(text));
    };
    let inner = unquote(trim(&decoded));
    if contains(inner, b"-----BEGIN") {
        from_pem(inner)
    } else if der_cut_short(&decoded) {
        Err(KeyError::CutShort)
    } else if decoded.first() != Some(&0x30) && parse(&decoded).is_ok() {
        // Said, not undone: a value encoded twice is a mistake in the secret.
        Err(KeyError::EncodedTwice)
    } else if decoded.first() == Some(&0x30) {
        from_der(&decoded)
    } else {
        Err(KeyError::Unrecognized)
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Strips one pair of matching quotes around the whole value.
fn unquote(bytes: &[u8]) -> &[u8] {
    match bytes {
        [q @ (b'"' | b'\''), inner @ .., last] if last == q => trim(inner),
        _ => bytes,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Base64 with either alphabet, padded or not, with any line wrapping.
pub(crate) fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return None;
    }
    let lenient = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let url_safe = compact.iter().any(|b| matches!(b, b'-' | b'_'));
    let alphabet = if url_safe {
        &base64::alphabet::URL_SAFE
    } else {
        &base64::alphabet::STANDARD
    };
    GeneralPurpose::new(alphabet, lenient).decode(&compact).ok()
}

/// Base64 that does not decode may be a whole key's base64 cut at a length no base64 can
/// have: decoded up to its last whole group, a key's start shows it was cut.
fn cut_base64(text: &[u8]) -> KeyError {
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let whole = &compact[..compact.len() - compact.len() % 4];
    match decode_base64(whole) {
        Some(der) if der_cut_short(&der) => KeyError::CutShort,
        _ => KeyError::Unrecognized,
    }
}

/// A DER SEQUENCE whose length header promises more bytes than there are.
fn der_cut_short(der: &[u8]) -> bool {
    let declared = match der {
        [0x30, short, ..] if *short < 0x80 => usize::from(*short) + 2,
        [0x30, 0x81, length, ..] => usize::from(*length) + 3,
        [0x30, 0x82, high, low, ..] => usize::from(*high) * 256 + usize::from(*low) + 4,
        _ => return false,
    };
    declared > der.len()
}

fn from_pem(text: &[u8]) -> Result<P256Key, KeyError> {
    // Secret stores often keep newlines as the two characters `\n`.
    let text = String::from_utf8_lossy(text)
        .replace("\\r\\n", "\n")
        .replace("\\n", "\n")
        .replace("\r\n", "\n");
    if !text.contains("-----END") {
        return Err(KeyError::CutShort);
    }
    let blocks = pem::parse_many(text.as_bytes())
        .map_err(|_| KeyError::Malformed("its PEM armour or base64 body is broken"))?;
    // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
    let block = blocks
        .iter()
        .find(|b| b.tag() != "EC PARAMETERS")
        .ok_or(KeyError::Malformed("no key block inside the PEM armour"))?;
    match block.tag() {
        "PRIVATE KEY" => from_pkcs8(block.contents()),
        // Some Apple Business/School Manager downloads are said to wrap PKCS#8 in this
        // label; the DER itself tells which it is.
        "EC PRIVATE KEY" if PrivateKeyInfoRef::from_der(block.contents()).is_ok() => {
            from_pkcs8(block.contents())
        }
        "EC PRIVATE KEY" => from_sec1(block.contents(), None),
        "RSA PRIVATE KEY" => Err(KeyError::WrongAlgorithm("an RSA private key".into())),
        "ENCRYPTED PRIVATE KEY" => Err(KeyError::WrongKind(
            "a password-protected private key (decrypt it first)".into(),
        )),
        "PUBLIC KEY" | "EC PUBLIC KEY" | "RSA PUBLIC KEY" => {
            Err(KeyError::WrongKind("a public key".into()))
        }
        "CERTIFICATE" => Err(KeyError::WrongKind("a certificate".into())),
        "OPENSSH PRIVATE KEY" => Err(KeyError::WrongKind("an OpenSSH private key".into())),
        // Labels are capital words; anything else is not quoted, in case it is key material.
        other if other.len() <= 40 && other.chars().all(|c| c.is_ascii_uppercase() || c == ' ') => {
            Err(KeyError::WrongKind(format!(
                "a PEM block labelled `{other}`"
            )))
        }
        _ => Err(KeyError::WrongKind(
            "a PEM block with an unusual label".into(),
        )),
    }
}

/// A P-256 public key (`-----BEGIN PUBLIC KEY-----`, or the base64 of its DER) as the
/// uncompressed point ring verifies with. The errors follow the variable's name and
/// quote nothing.
pub fn parse_public(input: &[u8]) -> Result<Vec<u8>, String> {
    const EXPECTED: &str = "expected a P-256 public key, `-----BEGIN PUBLIC KEY-----` (e.g. \
                            from `openssl pkey -pubout`) or the base64 of its DER";
    let text = unquote(trim(input));
    let der = if contains(text, b"-----BEGIN") {
        let text = String::from_utf8_lossy(text).replace("\\n", "\n");
        let block = pem::parse(text.as_bytes())
            .map_err(|_| format!("has broken PEM armour or base64; {EXPECTED}"))?;
        match block.tag() {
            "PUBLIC KEY" => block.into_contents(),
            tag if tag.contains("PRIVATE KEY") => {
                return Err(format!(
                    "holds a private key: put it in ASC_PRIVATE_KEY (input private-key) \
                     instead; {EXPECTED}"
                ));
            }
            _ => {
                return Err(format!(
                    "holds a PEM block that is not a public key; {EXPECTED}"
                ));
            }
        }
    } else {
        decode_base64(text).ok_or_else(|| format!("is neither PEM nor base64; {EXPECTED}"))?
    };
    let info = pkcs8::SubjectPublicKeyInfoRef::from_der(&der)
        .map_err(|_| format!("is not a public key structure; {EXPECTED}"))?;
    let curve = info
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    if info.algorithm.oid != ID_EC_PUBLIC_KEY || curve != Some(PRIME256V1) {
        return Err(format!("is not an EC P-256 key; {EXPECTED}"));
    }
    match info.subject_public_key.as_bytes() {
        Some(point) if point.len() == 65 && point[0] == 0x04 => Ok(point.to_vec()),
        _ => Err(format!("is not an uncompressed P-256 point; {EXPECTED}")),
    }
}

/// Bare DER: PKCS#8 first, then SEC1.
fn from_der(der: &[u8]) -> Result<P256Key, KeyError> {
    if PrivateKeyInfoRef::from_der(der).is_ok() {
        from_pkcs8(der)
    } else if EcPrivateKey::from_der(der).is_ok() {
        from_sec1(der, None)
    } else {
        Err(KeyError::Unrecognized)
    }
}

fn from_pkcs8(der: &[u8]) -> Result<P256Key, KeyError> {
    let info = PrivateKeyInfoRef::from_der(der)
        .map_err(|_| KeyError::Malformed("not a valid PKCS#8 structure"))?;
    let algorithm = info.algorithm.oid;
    if algorithm != ID_EC_PUBLIC_KEY {
        return Err(KeyError::WrongAlgorithm(algorithm_name(algorithm)));
    }
    let curve = info
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    from_sec1(info.private_key.as_bytes(), curve)
}

/// SEC1 `ECPrivateKey`; `outer_curve` is the curve named by an enclosing PKCS#8.
fn from_sec1(der: &[u8], outer_curve: Option<ObjectIdentifier>) -> Result<P256Key, KeyError> {
    let ec = EcPrivateKey::from_der(der)
        .map_err(|_| KeyError::Malformed("not a valid EC private key structure"))?;
    let inner_curve = ec.parameters.and_then(EcParameters::named_curve);
    let curve = outer_curve
        .or(inner_curve)
        .ok_or(KeyError::Malformed("the key does not name its curve"))?;
    if curve != PRIME256V1 {
        return Err(KeyError::WrongAlgorithm(curve_name(curve)));
    }
    if ec.private_key.len() != 32 {
        return Err(KeyError::Malformed("a P-256 private key is 32 bytes"));
    }
    let public = match ec.public_key {
        Some(public) => public.to_vec(),
        // `openssl ec -no_public` and some exporters omit it; ring needs it.
        None => derive_public(ec.private_key)?,
    };
    if public.len() != 65 || public[0] != 0x04 {
        return Err(KeyError::Malformed(
            "its public key is not an uncompressed P-256 point",
        ));
    }
    // Whether the public key belongs to the private key is checked by `ring` when it
    // signs (see `MISMATCHED`): checking here too would double the cost of a mint.
    Ok(P256Key {
        pkcs8: encode_pkcs8(ec.private_key, &public)?,
    })
}

fn derive_public(secret: &[u8]) -> Result<Vec<u8>, KeyError> {
    let secret = p256::SecretKey::from_slice(secret)
        .map_err(|_| KeyError::Malformed("the private scalar is out of range"))?;
    Ok(secret.public_key().to_sec1_bytes().into_vec())
}

/// PKCS#8 v1 with the SEC1 key (curve left to the outer algorithm, public key kept),
/// byte for byte the layout of Apple's `.p8` files.
fn encode_pkcs8(secret: &[u8], public: &[u8]) -> Result<Vec<u8>, KeyError> {
    const ENCODE: KeyError = KeyError::Malformed("the key could not be re-encoded");
    let sec1 = EcPrivateKey {
        private_key: secret,
        parameters: None,
        public_key: Some(public),
    }
    .to_der()
    .map_err(|_| ENCODE)?;
    let curve = PRIME256V1.to_der().map_err(|_| ENCODE)?;
    let info = PrivateKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: ID_EC_PUBLIC_KEY,
            parameters: Some(pkcs8::der::AnyRef::from_der(&curve).map_err(|_| ENCODE)?),
        },
        private_key: OctetStringRef::new(&sec1).map_err(|_| ENCODE)?,
        public_key: None::<BitStringRef<'_>>,
    };
    info.to_der().map_err(|_| ENCODE)
}

fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => "an RSA private key".into(),
        "1.3.101.112" => "an Ed25519 private key".into(),
        "1.3.101.113" => "an Ed448 private key".into(),
        "1.3.101.110" | "1.3.101.111" => "an X25519/X448 key-agreement key".into(),
        "1.2.840.10040.4.1" => "a DSA private key".into(),
        other => format!("a private key of algorithm `{other}`"),
    }
}

fn curve_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.132.0.34" => "an EC key on curve P-384".into(),
        "1.3.132.0.35" => "an EC key on curve P-521".into(),
        "1.3.132.0.10" => "an EC key on curve secp256k1".into(),
        other => format!("an EC key on curve `{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    }

    fn apple_form() -> P256Key {
        parse(fixture("test-only-p256.p8").as_bytes()).unwrap()
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn apple_pem_round_trips_byte_for_byte() {
        let pem = fixture("test-only-p256.p8");
        assert_eq!(apple_form().to_pem(), pem);
    }

    #[test]
    fn sec1_and_missing_public_key_forms_normalize_to_the_same_key() {
        for name in [
            "test-only-p256-sec1.pem",
            "test-only-p256-sec1-nopub.pem",
            "test-only-p256-pkcs8-nopub.pem",
        ] {
            assert_eq!(
                parse(fixture(name).as_bytes()).unwrap(),
                apple_form(),
                "{name}"
            );
        }
    }

    #[test]
    fn ec_parameters_block_before_the_key_is_skipped() {
        let text = format!(
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{}",
            fixture("test-only-p256-sec1.pem")
        );
        assert_eq!(parse(text.as_bytes()).unwrap(), apple_form());
    }

    #[test]
    fn pkcs8_under_an_ec_private_key_label_is_read_as_pkcs8() {
        let body = b64(apple_form().pkcs8_der());
        let text =
            format!("-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n");
        assert_eq!(parse(text.as_bytes()).unwrap(), apple_form());
    }

    #[test]
    fn der_in_base64_is_accepted() {
        assert_eq!(
            parse(b64(apple_form().pkcs8_der()).as_bytes()).unwrap(),
            apple_form()
        );
    }

    #[test]
    fn quotes_around_the_value_are_ignored() {
        let pem = fixture("test-only-p256.p8");
        for quoted in [format!("\"{pem}\""), format!("'{}'", b64(pem.as_bytes()))] {
            assert_eq!(parse(quoted.as_bytes()).unwrap(), apple_form());
        }
    }

    #[test]
    fn other_keys_are_named() {
        let cases = [
            ("test-only-p384.pem", "curve P-384"),
            ("test-only-rsa.pem", "RSA private key"),
            ("test-only-ed25519.pem", "Ed25519"),
            ("test-only-p256.pub.pem", "a public key"),
            ("test-only-cert.pem", "a certificate"),
        ];
        for (name, expected) in cases {
            let err = parse(fixture(name).as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{name}: {err}");
            assert!(err.contains("expected an EC P-256 private key"), "{err}");
        }
    }

    #[test]
    fn garbage_is_unrecognized() {
        for input in ["", "hello world", "%%%", "AAAA"] {
            assert!(parse(input.as_bytes()).is_err(), "{input}");
        }
    }

    #[test]
    fn a_key_cut_short_is_called_so() {
        let pem = fixture("test-only-p256.p8");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for cut in [
            &pem[..150],
            &body[..100],
            &body[..101],
            &body[..body.len() - 8],
        ] {
            assert!(
                matches!(parse(cut.as_bytes()), Err(KeyError::CutShort)),
                "{}",
                cut.len()
            );
        }
    }
}
