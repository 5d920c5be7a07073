//! The forms of the IDs a token names its issuer and subject by, with the rules of
//! `config` (`values`, `services`): what a wrong one is, in words about the token.

use serde_json::{Map, Value};

use crate::config::{client_ids, services, values};
use crate::mint::token::{Api, Id};

/// What is wrong with `value` as the `id` of an `api` token (whose other claims are
/// `claims`), or `None`.
pub fn id_problem(api: Api, id: Id, value: &str, claims: &Map<String, Value>) -> Option<String> {
    let title = api.title();
    match id {
        // Apple Ads' team and client IDs are both `SEARCHADS.<uuid>`
        // (`apple_ads/implementing-oauth-for-the-apple-search-ads-api`).
        Id::TeamId if api == Api::AppleAds => values::searchads_id(value, "teamId").err(),
        Id::ClientId if api == Api::AppleAds => client_ids::apple_ads_client_id(value).err(),
        Id::IssuerId if values::is_key_id(value) => Some(format!(
            "is 10 letters and digits, a Team ID or key ID: {title} are issued by the issuer \
             ID shown with the keys in App Store Connect (8-4-4-4-12 hex digits)"
        )),
        Id::IssuerId => values::uuid_shape(value).err(),
        Id::TeamId if values::is_uuid(value) => Some(format!(
            "is a UUID, the shape of an issuer ID: {title} are issued by your 10-character \
             Team ID (Membership details in your Apple Developer account)"
        )),
        Id::TeamId if !values::is_key_id(value) => Some(format!(
            "is not a Team ID: {title} are issued by your 10-character Team ID, e.g. \
             `DEF123GHIJ`"
        )),
        Id::TeamId if value != value.to_ascii_uppercase() => {
            Some("has lower-case letters: Apple's Team IDs are capitals".into())
        }
        Id::TeamId => None,
        Id::ClientId if api.is_manager() => client_ids::manager_client_id(api, value).err(),
        Id::ClientId => {
            client_id(value, claims).or_else(|| client_ids::not_apple_ads(api, value).err())
        }
        Id::ServiceId => {
            let team = claims
                .get("iss")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match services::after_team_id(value, team) {
                Some(_) => Some(
                    "starts with the Team ID: the Services ID goes alone in `sub` (the header's \
                     `id` is TEAMID.SERVICEID)"
                        .into(),
                ),
                None => values::identifier(value, "com.example.weather").err(),
            }
        }
        Id::User if value == "user" => None,
        Id::User => Some("must be `user` for an individual key".into()),
    }
}

/// Sign in with Apple's client ID: the Services ID or the App ID's bundle ID.
fn client_id(value: &str, claims: &Map<String, Value>) -> Option<String> {
    const EXPECTED: &str = "the Services ID (web) or the App ID's bundle ID (apps), e.g. \
                            `com.example.web`";
    if values::is_key_id(value) {
        return Some(format!(
            "looks like a Team ID or key ID (10 letters and digits): `sub` is {EXPECTED}"
        ));
    }
    if client_ids::is_manager_client_id(value) {
        return Some(format!(
            "is an Apple Business or School Manager client ID: `sub` is {EXPECTED}"
        ));
    }
    let team = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !team.is_empty() && services::after_team_id(value, team).is_some() {
        return Some(format!(
            "starts with the Team ID: `sub` is {EXPECTED}, without the `TEAMID.` prefix"
        ));
    }
    values::identifier(value, "com.example.web").err()
}
