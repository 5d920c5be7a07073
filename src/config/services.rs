//! The checks that depend on the service, with [`usage`](crate::config::usage)'s table of
//! which settings each one requires and refuses: from the values the table's parsers read
//! ([`Low`]) to the token's [`TokenSpec`]. Pure, like the rest of `config`, which calls it.

use crate::config::client_ids::{self, manager_client_id, manager_prefix};
use crate::config::problems::Invalid;
use crate::config::settings::{Low, Var};
use crate::config::usage::{Usage, VARYING, required, unused, usage};
use crate::config::values;
use crate::mint::token::{Api, KeyType, Lifetime, MAX_DURATION, MIN_DURATION, TokenSpec};

/// Every check that depends on the service, and the spec when all pass.
pub fn check(low: &Low, found: &mut Invalid) -> Option<TokenSpec> {
    let Some(api) = found.or(Var::Api, low.api, Api::AppStoreConnect) else {
        // Without the service, only the key ID's presence can be checked.
        if low.key_id.is_none() && !found.failed(Var::KeyId) {
            found.problem(Var::KeyId, KEY_ID_UNSET);
        }
        return None;
    };
    if api == Api::AppStoreConnect {
        api_forgotten(low, found);
    }
    for var in VARYING {
        let set = is_set(low, var);
        match usage(api, var) {
            Usage::Unused if set && !found.failed(var) => found.problem(var, unused(api, var)),
            Usage::Required if !set && !found.failed(var) => found.problem(var, required(api, var)),
            _ => {}
        }
    }
    connect_only(api, low, found);
    unaskable(api, low, found);
    let key_id = key_id(api, low, found);
    let (key_type, issuer_id) = issuer(api, low, found);
    let scope = scope(api, low, found);
    verify_in_scope(api, low, scope.as_ref(), found);
    let duration = duration(api, low, scope.as_ref(), found);
    let client_id = client_id(api, low, found);
    team_id(low, found);
    if usage(api, Var::TeamId) != Usage::Unused && !found.failed(Var::TeamId) {
        client_ids::team_id(api, low, found);
    }
    service_id(api, low, found);
    maps_origin(api, low, scope.as_ref(), found);
    let spec = TokenSpec {
        api,
        key_id: key_id?,
        issuer_id: issuer_id?,
        key_type: key_type?,
        duration: duration?,
        scope: scope?,
        team_id: low.team_id.clone(),
        bundle_id: low.bundle_id.clone(),
        client_id: client_id?,
        service_id: low.service_id.clone(),
        origin: low.origin.clone(),
    };
    // `config` uses the spec only when no setting at all has a problem.
    Some(spec)
}

fn is_set(low: &Low, var: Var) -> bool {
    match var {
        Var::IssuerId => low.issuer_id.is_some(),
        Var::KeyType => low.key_type.is_some(),
        Var::Scope => low.scope.is_some(),
        Var::TeamId => low.team_id.is_some(),
        Var::BundleId => low.bundle_id.is_some(),
        Var::ClientId => low.client_id.is_some(),
        Var::ServiceId => low.service_id.is_some(),
        Var::Origin => low.origin.is_some(),
        Var::Duration => low.duration.is_some(),
        _ => false,
    }
}

/// Settings of another service with `ASC_API` left at `app-store-connect` (the action's
/// default): the service was forgotten. That one message says so; when a service fits
/// them, the settings whose rules depend on the service (and a manager's UUID key ID) are
/// judged once it is set, since App Store Connect's rules would point the other way (set
/// an issuer ID, unset the Team ID).
fn api_forgotten(low: &Low, found: &mut Invalid) {
    let others = [
        Var::TeamId,
        Var::BundleId,
        Var::ClientId,
        Var::ServiceId,
        Var::Origin,
    ];
    let set: Vec<Var> = others.into_iter().filter(|&v| is_set(low, v)).collect();
    if set.is_empty() {
        return;
    }
    let names: Vec<String> = set.iter().map(|v| v.name().to_owned()).collect();
    let candidates: Vec<Api> = Api::ALL
        .into_iter()
        .filter(|&api| set.iter().all(|&v| usage(api, v) != Usage::Unused))
        .filter(|&api| client_ids::fit(api, low))
        .collect();
    let named: Vec<String> = candidates
        .iter()
        .map(|a| format!("`{}`", a.name()))
        .collect();
    let which = match named.as_slice() {
        [] => String::new(),
        [one] => format!(", here {one}"),
        many => format!(", here one of {}", many.join(", ")),
    };
    let unset = leftover(&candidates, low);
    found.problem(
        Var::Api,
        format!(
            "is {}`app-store-connect`, which has no use for {}: set it to the service the \
             token is for{which}{unset}",
            match low.api {
                None => "not set, so the token is for ",
                Some(_) => "",
            },
            names.join(", ")
        ),
    );
    // Only when one service takes the settings given, or another takes every one of them
    // (several candidates beside an issuer ID say App Store Connect may have been meant,
    // and each setting's own message then says which services use it).
    let fits = |api: Api| {
        api != Api::AppStoreConnect
            && VARYING
                .iter()
                .all(|&var| !is_set(low, var) || usage(api, var) != Usage::Unused)
    };
    if candidates.len() != 1 && !Api::ALL.into_iter().any(fits) {
        return;
    }
    found.reported_with.extend(VARYING);
    if low.key_id.as_deref().is_some_and(values::is_uuid) {
        found.reported_with.push(Var::KeyId);
    }
}

