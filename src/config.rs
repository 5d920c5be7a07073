//! Settings read from `ASC_*` environment variables with envy, validated, every problem
//! collected so that one run reports them all.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::key::{self, P256Key};
use crate::output::Format;
use crate::token::{Api, KeyType, MAX_DURATION, MAX_GET_ONLY_DURATION, MIN_DURATION, TokenSpec};

/// The variables this crate reads, each with its action input name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    KeyId,
    IssuerId,
    PrivateKey,
    PrivateKeyPath,
    KeyType,
    Duration,
    Scope,
    Api,
    Format,
    KeyFile,
    KeyDir,
    KeyFileOverwrite,
    FastlaneJson,
    AddToPath,
    Clock,
    Verify,
    ApiBaseUrl,
    GithubOutput,
}

impl Var {
    /// Every `ASC_*` variable, in the order `--help` lists them.
    pub const ALL: [Var; 17] = [
        Var::KeyId,
        Var::IssuerId,
        Var::PrivateKey,
        Var::PrivateKeyPath,
        Var::KeyType,
        Var::Duration,
        Var::Scope,
        Var::Api,
        Var::Format,
        Var::KeyFile,
        Var::KeyDir,
        Var::KeyFileOverwrite,
        Var::FastlaneJson,
        Var::AddToPath,
        Var::Clock,
        Var::Verify,
        Var::ApiBaseUrl,
    ];

    /// The environment variable.
    pub fn name(self) -> &'static str {
        match self {
            Var::KeyId => "ASC_KEY_ID",
            Var::IssuerId => "ASC_ISSUER_ID",
            Var::PrivateKey => "ASC_PRIVATE_KEY",
            Var::PrivateKeyPath => "ASC_PRIVATE_KEY_PATH",
            Var::KeyType => "ASC_KEY_TYPE",
            Var::Duration => "ASC_DURATION",
            Var::Scope => "ASC_SCOPE",
            Var::Api => "ASC_API",
            Var::Format => "ASC_FORMAT",
            Var::KeyFile => "ASC_KEY_FILE",
            Var::KeyDir => "ASC_KEY_DIR",
            Var::KeyFileOverwrite => "ASC_KEY_FILE_OVERWRITE",
            Var::FastlaneJson => "ASC_FASTLANE_JSON",
            Var::AddToPath => "ASC_ADD_TO_PATH",
            Var::Clock => "ASC_CLOCK",
            Var::Verify => "ASC_VERIFY",
            Var::ApiBaseUrl => "ASC_API_BASE_URL",
            Var::GithubOutput => "GITHUB_OUTPUT",
        }
    }

    /// The GitHub Action input that sets it, if any.
    pub fn input(self) -> Option<&'static str> {
        match self {
            Var::KeyId => Some("key-id"),
            Var::IssuerId => Some("issuer-id"),
            Var::PrivateKey => Some("private-key"),
            Var::PrivateKeyPath => Some("private-key-path"),
            Var::KeyType => Some("key-type"),
            Var::Duration => Some("duration"),
            Var::Scope => Some("scope"),
            Var::Api => Some("api"),
            Var::KeyFile => Some("key-file"),
            Var::KeyDir => Some("key-dir"),
            Var::KeyFileOverwrite => Some("key-file-overwrite"),
            Var::FastlaneJson => Some("fastlane-json"),
            Var::AddToPath => Some("add-to-path"),
            Var::Clock => Some("clock"),
            Var::Verify => Some("verify"),
            Var::Format | Var::ApiBaseUrl | Var::GithubOutput => None,
        }
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.input() {
            Some(input) => write!(f, "{} (input {input})", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

/// One thing wrong with the configuration. The message never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub var: Var,
    /// Follows the variable's name: `is not set`, `must …`.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.var, self.message)
    }
}

/// A configuration that cannot mint, with everything found wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
}

/// A complete, valid configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub spec: TokenSpec,
    pub key: P256Key,
    /// The variable the key came from, for messages about it.
    pub key_var: Var,
    pub format: Format,
    /// Where to write the key for Apple's tools, if anywhere.
    pub key_files: Option<KeyFiles>,
    /// Whether to put the binary on `GITHUB_PATH` (and, with a key file, its settings on
    /// `GITHUB_ENV`) for later steps.
    pub add_to_path: bool,
    /// The GitHub Actions files this run appends to, when set.
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

