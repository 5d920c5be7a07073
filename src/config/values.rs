//! One function per kind of value: pure, no environment, no file system. Each returns the
//! value or the message that follows the variable's name (`is …`, `must …`), never
//! quoting anything that could be a secret.

use crate::config::key_material::{LOOKS_LIKE_THE_KEY, looks_like_key, looks_like_key_or_scalar};
use crate::config::long_lived;
use crate::mint::token::{MAX_DURATION, MAX_GET_ONLY_DURATION, MIN_DURATION};

/// A value with a fixed set of names, read by [`one_of`].
pub trait Choice: Sized + Copy + 'static {
    /// Each name and its value, in the order messages list them.
    const CHOICES: &'static [(&'static str, Self)];
}

impl Choice for bool {
    const CHOICES: &'static [(&'static str, bool)] = &[("true", true), ("false", false)];
}

/// The one parser for enumerated values: any case, the names listed when it fails, and
/// the one it was probably meant to be, as a suggestion only: nothing close is taken.
pub fn one_of<T: Choice>(value: &str) -> Result<T, String> {
    let lower = value.to_ascii_lowercase();
    let Some((_, choice)) = T::CHOICES.iter().find(|(name, _)| *name == lower) else {
        let meant = closest(&lower, T::CHOICES.iter().map(|(name, _)| *name))
            .map(|name| format!("; did you mean `{name}`?"))
            .unwrap_or_default();
        return Err(format!(
            "is {}: expected {}{meant}",
            shown(value),
            names::<T>()
        ));
    };
    Ok(*choice)
}

/// The name `value` was most likely meant to be, if any is close: clap's measure (Jaro
/// similarity above 0.7), or one holding the other (`key_path` in `private_key_path`),
/// which ranks first. Compared in lower case.
pub fn closest<'a>(value: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value = value.to_ascii_lowercase();
    let score = |name: &str| {
        let name = name.to_ascii_lowercase();
        let held = value.len().min(name.len()) >= 3
            && (name.contains(value.as_str()) || value.contains(name.as_str()));
        strsim::jaro(&value, &name) + if held { 0.5 } else { 0.0 }
    };
    names
        .into_iter()
        .map(|name| (score(name), name))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// `` `a` or `b` ``, `` `a`, `b` or `c` ``.
pub fn names<T: Choice>() -> String {
    let quoted: Vec<String> = T::CHOICES.iter().map(|(n, _)| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Quotes a value in a message only when it is short enough to be no secret's fragment.
pub fn shown(value: &str) -> String {
    if value.chars().count() <= 15 && value.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        format!("`{value}`")
    } else {
        format!("a value of {} characters", value.chars().count())
    }
}

/// Apple's key IDs are 10 capital letters and digits; a lower-case one is upper-cased
/// (Apple shows them in capitals). Nothing but a file name's ID is ever quoted back, since
/// a long value may be the key pasted into the wrong field.
pub fn key_id(value: &str) -> Result<String, String> {
    const EXPECTED: &str = "expected the 10 letters and digits shown next to the key in App \
                            Store Connect, e.g. `2X9R4HXF34`";
    let from_file_name = value
        .strip_prefix("AuthKey_")
        .map(|id| id.trim_end_matches(".p8"));
    if let Some(id) = from_file_name.filter(|id| is_key_id(id)) {
        return Err(format!(
            "starts with `AuthKey_`: that is the file name; the key ID is {id}, so set it \
             to `{id}`"
        ));
    }
    if looks_like_key_or_scalar(value) {
        return Err(format!("{LOOKS_LIKE_THE_KEY}; {EXPECTED}"));
    }
    if let Some(position) = value.chars().position(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "must contain only ASCII letters and digits, but character {} is not one; {EXPECTED}",
            position + 1
        ));
    }
    if value.len() != 10 {
        return Err(format!("is {} characters long: {EXPECTED}", value.len()));
    }
    Ok(value.to_ascii_uppercase())
}