/// The settings the one service that fits has no use for (an issuer ID left from App
/// Store Connect), in words: said in the api's message, so that no other message points
/// back to App Store Connect.
fn leftover(candidates: &[Api], low: &Low) -> String {
    let [one] = candidates else {
        return String::new();
    };
    let vars: Vec<&str> = VARYING
        .iter()
        .filter(|&&var| is_set(low, var) && usage(*one, var) == Usage::Unused)
        .map(|var| var.name())
        .collect();
    match vars.as_slice() {
        [] => String::new(),
        vars => format!(", and unset {}, which it has no use for", vars.join(", ")),
    }
}

/// Key files and fastlane's JSON are for Apple's App Store Connect tools only.
fn connect_only(api: Api, low: &Low, found: &mut Invalid) {
    if api.is_connect() {
        return;
    }
    let title = api.title();
    for (var, on) in [
        (Var::KeyFile, low.key_file),
        (Var::FastlaneJson, low.fastlane_json),
    ] {
        if on {
            found.problem(
                var,
                format!(
                    "is `true`, but {title} are not read by altool, notarytool or fastlane: \
                     key files are written for `app-store-connect` and `enterprise` only; \
                     unset it"
                ),
            );
        }
    }
}

/// What `apple::probe` has no request for: APNs (neither its verdict nor its clock) and
/// DeviceCheck's verdict.
fn unaskable(api: Api, low: &Low, found: &mut Invalid) {
    let (verify, clock) = match api {
        Api::Apns => (APNS_VERIFY, Some(APNS_CLOCK)),
        Api::DeviceCheck => (DEVICECHECK_VERIFY, None),
        _ => return,
    };
    if low.verify {
        found.problem(Var::Verify, verify);
    }
    if let Some(words) = clock.filter(|_| low.clock == Some(crate::config::settings::Clock::Apple))
    {
        found.problem(Var::Clock, words);
    }
}

const APNS_VERIFY: &str = "is `true`, but APNs speaks HTTP/2 only, which asc-jwt's client does \
                           not: an APNs token cannot be checked here; send a notification to \
                           check it, and unset this";
const APNS_CLOCK: &str = "is `apple`, but APNs speaks HTTP/2 only, which asc-jwt's client does \
                          not, so its clock cannot be read; use `local`";
/// `devicecheck/accessing-and-modifying-per-device-data` lists 401 "Invalid Authorization
/// Token" and 400 "Bad Device Token", but not which Apple answers when both are wrong,
/// and its development host is reported to answer 400 "Missing or badly formatted
/// authorization token" to good tokens (marinosoftware/DeviceCheckSample#3, #4): a
/// made-up device token's 400 would not prove the token accepted.
const DEVICECHECK_VERIFY: &str = "is `true`, but DeviceCheck has no harmless request whose \
                                  answer shows a token accepted: Apple's documented answers \
                                  do not say whether a made-up device token is refused \
                                  before or after the token is checked; check it with a \
                                  real device token from your app, and unset this";
const KEY_ID_UNSET: &str = "is not set: expected the key ID shown next to the key in App Store \
                            Connect or your developer account, e.g. `2X9R4HXF34`";

/// 10 letters and digits, except Business and School Manager keys, whose IDs are UUIDs.
fn key_id(api: Api, low: &Low, found: &mut Invalid) -> Option<String> {
    if found.failed(Var::KeyId) {
        return None;
    }
    let Some(value) = low.key_id.as_deref() else {
        found.problem(Var::KeyId, KEY_ID_UNSET);
        return None;
    };
    // Where no issuer ID is in play, a UUID here is a manager key's ID, not a pasted
    // issuer ID.
    let manager_key = !api.has_uuid_key_id()
        && usage(api, Var::IssuerId) == Usage::Unused
        && values::is_uuid(value);
    if manager_key {
        found.problem(
            Var::KeyId,
            format!(
                "is a UUID, which only Apple Business and School Manager and Apple Ads keys \
                 have: use api `business-manager`, `school-manager` or `apple-ads` for such a \
                 key; {} need a key ID of 10 letters and digits, e.g. `2X9R4HXF34`",
                api.title()
            ),
        );
        return None;
    }
    let result = match api.has_uuid_key_id() {
        true => values::manager_key_id(value),
        false => values::key_id(value),
    };
    found.take(Var::KeyId, result)
}