/// Whose clock the token's times are counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// This machine's.
    Local,
    /// Apple's, read from the `Date` header of one request to the API host.
    Apple,
}

/// What to write for Apple's tools and fastlane, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles {
    pub dir: PathBuf,
    /// `AuthKey_<KEY_ID>.p8` for altool, notarytool and xcodebuild.
    pub key_file: bool,
    /// fastlane's API key JSON.
    pub fastlane_json: bool,
    /// Replace a file that exists with other content.
    pub overwrite: bool,
}

/// `GITHUB_OUTPUT`, `GITHUB_ENV` and `GITHUB_PATH`, as the runner sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GithubFiles {
    pub output: Option<PathBuf>,
    pub env: Option<PathBuf>,
    pub path: Option<PathBuf>,
}

/// The raw `ASC_*` values, trimmed, empty ones dropped.
#[derive(Debug, Default, Deserialize)]
struct Raw {
    key_id: Option<String>,
    issuer_id: Option<String>,
    private_key: Option<String>,
    private_key_path: Option<String>,
    key_type: Option<String>,
    duration: Option<String>,
    scope: Option<String>,
    api: Option<String>,
    format: Option<String>,
    key_file: Option<String>,
    key_dir: Option<String>,
    key_file_overwrite: Option<String>,
    fastlane_json: Option<String>,
    add_to_path: Option<String>,
    clock: Option<String>,
    verify: Option<String>,
    api_base_url: Option<String>,
}

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

    /// Whether this is a GitHub Actions step.
    pub fn in_github_actions(&self) -> bool {
        self.get_os("GITHUB_ACTIONS").and_then(|v| v.to_str()) == Some("true")
    }

    fn home(&self) -> Option<PathBuf> {
        self.get_os("HOME")
            .or_else(|| self.get_os("USERPROFILE"))
            .map(PathBuf::from)
    }
}