/// Exactly what Apple's key IDs look like, in any case.
pub fn is_key_id(value: &str) -> bool {
    value.len() == 10 && value.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Strips one matching pair of `"` or `'` around the whole value, as a `.env` file has
/// them, and the white space inside it.
pub fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.trim();
        }
    }
    value
}

/// A control character in a path could start a new line in every channel the path is
/// printed to (stderr, workflow commands, dotenv); no real folder needs one.
pub fn plain_path(value: &str) -> Result<String, String> {
    // A folder would be created with the key as its name, and quoted in messages; a SHA-256
    // is a folder's name, so 64 bare hex digits pass (`looks_like_key`).
    if looks_like_key(value) {
        return Err(format!(
            "{LOOKS_LIKE_THE_KEY}; expected a folder path, e.g. `~/private_keys`"
        ));
    }
    match value.chars().position(char::is_control) {
        Some(position) => Err(format!(
            "has a control character (such as a line break) at position {}: expected a \
             plain folder path",
            position + 1
        )),
        None => Ok(value.to_owned()),
    }
}

/// 8-4-4-4-12 hex digits, in any case.
pub fn is_uuid(value: &str) -> bool {
    let lengths: Vec<usize> = value.split('-').map(str::len).collect();
    lengths == [8, 4, 4, 4, 12] && value.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

pub fn uuid_shape(value: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected the UUID-shaped issuer ID, 8-4-4-4-12 hex digits such as \
                            `57246542-96fe-1a63-e053-0824d011072a`";
    if looks_like_key_or_scalar(value) {
        return Err(format!("{LOOKS_LIKE_THE_KEY}; {EXPECTED}"));
    }
    let lengths: Vec<usize> = value.split('-').map(str::len).collect();
    if is_key_id(value) {
        return Err(format!(
            "is 10 letters and digits, the shape of a key ID or Team ID: {EXPECTED}"
        ));
    }
    if lengths != [8, 4, 4, 4, 12] {
        let groups: Vec<String> = lengths.iter().map(usize::to_string).collect();
        return Err(format!(
            "is not shaped like a UUID ({} characters in groups of {}); {EXPECTED}",
            value.chars().count(),
            groups.join("-")
        ));
    }
    if let Some(position) = value
        .chars()
        .position(|c| c != '-' && !c.is_ascii_hexdigit())
    {
        return Err(format!(
            "has a character that is not a hex digit at position {}; {EXPECTED}",
            position + 1
        ));
    }
    Ok(())
}

const SCOPE_METHODS: [&str; 5] = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/// A JSON array of strings, or one entry per line.
pub fn scope(value: &str) -> Result<Vec<String>, String> {
    // The scope is signed into the token, and verify sends its first GET to Apple in the
    // URL: the key must get to neither, nor be quoted back. Checked whole first, for the
    // key cut into several entries (`xxd -p`'s lines, say).
    if looks_like_key_or_scalar(value) {
        return Err(format!(
            "{LOOKS_LIKE_THE_KEY}; expected requests such as `GET /v1/apps`"
        ));
    }
    let entries = list(value, "[\"GET /v1/apps\"]")?;
    if entries.is_empty() {
        return Err(
            "lists no requests: expected entries such as `GET /v1/apps`, or leave it \
                    unset for a token without a scope"
                .into(),
        );
    }
    for (n, entry) in entries.iter().enumerate() {
        // A JSON array's escapes (`\u0041`) are read only now.
        if looks_like_key_or_scalar(entry) {
            return Err(format!("entry {} {LOOKS_LIKE_THE_KEY}", n + 1));
        }
        scope_entry(entry).map_err(|why| format!("entry {} {why}", n + 1))?;
    }
    Ok(entries)
}

fn scope_entry(entry: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected `METHOD /path` with an optional `?query`, \
                            e.g. `GET /v1/apps?filter[platform]=IOS`";
    if entry.starts_with('/') {
        return Err(format!("has no method before its path; {EXPECTED}"));
    }
    let Some((method, target)) = entry.split_once(' ') else {
        return Err(format!("has no space between method and path; {EXPECTED}"));
    };
    if !SCOPE_METHODS.contains(&method) {
        return Err(format!(
            "has method {}: expected one of {} in capitals",
            shown(method),
            SCOPE_METHODS.join(", ")
        ));
    }
    if target.starts_with("http://") || target.starts_with("https://") {
        return Err(format!(
            "has a full URL: give the path only, e.g. `GET /v1/apps`; {EXPECTED}"
        ));
    }
    // `GET /v1/apps GET /v1/builds`, or with a comma between them.
    if SCOPE_METHODS
        .iter()
        .any(|m| target.contains(&format!(" {m} /")))
    {
        return Err(
            "lists several requests on one line: put them one per line or in a \
                    JSON array, e.g. `[\"GET /v1/apps\", \"GET /v1/builds\"]`"
                .into(),
        );
    }
    if !target.starts_with('/') {
        return Err(format!(
            "has a path that does not start with `/`; {EXPECTED}"
        ));
    }
    if target.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("has white space inside its path; {EXPECTED}"));
    }
    path_placeholder(target.split('?').next().unwrap_or_default())
}

