//! Header, claims and lifetime rule of every Apple token this crate mints. Each rule
//! names the Apple documentation page it follows (paths under
//! `https://developer.apple.com/documentation/`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde::Serialize;
use serde_json::Value;

use crate::mint::key::P256Key;

/// Seconds `iat` is set in the past, so that a runner clock up to a minute ahead of
/// Apple's still yields a token Apple accepts (a future `iat` is refused with 401).
pub const BACKDATE_SECONDS: i64 = 60;

/// Apple's limit on `exp - iat` for ordinary App Store Connect tokens: 20 minutes
/// (`appstoreconnectapi/generating-tokens-for-api-requests`).
pub const MAX_DURATION: u64 = 1200;
/// Six months: App Store Connect tokens whose scope is GET requests of the resources that
/// allow it (same page; `long_lived`), Sign in with Apple client secrets (`signinwithapple/creating-a-client-secret`: "more
/// than 15777000 seconds (six months) in the future … is an error") and Apple Music
/// developer tokens (`applemusicapi/generating-developer-tokens`).
pub const MAX_GET_ONLY_DURATION: u64 = 15_777_000;
/// Sign in with Apple's default: 180 days, as widely used libraries mint, so that a
/// runner clock ahead of Apple's by up to a day and a half (with `iat` back-dated 60 s)
/// still leaves `exp` "not greater than 15777000 … from the Current UNIX Time on the
/// server" (`signinwithapple/creating-a-client-secret`).
pub const SIGN_IN_WITH_APPLE_DEFAULT: u64 = 180 * 86_400;
/// App Store Server API: "Tokens that expire more than 60 minutes after the time in
/// `iat` are not valid" (`appstoreserverapi/generating-json-web-tokens-for-api-requests`).
pub const MAX_APP_STORE_SERVER_DURATION: u64 = 3600;
/// Apple School and Business Manager API: `exp` "less than 180 days from the `iat`
/// timestamp" (`apple-school-and-business-manager-api/implementing-oauth-for-the-apple-
/// school-manager-and-apple-business-api`), so one second under 180 days at most.
pub const MAX_CLIENT_ASSERTION_DURATION: u64 = 180 * 86_400 - 1;
/// Apple Ads client secrets: "180 days" less a day, so that a runner clock up to a day
/// ahead of Apple's (with `iat` back-dated 60 s) still leaves `exp` "less than 180 days
/// from the `iat` timestamp" by Apple's count; a day is also as far off as clock `apple`
/// believes Apple's clock to be. Apple's sample script uses
/// exactly 180 days (`apple_ads/implementing-oauth-for-the-apple-search-ads-api`).
pub const APPLE_ADS_DEFAULT: u64 = 179 * 86_400;
/// APNs: "If the value in the `iat` field is more than one hour old, APNs rejects any
/// notifications containing the token" (`usernotifications/establishing-a-token-based-
/// connection-to-apns`). The token has no `exp`; this is when it stops working.
pub const APNS_LIFETIME: u64 = 3600;
/// Below this a back-dated token would be usable for under a minute.
pub const MIN_DURATION: u64 = 120;

/// Who the token speaks for (App Store Connect and Enterprise only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    /// A team key: `iss` is the issuer ID.
    #[default]
    Team,
    /// An individual key: `sub` is `"user"` and there is no `iss`.
    Individual,
}

/// Which Apple service the token is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Api {
    /// The App Store Connect API.
    #[default]
    AppStoreConnect,
    /// The Enterprise Program API.
    Enterprise,
    /// The App Store Server API (In-App Purchase keys).
    AppStoreServer,
    /// A Sign in with Apple client secret.
    SignInWithApple,
    /// An Apple Business Manager API client assertion.
    BusinessManager,
    /// An Apple School Manager API client assertion.
    SchoolManager,
    /// An APNs provider token.
    Apns,
    /// An Apple Music API (MusicKit) developer token.
    Music,
    /// A WeatherKit REST API token.
    WeatherKit,
    /// A Maps Server API / MapKit JS token.
    Maps,
    /// An Apple Ads API client secret (Campaign Management and Apple Ads Platform API).
    AppleAds,
    /// A DeviceCheck token (per-device data, App Attest receipts).
    DeviceCheck,
}