/// Reads and validates the whole configuration.
pub fn read(env: &Env) -> Result<Config, Invalid> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();

    let mut pairs = Vec::new();
    for var in Var::ALL {
        match env.get_os(var.name()).map(|v| v.to_str()) {
            None => {}
            Some(None) => problems.push(Problem {
                var,
                message: "is not valid UTF-8 text: expected plain text".into(),
            }),
            Some(Some(value)) => pairs.push((var.name().to_owned(), value.trim().to_owned())),
        }
    }
    let raw: Raw = match envy::prefixed("ASC_").from_iter(pairs) {
        Ok(raw) => raw,
        // Every field is an optional string, so envy has nothing to reject; keep the
        // arm anyway rather than trust that forever.
        Err(_) => {
            problems.push(Problem {
                var: Var::KeyId,
                message: "and the other ASC_* variables could not be read".into(),
            });
            Raw::default()
        }
    };

    let key_id = checked(
        &mut problems,
        Var::KeyId,
        key_id(raw.key_id.as_deref(), &mut warnings),
    );
    let key_type = checked(
        &mut problems,
        Var::KeyType,
        key_type(raw.key_type.as_deref()),
    );
    let issuer_id = match key_type {
        Some(key_type) => checked(
            &mut problems,
            Var::IssuerId,
            issuer_id(raw.issuer_id.as_deref(), key_type),
        ),
        None => None,
    };
    let scope = checked(&mut problems, Var::Scope, scope(raw.scope.as_deref()));
    let duration = match &scope {
        Some(scope) => checked(
            &mut problems,
            Var::Duration,
            duration(raw.duration.as_deref(), scope.as_deref()),
        ),
        None => None,
    };
    let api = checked(&mut problems, Var::Api, api(raw.api.as_deref()));
    let format = checked(&mut problems, Var::Format, format(raw.format.as_deref()));
    let github = GithubFiles {
        output: env.get_os("GITHUB_OUTPUT").map(PathBuf::from),
        env: env.get_os("GITHUB_ENV").map(PathBuf::from),
        path: env.get_os("GITHUB_PATH").map(PathBuf::from),
    };
    if format == Some(Format::Github) && github.output.is_none() {
        problems.push(Problem {
            var: Var::GithubOutput,
            message: "is not set, but ASC_FORMAT is `github`: that format only works inside a \
                      GitHub Actions step; use `text`, `json` or `dotenv` elsewhere"
                .into(),
        });
    }
    let mut flag = |var: Var, value: &Option<String>| {
        checked(&mut problems, var, boolean(value.as_deref())).unwrap_or(false)
    };
    let key_file = flag(Var::KeyFile, &raw.key_file);
    let fastlane_json = flag(Var::FastlaneJson, &raw.fastlane_json);
    let overwrite = flag(Var::KeyFileOverwrite, &raw.key_file_overwrite);
    let add_to_path = flag(Var::AddToPath, &raw.add_to_path);
    let verify = flag(Var::Verify, &raw.verify);
    let key_files = match key_file || fastlane_json {
        false => None,
        true => checked(
            &mut problems,
            Var::KeyDir,
            key_dir(raw.key_dir.as_deref(), env),
        )
        .map(|dir| KeyFiles {
            dir,
            key_file,
            fastlane_json,
            overwrite,
        }),
    };
    if add_to_path && github.path.is_none() {
        warnings.push(format!(
            "{} is `true`, but GITHUB_PATH is not set: it only has an effect inside GitHub \
             Actions",
            Var::AddToPath
        ));
    }
    // Verifying implies Apple's clock unless the clock is chosen explicitly.
    let clock = checked(
        &mut problems,
        Var::Clock,
        clock(raw.clock.as_deref(), verify),
    );
    let api_base_url = match (&raw.api_base_url, api) {
        (Some(url), _) => checked(&mut problems, Var::ApiBaseUrl, test_base_url(url)),
        (None, Some(api)) => Some(crate::apple::base_url(api).to_owned()),
        (None, None) => None,
    };
    let mut mismatched_file_id = None;
    let key = key_source(&raw, env)
        .and_then(|source| {
            mismatched_file_id = source.mismatched_file_id(key_id.as_deref());
            if let Some(id) = &mismatched_file_id {
                warnings.push(file_name_warning(id, key_id.as_deref().unwrap_or_default()));
            }
            Ok((source.load()?, source.var()))
        })
        .map_err(|problem| problems.push(problem))
        .ok();

    match (
        (
            key_id, key_type, issuer_id, scope, duration, api, format, key,
        ),
        (clock, api_base_url),
    ) {
        (
            (
                Some(key_id),
                Some(key_type),
                Some(issuer_id),
                Some(scope),
                Some(duration),
                Some(api),
                Some(format),
                Some((key, key_var)),
            ),
            (Some(clock), Some(api_base_url)),
        ) if problems.is_empty() => Ok(Config {
            spec: TokenSpec {
                key_id,
                issuer_id,
                key_type,
                api,
                duration,
                scope,
            },
            key,
            key_var,
            format,
            key_files,
            add_to_path,
            github,
            clock,
            verify,
            api_base_url,
            mismatched_file_id,
            warnings,
        }),
        _ => Err(Invalid { problems, warnings }),
    }
}

fn checked<T>(problems: &mut Vec<Problem>, var: Var, result: Result<T, String>) -> Option<T> {
    result
        .map_err(|message| problems.push(Problem { var, message }))
        .ok()
}

/// Quotes a value in a message only when it is short enough to be no secret's fragment.
fn shown(value: &str) -> String {
    if value.chars().count() <= 15 && value.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        format!("`{value}`")
    } else {
        format!("a value of {} characters", value.chars().count())
    }
}

fn key_id(value: Option<&str>, warnings: &mut Vec<String>) -> Result<String, String> {
    let value = value.ok_or(
        "is not set: expected the key ID shown next to the key in App Store Connect, \
         e.g. `2X9R4HXF34`",
    )?;
    if let Some(position) = value.chars().position(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "must contain only ASCII letters and digits, but character {} is not one \
             (expected a key ID such as `2X9R4HXF34`)",
            position + 1
        ));
    }
    if value.len() != 10 {
        warnings.push(format!(
            "{} is {} characters long; Apple's key IDs have 10, check that it is the key ID",
            Var::KeyId,
            value.len()
        ));
    }
    Ok(value.to_owned())
}