/// What a template or an empty variable leaves in a scope path (`//`, `{id}`, `:id`):
/// a request Apple refuses, so the token could never be used for it.
fn path_placeholder(path: &str) -> Result<(), String> {
    if path.contains("//") {
        return Err(
            "has an empty path segment (`//`): is a variable, such as an ID, \
                    empty? Write the resource's real ID there"
                .into(),
        );
    }
    let placeholder = path
        .split('/')
        .find(|segment| segment.starts_with(':') || segment.contains(['{', '}']));
    match placeholder {
        Some(segment) => Err(format!(
            "has the placeholder {} in its path: write the resource's real ID there, as \
             Apple's request would carry it",
            shown(segment)
        )),
        None => Ok(()),
    }
}

/// A whole number of seconds; its bounds depend on the api and the scope
/// ([`duration_bounds`], [`duration_up_to`]), which are not known yet when it is read.
pub fn seconds(value: &str) -> Result<u64, String> {
    value.parse().map_err(|_| {
        format!(
            "is {}: expected a whole number of seconds, from {MIN_DURATION} to the api's \
             maximum ({MAX_DURATION} for `app-store-connect`; see ASC_DURATION in \
             `asc-jwt --help`)",
            shown(value)
        )
    })
}

/// Apple's rule for App Store Connect: 20 minutes at most; up to six months only when
/// every scope entry is a GET of a resource that allows long-lived tokens
/// ([`long_lived`]; `appstoreconnectapi/generating-tokens-for-api-requests`, "Determine
/// the Appropriate Token Lifetime").
pub fn duration_bounds(seconds: u64, scope: Option<&[String]>) -> Result<u64, String> {
    if seconds < MIN_DURATION {
        return Err(format!(
            "is {seconds} s: expected at least {MIN_DURATION} s, because the token is \
             back-dated by 60 s and would otherwise be usable for under a minute"
        ));
    }
    // Apple's rule is `long_lived`'s; what follows only says why a lifetime is too long.
    if seconds <= long_lived::max_lifetime(scope) {
        return Ok(seconds);
    }
    let resources = long_lived::names();
    let Some(entries) = scope else {
        return Err(format!(
            "is {seconds} s: Apple refuses a token that lives longer than 20 minutes \
             ({MAX_DURATION} s) unless it has a scope whose every entry is a GET of a \
             resource that allows long-lived tokens ({resources}); lower the duration, or \
             set ASC_SCOPE (input scope) to such requests only, e.g. `GET /v1/ciProducts`"
        ));
    };
    let short: Vec<String> = entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| long_lived::resource_of(entry).is_none())
        .map(|(n, entry)| scope_entry_named(n, entry))
        .collect();
    if !short.is_empty() {
        return Err(format!(
            "is {seconds} s, but ASC_SCOPE (input scope) {} cannot live longer than 20 \
             minutes ({MAX_DURATION} s): Apple accepts a longer lifetime only when every \
             entry is a GET of a resource that allows it ({resources}); lower the duration, \
             or keep only such entries in the scope",
            short.join(", ")
        ));
    }
    Err(format!(
        "is {seconds} s: Apple allows at most six months ({MAX_GET_ONLY_DURATION} s) even \
         for a scope of resources that allow long-lived tokens"
    ))
}