/// The key type and issuer ID: App Store Connect's team and individual keys, and the
/// App Store Server API's issuer ID.
fn issuer(api: Api, low: &Low, found: &mut Invalid) -> (Option<KeyType>, Option<Option<String>>) {
    let key_type = found.or(Var::KeyType, low.key_type, KeyType::Team);
    if found.failed(Var::IssuerId) {
        return (key_type, None);
    }
    let value = low.issuer_id.as_deref();
    let issuer_id = match (api, key_type, value) {
        (Api::AppStoreServer, _, Some(value)) => found.take(
            Var::IssuerId,
            values::uuid_shape(value).map(|()| Some(value.into())),
        ),
        (_, Some(kt), value) if api.is_connect() => {
            found.take(Var::IssuerId, connect_issuer(value, kt))
        }
        // With the key type unknown, the issuer ID's own shape can still be checked.
        (_, None, Some(value)) if api.is_connect() => {
            found.take(Var::IssuerId, values::uuid_shape(value));
            None
        }
        // Unused or missing: `check` has reported it.
        (_, _, Some(_)) => None,
        _ if usage(api, Var::IssuerId) == Usage::Required => None,
        _ => Some(None),
    };
    (key_type, issuer_id)
}

fn connect_issuer(value: Option<&str>, key_type: KeyType) -> Result<Option<String>, String> {
    match (key_type, value) {
        (KeyType::Team, None) => Err("is not set: team keys need the issuer ID shown above the \
                                      key list in App Store Connect (8-4-4-4-12 hex digits); \
                                      for an individual key (made in your user profile) set \
                                      ASC_KEY_TYPE=individual (input key-type: individual) \
                                      instead"
            .into()),
        (KeyType::Team, Some(value)) => {
            values::uuid_shape(value)?;
            Ok(Some(value.to_owned()))
        }
        (KeyType::Individual, None) => Ok(None),
        (KeyType::Individual, Some(_)) => Err("is set, but ASC_KEY_TYPE (input key-type) is \
                                               `individual`: individual keys have no issuer; \
                                               unset it, or use key-type `team` for a team key"
            .into()),
    }
}

/// The scope as the service reads it: App Store Connect's requests, or Maps' scopes.
fn scope(api: Api, low: &Low, found: &mut Invalid) -> Option<Option<Vec<String>>> {
    if found.failed(Var::Scope) {
        return None;
    }
    let Some(text) = low.scope.as_deref() else {
        return Some(None);
    };
    let parsed = match api {
        Api::Maps => values::maps_scope(text),
        _ if api.is_connect() => values::scope(text),
        _ => return None,
    };
    found.take(Var::Scope, parsed).map(Some)
}

/// Verify asks a scoped App Store Connect or Enterprise token with its scope's first GET
/// entry (`apple::request`), since Apple "rejects a token with a scope claim if none of
/// the scope entries match the attempted request" (`appstoreconnectapi/generating-tokens-
/// for-api-requests`): a scope without a GET leaves no harmless request to ask.
fn verify_in_scope(api: Api, low: &Low, scope: Option<&Option<Vec<String>>>, found: &mut Invalid) {
    let Some(Some(entries)) = scope.filter(|_| api.is_connect() && low.verify) else {
        return;
    };
    if !entries.iter().any(|entry| entry.starts_with("GET ")) {
        found.problem(
            Var::Verify,
            "is `true`, but ASC_SCOPE (input scope) lists no GET request: Apple refuses a \
             scoped token for any request outside its scope, and verify only reads, so it \
             cannot check this token without changing data; add a GET entry the key may \
             read (it is asked as written), or unset this",
        );
    }
}

/// `exp - iat`, within the service's rule.
fn duration(
    api: Api,
    low: &Low,
    scope: Option<&Option<Vec<String>>>,
    found: &mut Invalid,
) -> Option<u64> {
    if found.failed(Var::Duration) {
        return None;
    }
    match api.lifetime() {
        Lifetime::Fixed(seconds) => Some(seconds),
        Lifetime::ScopeDependent => {
            let seconds = low.duration.unwrap_or(MAX_DURATION);
            let result = values::duration_bounds(seconds, scope?.as_deref());
            found.take(Var::Duration, result)
        }
        Lifetime::Up { max, default } => {
            let seconds = low.duration.unwrap_or(default);
            let result = values::duration_up_to(seconds, MIN_DURATION, max, api.title());
            found.take(Var::Duration, result)
        }
    }
}

