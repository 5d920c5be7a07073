//! The pure step: raw `ASC_*` values → validated [`Settings`]. No file system, no clock:
//! it reads a map of variables, runs each setting's parser from the table, then the
//! checks that involve several settings, and collects every problem so that one run
//! reports them all. What needs the machine (reading a key file, default folders) is
//! `load`'s.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

pub use crate::config::problems::{Invalid, Problem};
use crate::config::settings::{Clock, Low, Raw, SETTINGS, Var};
use crate::config::{near_miss, values};
use crate::deliver::keyfile::KeyFiles;
use crate::deliver::output::{self, Format};
use crate::mint::key::{self, P256Key};
use crate::mint::token::{Api, TokenSpec};

/// The process environment, as read with `std::env::vars_os` (which, unlike `vars`,
/// does not panic on a value that is not UTF-8).
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, OsString>,
}

impl Env {
    pub fn new(vars: impl IntoIterator<Item = (OsString, OsString)>) -> Self {
        let vars = vars
            .into_iter()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v)))
            .collect();
        Env { vars }
    }

    /// The value, unless unset, empty or blank.
    pub fn get_os(&self, name: &str) -> Option<&OsString> {
        self.vars
            .get(name)
            .filter(|v| v.to_str().is_none_or(|s| !s.trim().is_empty()))
    }

    /// The names of the variables set (not blank).
    pub fn names(&self) -> Vec<&str> {
        let set = |name: &&String| self.get_os(name).is_some();
        let mut names: Vec<&str> = self.vars.keys().filter(set).map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// Whether this is a GitHub Actions step.
    pub fn in_github_actions(&self) -> bool {
        self.get_os("GITHUB_ACTIONS").and_then(|v| v.to_str()) == Some("true")
    }

    pub fn home(&self) -> Option<PathBuf> {
        self.get_os("HOME")
            .or_else(|| self.get_os("USERPROFILE"))
            .map(PathBuf::from)
    }
}

/// Where the key comes from: parsed from its variable, or still a file to read.
#[derive(Debug, Clone)]
pub enum KeySource {
    Parsed(P256Key),
    File(PathBuf),
}

/// `GITHUB_OUTPUT`, `GITHUB_ENV` and `GITHUB_PATH`, as the runner sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GithubFiles {
    pub output: Option<PathBuf>,
    pub env: Option<PathBuf>,
    pub path: Option<PathBuf>,
}

/// A valid configuration, short of what needs the machine.
#[derive(Debug, Clone)]
pub struct Settings {
    pub spec: TokenSpec,
    pub key: KeySource,
    /// The variable the key came from, for messages about it.
    pub key_var: Var,
    pub format: Format,
    /// The key files asked for; the folder, when not given, is `load`'s to choose.
    pub key_files: Option<KeyFiles<Option<PathBuf>>>,
    /// Whether to put the binary on `GITHUB_PATH` (and, with a key file, its settings on
    /// `GITHUB_ENV`) for later steps.
    pub add_to_path: bool,
    pub github: GithubFiles,
    /// Whose clock `iat` and `exp` are counted on.
    pub clock: Clock,
    /// Whether to ask Apple if it accepts the token.
    pub verify: bool,
    /// Apple's API host (overridden only by tests).
    pub api_base_url: String,
    /// The key ID in the key file's name `AuthKey_<ID>.p8`, when it differs from the key ID.
    pub mismatched_file_id: Option<String>,
    /// Things worth saying that do not stop the mint.
    pub warnings: Vec<String>,
}