/// A scope entry (0-based `n`) in a message: its number, and its text when it is short
/// and holds nothing [`looks_like_key_or_scalar`] takes for the key.
fn scope_entry_named(n: usize, entry: &str) -> String {
    match entry.len() <= 100 && !looks_like_key_or_scalar(entry) {
        true => format!("entry {} `{entry}`", n + 1),
        false => format!("entry {}", n + 1),
    }
}

/// A Team ID: like a key ID, 10 letters and digits, upper-cased
/// (`signinwithapple/creating-a-client-secret`: "the 10-character Team ID").
pub fn team_id(value: &str) -> Result<String, String> {
    const EXPECTED: &str = "expected the 10-character Team ID shown under Membership details \
                            in your Apple Developer account, e.g. `DEF123GHIJ`";
    if looks_like_key_or_scalar(value) {
        return Err(format!("{LOOKS_LIKE_THE_KEY}; {EXPECTED}"));
    }
    // Apple Ads' team ID, kept as written; which api it fits is `services`' to say.
    if value.starts_with(SEARCHADS) {
        return searchads_id(value, "teamId");
    }
    if !is_key_id(value) {
        return Err(format!(
            "is {}: {EXPECTED}",
            match value.chars().all(|c| c.is_ascii_alphanumeric()) {
                true => format!("{} characters long", value.chars().count()),
                false => "not only ASCII letters and digits".to_owned(),
            }
        ));
    }
    Ok(value.to_ascii_uppercase())
}

/// The prefix of Apple Ads' team and client IDs.
pub const SEARCHADS: &str = "SEARCHADS.";

/// An Apple Ads team or client ID: `SEARCHADS.` and a UUID, as in Apple's example payload
/// (`"iss": "SEARCHADS.9703f56c-10ce-4876-8f59-e78e5e23a152"`, `apple_ads/implementing-
/// oauth-for-the-apple-search-ads-api`); `field` names it in the credentials Apple shows.
pub fn searchads_id(value: &str, field: &str) -> Result<String, String> {
    match value.strip_prefix(SEARCHADS).filter(|rest| is_uuid(rest)) {
        Some(_) => Ok(value.to_owned()),
        None => Err(format!(
            "must be `{SEARCHADS}` followed by a UUID (8-4-4-4-12 hex digits): copy the \
             `{field}` shown with the credentials in Apple Ads (Account Settings > API)"
        )),
    }
}