fn key_type(value: Option<&str>) -> Result<KeyType, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("team") => Ok(KeyType::Team),
        Some("individual") => Ok(KeyType::Individual),
        Some(_) => Err(format!(
            "is {}: expected `team` or `individual`",
            shown(value.unwrap_or_default())
        )),
    }
}

fn issuer_id(value: Option<&str>, key_type: KeyType) -> Result<Option<String>, String> {
    match (key_type, value) {
        (KeyType::Team, None) => Err("is not set: team keys need the issuer ID shown above the \
                                      key list in App Store Connect (8-4-4-4-12 hex digits)"
            .into()),
        (KeyType::Team, Some(value)) => {
            check_uuid_shape(value)?;
            Ok(Some(value.to_owned()))
        }
        (KeyType::Individual, None) => Ok(None),
        (KeyType::Individual, Some(_)) => Err("is set, but ASC_KEY_TYPE (input key-type) is \
                                               `individual`: individual keys have no issuer; \
                                               unset it, or use key-type `team` for a team key"
            .into()),
    }
}

fn check_uuid_shape(value: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected the UUID-shaped issuer ID, 8-4-4-4-12 hex digits such as \
                            `57246542-96fe-1a63-e053-0824d011072a`";
    let groups: Vec<&str> = value.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if lengths != [8, 4, 4, 4, 12] {
        return Err(format!(
            "is not shaped like a UUID ({} characters in groups of {}); {EXPECTED}",
            value.chars().count(),
            lengths
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("-")
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

fn boolean(value: Option<&str>) -> Result<bool, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(format!(
            "is {}: expected `true` or `false`",
            shown(value.unwrap_or_default())
        )),
    }
}

/// `ASC_KEY_DIR`, or the default: inside GitHub Actions `$RUNNER_TEMP/asc-jwt/private_keys`
/// (the runner empties RUNNER_TEMP when the job ends), elsewhere
/// `~/.appstoreconnect/private_keys` (a folder `xcrun altool` searches).
fn key_dir(value: Option<&str>, env: &Env) -> Result<PathBuf, String> {
    if let Some(dir) = value {
        return Ok(expand_home(dir, env));
    }
    if env.in_github_actions()
        && let Some(temp) = env.get_os("RUNNER_TEMP")
    {
        return Ok(PathBuf::from(temp).join("asc-jwt").join("private_keys"));
    }
    env.home()
        .map(|home| home.join(".appstoreconnect").join("private_keys"))
        .ok_or_else(|| {
            "is not set, and neither is HOME, so there is no default folder for the key \
             file: set it to the folder to write AuthKey_<KEY_ID>.p8 in"
                .into()
        })
}

fn clock(value: Option<&str>, verify: bool) -> Result<Clock, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None if verify => Ok(Clock::Apple),
        None | Some("local") => Ok(Clock::Local),
        Some("apple") => Ok(Clock::Apple),
        Some(_) => Err(format!(
            "is {}: expected `local` (this machine's clock) or `apple` (Apple's, read from \
             the API host)",
            shown(value.unwrap_or_default())
        )),
    }
}

/// Only loopback over plain HTTP: the override exists for tests and must never send a
/// token anywhere else.
fn test_base_url(value: &str) -> Result<String, String> {
    let value = value.trim_end_matches('/');
    let port = value
        .strip_prefix("http://127.0.0.1:")
        .or_else(|| value.strip_prefix("http://[::1]:"));
    match port {
        Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(value.to_owned())
        }
        _ => Err(
            "is for tests only and accepts only `http://127.0.0.1:PORT` or \
                  `http://[::1]:PORT`; unset it to reach Apple"
                .into(),
        ),
    }
}

fn api(value: Option<&str>) -> Result<Api, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("app-store-connect") => Ok(Api::AppStoreConnect),
        Some("enterprise") => Ok(Api::Enterprise),
        Some(_) => Err(format!(
            "is {}: expected `app-store-connect` or `enterprise`",
            shown(value.unwrap_or_default())
        )),
    }
}