/// Reads and validates every setting in `env`.
pub fn check(env: &Env) -> Result<Settings, Invalid> {
    let mut found = Invalid::default();
    let raw = read_raw(env, &mut found);
    swapped_ids(&raw, &mut found);
    let low = parse(&raw, &mut found);
    let spec = crate::config::services::check(&low, &mut found);
    let github = GithubFiles {
        output: env.get_os("GITHUB_OUTPUT").map(PathBuf::from),
        env: env.get_os("GITHUB_ENV").map(PathBuf::from),
        path: env.get_os("GITHUB_PATH").map(PathBuf::from),
    };
    let format = found.or(Var::Format, low.format, Format::Text);
    format_needs(format, &low, &github, &mut found);
    if low.add_to_path && github.path.is_none() {
        let warning = format!("{} {ADD_TO_PATH_OUTSIDE}", Var::AddToPath);
        found.warnings.push(warning);
    }
    // Verifying implies Apple's clock unless the clock is chosen explicitly.
    let clock_default = if low.verify {
        Clock::Apple
    } else {
        Clock::Local
    };
    let clock = found.or(Var::Clock, low.clock, clock_default);
    let base_url = spec
        .as_ref()
        .map(|s| crate::apple::hosts::base_url(s.api).to_owned());
    let api_base_url = low.api_base_url.clone().or(base_url);
    let key = key_source(&low, env, true, &mut found);
    let mismatched_file_id = mismatched_file_id(key.as_ref(), &low);
    found.problems.sort_by_key(|p| p.var as usize);
    near_miss::tell(&env.names(), &mut found);
    if let Some((KeySource::File(path), _)) = &key {
        found.key_file = Some(path.clone());
    }
    match (spec, key, format, clock, api_base_url) {
        (Some(spec), Some((key, key_var)), Some(format), Some(clock), Some(api_base_url))
            if found.problems.is_empty() =>
        {
            Ok(Settings {
                key_files: wanted_files(&low, env),
                add_to_path: low.add_to_path,
                verify: low.verify,
                warnings: found.warnings,
                spec,
                key,
                key_var,
                format,
                github,
                clock,
                api_base_url,
                mismatched_file_id,
            })
        }
        _ => Err(found),
    }
}

/// What a format needs of the other settings: `github` its output file, `dotenv` a key
/// folder it can print as one word.
fn format_needs(format: Option<Format>, low: &Low, github: &GithubFiles, found: &mut Invalid) {
    if format == Some(Format::Github) && github.output.is_none() {
        found.problem(Var::GithubOutput, GITHUB_OUTPUT_UNSET);
    }
    let odd_dir = low
        .key_dir
        .as_deref()
        .is_some_and(|d| !output::dotenv_plain(d));
    if format == Some(Format::Dotenv) && odd_dir {
        found.problem(Var::KeyDir, ODD_IN_DOTENV);
    }
}

const GITHUB_OUTPUT_UNSET: &str = "is not set, but ASC_FORMAT is `github`: that format only \
                                   works inside a GitHub Actions step; use `text`, `json` or \
                                   `dotenv` elsewhere";
/// `export $(asc-jwt)` splits its output at white space and keeps quotes as part of the
/// value: a key path that would need quoting cannot be carried at all.
const ODD_IN_DOTENV: &str = "has white space or characters other than letters, digits and \
                             `-_.:/+=@,`, which the `dotenv` format cannot carry safely \
                             (`export $(asc-jwt)` splits at spaces and keeps quotes): choose \
                             such a folder, or ASC_FORMAT `json`";
const ADD_TO_PATH_OUTSIDE: &str = "is `true`, but GITHUB_PATH is not set: it only has an effect \
                                   inside GitHub Actions";