/// A bundle ID, Services ID, App ID or client ID: ASCII letters, digits, `.`, `-` and
/// `_`, kept as written (Apple compares them case-sensitively).
pub fn identifier(value: &str, example: &str) -> Result<String, String> {
    if looks_like_key_or_scalar(value) {
        return Err(format!("{LOOKS_LIKE_THE_KEY}; expected e.g. `{example}`"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-_".contains(c);
    if let Some(position) = value.chars().position(|c| !allowed(c)) {
        return Err(format!(
            "has a character other than ASCII letters, digits, `.`, `-` and `_` at position \
             {}: expected an identifier such as `{example}`",
            position + 1
        ));
    }
    if value.len() > 255 {
        return Err(format!(
            "is {} characters long: expected at most 255",
            value.len()
        ));
    }
    Ok(value.to_owned())
}

/// Web origins (MusicKit, Maps): a JSON array of strings, or one per line; each one word
/// without commas, since Maps joins them with commas.
pub fn origins(value: &str) -> Result<Vec<String>, String> {
    // An origin goes into a token that web pages carry: the key must never get there.
    let the_key =
        || format!("{LOOKS_LIKE_THE_KEY}; expected web origins such as `https://example.com`");
    let entries = list(value, "[\"https://example.com\"]").map_err(|why| {
        match looks_like_key_or_scalar(value) {
            true => the_key(),
            false => why,
        }
    })?;
    if entries.is_empty() {
        return Err(
            "lists no origins: expected e.g. `https://example.com`, or leave it unset".into(),
        );
    }
    for (n, entry) in entries.iter().enumerate() {
        if looks_like_key_or_scalar(entry) && entries.len() == 1 {
            return Err(the_key());
        }
        if looks_like_key_or_scalar(entry) {
            return Err(format!("entry {} {LOOKS_LIKE_THE_KEY}", n + 1));
        }
        if entry
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',')
        {
            return Err(format!(
                "entry {} has white space or a comma: put one origin per line or per array \
                 element, e.g. `https://example.com`",
                n + 1
            ));
        }
        if entry.len() > 300 {
            return Err(format!("entry {} is longer than 300 characters", n + 1));
        }
    }
    // The key cut into several entries (one per line of its body, say).
    if looks_like_key_or_scalar(value) {
        return Err(the_key());
    }
    Ok(entries)
}

/// A JSON array of strings, or one entry per line; entries trimmed, blank ones dropped.
fn list(value: &str, example: &str) -> Result<Vec<String>, String> {
    let entries: Vec<String> = if value.starts_with('[') {
        serde_json::from_str::<Vec<String>>(value).map_err(|_| {
            format!(
                "starts with `[` but is not a JSON array of strings: expected e.g. \
                 `{example}`, or one entry per line"
            )
        })?
    } else {
        value.lines().map(str::to_owned).collect()
    };
    Ok(entries
        .into_iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect())
}

/// The scopes a Maps token may carry (`applemapsserverapi/creating-and-using-tokens-with-
/// maps-server-api`).
pub const MAPS_SCOPES: [&str; 4] = ["server_api", "mapkit_js", "web_snapshots", "embed_api"];

/// A Maps token's scopes, each one of [`MAPS_SCOPES`].
pub fn maps_scope(value: &str) -> Result<Vec<String>, String> {
    let entries = list(value, "[\"server_api\"]")?;
    let expected = format!("expected one or more of `{}`", MAPS_SCOPES.join("`, `"));
    if entries.is_empty() {
        return Err(format!("lists no scopes: {expected}"));
    }
    for (n, entry) in entries.iter().enumerate() {
        // The claim is one space-separated string; the setting is a list like ASC_SCOPE's.
        if entry.contains(char::is_whitespace) || entry.contains(',') {
            return Err(format!(
                "entry {} has white space or a comma: put one scope per line or per array element, \
                 e.g. `[\"server_api\", \"mapkit_js\"]`",
                n + 1
            ));
        }
        if !MAPS_SCOPES.contains(&entry.as_str()) {
            return Err(format!("entry {} is {}: {expected}", n + 1, shown(entry)));
        }
    }
    Ok(entries)
}

/// Apple Business and School Manager key IDs are UUIDs ("your `keyId` that returns when
/// you upload a public key"), kept as written.
pub fn manager_key_id(value: &str) -> Result<String, String> {
    const EXPECTED: &str = "expected the key ID shown when the key was added to the API \
                            account, 8-4-4-4-12 hex digits such as \
                            `e339d085-a821-438a-a527-d044edacf50a`";
    if looks_like_key_or_scalar(value) {
        return Err(format!("{LOOKS_LIKE_THE_KEY}; {EXPECTED}"));
    }
    if !is_uuid(value) {
        let hint = match is_key_id(value) {
            true => " (10 letters and digits are the key IDs of developer-account keys)",
            false => "",
        };
        return Err(format!("is not a UUID{hint}: {EXPECTED}"));
    }
    Ok(value.to_owned())
}

/// A lifetime from `min` to the service's `max` seconds.
pub fn duration_up_to(seconds: u64, min: u64, max: u64, title: &str) -> Result<u64, String> {
    if seconds < min {
        return Err(format!(
            "is {seconds} s: expected at least {min} s, because the token is back-dated by \
             60 s and would otherwise be usable for under a minute"
        ));
    }
    if seconds > max {
        return Err(format!(
            "is {seconds} s: {title} live at most {max} s ({}); lower it",
            in_words(max)
        ));
    }
    Ok(seconds)
}

/// A limit in the words Apple uses for it.
fn in_words(seconds: u64) -> String {
    match seconds {
        3600 => "60 minutes".into(),
        15_777_000 => "six months".into(),
        s if s % 86_400 == 86_399 => format!("under {} days", s / 86_400 + 1),
        s => format!("{} minutes", s / 60),
    }
}

/// Only loopback over plain HTTP: the override exists for tests and must never send a
/// token anywhere else.
pub fn test_base_url(value: &str) -> Result<String, String> {
    let value = value.trim_end_matches('/');
    let port = value
        .strip_prefix("http://127.0.0.1:")
        .or_else(|| value.strip_prefix("http://[::1]:"));
    match port {
        // A port as a listener reports it: 1 to 65535, no leading zero.
        Some(port)
            if !port.starts_with('0')
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u16>().is_ok_and(|p| p > 0) =>
        {
            Ok(value.to_owned())
        }
        _ => Err(
            "is for tests only and accepts only `http://127.0.0.1:PORT` or \
                  `http://[::1]:PORT`; unset it to reach Apple"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

    #[test]
    fn enumerated_values_ignore_case_and_list_the_names() {
        assert_eq!(one_of::<bool>("TRUE"), Ok(true));
        assert_eq!(
            one_of::<bool>("yes"),
            Err("is `yes`: expected `true` or `false`".into())
        );
    }

    #[test]
    fn issuer_id_accepts_apple_non_v4_uuids_in_any_case() {
        assert!(uuid_shape(ISSUER).is_ok());
        assert!(uuid_shape(&ISSUER.to_uppercase()).is_ok());
        assert!(uuid_shape("57246542-96fe-1a63-e053-0824d011072").is_err());
        assert!(uuid_shape("5724654296fe1a63e0530824d011072a").is_err());
        assert!(uuid_shape("57246542-96fe-1a63-e053-0824d011072g").is_err());
    }

    #[test]
    fn scope_reads_json_arrays_and_lines_alike() {
        let json = scope(r#"["GET /v1/apps?filter[platform]=IOS", "POST /v1/builds"]"#);
        let lines = scope("GET /v1/apps?filter[platform]=IOS\n\n  POST /v1/builds\r\n");
        assert_eq!(json, lines);
        assert_eq!(json.unwrap().len(), 2);
    }

    #[test]
    fn scope_entries_are_checked() {
        let error = |value| scope(value).unwrap_err();
        assert!(error("get /v1/apps").contains("entry 1 has method `get`"));
        assert!(error("GET v1/apps").contains("does not start with `/`"));
        assert!(error("GET").contains("no space"));
        assert!(error("[1]").contains("JSON array of strings"));
        assert!(error("[]").contains("lists no requests"));
        // What a template or an empty variable leaves: Apple would refuse the request.
        assert!(error("GET /v1/ciWorkflows//buildRuns").contains("empty path segment"));
        assert!(error("GET /v1/apps/{id}/builds").contains("placeholder `{id}`"));
        assert!(error("GET /v1/apps/:id/builds").contains("placeholder `:id`"));
        assert!(
            scope("GET /v1/apps?filter[name]=a//b").is_ok(),
            "a query may hold `//`"
        );
    }

    #[test]
    fn real_scope_entries_pass_and_a_hex_run_of_a_scalar_does_not() {
        let entries = [
            "GET /v1/ciProducts/5A2B3C4D-1E2F-4A5B-8C6D-7E8F9A0B1C2D/workflows",
            "GET /v1/builds?filter[app]=1234567890",
            "GET /v1/apps?filter[bundleId]=com.example.app",
            "GET /v3/appPricePoints/eyJzIjoiMTUwNjQxNjU0NyIsInQiOiJVU0EiLCJwIjoiMTAwMDAifQ",
            "POST /v1/betaTesters",
        ];
        assert_eq!(scope(&entries.join("\n")).map(|e| e.len()), Ok(5));
        // A SHA-256 of `test`, shaped like the key's scalar in hex.
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        for value in [
            format!("GET /v1/apps?x={hex}"),
            format!(
                r#"["GET /v1/apps", "GET /v1/apps?x=\u00{}{}"]"#,
                &hex[..2],
                &hex[2..]
            ),
        ] {
            let error = scope(&value).unwrap_err();
            assert!(error.contains("looks like the private key"), "{error}");
            assert!(!error.contains(&hex[8..24]), "{error}");
        }
    }

    #[test]
    fn duration_bounds_follow_apples_rule() {
        let long_lived = vec!["GET /v1/ciProducts".to_owned()];
        let mixed = vec!["GET /v1/apps".to_owned(), "POST /v1/apps".to_owned()];
        assert_eq!(duration_bounds(120, None), Ok(120));
        assert!(duration_bounds(119, None).is_err());
        assert_eq!(duration_bounds(1200, Some(&mixed)), Ok(1200));
        assert!(
            duration_bounds(1201, None)
                .unwrap_err()
                .contains("longer than 20 minutes")
        );
        assert!(duration_bounds(1201, Some(&mixed)).is_err());
        assert_eq!(duration_bounds(1201, Some(&long_lived)), Ok(1201));
        assert_eq!(
            duration_bounds(15_777_000, Some(&long_lived)),
            Ok(15_777_000)
        );
        assert!(duration_bounds(15_777_001, Some(&long_lived)).is_err());
        assert!(seconds("-5").is_err());
        assert!(seconds("1e3").is_err());
    }

    #[test]
    fn a_get_only_scope_of_other_resources_stays_at_20_minutes() {
        let scope: Vec<String> = ["GET /v1/ciWorkflows/1", "GET /v1/apps", "GET /v1/builds"]
            .map(String::from)
            .to_vec();
        let refused = duration_bounds(3600, Some(&scope)).unwrap_err();
        assert!(
            refused.starts_with(
                "is 3600 s, but ASC_SCOPE (input scope) entry 2 `GET /v1/apps`, entry 3 \
                 `GET /v1/builds` cannot live longer than 20 minutes (1200 s)"
            ),
            "{refused}"
        );
        assert!(refused.contains("Build Actions, Build Runs,"), "{refused}");
        assert!(!refused.contains("GET-only"), "{refused}");
        // A long entry is named by its number only.
        let long = vec![format!("GET /v1/apps?filter[name]={}", "a".repeat(100))];
        let refused = duration_bounds(3600, Some(&long)).unwrap_err();
        assert!(
            refused.contains("(input scope) entry 1 cannot"),
            "{refused}"
        );
    }

    #[test]
    fn the_test_base_url_must_be_loopback_http() {
        assert!(test_base_url("http://127.0.0.1:8080").is_ok());
        assert!(test_base_url("http://[::1]:8080/").is_ok());
        for bad in [
            "https://api.appstoreconnect.apple.com",
            "http://127.0.0.1.evil:80",
            "http://127.0.0.1:80@evil.example",
            "http://localhost:80",
            "http://10.0.0.1:80",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:0",
            "http://127.0.0.1:08080",
            "http://127.0.0.1:",
        ] {
            assert!(test_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_ids_are_ten_letters_and_digits_in_capitals() {
        assert_eq!(key_id("abcde12345"), Ok("ABCDE12345".into()));
        assert!(
            key_id("ABCDE1234")
                .unwrap_err()
                .contains("9 characters long")
        );
        let file_name = key_id("AuthKey_ABCDE12345.p8").unwrap_err();
        assert!(
            file_name.contains("the key ID is ABCDE12345"),
            "{file_name}"
        );
        let long = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg";
        let pasted = key_id(long).unwrap_err();
        assert!(pasted.contains("looks like the private key") && !pasted.contains(&long[..16]));
    }

    #[test]
    fn an_identifier_with_a_run_of_base64url_is_taken_for_the_key() {
        let body = "MIGTAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBHkwdwIBAQQg_x-y";
        let error = identifier(&format!("com.{body}"), "com.example.app").unwrap_err();
        assert!(error.starts_with("looks like the private key"), "{error}");
        assert!(!error.contains(body));
        let abm = "BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152";
        assert_eq!(identifier(abm, "x").as_deref(), Ok(abm));
        let long = "com.example.averyveryverylongappnamewithmorethanfortyletters";
        assert_eq!(identifier(long, "x").as_deref(), Ok(long));
    }

    #[test]
    fn an_origin_holding_a_base64url_key_or_jwk_d_is_refused() {
        let body = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg-VGIhdtj29Jud-OyBZ";
        let jwk_d = "-VGIhdtj29Jud-OyBZmxEKoX06zNEVIXOrDvU2rVRSU";
        for value in [
            body.to_owned(),
            jwk_d.to_owned(),
            format!("https://{jwk_d}"),
        ] {
            let error = origins(&value).unwrap_err();
            assert!(error.contains("looks like the private key"), "{error}");
            assert!(!error.contains(jwk_d));
        }
        let fine = "https://music.example.com\n*.example.com\nhttp://localhost:8080";
        assert_eq!(origins(fine).unwrap().len(), 3);
    }

    #[test]
    fn a_key_folder_that_is_the_key_is_refused_and_not_quoted() {
        use base64::Engine as _;
        let pem = include_str!("../../tests/fixtures/test-only-p256.p8");
        let b64 = base64::engine::general_purpose::STANDARD.encode(pem);
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for value in [b64.as_str(), body.as_str(), pem] {
            let error = plain_path(value).unwrap_err();
            assert!(error.starts_with("looks like the private key"), "{error}");
            assert!(!error.contains(&body[..16]) && !error.contains(&b64[..16]));
        }
        for fine in [
            "/home/runner/work/_temp/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
            "~/.appstoreconnect/private_keys",
            "C:\\Users\\runner\\keys",
        ] {
            assert_eq!(plain_path(fine).as_deref(), Ok(fine));
        }
    }

    #[test]
    fn one_pair_of_matching_quotes_is_removed() {
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote("' x '"), "x");
        assert_eq!(unquote("\"a'"), "\"a'");
        assert_eq!(unquote("''a''"), "'a'");
    }

    #[test]
    fn a_uuid_with_extra_characters_is_not_taken_for_a_key() {
        let long = format!("{ISSUER}-abc");
        assert!(
            uuid_shape(&long)
                .unwrap_err()
                .contains("not shaped like a UUID")
        );
    }

    #[test]
    fn long_values_are_never_quoted_back() {
        assert_eq!(shown("itunes"), "`itunes`");
        assert_eq!(shown("MIGHAgEAMBMGByqGSM49"), "a value of 20 characters");
    }
}