/// How long a token of one service may live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// `exp - iat` from [`MIN_DURATION`] to the maximum; the default when unset.
    Up { max: u64, default: u64 },
    /// App Store Connect's rule: 20 minutes; six months with a scope of GET requests of
    /// the resources that allow it (`long_lived`).
    ScopeDependent,
    /// No `exp`: the service stops accepting the token this long after `iat`.
    Fixed(u64),
}

impl Api {
    /// Every service, in the order `--help` lists them.
    pub const ALL: [Api; 12] = [
        Api::AppStoreConnect,
        Api::Enterprise,
        Api::AppStoreServer,
        Api::SignInWithApple,
        Api::BusinessManager,
        Api::SchoolManager,
        Api::Apns,
        Api::Music,
        Api::WeatherKit,
        Api::Maps,
        Api::AppleAds,
        Api::DeviceCheck,
    ];

    /// The name used in configuration and output.
    pub fn name(self) -> &'static str {
        match self {
            Api::AppStoreConnect => "app-store-connect",
            Api::Enterprise => "enterprise",
            Api::AppStoreServer => "app-store-server",
            Api::SignInWithApple => "sign-in-with-apple",
            Api::BusinessManager => "business-manager",
            Api::SchoolManager => "school-manager",
            Api::Apns => "apns",
            Api::Music => "music",
            Api::WeatherKit => "weatherkit",
            Api::Maps => "maps",
            Api::AppleAds => "apple-ads",
            Api::DeviceCheck => "devicecheck",
        }
    }

    /// What the token is, in words, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Api::AppStoreConnect => "App Store Connect API tokens",
            Api::Enterprise => "Enterprise Program API tokens",
            Api::AppStoreServer => "App Store Server API tokens",
            Api::SignInWithApple => "Sign in with Apple client secrets",
            Api::BusinessManager => "Apple Business Manager client assertions",
            Api::SchoolManager => "Apple School Manager client assertions",
            Api::Apns => "APNs provider tokens",
            Api::Music => "Apple Music developer tokens",
            Api::WeatherKit => "WeatherKit tokens",
            Api::Maps => "Maps tokens",
            Api::AppleAds => "Apple Ads client secrets",
            Api::DeviceCheck => "DeviceCheck tokens",
        }
    }

    /// The `aud` claim Apple expects, if the service has one.
    pub fn audience(self) -> Option<&'static str> {
        match self {
            Api::AppStoreConnect | Api::AppStoreServer => Some("appstoreconnect-v1"),
            Api::Enterprise => Some("apple-developer-enterprise-v1"),
            // `signinwithapple/creating-a-client-secret`: "use https://appleid.apple.com".
            // `apple_ads/implementing-oauth-for-the-apple-search-ads-api`: "`aud` … The
            // value is `https://appleid.apple.com`."
            Api::SignInWithApple | Api::AppleAds => Some("https://appleid.apple.com"),
            // The OAuth page (see MAX_CLIENT_ASSERTION_DURATION): not the URL the
            // assertion is posted to, which has no `/v2`.
            Api::BusinessManager | Api::SchoolManager => {
                Some("https://account.apple.com/auth/oauth2/v2/token")
            }
            Api::Apns | Api::Music | Api::WeatherKit | Api::Maps | Api::DeviceCheck => None,
        }
    }

    /// Whether the header carries `typ: JWT`: in the header tables of App Store Connect,
    /// the App Store Server API and Maps (`applemapsserverapi/creating-and-using-tokens-
    /// with-maps-server-api`); the other services list `alg` and `kid` only, and
    /// WeatherKit asks for "only the claims listed".
    pub fn has_typ(self) -> bool {
        matches!(
            self,
            Api::AppStoreConnect | Api::Enterprise | Api::AppStoreServer | Api::Maps
        )
    }

    /// The page of Apple's that sets this service's token rules (a path under
    /// `https://developer.apple.com/documentation/`).
    pub fn token_page(self) -> &'static str {
        match self {
            Api::AppStoreConnect => "appstoreconnectapi/generating-tokens-for-api-requests",
            Api::Enterprise => "enterpriseprogramapi/generating-tokens-for-api-requests",
            Api::AppStoreServer => "appstoreserverapi/generating-json-web-tokens-for-api-requests",
            Api::SignInWithApple => "signinwithapple/creating-a-client-secret",
            Api::BusinessManager | Api::SchoolManager => {
                "apple-school-and-business-manager-api/implementing-oauth-for-the-apple-school-\
                 manager-and-apple-business-api"
            }
            Api::Apns => "usernotifications/establishing-a-token-based-connection-to-apns",
            Api::Music => "applemusicapi/generating-developer-tokens",
            Api::WeatherKit => "weatherkitrestapi/request-authentication-for-weatherkit-rest-api",
            Api::Maps => "applemapsserverapi/creating-and-using-tokens-with-maps-server-api",
            Api::AppleAds => "apple_ads/implementing-oauth-for-the-apple-search-ads-api",
            Api::DeviceCheck => "devicecheck/accessing-and-modifying-per-device-data",
        }
    }

    /// Whether the header carries `id`, `TEAMID.SERVICEID`:
    /// `weatherkitrestapi/request-authentication-for-weatherkit-rest-api`, "your
    /// 10-character Team ID and Service ID, separated by a period".
    pub fn has_header_id(self) -> bool {
        self == Api::WeatherKit
    }

    /// App Store Connect and the Enterprise Program API: team and individual keys,
    /// scopes, key files.
    pub fn is_connect(self) -> bool {
        matches!(self, Api::AppStoreConnect | Api::Enterprise)
    }

    /// Apple Business or School Manager: a client assertion with a UUID key ID.
    pub fn is_manager(self) -> bool {
        matches!(self, Api::BusinessManager | Api::SchoolManager)
    }

    /// Whether [`Api::lifetime`]'s maximum is Apple's own: WeatherKit's and Maps' pages
    /// state none, and their six months are this tool's bound.
    pub fn limit_documented(self) -> bool {
        !matches!(self, Api::WeatherKit | Api::Maps)
    }

    /// Who `iss` names for a key of `key_type`, if the token has an `iss`.
    pub fn issuer(self, key_type: KeyType) -> Option<Id> {
        match self {
            Api::AppStoreConnect | Api::Enterprise => match key_type {
                KeyType::Team => Some(Id::IssuerId),
                KeyType::Individual => None,
            },
            Api::AppStoreServer => Some(Id::IssuerId),
            // Apple's table lists `sub` (the client ID) and no `iss`; Apple's sample script
            // on the same page also sends `iss`, set to the client ID.
            Api::BusinessManager | Api::SchoolManager => Some(Id::ClientId),
            // Apple Ads: "`iss` … your `teamId`" (the OAuth page); DeviceCheck: the Team ID,
            // as for APNs.
            Api::SignInWithApple
            | Api::AppleAds
            | Api::WeatherKit
            | Api::Apns
            | Api::DeviceCheck
            | Api::Music
            | Api::Maps => Some(Id::TeamId),
        }
    }

    /// What `sub` holds for a key of `key_type`, if the token has a `sub`.
    pub fn subject(self, key_type: KeyType) -> Option<Id> {
        match self {
            Api::AppStoreConnect | Api::Enterprise => match key_type {
                KeyType::Team => None,
                KeyType::Individual => Some(Id::User),
            },
            // Apple Ads: "`sub` … your `clientId`" (the OAuth page).
            Api::SignInWithApple | Api::AppleAds | Api::BusinessManager | Api::SchoolManager => {
                Some(Id::ClientId)
            }
            Api::WeatherKit => Some(Id::ServiceId),
            Api::AppStoreServer | Api::Apns | Api::DeviceCheck | Api::Music | Api::Maps => None,
        }
    }

    /// Whether the token names the app by its bundle ID in `bid`.
    pub fn has_bid(self) -> bool {
        self == Api::AppStoreServer
    }

    /// Whether the token carries a unique `jti` ("any unique identifier", the OAuth page).
    pub fn has_jti(self) -> bool {
        self.is_manager()
    }

    /// Whether the token carries `exp`: every one but APNs', which is `iss` and `iat` alone.
    pub fn has_exp(self) -> bool {
        !matches!(self.lifetime(), Lifetime::Fixed(_))
    }

    /// The claims a token of this service carries for a key of `key_type`: those it must
    /// have, then those it may have (`scope`, `origin`). [`mint`] writes exactly these.
    pub fn claim_names(self, key_type: KeyType) -> (Vec<&'static str>, Vec<&'static str>) {
        let required = [
            ("iss", self.issuer(key_type).is_some()),
            ("sub", self.subject(key_type).is_some()),
            ("iat", true),
            ("exp", self.has_exp()),
            ("aud", self.audience().is_some()),
            ("bid", self.has_bid()),
            ("jti", self.has_jti()),
        ];
        let optional = [
            ("scope", self.is_connect() || self == Api::Maps),
            ("origin", matches!(self, Api::Music | Api::Maps)),
        ];
        let names = |list: &[(&'static str, bool)]| {
            list.iter()
                .filter(|(_, has)| *has)
                .map(|(n, _)| *n)
                .collect()
        };
        (names(&required), names(&optional))
    }

    /// Keys whose ID is a UUID, not 10 letters and digits: Business/School Manager's and
    /// Apple Ads' (`keyId a273d0d3-4d9e-458c-a173-0db8619ca7d7`, `apple_ads/implementing-
    /// oauth-for-the-apple-search-ads-api`).
    pub fn has_uuid_key_id(self) -> bool {
        self.is_manager() || self == Api::AppleAds
    }

    /// The token is exchanged at an OAuth token endpoint for an access token, which
    /// verify's exchange hands over: Business/School Manager and Apple Ads.
    pub fn is_exchanged(self) -> bool {
        self.is_manager() || self == Api::AppleAds
    }

    pub fn lifetime(self) -> Lifetime {
        const TWENTY_MINUTES: u64 = MAX_DURATION;
        match self {
            Api::AppStoreConnect => Lifetime::ScopeDependent,
            // `enterpriseprogramapi/generating-tokens-for-api-requests`: "the Enterprise
            // Program API rejects a token with a lifetime greater than 20 minutes", and
            // its page lists no resource that accepts more, whatever the scope.
            Api::Enterprise => Lifetime::Up {
                max: MAX_DURATION,
                default: MAX_DURATION,
            },
            Api::AppStoreServer => Lifetime::Up {
                max: MAX_APP_STORE_SERVER_DURATION,
                default: TWENTY_MINUTES,
            },
            // A secret is stored in the app's auth provider and rotated: long, with room
            // for a fast clock below Apple's maximum.
            Api::SignInWithApple => Lifetime::Up {
                max: MAX_GET_ONLY_DURATION,
                default: SIGN_IN_WITH_APPLE_DEFAULT,
            },
            Api::BusinessManager | Api::SchoolManager => Lifetime::Up {
                max: MAX_CLIENT_ASSERTION_DURATION,
                default: TWENTY_MINUTES,
            },
            // `apple_ads/implementing-oauth-for-the-apple-search-ads-api`: `exp` "less than
            // 180 days from the `iat` timestamp"; a secret is stored and rotated by hand,
            // so long, as for Sign in with Apple.
            Api::AppleAds => Lifetime::Up {
                max: MAX_CLIENT_ASSERTION_DURATION,
                default: APPLE_ADS_DEFAULT,
            },
            Api::Apns => Lifetime::Fixed(APNS_LIFETIME),
            // `devicecheck/accessing-and-modifying-per-device-data`: the token is made with
            // "the same steps you use to create a provider authentication token for …
            // APNs", whose table has no `exp` and whose tokens are refused an hour after
            // `iat`; DeviceCheck answers 401 "Authorization Token Expired" but states no
            // window of its own, so APNs' hour is taken as the one that applies.
            Api::DeviceCheck => Lifetime::Fixed(APNS_LIFETIME),
            // WeatherKit (`weatherkitrestapi/request-authentication-for-weatherkit-rest-api`)
            // and Maps state no limit; six months, as for Apple's other developer tokens,
            // is this tool's own bound.
            Api::Music | Api::WeatherKit | Api::Maps => Lifetime::Up {
                max: MAX_GET_ONLY_DURATION,
                default: TWENTY_MINUTES,
            },
        }
    }
}

