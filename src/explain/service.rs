//! Which Apple service a token is for, from what it carries: each service of [`Api::ALL`]
//! is scored on how well the token fits its rules (`aud`, the claims it must and may
//! carry, the forms of `iss` and `sub`, the header's `typ` and `id`), and the best wins,
//! the first listed on a tie. A new service needs nothing here.

use serde_json::{Map, Value};

use crate::explain::decode::Decoded;
use crate::explain::ids::id_problem;
use crate::mint::token::{Api, KeyType};

/// The service a token is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    pub api: Api,
    pub key_type: KeyType,
    /// How it was found, in words.
    pub found_by: String,
}

/// The key type a token shows: an individual key's `sub` is `"user"`.
pub fn key_type(api: Api, claims: &Map<String, Value>) -> KeyType {
    let individual = api.is_connect() && claims.get("sub").and_then(Value::as_str) == Some("user");
    match individual {
        true => KeyType::Individual,
        false => KeyType::Team,
    }
}

/// The service `given` (ASC_API), or the one the token fits best.
pub fn identify(token: &Decoded, given: Option<Api>) -> Identified {
    if let Some(api) = given {
        return Identified {
            api,
            key_type: key_type(api, &token.claims),
            found_by: "as ASC_API says".into(),
        };
    }
    let scores: Vec<(Api, i32)> = Api::ALL
        .into_iter()
        .map(|api| (api, score(api, token)))
        .collect();
    let top = scores.iter().map(|(_, s)| *s).max().unwrap_or(i32::MIN);
    // The first listed of those that fit best: APNs and DeviceCheck tokens, say, are alike.
    let alike: Vec<Api> = scores
        .iter()
        .filter(|(_, s)| *s == top)
        .map(|(a, _)| *a)
        .collect();
    let api = alike[0];
    let aud = token.claims.get("aud").and_then(Value::as_str);
    let found_by = match (aud, api.audience()) {
        _ if alike.len() > 1 => format!(
            "its claims and header fit {} alike, read as the first; set ASC_API to read it as \
             another service",
            alike
                .iter()
                .map(|a| format!("`{}`", a.name()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Some(aud), Some(expected)) if aud == expected => {
            "read from `aud` and the claims; set ASC_API to read it as another service".to_owned()
        }
        _ => "the service that fits its claims and header best; set ASC_API to read it as \
              another service"
            .to_owned(),
    };
    Identified {
        api,
        key_type: key_type(api, &token.claims),
        found_by,
    }
}

/// How well `token` fits `api`'s rules: higher is better.
fn score(api: Api, token: &Decoded) -> i32 {
    let claims = &token.claims;
    let key_type = key_type(api, claims);
    let aud = claims.get("aud").and_then(Value::as_str);
    // A missing or foreign `aud` is scored with the other claims below.
    let mut score = match (aud, api.audience()) {
        (Some(aud), Some(expected)) if aud == expected => 10,
        (Some(_), Some(_)) => -1,
        _ => 0,
    };
    let (required, optional) = api.claim_names(key_type);
    score -= 2 * required
        .iter()
        .filter(|c| !claims.contains_key(**c))
        .count() as i32;
    score -= 2 * claims
        .keys()
        .filter(|c| !required.contains(&c.as_str()) && !optional.contains(&c.as_str()))
        .count() as i32;
    for (claim, id) in [
        ("iss", api.issuer(key_type)),
        ("sub", api.subject(key_type)),
    ] {
        if let (Some(id), Some(value)) = (id, claims.get(claim).and_then(Value::as_str)) {
            score += match id_problem(api, id, value, claims) {
                None => 1,
                Some(_) => -1,
            };
        }
    }
    let typ = token.header.contains_key("typ");
    score += i32::from(typ == api.has_typ());
    score += match (token.header.contains_key("id"), api.has_header_id()) {
        (true, true) => 3,
        (false, false) => 0,
        _ => -1,
    };
    score
}
