//! Header, claims and the timing rule of an App Store Connect API token.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::key::P256Key;

/// Seconds `iat` is set in the past, so that a runner clock up to a minute ahead of
/// Apple's still yields a token Apple accepts (a future `iat` is refused with 401).
pub const BACKDATE_SECONDS: i64 = 60;

/// Apple's limit on `exp - iat` for ordinary tokens: 20 minutes.
pub const MAX_DURATION: u64 = 1200;
/// Apple's limit for tokens whose scope lists GET requests only: six months.
pub const MAX_GET_ONLY_DURATION: u64 = 15_777_000;
/// Below this a back-dated token would be usable for under a minute.
pub const MIN_DURATION: u64 = 120;

/// Who the token speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    /// A team key: `iss` is the issuer ID.
    Team,
    /// An individual key: `sub` is `"user"` and there is no `iss`.
    Individual,
}

/// Which Apple API the token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Api {
    /// The App Store Connect API.
    AppStoreConnect,
    /// The Enterprise Program API.
    Enterprise,
}

impl Api {
    /// The `aud` claim Apple expects.
    pub fn audience(self) -> &'static str {
        match self {
            Api::AppStoreConnect => "appstoreconnect-v1",
            Api::Enterprise => "apple-developer-enterprise-v1",
        }
    }

    /// The name used in configuration and output.
    pub fn name(self) -> &'static str {
        match self {
            Api::AppStoreConnect => "app-store-connect",
            Api::Enterprise => "enterprise",
        }
    }
}

impl KeyType {
    /// The name used in configuration and output.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::Team => "team",
            KeyType::Individual => "individual",
        }
    }
}

/// Everything a token says, apart from the times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSpec {
    pub key_id: String,
    /// The issuer ID; `None` exactly for individual keys.
    pub issuer_id: Option<String>,
    pub key_type: KeyType,
    pub api: Api,
    /// `exp - iat`, in seconds.
    pub duration: u64,
    pub scope: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Claims<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'static str>,
    iat: i64,
    exp: i64,
    aud: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a [String]>,
}

/// A signed token and its times (Unix seconds).
#[derive(Clone, PartialEq, Eq)]
pub struct Minted {
    pub token: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

impl std::fmt::Debug for Minted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minted")
            .field("token", &"[redacted]")
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Signs a token for `spec` at Unix time `now`: `iat = now - 60`, `exp = iat + duration`.
pub fn mint(
    spec: &TokenSpec,
    key: &P256Key,
    now: i64,
) -> Result<Minted, jsonwebtoken::errors::Error> {
    crate::crypto::install();
    let issued_at = now - BACKDATE_SECONDS;
    let expires_at = issued_at.saturating_add(i64::try_from(spec.duration).unwrap_or(i64::MAX));
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(spec.key_id.clone());
    let claims = Claims {
        iss: match spec.key_type {
            KeyType::Team => spec.issuer_id.as_deref(),
            KeyType::Individual => None,
        },
        sub: (spec.key_type == KeyType::Individual).then_some("user"),
        iat: issued_at,
        exp: expires_at,
        aud: spec.api.audience(),
        scope: spec.scope.as_deref(),
    };
    let token = jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(key.pkcs8_der()))?;
    Ok(Minted {
        token,
        issued_at,
        expires_at,
    })
}
