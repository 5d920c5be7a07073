//! The `PREFIX.<uuid>` IDs of Apple's OAuth services, and their mix-ups: Business and
//! School Manager client IDs (`BUSINESSAPI.`, `SCHOOLAPI.`), Apple Ads' team and client
//! IDs (`SEARCHADS.`), and a developer Team ID where Apple Ads wants its own. Pure, like
//! the rest of `config`; [`services`](crate::config::services) calls it.

use crate::config::problems::Invalid;
use crate::config::settings::{Low, Var};
use crate::config::values::{self, SEARCHADS};
use crate::mint::token::Api;

/// Whether `value` is a Business or School Manager client ID, by its prefix.
pub fn is_manager_client_id(value: &str) -> bool {
    [Api::BusinessManager, Api::SchoolManager]
        .into_iter()
        .any(|api| value.starts_with(manager_prefix(api)))
}

/// The prefix of a Business or School Manager client ID.
pub fn manager_prefix(api: Api) -> &'static str {
    match api {
        Api::SchoolManager => "SCHOOLAPI.",
        _ => "BUSINESSAPI.",
    }
}

pub fn manager_client_id(api: Api, value: &str) -> Result<String, String> {
    let prefix = manager_prefix(api);
    let (other, product, other_api) = match api {
        Api::SchoolManager => ("BUSINESSAPI.", "Apple Business Manager", "business-manager"),
        _ => ("SCHOOLAPI.", "Apple School Manager", "school-manager"),
    };
    if value.starts_with(other) {
        return Err(format!(
            "starts with `{other}`, so it is an {product} client ID: use api `{other_api}`, \
             or the client ID that starts with `{prefix}`"
        ));
    }
    let Some(uuid) = value.strip_prefix(prefix) else {
        return Err(format!(
            "must start with `{prefix}` followed by a UUID: copy the client ID shown with the \
             API account"
        ));
    };
    if !values::is_uuid(uuid) {
        return Err(format!(
            "must be `{prefix}` followed by a UUID (8-4-4-4-12 hex digits)"
        ));
    }
    Ok(value.to_owned())
}

/// Apple Ads' client ID (`sub`): `SEARCHADS.<uuid>`, not a developer-account ID nor a
/// Business/School Manager client ID.
pub fn apple_ads_client_id(value: &str) -> Result<String, String> {
    if values::is_key_id(value) {
        return Err(format!(
            "looks like a Team ID or key ID (10 letters and digits): Apple Ads' client ID is \
             `{SEARCHADS}` followed by a UUID, the `clientId` shown with the credentials in \
             Apple Ads (Account Settings > API)"
        ));
    }
    if is_manager_client_id(value) {
        return Err(
            "is an Apple Business or School Manager client ID: Apple Ads' starts \
                    with `SEARCHADS.`; for that API use api `business-manager` or \
                    `school-manager`"
                .into(),
        );
    }
    values::searchads_id(value, "clientId")
}

/// An Apple Ads ID given to another service's client ID: the api was not changed.
pub fn not_apple_ads(api: Api, value: &str) -> Result<(), String> {
    match value.starts_with(SEARCHADS) {
        true => Err(format!(
            "starts with `{SEARCHADS}`, so it is an Apple Ads client ID: use api \
             `apple-ads` for it; {} name another client ID",
            api.title()
        )),
        false => Ok(()),
    }
}

/// The Team ID's form for `api` (the parser took either): Apple Ads' `SEARCHADS.` team ID
/// for `apple-ads`, the developer account's 10 characters for the others.
pub fn team_id(api: Api, low: &Low, found: &mut Invalid) {
    let Some(team) = low.team_id.as_deref() else {
        return;
    };
    let searchads = team.starts_with(SEARCHADS);
    if api == Api::AppleAds && !searchads {
        found.problem(
            Var::TeamId,
            format!(
                "is a developer-account Team ID, but Apple Ads client secrets are issued by \
                 Apple Ads' own team ID, `{SEARCHADS}` followed by a UUID: copy the `teamId` \
                 shown with the credentials in Apple Ads (Account Settings > API)"
            ),
        );
    } else if api != Api::AppleAds && searchads {
        found.problem(
            Var::TeamId,
            format!(
                "is an Apple Ads team ID (`{SEARCHADS}…`): use api `apple-ads` for it; {} \
                 are issued by your 10-character Team ID (Membership details in your Apple \
                 Developer account)",
                api.title()
            ),
        );
    }
}

/// Whether the IDs set could be `api`'s by their form: `SEARCHADS.` IDs are Apple Ads'
/// alone, and Apple Ads takes no other (for the message about a forgotten api).
pub fn fit(api: Api, low: &Low) -> bool {
    [low.team_id.as_deref(), low.client_id.as_deref()]
        .into_iter()
        .flatten()
        .all(|id| id.starts_with(SEARCHADS) == (api == Api::AppleAds))
}