/// The client ID where a service uses one: a Team ID pasted there, Sign in with Apple's
/// App ID written with its Team ID prefix, and a Business/School Manager ID of the other
/// kind are the classic mistakes.
fn client_id(api: Api, low: &Low, found: &mut Invalid) -> Option<Option<String>> {
    if usage(api, Var::ClientId) == Usage::Unused {
        return Some(None);
    }
    let value = low.client_id.as_deref()?;
    if api == Api::AppleAds {
        let result = client_ids::apple_ads_client_id(value);
        return found.take(Var::ClientId, result).map(Some);
    }
    found.take(Var::ClientId, client_ids::not_apple_ads(api, value))?;
    if values::is_key_id(value) {
        let expected = match api.is_manager() {
            true => format!("`{}` followed by a UUID", manager_prefix(api)),
            false => "the Services ID or the App ID's bundle ID, e.g. `com.example.web`".into(),
        };
        found.problem(
            Var::ClientId,
            format!(
                "looks like a Team ID or key ID (10 letters and digits): the client ID is \
                 {expected}; the Team ID goes in ASC_TEAM_ID (input team-id)"
            ),
        );
        return None;
    }
    if api.is_manager() {
        return found
            .take(Var::ClientId, manager_client_id(api, value))
            .map(Some);
    }
    if client_ids::is_manager_client_id(value) {
        found.problem(
            Var::ClientId,
            "is an Apple Business or School Manager client ID: Sign in with Apple's is the \
             Services ID or the App ID's bundle ID; for that API use api `business-manager` \
             or `school-manager`",
        );
        return None;
    }
    if let Some(rest) = without_team_id(value, low) {
        found.problem(
            Var::ClientId,
            format!(
                "starts with your Team ID: Sign in with Apple's client ID is the App ID's \
                 bundle ID without that prefix ({}), or the Services ID",
                values::shown(rest)
            ),
        );
        return None;
    }
    Some(Some(value.to_owned()))
}

/// What follows `TEAMID.` at the start of `value`, in any case (the Team ID setting is
/// upper-cased, a copied prefix may not be).
fn without_team_id<'a>(value: &'a str, low: &Low) -> Option<&'a str> {
    after_team_id(value, low.team_id.as_deref()?)
}

/// What follows `team.` at the start of `value`, in any case.
pub fn after_team_id<'a>(value: &'a str, team: &str) -> Option<&'a str> {
    let head = value.get(..team.len())?;
    head.eq_ignore_ascii_case(team)
        .then(|| value[team.len()..].strip_prefix('.'))
        .flatten()
}

/// WeatherKit's header `id` is `TEAMID.SERVICEID`: that whole string given as the
/// Services ID would carry the Team ID twice.
fn service_id(api: Api, low: &Low, found: &mut Invalid) {
    let Some(value) = low.service_id.as_deref().filter(|_| api == Api::WeatherKit) else {
        return;
    };
    if without_team_id(value, low).is_some() {
        found.problem(
            Var::ServiceId,
            "starts with your Team ID: the header's `id` is written as TEAMID.SERVICEID from \
             ASC_TEAM_ID (input team-id) and this setting, so give the Services ID alone, \
             without `TEAMID.`",
        );
    }
}

/// A Team ID that equals the key ID: one of the two was copied into the other's place.
fn team_id(low: &Low, found: &mut Invalid) {
    let (Some(team), Some(key)) = (low.team_id.as_deref(), low.key_id.as_deref()) else {
        return;
    };
    if team.eq_ignore_ascii_case(key) {
        found.problem(
            Var::TeamId,
            "equals ASC_KEY_ID (input key-id): the Team ID is your account's (Membership \
             details), the key ID the key's (shown next to it in Certificates, IDs & \
             Profiles > Keys); one of them was copied into the other's place",
        );
    }
}

/// Maps: "The token requires an origin when the scope includes `mapkit_js`,
/// `web_snapshots`, or `embed_api`" (`applemapsserverapi/creating-and-using-tokens-with-
/// maps-server-api`).
fn maps_origin(api: Api, low: &Low, scope: Option<&Option<Vec<String>>>, found: &mut Invalid) {
    let Some(Some(scope)) = scope.filter(|_| api == Api::Maps) else {
        return;
    };
    if let Some(web) = web_scope(scope)
        && low.origin.is_none()
        && !found.failed(Var::Origin)
    {
        found.problem(
            Var::Origin,
            format!(
                "is not set, but the scope `{web}` needs the web origins allowed to use the \
                 token, e.g. `https://example.com`"
            ),
        );
    }
}

/// The first of a Maps token's scopes that needs an origin (any but `server_api`).
pub fn web_scope(scope: &[String]) -> Option<&str> {
    scope
        .iter()
        .map(String::as_str)
        .find(|s| *s != "server_api")
}