fn format(value: Option<&str>) -> Result<Format, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(Format::Text),
        Some(name) => Format::from_name(name).ok_or_else(|| {
            format!(
                "is {}: expected `text`, `json`, `dotenv` or `github`",
                shown(value.unwrap_or_default())
            )
        }),
    }
}

const SCOPE_METHODS: [&str; 5] = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/// A JSON array of strings, or one entry per line.
fn scope(value: Option<&str>) -> Result<Option<Vec<String>>, String> {
    let Some(value) = value else { return Ok(None) };
    let entries: Vec<String> = if value.starts_with('[') {
        serde_json::from_str::<Vec<String>>(value).map_err(|_| {
            "starts with `[` but is not a JSON array of strings: expected e.g. \
             `[\"GET /v1/apps\"]`, or one entry per line"
                .to_owned()
        })?
    } else {
        value.lines().map(str::to_owned).collect()
    };
    let entries: Vec<String> = entries
        .into_iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    if entries.is_empty() {
        return Err(
            "lists no requests: expected entries such as `GET /v1/apps`, or leave it \
                    unset for a token without a scope"
                .into(),
        );
    }
    for (n, entry) in entries.iter().enumerate() {
        check_scope_entry(entry).map_err(|why| format!("entry {} {why}", n + 1))?;
    }
    Ok(Some(entries))
}

fn check_scope_entry(entry: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected `METHOD /path` with an optional `?query`, \
                            e.g. `GET /v1/apps?filter[platform]=IOS`";
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
    if !target.starts_with('/') {
        return Err(format!(
            "has a path that does not start with `/`; {EXPECTED}"
        ));
    }
    if target.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("has white space inside its path; {EXPECTED}"));
    }
    Ok(())
}

fn duration(value: Option<&str>, scope: Option<&[String]>) -> Result<u64, String> {
    let Some(value) = value else {
        return Ok(MAX_DURATION);
    };
    let seconds: u64 = value.parse().map_err(|_| {
        format!(
            "is {}: expected a whole number of seconds from {MIN_DURATION} to {MAX_DURATION}",
            shown(value)
        )
    })?;
    let get_only = scope.is_some_and(|s| s.iter().all(|e| e.starts_with("GET ")));
    if seconds < MIN_DURATION {
        return Err(format!(
            "is {seconds} s: expected at least {MIN_DURATION} s, because the token is \
             back-dated by 60 s and would otherwise be usable for under a minute"
        ));
    }
    if seconds > MAX_DURATION && !get_only {
        return Err(format!(
            "is {seconds} s: Apple's rule is that a token lives at most 20 minutes \
             ({MAX_DURATION} s), and longer (up to six months) only when its scope lists GET \
             requests alone; lower the duration, or set ASC_SCOPE (input scope) to GET-only \
             entries"
        ));
    }
    if seconds > MAX_GET_ONLY_DURATION {
        return Err(format!(
            "is {seconds} s: Apple allows at most six months ({MAX_GET_ONLY_DURATION} s) \
             even for a GET-only scope"
        ));
    }
    Ok(seconds)
}

/// Where the key comes from.
enum KeySource {
    Text(String),
    File(PathBuf),
}

fn key_source(raw: &Raw, env: &Env) -> Result<KeySource, Problem> {
    match (&raw.private_key, &raw.private_key_path) {
        (Some(_), Some(_)) => Err(Problem {
            var: Var::PrivateKey,
            message: "and ASC_PRIVATE_KEY_PATH (input private-key-path) are both set: \
                      expected exactly one of them"
                .into(),
        }),
        (None, None) => Err(Problem {
            var: Var::PrivateKey,
            message: "is not set, and neither is ASC_PRIVATE_KEY_PATH (input private-key-path): \
                      expected the `.p8` key (its text or base64) in one, or its path in the \
                      other"
                .into(),
        }),
        (Some(text), None) => Ok(KeySource::Text(text.clone())),
        (None, Some(path)) => Ok(KeySource::File(expand_home(path, env))),
    }
}

