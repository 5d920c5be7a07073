//! Which settings each Apple service requires, allows and refuses (`usage`), and the
//! words for the mix-ups its users make: what to set instead of a setting it has no use
//! for (`unused`), and what a required one holds (`required`).

use crate::config::client_ids::manager_prefix;
use crate::config::settings::Var;
use crate::mint::token::{Api, Lifetime};

/// How a service uses a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Required,
    Optional,
    /// Setting it is an error: the service has no place for it.
    Unused,
}

/// The settings that differ between services. The others (the key, format, key folder,
/// clock, verify) mean the same for all, with the exceptions [`check`] names.
pub const VARYING: [Var; 9] = [
    Var::IssuerId,
    Var::KeyType,
    Var::Scope,
    Var::TeamId,
    Var::BundleId,
    Var::ClientId,
    Var::ServiceId,
    Var::Origin,
    Var::Duration,
];

/// How `api` uses `var` (one of [`VARYING`]). App Store Connect's issuer ID depends on
/// the key type, so it is `Optional` here and checked with the key type.
pub fn usage(api: Api, var: Var) -> Usage {
    use Api::*;
    use Usage::*;
    let team = matches!(
        api,
        SignInWithApple | Apns | Music | WeatherKit | Maps | AppleAds | DeviceCheck
    );
    match var {
        Var::IssuerId if api == AppStoreServer => Required,
        Var::IssuerId | Var::KeyType if api.is_connect() => Optional,
        Var::Scope if api.is_connect() || api == Maps => Optional,
        Var::TeamId if team => Required,
        Var::BundleId if api == AppStoreServer => Required,
        Var::ClientId if matches!(api, SignInWithApple | AppleAds) || api.is_manager() => Required,
        Var::ServiceId if api == WeatherKit => Required,
        Var::Origin if matches!(api, Music | Maps) => Optional,
        // APNs and DeviceCheck tokens have no `exp`.
        Var::Duration if !matches!(api.lifetime(), Lifetime::Fixed(_)) => Optional,
        _ => Unused,
    }
}

/// Why a setting is refused with `api`, and what to do instead.
pub(crate) fn unused(api: Api, var: Var) -> String {
    let title = api.title();
    let specific = match (api, var) {
        (_, Var::IssuerId) if api.is_manager() => Some(format!(
            "{title} are issued by the client ID: set ASC_CLIENT_ID (input client-id) instead"
        )),
        (_, Var::IssuerId) => Some(format!(
            "{title} are issued by your Team ID: set ASC_TEAM_ID (input team-id) instead"
        )),
        (_, Var::TeamId) if api.is_connect() || api == Api::AppStoreServer => Some(format!(
            "{title} are issued by the issuer ID shown above the keys in App Store Connect: \
             set ASC_ISSUER_ID (input issuer-id) instead"
        )),
        (Api::SignInWithApple, Var::BundleId | Var::ServiceId) => Some(
            "Sign in with Apple names the app by its client ID: put the Services ID (web) or \
             the App ID's bundle ID (apps) in ASC_CLIENT_ID (input client-id) instead"
                .into(),
        ),
        (Api::WeatherKit, Var::ClientId | Var::BundleId) => Some(
            "WeatherKit names the Services ID registered for it: put it in ASC_SERVICE_ID \
             (input service-id) instead"
                .into(),
        ),
        // Nothing to set instead: the whole message.
        (Api::Apns, Var::Duration) => return APNS_DURATION.into(),
        (Api::DeviceCheck, Var::Duration) => return DEVICECHECK_DURATION.into(),
        _ => None,
    };
    let users: Vec<String> = Api::ALL
        .into_iter()
        .filter(|&other| usage(other, var) != Usage::Unused)
        .map(|other| format!("`{}`", other.name()))
        .collect();
    match specific {
        Some(words) => format!("is set, but {words}, and unset this one"),
        None => format!(
            "is set, but {title} do not use it (it is for api {}); unset it",
            users.join(", ")
        ),
    }
}

/// Why a setting `api` requires is missing.
pub(crate) fn required(api: Api, var: Var) -> String {
    let title = api.title();
    match var {
        Var::TeamId | Var::ClientId if api == Api::AppleAds => format!(
            "is not set: {title} name the Apple Ads API user's `{}`, `SEARCHADS.` followed by \
             a UUID, shown with the credentials in Apple Ads (Account Settings > API)",
            if var == Var::TeamId {
                "teamId"
            } else {
                "clientId"
            }
        ),
        Var::TeamId => format!(
            "is not set: {title} are issued by your 10-character Team ID (Membership details \
             in your Apple Developer account)"
        ),
        Var::IssuerId => format!(
            "is not set: {title} are issued by the issuer ID shown with the In-App Purchase \
             keys in App Store Connect (Users and Access > Integrations), 8-4-4-4-12 hex digits"
        ),
        Var::BundleId => format!(
            "is not set: {title} name the app by its bundle ID (`bid`), e.g. `com.example.app`"
        ),
        Var::ClientId if api.is_manager() => format!(
            "is not set: {title} are issued by the client ID shown with the API account, \
             `{}` followed by a UUID",
            manager_prefix(api)
        ),
        Var::ClientId => format!(
            "is not set: {title} name the Services ID (web sign-in) or the App ID's bundle ID \
             (apps) that signs in, as the app sends it in `client_id`"
        ),
        Var::ServiceId => format!(
            "is not set: {title} name the Services ID registered for WeatherKit, e.g. \
             `com.example.weatherkit-client`"
        ),
        _ => "is not set".into(),
    }
}

pub(crate) const APNS_DURATION: &str = "is set, but APNs tokens have no `exp`: Apple accepts them for one \
                             hour after `iat`, and refuses a new token more often than every \
                             20 minutes; unset it";

pub(crate) const DEVICECHECK_DURATION: &str = "is set, but DeviceCheck tokens have no `exp`: they are made \
                                    as APNs tokens are, which Apple accepts for one hour \
                                    after `iat`; unset it";