/// What an `iss` or `sub` claim holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    /// The issuer ID shown with the keys in App Store Connect (a UUID).
    IssuerId,
    /// The 10-character Team ID.
    TeamId,
    /// Sign in with Apple's Services ID or App ID; Business/School Manager's client ID.
    ClientId,
    /// WeatherKit's Services ID.
    ServiceId,
    /// `"user"`: an individual App Store Connect key.
    User,
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

/// Everything a token says, apart from the times. `config` sets exactly the fields the
/// chosen service uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenSpec {
    pub key_id: String,
    /// The issuer ID: App Store Connect team keys, Enterprise, App Store Server API.
    pub issuer_id: Option<String>,
    pub key_type: KeyType,
    pub api: Api,
    /// `exp - iat`, in seconds (for APNs, how long Apple accepts the token).
    pub duration: u64,
    /// App Store Connect: requests allowed; Maps: the token's scopes.
    pub scope: Option<Vec<String>>,
    /// The 10-character Team ID: `iss` of the developer-account services.
    pub team_id: Option<String>,
    /// App Store Server API: `bid`.
    pub bundle_id: Option<String>,
    /// Sign in with Apple: `sub` (Services ID or App ID); Business/School Manager:
    /// `iss` and `sub`.
    pub client_id: Option<String>,
    /// WeatherKit: `sub`, and the header's `id` after the Team ID.
    pub service_id: Option<String>,
    /// MusicKit and Maps: web origins allowed to use the token.
    pub origin: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    kid: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    typ: Option<&'static str>,
    /// WeatherKit: `TEAMID.SERVICEID`.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