/// The `ASC_*` values as envy reads them into the table's struct: trimmed and unquoted,
/// blank ones dropped, those that are not UTF-8 reported.
///
/// envy is the thin layer here on purpose: it maps each `ASC_*` name onto the table's
/// field and rejects nothing (every field is an optional string), because a typed field
/// would stop envy at its first bad value and name the serde field, where every problem
/// should be reported, each naming the variable and the action input.
pub(crate) fn read_raw(env: &Env, found: &mut Invalid) -> Raw {
    let mut pairs = Vec::new();
    for setting in SETTINGS {
        match env.get_os(setting.env).map(|v| v.to_str()) {
            None => {}
            Some(None) => found.problem(setting.var, NOT_UTF8),
            // Pasted from a chat or a document: said, not guessed away.
            Some(Some(value)) if typographic_quotes(value.trim()) => {
                found.problem(setting.var, TYPOGRAPHIC_QUOTES)
            }
            // A value that is only quotes (`""`, `' '`) is as unset as an empty one.
            Some(Some(value)) => match values::unquote(value.trim()) {
                "" => {}
                value => pairs.push((setting.env.to_owned(), value.to_owned())),
            },
        }
    }
    envy::prefixed("ASC_")
        .from_iter(pairs)
        .unwrap_or_else(|_| Raw::default())
}

const TYPOGRAPHIC_QUOTES: &str = "is wrapped in typographic quotes (“ ” or ‘ ’), which a chat \
                                  app or a document put there: remove them, or use straight \
                                  quotes";

/// Whether `value` starts or ends with a typographic quote.
fn typographic_quotes(value: &str) -> bool {
    const QUOTES: [char; 4] = ['“', '”', '‘', '’'];
    value.starts_with(QUOTES) || value.ends_with(QUOTES)
}

/// A UUID as the key ID and a key ID as the issuer ID: one problem, not two unrelated ones.
fn swapped_ids(raw: &Raw, found: &mut Invalid) {
    let (Some(key_id), Some(issuer_id)) = (raw.key_id.as_deref(), raw.issuer_id.as_deref()) else {
        return;
    };
    // Business/School Manager and Apple Ads key IDs are UUIDs, and their tokens have no
    // issuer ID.
    let api = raw.api.as_deref().map(values::one_of::<Api>);
    if matches!(api, Some(Ok(api)) if api.has_uuid_key_id()) {
        return;
    }
    if values::uuid_shape(key_id).is_ok() && values::is_key_id(issuer_id) {
        found.problem(Var::KeyId, SWAPPED);
        found.reported_with.push(Var::IssuerId);
    }
}

const SWAPPED: &str = "and ASC_ISSUER_ID (input issuer-id) look swapped: the key ID is the 10 \
                       letters and digits, the issuer ID the 8-4-4-4-12 hex digits; exchange \
                       their values";
const NOT_UTF8: &str = "is not valid UTF-8 text: expected plain text";

/// Runs each setting's parser on its value.
pub(crate) fn parse(raw: &Raw, found: &mut Invalid) -> Low {
    let mut low = Low::default();
    for setting in SETTINGS {
        if found.failed(setting.var) {
            continue;
        }
        if let Some(value) = raw.get(setting.var) {
            let result = (setting.parse)(value, &mut low);
            found.take(setting.var, result);
        }
    }
    low
}

fn wanted_files(low: &Low, env: &Env) -> Option<KeyFiles<Option<PathBuf>>> {
    (low.key_file || low.fastlane_json).then(|| KeyFiles {
        dir: low.key_dir.as_deref().map(|dir| expand_home(dir, env)),
        key_file: low.key_file,
        fastlane_json: low.fastlane_json,
        overwrite: low.key_file_overwrite,
    })
}

/// Exactly one of the two key variables (at most one, unless `required`); a key given as
/// text is parsed here, a path is left for `load` to read.
pub(crate) fn key_source(
    low: &Low,
    env: &Env,
    required: bool,
    found: &mut Invalid,
) -> Option<(KeySource, Var)> {
    let unreadable = found.failed(Var::PrivateKey) || found.failed(Var::PrivateKeyPath);
    match (&low.private_key, &low.private_key_path) {
        (Some(_), Some(_)) => found.problem(Var::PrivateKey, BOTH_KEYS),
        (None, None) if required && !unreadable => found.problem(Var::PrivateKey, NO_KEY),
        (None, None) => {}
        (Some(text), None) => {
            let key = key::parse(text.as_bytes()).map_err(|err| match looks_like_path(text) {
                true => KEY_IS_A_PATH.to_owned(),
                false => err.to_string(),
            });
            let key = found.take(Var::PrivateKey, key)?;
            return Some((KeySource::Parsed(key), Var::PrivateKey));
        }
        (None, Some(path)) => {
            let path = expand_home(path, env);
            return Some((KeySource::File(path), Var::PrivateKeyPath));
        }
    }
    None
}