fn expand_home(path: &str, env: &Env) -> PathBuf {
    let rest = path
        .strip_prefix("~/")
        .or_else(|| path.strip_prefix("~\\"))
        .or((path == "~").then_some(""));
    match (rest, env.home()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

impl KeySource {
    fn var(&self) -> Var {
        match self {
            KeySource::Text(_) => Var::PrivateKey,
            KeySource::File(_) => Var::PrivateKeyPath,
        }
    }

    /// The key ID in the file's name `AuthKey_<ID>.p8`, when it is not `key_id`.
    fn mismatched_file_id(&self, key_id: Option<&str>) -> Option<String> {
        let KeySource::File(path) = self else {
            return None;
        };
        let name = path.file_name()?.to_str()?;
        let id_in_name = name.strip_prefix("AuthKey_")?.strip_suffix(".p8")?;
        (Some(id_in_name) != key_id && key_id.is_some()).then(|| id_in_name.to_owned())
    }

    fn load(&self) -> Result<P256Key, Problem> {
        match self {
            KeySource::Text(text) => key::parse(text.as_bytes()).map_err(|err| Problem {
                var: Var::PrivateKey,
                message: match looks_like_path(text) {
                    true => "looks like a file path, not a key: put the path in \
                                 ASC_PRIVATE_KEY_PATH (input private-key-path) instead"
                        .into(),
                    false => err.to_string(),
                },
            }),
            KeySource::File(path) => {
                let problem = |message: String| Problem {
                    var: Var::PrivateKeyPath,
                    message,
                };
                // Whether it is the key is asked only once the path cannot be read, so an
                // odd but real path still works; the answer decides whether to quote it.
                let bytes = crate::safe_read::read(path).map_err(|err| match looks_like_key(path) {
                    true => problem(
                        "looks like the key itself rather than a path: put the key in \
                         ASC_PRIVATE_KEY (input private-key) instead"
                            .into(),
                    ),
                    false => problem(format!(
                        "is `{}`, which cannot be read ({}): expected the path of the `.p8` file",
                        path.display(),
                        io_reason(&err)
                    )),
                })?;
                key::parse(&bytes)
                    .map_err(|err| problem(format!("is `{}`, whose content {err}", path.display())))
            }
        }
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        _ if crate::safe_read::Refusal::of(err).is_some() => err.to_string(),
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => err.kind().to_string(),
    }
}

fn looks_like_path(text: &str) -> bool {
    let text = text.trim();
    !text.contains('\n') && text.len() < 400 && (text.ends_with(".p8") || text.ends_with(".pem"))
}

/// A value that is more likely the key than a path: a key in any accepted form, PEM
/// armour, several lines, or one long run with no file extension and no space (base64,
/// perhaps cut short). Such a value is never quoted back.
fn looks_like_key(path: &Path) -> bool {
    let text = path.to_string_lossy();
    text.contains("-----")
        || text.contains('\n')
        || (text.chars().count() >= 32 && !text.contains(['.', ' ']))
        || key::parse(text.as_bytes()).is_ok()
}

/// Apple names the file `AuthKey_<KEY ID>.p8`; a different ID there is a classic 401.
fn file_name_warning(id_in_name: &str, key_id: &str) -> String {
    format!(
        "the key file is named for key ID `{}` but {} is `{key_id}`: Apple answers 401 \
         when the key ID does not belong to the key",
        shown(id_in_name).trim_matches('`'),
        Var::KeyId,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = include_str!("../tests/fixtures/test-only-p256.p8");
    const ISSUER: &str = "57246542-96fe-1a63-e053-0824d011072a";

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
        read(env)
            .unwrap_err()
            .problems
            .iter()
            .map(Problem::to_string)
            .collect()
    }

    #[test]
    fn defaults_apply_when_only_required_values_are_set() {
        let config = read(&valid(&[])).unwrap();
        assert_eq!(config.spec.duration, 1200);
        assert_eq!(config.spec.key_type, KeyType::Team);
        assert_eq!(config.spec.api, Api::AppStoreConnect);
        assert_eq!(config.spec.scope, None);
        assert_eq!(config.format, Format::Text);
        assert!(config.warnings.is_empty());
    }

    #[test]
    fn values_are_trimmed_and_blank_counts_as_unset() {
        let config = read(&valid(&[("ASC_DURATION", "  600\n"), ("ASC_SCOPE", "  ")])).unwrap();
        assert_eq!(config.spec.duration, 600);
        assert_eq!(config.spec.scope, None);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let found = problems(&env(&[("ASC_DURATION", "soon"), ("ASC_API", "itunes")]));
        let vars: Vec<&str> = found.iter().map(|p| p.split(' ').next().unwrap()).collect();
        assert_eq!(
            vars,
            [
                "ASC_KEY_ID",
                "ASC_ISSUER_ID",
                "ASC_DURATION",
                "ASC_API",
                "ASC_PRIVATE_KEY"
            ]
        );
        assert!(found[0].starts_with("ASC_KEY_ID (input key-id) is not set"));
    }

    #[test]
    fn issuer_id_accepts_apple_non_v4_uuids_in_any_case() {
        assert!(check_uuid_shape(ISSUER).is_ok());
        assert!(check_uuid_shape(&ISSUER.to_uppercase()).is_ok());
        assert!(check_uuid_shape("57246542-96fe-1a63-e053-0824d011072").is_err());
        assert!(check_uuid_shape("5724654296fe1a63e0530824d011072a").is_err());
        assert!(check_uuid_shape("57246542-96fe-1a63-e053-0824d011072g").is_err());
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
    fn scope_reads_json_arrays_and_lines_alike() {
        let json = scope(Some(
            r#"["GET /v1/apps?filter[platform]=IOS", "POST /v1/builds"]"#,
        ));
        let lines = scope(Some(
            "GET /v1/apps?filter[platform]=IOS\n\n  POST /v1/builds\r\n",
        ));
        assert_eq!(json, lines);
        assert_eq!(json.unwrap().unwrap().len(), 2);
    }

    #[test]
    fn scope_entries_are_checked() {
        assert!(
            scope(Some("get /v1/apps"))
                .unwrap_err()
                .contains("entry 1 has method `get`")
        );
        assert!(
            scope(Some("GET v1/apps"))
                .unwrap_err()
                .contains("does not start with `/`")
        );
        assert!(scope(Some("GET")).unwrap_err().contains("no space"));
        assert!(
            scope(Some("[1]"))
                .unwrap_err()
                .contains("JSON array of strings")
        );
        assert!(scope(Some("[]")).unwrap_err().contains("lists no requests"));
    }

    #[test]
    fn duration_bounds_follow_apples_rule() {
        let get_only = vec!["GET /v1/ciProducts".to_owned()];
        let mixed = vec!["GET /v1/apps".to_owned(), "POST /v1/apps".to_owned()];
        assert_eq!(duration(Some("120"), None), Ok(120));
        assert!(duration(Some("119"), None).is_err());
        assert!(
            duration(Some("1201"), None)
                .unwrap_err()
                .contains("at most 20 minutes")
        );
        assert!(duration(Some("1201"), Some(&mixed)).is_err());
        assert_eq!(duration(Some("15777000"), Some(&get_only)), Ok(15_777_000));
        assert!(duration(Some("15777001"), Some(&get_only)).is_err());
        assert!(duration(Some("-5"), None).is_err());
        assert!(duration(Some("1e3"), None).is_err());
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
        let file = |p: &str| KeySource::File(PathBuf::from(p));
        let named = file("/keys/AuthKey_ABCDE12345.p8");
        assert_eq!(
            named.mismatched_file_id(Some("TESTKEY123")).as_deref(),
            Some("ABCDE12345")
        );
        assert_eq!(named.mismatched_file_id(Some("ABCDE12345")), None);
        assert_eq!(
            file("/keys/key.p8").mismatched_file_id(Some("TESTKEY123")),
            None
        );
    }

    #[test]
    fn verify_implies_apples_clock_unless_chosen() {
        assert_eq!(clock(None, false), Ok(Clock::Local));
        assert_eq!(clock(None, true), Ok(Clock::Apple));
        assert_eq!(clock(Some("local"), true), Ok(Clock::Local));
        assert!(clock(Some("ntp"), false).is_err());
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
        ] {
            assert!(test_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_values_are_never_quoted_back() {
        assert_eq!(shown("itunes"), "`itunes`");
        assert_eq!(shown("MIGHAgEAMBMGByqGSM49"), "a value of 20 characters");
    }
}
