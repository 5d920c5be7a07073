//! The signature: its encoding (ES256 is the 64 bytes r‖s, RFC 7518 §3.4; a DER
//! signature, the default of node's `crypto.sign`, `openssl dgst -sign` and
//! `SecKeyCreateSignature`, is the classic 401), and, with a key at hand, whether it
//! verifies and whether `kid` names that key.

use crate::explain::decode::Decoded;
use crate::explain::report::{Check, Outcome};
use crate::mint::crypto;
use crate::mint::token::Api;

pub const RFC: &str = "RFC 7518 section 3.4";

/// A public key the signature is checked against: where it came from, in words, and
/// its point; `file_id` is the key ID in its file's name `AuthKey_<ID>.p8`, if any.
#[derive(Debug, Clone)]
pub struct Key {
    pub source: String,
    pub point: Vec<u8>,
    pub file_id: Option<String>,
}

/// `SEQUENCE { INTEGER r, INTEGER s }` → the 64 bytes r‖s, if `der` is exactly that.
pub fn der_to_raw(der: &[u8]) -> Option<[u8; 64]> {
    let (&[0x30, len], body) = der.split_first_chunk::<2>()? else {
        return None;
    };
    if usize::from(len) != body.len() {
        return None;
    }
    let mut raw = [0u8; 64];
    let mut rest = body;
    for half in raw.chunks_mut(32) {
        let (&[0x02, n], tail) = rest.split_first_chunk::<2>()? else {
            return None;
        };
        let n = usize::from(n);
        let int = tail.get(..n)?;
        let int = match int {
            [0, more @ ..] if more.len() == 32 => more,
            _ => int,
        };
        half.get_mut(32usize.checked_sub(int.len())?..)?
            .copy_from_slice(int);
        rest = &tail[n..];
    }
    rest.is_empty().then_some(raw)
}

/// Whether the signature is encoded as ES256 requires.
pub fn encoding(token: &Decoded) -> Check {
    let n = token.signature.len();
    let reason = match n {
        64 => {
            return Check::new(
                "signature",
                Outcome::Pass,
                "64 bytes, r||s as ES256 requires",
                RFC,
            );
        }
        0 => "is empty: the token is not signed".to_owned(),
        _ if der_to_raw(&token.signature).is_some() => format!(
            "is DER-encoded ({n} bytes), the classic cause of Apple's 401: an ES256 signature \
             is the 64 bytes r||s; node: sign with `dsaEncoding: 'ieee-p1363'` (jose does), \
             openssl: convert `dgst -sign`'s DER to r||s"
        ),
        _ => format!("is {n} bytes: an ES256 signature is the 64 bytes r||s"),
    };
    Check::new("signature", Outcome::Fail, reason, RFC)
}

/// Whether the signature verifies with `key`, and whether `kid` names it.
pub fn verified(token: &Decoded, api: Api, key: &Key) -> Vec<Check> {
    let page = api.token_page();
    let raw = match token.signature.len() {
        64 => Some(token.signature.clone()),
        _ => der_to_raw(&token.signature).map(|r| r.to_vec()),
    };
    let good =
        raw.is_some_and(|raw| crypto::verifies(&key.point, token.signing_input.as_bytes(), &raw));
    let der = token.signature.len() != 64;
    let reason = match (good, der) {
        (true, false) => format!("verifies with the key of {}", key.source),
        (true, true) => format!(
            "the DER signature is right for the key of {}: only its encoding is wrong",
            key.source
        ),
        (false, _) => format!(
            "does not verify with the key of {}: the token was signed by another key (its \
             `kid` must be that key's ID) or changed after signing",
            key.source
        ),
    };
    let outcome = match good {
        true => Outcome::Pass,
        false => Outcome::Fail,
    };
    let mut checks = vec![Check::new("key", outcome, reason, page)];
    let kid = token.header.get("kid").and_then(serde_json::Value::as_str);
    if let (Some(file_id), Some(kid)) = (&key.file_id, kid)
        && !file_id.eq_ignore_ascii_case(kid)
    {
        let reason = format!(
            "is {}, but the key file is named for key ID {}: Apple answers 401 when `kid` is \
             not the ID of the key that signed",
            crate::config::values::shown(kid),
            crate::config::values::shown(file_id)
        );
        checks.push(Check::new("kid", Outcome::Fail, reason, page));
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_signatures_convert_to_r_and_s() {
        let mut der = vec![0x30, 0x45, 0x02, 0x21, 0x00];
        der.extend([0x80; 32]);
        der.extend([0x02, 0x20]);
        der.extend([0x7f; 32]);
        let raw = der_to_raw(&der).unwrap();
        assert_eq!(raw[..32], [0x80; 32]);
        assert_eq!(raw[32..], [0x7f; 32]);
        // A short integer is padded on the left.
        let short = [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07];
        let raw = der_to_raw(&short).unwrap();
        assert_eq!((raw[31], raw[63], raw[0]), (5, 7, 0));
        assert_eq!(der_to_raw(&[0u8; 64]), None);
        assert_eq!(der_to_raw(&der[..20]), None);
    }
}