#[derive(Serialize)]
struct Claims<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    iat: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<Value>,
}

/// A signed token and its times (Unix seconds).
#[derive(Clone, PartialEq, Eq)]
pub struct Minted {
    pub token: String,
    pub issued_at: i64,
    /// `exp`; for APNs, whose token has none, when Apple stops accepting it.
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

fn header(spec: &TokenSpec) -> Header<'_> {
    Header {
        alg: "ES256",
        kid: &spec.key_id,
        typ: spec.api.has_typ().then_some("JWT"),
        id: match (spec.api.has_header_id(), &spec.team_id, &spec.service_id) {
            (true, Some(team), Some(service)) => Some(format!("{team}.{service}")),
            _ => None,
        },
    }
}

fn claims<'a>(
    spec: &'a TokenSpec,
    issued_at: i64,
    expires_at: i64,
    jti: Option<String>,
) -> Claims<'a> {
    let api = spec.api;
    let id = |id: Option<Id>| match id? {
        Id::IssuerId => spec.issuer_id.as_deref(),
        Id::TeamId => spec.team_id.as_deref(),
        Id::ClientId => spec.client_id.as_deref(),
        Id::ServiceId => spec.service_id.as_deref(),
        Id::User => Some("user"),
    };
    let (iss, sub) = (
        id(api.issuer(spec.key_type)),
        id(api.subject(spec.key_type)),
    );
    let list = |items: &[String]| Value::from(items.to_vec());
    Claims {
        iss,
        sub,
        iat: issued_at,
        exp: api.has_exp().then_some(expires_at),
        aud: api.audience(),
        bid: spec.bundle_id.as_deref().filter(|_| api.has_bid()),
        jti,
        scope: match api {
            Api::Maps => spec.scope.as_ref().map(|s| Value::from(s.join(" "))),
            _ if api.is_connect() => spec.scope.as_deref().map(list),
            _ => None,
        },
        // MusicKit: "an array of strings"; Maps: one string, "a comma-separated list of
        // origins".
        origin: match api {
            Api::Music => spec.origin.as_deref().map(list),
            Api::Maps => spec.origin.as_ref().map(|o| Value::from(o.join(","))),
            _ => None,
        },
    }
}

