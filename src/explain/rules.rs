//! The token's header and claims against the rules of its service, from the rule tables
//! of `mint::token` (header, claims, issuer and subject, audience, lifetime) and `config`
//! (ID forms, scope and origin entries, the long-lived resources). Each check is one
//! line naming the service's token page (`Api::token_page`).

use serde_json::{Map, Value};

use crate::config::key_material::looks_like_key_or_scalar;
use crate::config::{long_lived, services, values};
use crate::explain::decode::Decoded;
use crate::explain::ids::id_problem;
use crate::explain::report::{Check, Outcome};
use crate::explain::service::Identified;
use crate::mint::token::{Api, KeyType, Lifetime, MAX_DURATION};

/// A value as a check quotes it: short printable strings and numbers as they are,
/// anything else by its kind and length (the claims line shows it in full).
pub fn quoted(value: Option<&Value>) -> String {
    match value {
        None => "missing".into(),
        // The claims line prints them in full: no secret, only kept to one short line.
        Some(Value::String(s))
            if s.len() <= 80
                && s.chars().all(|c| c.is_ascii_graphic() || c == ' ')
                && !looks_like_key_or_scalar(s) =>
        {
            format!("`{s}`")
        }
        Some(Value::String(s)) => format!("a string of {} characters", s.chars().count()),
        Some(Value::Number(n)) => format!("`{n}`"),
        Some(other) => format!("a JSON {}", kind(other)),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn text<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    map.get(name).and_then(Value::as_str)
}

/// Every check of the header and claims; `now` on the clock `clock` names.
pub fn check(token: &Decoded, id: &Identified, now: i64, clock: &str) -> Vec<Check> {
    let mut checks = header(token, id.api);
    checks.extend(claim_set(&token.claims, id));
    checks.extend(identities(&token.claims, id));
    checks.extend(audience(&token.claims, id.api));
    checks.extend(times(&token.claims, id.api, now, clock));
    checks.extend(scope_and_origin(&token.claims, id.api));
    checks
}

fn header(token: &Decoded, api: Api) -> Vec<Check> {
    let page = api.token_page();
    let header = &token.header;
    let alg = text(header, "alg");
    let mut checks = vec![Check::judged(
        "alg",
        (alg != Some("ES256")).then(|| {
            format!(
                "is {}: Apple's tokens are signed ES256 (ECDSA with P-256 and SHA-256)",
                quoted(header.get("alg"))
            )
        }),
        "`ES256`",
        page,
    )];
    checks.push(kid(header.get("kid"), api));
    checks.push(typ(header.get("typ"), api));
    if api.has_header_id() {
        let expected = format!(
            "{}.{}",
            text(&token.claims, "iss").unwrap_or("TEAMID"),
            text(&token.claims, "sub").unwrap_or("SERVICEID")
        );
        let problem = match text(header, "id") {
            Some(id) if id == expected => None,
            Some(_) => Some(format!(
                "is {}: it must be the Team ID and the Services ID joined by a period, \
                 `{expected}` (`iss`.`sub`)",
                quoted(header.get("id"))
            )),
            None => Some(format!(
                "is missing: {} carry the header field `id`, the Team ID and the Services ID \
                 joined by a period (`{expected}`)",
                api.title()
            )),
        };
        checks.push(Check::judged("id", problem, format!("`{expected}`"), page));
    }
    let listed = ["alg", "kid", "typ"];
    let others: Vec<String> = header
        .keys()
        .filter(|k| !(listed.contains(&k.as_str()) || (api.has_header_id() && *k == "id")))
        .map(|k| values::shown(k))
        .collect();
    if !others.is_empty() {
        checks.push(Check::new(
            "header",
            Outcome::Note,
            format!(
                "also carries {}, which Apple's page does not list for {}",
                others.join(", "),
                api.title()
            ),
            page,
        ));
    }
    checks
}

fn kid(kid: Option<&Value>, api: Api) -> Check {
    let page = api.token_page();
    let Some(value) = kid.and_then(Value::as_str) else {
        return Check::new(
            "kid",
            Outcome::Fail,
            format!(
                "is {}: Apple finds the key that signed the token by the key ID in `kid`",
                quoted(kid)
            ),
            page,
        );
    };
    let problem = match (api.has_uuid_key_id(), values::is_uuid(value)) {
        (true, true) => None,
        (true, false) => Some(format!(
            "is {}: {} name the key by its ID shown when the key was added to the API \
             account, a UUID",
            values::shown(value),
            api.title()
        )),
        (false, true) => Some(
            "is a UUID, which only Apple Business/School Manager and Apple Ads keys have: \
             expected the 10 letters and digits shown next to the key"
                .into(),
        ),
        (false, false) if !values::is_key_id(value) => Some(format!(
            "is {}: expected the key ID, the 10 letters and digits shown next to the key, \
             e.g. `2X9R4HXF34`",
            values::shown(value)
        )),
        (false, false) => None,
    };
    if problem.is_none() && value != value.to_ascii_uppercase() && !api.has_uuid_key_id() {
        return Check::new(
            "kid",
            Outcome::Note,
            "has lower-case letters: Apple shows key IDs in capitals; write it as shown",
            page,
        );
    }
    Check::judged("kid", problem, format!("`{value}`"), page)
}

fn typ(typ: Option<&Value>, api: Api) -> Check {
    let page = api.token_page();
    match (typ.and_then(Value::as_str), api.has_typ()) {
        (Some("JWT"), _) => Check::new("typ", Outcome::Pass, "`JWT`", page),
        (None, false) => Check::new("typ", Outcome::Pass, "absent, as Apple's page lists", page),
        (None, true) => Check::new(
            "typ",
            Outcome::Note,
            "is missing: Apple's page lists `typ` `JWT` in the header; add it",
            page,
        ),
        (_, true) => Check::new(
            "typ",
            Outcome::Fail,
            format!("is {}: Apple's page lists `JWT`", quoted(typ)),
            page,
        ),
        (_, false) => Check::new(
            "typ",
            Outcome::Note,
            format!("is {}, which Apple's page does not list", quoted(typ)),
            page,
        ),
    }
}

/// Every claim the service requires present; a claim it has no use for named (a
/// failure for `iss` and `sub`, which say whose key signed).
fn claim_set(claims: &Map<String, Value>, id: &Identified) -> Vec<Check> {
    let (api, page) = (id.api, id.api.token_page());
    let (required, optional) = api.claim_names(id.key_type);
    let mut checks: Vec<Check> = required
        .iter()
        .filter(|c| !claims.contains_key(**c))
        .map(|c| {
            let reason = format!("is missing: {} carry `{c}`", api.title());
            Check::new(c, Outcome::Fail, reason, page)
        })
        .collect();
    if checks.is_empty() {
        let names: Vec<String> = required.iter().map(|c| format!("`{c}`")).collect();
        let reason = format!("carries every claim Apple requires: {}", names.join(", "));
        checks.push(Check::new("claims", Outcome::Pass, reason, page));
    }
    for claim in claims.keys() {
        let claim = claim.as_str();
        if required.contains(&claim) || optional.contains(&claim) {
            continue;
        }
        let name = values::shown(claim);
        let check = match claim {
            "iss" if id.key_type == KeyType::Individual => Check::new(
                "iss",
                Outcome::Fail,
                "is set, but the token is an individual key's (`sub` `user`): individual keys \
                 don't use the issuer ID; leave `iss` out, or use a team key's token",
                page,
            ),
            "iss" | "sub" => Check::new(
                claim,
                Outcome::Fail,
                format!("is set, but {} carry no {name}", api.title()),
                page,
            ),
            _ => Check::new(
                "claims",
                Outcome::Note,
                format!(
                    "{name} is not a claim Apple's page lists for {}",
                    api.title()
                ),
                page,
            ),
        };
        checks.push(check);
    }
    checks
}

/// `iss` and `sub`: each the kind of ID the service names there.
fn identities(claims: &Map<String, Value>, id: &Identified) -> Vec<Check> {
    let (api, page) = (id.api, id.api.token_page());
    let mut checks = Vec::new();
    for (claim, which) in [
        ("iss", api.issuer(id.key_type)),
        ("sub", api.subject(id.key_type)),
    ] {
        let (Some(which), Some(value)) = (which, claims.get(claim)) else {
            continue;
        };
        let problem = match value.as_str() {
            Some(value) => id_problem(api, which, value, claims),
            None => Some(format!("is {}: expected a string", quoted(Some(value)))),
        };
        checks.push(Check::judged(claim, problem, quoted(Some(value)), page));
    }
    if api.has_bid()
        && let Some(bid) = claims.get("bid")
    {
        let problem = match bid.as_str() {
            Some(b) => values::identifier(b, "com.example.app").err(),
            None => Some(format!("is {}: expected the bundle ID", quoted(Some(bid)))),
        };
        checks.push(Check::judged("bid", problem, quoted(Some(bid)), page));
    }
    if api.has_jti()
        && let Some(jti) = claims.get("jti")
    {
        let blank = jti.as_str().is_none_or(|j| j.trim().is_empty());
        let problem = blank.then(|| "must be a unique identifier string".to_owned());
        checks.push(Check::judged("jti", problem, "a unique identifier", page));
    }
    checks
}

fn audience(claims: &Map<String, Value>, api: Api) -> Option<Check> {
    let (expected, aud) = (api.audience()?, claims.get("aud")?);
    let problem = (aud.as_str() != Some(expected)).then(|| {
        let whose = Api::ALL
            .into_iter()
            .find(|other| other.audience().is_some() && other.audience() == aud.as_str())
            .map(|other| format!(" (that is the audience of {})", other.title()))
            .unwrap_or_default();
        format!(
            "is {}{whose}: {} are for `{expected}`",
            quoted(Some(aud)),
            api.title()
        )
    });
    Some(Check::judged(
        "aud",
        problem,
        format!("`{expected}`"),
        api.token_page(),
    ))
}

/// `iat` and `exp`: whole seconds, `iat` not in the future, `exp` not passed, and the
/// lifetime within the service's limit.
fn times(claims: &Map<String, Value>, api: Api, now: i64, clock: &str) -> Vec<Check> {
    let page = api.token_page();
    let seconds = |name: &str| claims.get(name).map(|v| v.as_i64().ok_or(v));
    let mut checks = Vec::new();
    for name in ["iat", "exp"] {
        if let Some(Err(value)) = seconds(name) {
            let reason = format!(
                "is {}: expected whole seconds since 1970",
                quoted(Some(value))
            );
            checks.push(Check::new(name, Outcome::Fail, reason, page));
        }
    }
    let iat = seconds("iat").and_then(Result::ok);
    let exp = seconds("exp").and_then(Result::ok);
    if let Some(iat) = iat {
        let ahead = iat.saturating_sub(now);
        let problem = (ahead > 0).then(|| {
            format!(
                "is {ahead} s in the future on {clock}: Apple refuses a token issued in the \
                 future; back-date `iat` (asc-jwt uses now - 60 s), or fix the clock that minted it"
            )
        });
        checks.push(Check::judged(
            "iat",
            problem,
            format!("{} s ago", -ahead),
            page,
        ));
    }
    if let Some(exp) = exp {
        let left = exp.saturating_sub(now);
        let problem = (left <= 0).then(|| {
            format!(
                "passed {} s ago on {clock}: the token has expired; mint a new one",
                -left
            )
        });
        checks.push(Check::judged("exp", problem, format!("in {left} s"), page));
    }
    checks.extend(lifetime(claims, api, iat, exp, now));
    checks
}

fn lifetime(
    claims: &Map<String, Value>,
    api: Api,
    iat: Option<i64>,
    exp: Option<i64>,
    now: i64,
) -> Option<Check> {
    let page = api.token_page();
    let title = api.title();
    let iat = iat?;
    let (max, seconds) = match api.lifetime() {
        Lifetime::Fixed(max) => {
            let age = now.saturating_sub(iat);
            let problem = (age > max as i64).then(|| {
                format!("`iat` is {age} s old: {title} are refused more than {max} s after `iat`")
            });
            return Some(Check::judged(
                "lifetime",
                problem,
                format!("`iat` {age} s old, at most {max}"),
                page,
            ));
        }
        Lifetime::Up { max, .. } => (max, exp?.saturating_sub(iat)),
        Lifetime::ScopeDependent => (
            long_lived::max_lifetime(scope(claims).as_deref()),
            exp?.saturating_sub(iat),
        ),
    };
    let problem = match seconds {
        s if s <= 0 => Some(format!("`exp - iat` is {s} s: `exp` must come after `iat`")),
        s if s as u64 <= max => None,
        s if api.lifetime() == Lifetime::ScopeDependent && max == MAX_DURATION => Some(format!(
            "`exp - iat` is {s} s, over 20 minutes ({MAX_DURATION} s): App Store Connect \
             accepts that only for a scope whose every entry is a GET of a resource that \
             allows long-lived tokens ({}){}",
            long_lived::names(),
            match scope(claims) {
                None => ", and this token has no scope".to_owned(),
                Some(entries) => short_lived(&entries),
            }
        )),
        s => Some(format!(
            "`exp - iat` is {s} s: {title} live at most {max} s"
        )),
    };
    let ok = format!("`exp - iat` {seconds} s, at most {max}");
    Some(undocumented(
        api,
        Check::judged("lifetime", problem, ok, page),
    ))
}

/// A lifetime over a bound Apple does not state is worth a note, not a refusal.
fn undocumented(api: Api, check: Check) -> Check {
    match api.limit_documented() || check.result != Outcome::Fail {
        true => check,
        false => Check {
            result: Outcome::Note,
            reason: format!(
                "{}, this tool's bound: Apple's page states none",
                check.reason
            ),
            ..check
        },
    }
}

/// Which entries of a scope keep its token to 20 minutes, in words.
fn short_lived(entries: &[String]) -> String {
    let short: Vec<String> = entries
        .iter()
        .filter(|e| long_lived::resource_of(e).is_none())
        .take(3)
        .map(|e| quoted(Some(&Value::from(e.as_str()))))
        .collect();
    match short.is_empty() {
        true => ", which an empty scope is not".to_owned(),
        false => format!(", which this scope is not: {} is not", short.join(", ")),
    }
}

/// App Store Connect's scope claim as a list, when it is an array of strings.
fn scope(claims: &Map<String, Value>) -> Option<Vec<String>> {
    serde_json::from_value(claims.get("scope")?.clone()).ok()
}

/// `scope` and `origin` entries in the form the service reads.
fn scope_and_origin(claims: &Map<String, Value>, api: Api) -> Vec<Check> {
    let page = api.token_page();
    let mut checks = Vec::new();
    // The claims' forms are `mint::token::claims`': App Store Connect's scope and
    // MusicKit's origin an array of strings, Maps' scope one space-separated string and
    // its origin one comma-separated string.
    let as_lines = |value: &Value, array: bool, separator: char| match (value, array) {
        (Value::Array(_), true) => Ok(value.to_string()),
        (Value::String(s), false) => Ok(s.split(separator).collect::<Vec<_>>().join("\n")),
        _ => Err(format!(
            "is {}: expected {}",
            quoted(Some(value)),
            match array {
                true => "an array of strings".to_owned(),
                false => format!("one string, entries separated by `{separator}`"),
            }
        )),
    };
    if let Some(value) = claims
        .get("scope")
        .filter(|_| api.is_connect() || api == Api::Maps)
    {
        let parsed = match api {
            Api::Maps => as_lines(value, false, ' ').and_then(|t| values::maps_scope(&t)),
            _ => as_lines(value, true, ' ').and_then(|t| values::scope(&t)),
        };
        if let (Api::Maps, Ok(scope)) = (api, &parsed)
            && let Some(web) = services::web_scope(scope)
            && !claims.contains_key("origin")
        {
            let reason =
                format!("`{web}` needs `origin`, the web origins allowed to use the token");
            checks.push(Check::new("origin", Outcome::Fail, reason, page));
        }
        let ok = "every entry in the form Apple reads";
        checks.push(Check::judged("scope", parsed.err(), ok, page));
    }
    if let Some(value) = claims
        .get("origin")
        .filter(|_| matches!(api, Api::Music | Api::Maps))
    {
        let parsed = as_lines(value, api == Api::Music, ',').and_then(|t| values::origins(&t));
        checks.push(Check::judged("origin", parsed.err(), "web origins", page));
    }
    checks
}