const BOTH_KEYS: &str = "and ASC_PRIVATE_KEY_PATH (input private-key-path) are both set: \
                         expected exactly one of them";
const NO_KEY: &str = "is not set, and neither is ASC_PRIVATE_KEY_PATH (input private-key-path): \
                      expected the `.p8` key (its text or base64) in one, or its path in the \
                      other";
const KEY_IS_A_PATH: &str = "looks like a file path, not a key: put the path in \
                             ASC_PRIVATE_KEY_PATH (input private-key-path) instead";

fn looks_like_path(text: &str) -> bool {
    let text = text.trim();
    !text.contains('\n') && text.len() < 400 && (text.ends_with(".p8") || text.ends_with(".pem"))
}

/// `~/` (or `~\`) at the start of a path is the home directory.
pub fn expand_home(path: &str, env: &Env) -> PathBuf {
    let rest = path
        .strip_prefix("~/")
        .or_else(|| path.strip_prefix("~\\"))
        .or((path == "~").then_some(""));
    match (rest, env.home()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// Apple names the file `AuthKey_<KEY ID>.p8`; a different ID there is a classic 401,
/// worth a warning once the file is read (`load`) and a line in the diagnosis if Apple
/// refuses.
fn mismatched_file_id(key: Option<&(KeySource, Var)>, low: &Low) -> Option<String> {
    let Some((KeySource::File(path), _)) = key else {
        return None;
    };
    let key_id = low.key_id.as_deref()?;
    let id_in_name = id_in_file_name(path)?;
    if id_in_name.eq_ignore_ascii_case(key_id) {
        return None;
    }
    Some(id_in_name.to_owned())
}

/// The key ID in a key file's name, `AuthKey_<ID>.p8`, as Apple names it.
pub fn id_in_file_name(path: &std::path::Path) -> Option<&str> {
    let name = path.file_name()?.to_str()?;
    name.strip_prefix("AuthKey_")?.strip_suffix(".p8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mint::token::{Api, KeyType};

    const KEY: &str = include_str!("../../tests/fixtures/test-only-p256.p8");
    const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

    /// The pure step needs no process environment: a plain list of pairs will do.
    fn env(vars: &[(&str, &str)]) -> Env {
        Env::new(
            vars.iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
    }

    fn valid(extra: &[(&str, &str)]) -> Env {
        let mut vars = vec![
            ("ASC_KEY_ID", "TESTKEY123"),
            ("ASC_ISSUER_ID", ISSUER),
            ("ASC_PRIVATE_KEY", KEY),
        ];
        vars.extend_from_slice(extra);
        env(&vars)
    }

    fn problems(env: &Env) -> Vec<String> {
        check(env)
            .unwrap_err()
            .problems
            .iter()
            .map(Problem::to_string)
            .collect()
    }

    #[test]
    fn defaults_apply_when_only_required_values_are_set() {
        let settings = check(&valid(&[])).unwrap();
        assert_eq!(settings.spec.duration, 1200);
        assert_eq!(settings.spec.key_type, KeyType::Team);
        assert_eq!(settings.spec.api, Api::AppStoreConnect);
        assert_eq!(settings.spec.scope, None);
        assert_eq!(settings.format, Format::Text);
        assert_eq!(settings.clock, Clock::Local);
        assert!(settings.warnings.is_empty());
    }

    #[test]
    fn values_are_trimmed_and_blank_counts_as_unset() {
        let settings = check(&valid(&[("ASC_DURATION", "  600\n"), ("ASC_SCOPE", "  ")])).unwrap();
        assert_eq!(settings.spec.duration, 600);
        assert_eq!(settings.spec.scope, None);
    }

    #[test]
    fn every_problem_is_reported_at_once_in_the_tables_order() {
        let found = problems(&env(&[("ASC_DURATION", "soon"), ("ASC_API", "itunes")]));
        let vars: Vec<&str> = found.iter().map(|p| p.split(' ').next().unwrap()).collect();
        assert_eq!(
            vars,
            // The issuer ID's rule depends on the api, which is wrong.
            ["ASC_KEY_ID", "ASC_PRIVATE_KEY", "ASC_DURATION", "ASC_API",]
        );
        assert!(found[0].starts_with("ASC_KEY_ID (input key-id) is not set"));
    }

    #[test]
    fn a_business_manager_uuid_key_id_is_not_taken_for_swapped_ids() {
        let found = problems(&env(&[
            ("ASC_API", "business-manager"),
            ("ASC_KEY_ID", "e339d085-a821-438a-a527-d044edacf50a"),
            ("ASC_ISSUER_ID", "ABCDE12345"),
            (
                "ASC_CLIENT_ID",
                "BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152",
            ),
            ("ASC_PRIVATE_KEY", KEY),
        ]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("ASC_ISSUER_ID (input issuer-id) is set, but Apple Business"),
            "{found:?}"
        );
    }

    #[test]
    fn individual_keys_refuse_an_issuer() {
        let found = problems(&valid(&[("ASC_KEY_TYPE", "individual")]));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("ASC_ISSUER_ID (input issuer-id) is set"),
            "{found:?}"
        );
    }

    #[test]
    fn an_invalid_key_type_is_not_checked_against_the_issuer() {
        let found = problems(&env(&[
            ("ASC_KEY_TYPE", "admin"),
            ("ASC_KEY_ID", "TESTKEY123"),
        ]));
        assert!(
            found.iter().all(|p| !p.starts_with("ASC_ISSUER_ID")),
            "{found:?}"
        );
    }

    #[test]
    fn home_is_expanded_at_the_start_of_a_path_only() {
        let env = env(&[("HOME", "/home/me")]);
        assert_eq!(
            expand_home("~/keys/a.p8", &env),
            PathBuf::from("/home/me/keys/a.p8")
        );
        assert_eq!(expand_home("/x/~/a.p8", &env), PathBuf::from("/x/~/a.p8"));
    }

    #[test]
    fn a_mismatched_key_file_name_is_noticed() {
        let id = |path: &str, key_id: &str| {
            let settings = check(&env(&[
                ("ASC_KEY_ID", key_id),
                ("ASC_ISSUER_ID", ISSUER),
                ("ASC_PRIVATE_KEY_PATH", path),
            ]));
            settings.map(|s| s.mismatched_file_id).unwrap_or_default()
        };
        assert_eq!(
            id("/keys/AuthKey_ABCDE12345.p8", "TESTKEY123").as_deref(),
            Some("ABCDE12345")
        );
        assert_eq!(id("/keys/AuthKey_ABCDE12345.p8", "ABCDE12345"), None);
        assert_eq!(id("/keys/key.p8", "TESTKEY123"), None);
    }

    #[test]
    fn verify_implies_apples_clock_unless_chosen() {
        let clock = |extra: &[(&str, &str)]| check(&valid(extra)).map(|s| s.clock).ok();
        assert_eq!(clock(&[]), Some(Clock::Local));
        assert_eq!(clock(&[("ASC_VERIFY", "true")]), Some(Clock::Apple));
        assert_eq!(
            clock(&[("ASC_VERIFY", "true"), ("ASC_CLOCK", "local")]),
            Some(Clock::Local)
        );
        assert_eq!(clock(&[("ASC_CLOCK", "ntp")]), None);
    }
}