/// A random (version 4) UUID, from the operating system's random source; `None` if that
/// fails, since a fixed `jti` would defeat its one purpose, being unique.
fn random_uuid() -> Option<String> {
    use ring::rand::{SecureRandom, SystemRandom};
    let mut b = [0u8; 16];
    SystemRandom::new().fill(&mut b).ok()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// Signs a token for `spec` at Unix time `now`: `iat = now - 60`, `exp = iat + duration`.
pub fn mint(
    spec: &TokenSpec,
    key: &P256Key,
    now: i64,
) -> Result<Minted, jsonwebtoken::errors::Error> {
    crate::mint::crypto::install();
    let issued_at = now - BACKDATE_SECONDS;
    let expires_at = issued_at.saturating_add(i64::try_from(spec.duration).unwrap_or(i64::MAX));
    // "Any unique identifier" (the OAuth page).
    let jti = match spec.api.has_jti() {
        true => Some(random_uuid().ok_or_else(|| {
            jsonwebtoken::errors::ErrorKind::Signing("the system's random source failed".into())
        })?),
        false => None,
    };
    let message = format!(
        "{}.{}",
        base64_json(&header(spec)),
        base64_json(&claims(spec, issued_at, expires_at, jti))
    );
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_ec_der(key.pkcs8_der()),
        Algorithm::ES256,
    )?;
    Ok(Minted {
        token: format!("{message}.{signature}"),
        issued_at,
        expires_at,
    })
}

