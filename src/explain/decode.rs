//! The token as text → its header, claims and signature, or why it is not a JWT (exit 2).
//! Nothing here quotes the input: the reasons name parts and sizes only.

use std::fmt;
use std::io::Read;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// The longest token explained: far above any Apple token (a scope of a hundred requests
/// is a few KiB), far below what would cost memory.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// A JWS compact token, decoded. Its `Debug` shows no signature.
#[derive(Clone)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `header.claims` as sent, which the signature signs.
    pub signing_input: String,
    pub signature: Vec<u8>,
    /// The input started with `Bearer `, as an `Authorization` header carries it.
    pub bearer: bool,
}

impl fmt::Debug for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoded")
            .field("header", &self.header)
            .field("claims", &self.claims)
            .field("signature", &format!("[{} bytes]", self.signature.len()))
            .finish()
    }
}

/// Why the input is not a JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotJwt {
    Empty,
    TooLong,
    NotText,
    /// White space or a line break inside the token.
    Spaces,
    /// How many `.`-separated parts it has, if not three.
    Parts(usize),
    /// The part (`header`, `claims`, `signature`) is not unpadded base64url.
    Base64(&'static str),
    /// The part is not a JSON object.
    Json(&'static str),
}

impl fmt::Display for NotJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHAPE: &str = "a JWT is three base64url parts joined by `.`: header.claims.signature";
        match self {
            NotJwt::Empty => write!(f, "is empty: {SHAPE}"),
            NotJwt::TooLong => write!(
                f,
                "is longer than {} KiB, far longer than any Apple token: {SHAPE}",
                MAX_TOKEN_BYTES / 1024
            ),
            NotJwt::NotText => write!(f, "is not UTF-8 text: {SHAPE}"),
            NotJwt::Spaces => write!(
                f,
                "has white space or a line break inside it (one token at a time, on one line): \
                 {SHAPE}"
            ),
            NotJwt::Parts(n) => write!(f, "has {n} part(s) separated by `.`: {SHAPE}"),
            NotJwt::Base64(part) => write!(
                f,
                "has a {part} that is not base64url without padding (RFC 7515): {SHAPE}"
            ),
            NotJwt::Json(part) => write!(f, "has a {part} that is not a JSON object: {SHAPE}"),
        }
    }
}

/// Reads standard input up to [`MAX_TOKEN_BYTES`] (and drains a little more, so that the
/// writer is not cut off mid-pipe); `Ok(None)` when it is longer.
pub fn read_bounded(input: &mut dyn Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    input
        .take(MAX_TOKEN_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_TOKEN_BYTES {
        let _ = std::io::copy(&mut input.take(16 << 20), &mut std::io::sink());
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// Decodes `bytes`, trimmed, optionally after `Bearer `.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotJwt> {
    if bytes.len() > MAX_TOKEN_BYTES {
        return Err(NotJwt::TooLong);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| NotJwt::NotText)?
        .trim();
    let (text, bearer) = match text.strip_prefix("Bearer ") {
        Some(rest) => (rest.trim_start(), true),
        None => (text, false),
    };
    if text.is_empty() {
        return Err(NotJwt::Empty);
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(NotJwt::Spaces);
    }
    let parts: Vec<&str> = text.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err(NotJwt::Parts(parts.len()));
    };
    let object = |part: &str, name: &'static str| -> Result<Map<String, Value>, NotJwt> {
        let json = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| NotJwt::Base64(name))?;
        match serde_json::from_slice(&json) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(NotJwt::Json(name)),
        }
    };
    Ok(Decoded {
        header: object(header, "header")?,
        claims: object(claims, "claims part")?,
        signing_input: format!("{header}.{claims}"),
        signature: URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| NotJwt::Base64("signature"))?,
        bearer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn three_parts_decode_and_anything_else_says_why_not() {
        let good = format!(
            "{}.{}.{}",
            part("{\"alg\":\"ES256\"}"),
            part("{}"),
            part("sig")
        );
        let decoded = decode(format!("Bearer {good}\n").as_bytes()).unwrap();
        assert!(decoded.bearer);
        assert_eq!(decoded.header["alg"], "ES256");
        assert_eq!(decoded.signature, b"sig");
        // The signature's bytes are never in the debug form (`sig` is 115, 105, 103).
        let debug = format!("{decoded:?}");
        assert!(!debug.contains("115, 105, 103"), "{debug}");
        assert_eq!(decode(b"  \n").unwrap_err(), NotJwt::Empty);
        assert_eq!(decode(b"a.b").unwrap_err(), NotJwt::Parts(2));
        assert_eq!(decode(b"a b.c.d").unwrap_err(), NotJwt::Spaces);
        assert_eq!(decode(&[0xff, b'.']).unwrap_err(), NotJwt::NotText);
        let padded = format!("{}=.{}.{}", part("{}"), part("{}"), part("s"));
        assert_eq!(
            decode(padded.as_bytes()).unwrap_err(),
            NotJwt::Base64("header")
        );
        let array = format!("{}.{}.{}", part("{}"), part("[1]"), part("s"));
        assert_eq!(
            decode(array.as_bytes()).unwrap_err(),
            NotJwt::Json("claims part")
        );
        let long = vec![b'a'; MAX_TOKEN_BYTES + 1];
        assert_eq!(decode(&long).unwrap_err(), NotJwt::TooLong);
        assert_eq!(read_bounded(&mut &long[..]).unwrap(), None);
    }
}