/// A JWT segment: JSON in unpadded base64url. (Header and claims, plain structs of
/// strings and numbers, cannot fail to serialize.)
fn base64_json<T: Serialize>(value: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(token: &str) -> (Value, Value) {
        let mut it = token.split('.');
        let mut decode = || -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap()
        };
        (decode(), decode())
    }

    /// `claim_names`, which `explain` checks foreign tokens by, is what `mint` writes:
    /// the required claims with the optional settings unset, all of them with them set.
    #[test]
    fn claim_names_are_the_claims_mint_writes() {
        let key = crate::mint::key::parse(include_bytes!("../../tests/fixtures/test-only-p256.p8"))
            .unwrap();
        let id = |s: &str| Some(s.to_owned());
        let sorted = |list: Vec<&str>| -> Vec<String> {
            let mut list: Vec<String> = list.into_iter().map(str::to_owned).collect();
            list.sort();
            list
        };
        let names = |spec: &TokenSpec| -> Vec<String> {
            let (_, claims) = parts(&mint(spec, &key, 1_800_000_000).unwrap().token);
            sorted(
                claims
                    .as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect(),
            )
        };
        for api in Api::ALL {
            for key_type in [KeyType::Team, KeyType::Individual] {
                let bare = TokenSpec {
                    key_id: "TESTKEY123".into(),
                    api,
                    key_type,
                    duration: 1200,
                    issuer_id: (api.issuer(key_type) == Some(Id::IssuerId))
                        .then(|| "57246542-96fe-1a63-e053-0824d011072a".into()),
                    team_id: id("TEAM123456"),
                    bundle_id: id("com.example.app"),
                    client_id: id("com.example.web"),
                    service_id: id("com.example.weather"),
                    ..TokenSpec::default()
                };
                let full = TokenSpec {
                    scope: Some(vec!["server_api".into()]),
                    origin: Some(vec!["https://example.com".into()]),
                    ..bare.clone()
                };
                let (required, optional) = api.claim_names(key_type);
                assert_eq!(
                    names(&bare),
                    sorted(required.clone()),
                    "{api:?} {key_type:?}"
                );
                let all = [required, optional].concat();
                assert_eq!(names(&full), sorted(all), "{api:?} {key_type:?}");
            }
        }
    }

    #[test]
    fn random_uuids_are_version_4_and_differ() {
        let (a, b) = (random_uuid().unwrap(), random_uuid().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!("89ab".contains(&a[19..20]));
    }

    #[test]
    fn apns_tokens_have_no_exp_and_weatherkit_headers_an_id() {
        let key = crate::mint::key::parse(include_bytes!("../../tests/fixtures/test-only-p256.p8"))
            .unwrap();
        let spec = TokenSpec {
            key_id: "TESTKEY123".into(),
            api: Api::Apns,
            duration: APNS_LIFETIME,
            team_id: Some("TEAM123456".into()),
            ..TokenSpec::default()
        };
        let minted = mint(&spec, &key, 1_800_000_000).unwrap();
        let (header, claims) = parts(&minted.token);
        assert_eq!(
            header,
            serde_json::json!({"alg": "ES256", "kid": "TESTKEY123"})
        );
        assert_eq!(
            claims,
            serde_json::json!({"iss": "TEAM123456", "iat": 1_800_000_000 - 60})
        );
        assert_eq!(minted.expires_at, minted.issued_at + 3600);

        let spec = TokenSpec {
            api: Api::WeatherKit,
            service_id: Some("com.example.weather".into()),
            duration: 1200,
            ..spec
        };
        let (header, _) = parts(&mint(&spec, &key, 1_800_000_000).unwrap().token);
        assert_eq!(header["id"], "TEAM123456.com.example.weather");
        assert_eq!(header.get("typ"), None);
    }
}
