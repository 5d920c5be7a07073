//! The one table of settings: each `ASC_*` variable with its action input, what applies
//! when it is unset, its help line and its parser. The envy-read struct ([`Raw`]), the
//! `--help` text and the README's Configuration table all come from it (the last checked
//! by a test, with `action.yml`'s inputs). Adding a setting is one entry, one field of
//! [`Low`] for its parsed value, and the code that uses it.

use serde::Deserialize;

use crate::config::values::{self, Choice, one_of};
use crate::deliver::output::{Format, field_list};
use crate::mint::token::{Api, KeyType};

/// Where a setting is listed in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Token,
    KeyFiles,
    Apple,
    Explain,
}

/// What applies when a setting is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unset {
    /// It must be set.
    Required,
    /// Nothing: the feature it configures is off.
    Nothing,
    /// This value, which is also the action input's default.
    Value(&'static str),
    /// A default that depends on something; the words say what it is.
    Default(&'static str),
    /// A rule on whether it must be set; the words say which.
    Rule(&'static str),
}

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub var: Var,
    /// The variable's name.
    pub env: &'static str,
    /// The field of [`Raw`] envy fills from it.
    pub field: &'static str,
    /// The GitHub Action input that sets it, if any.
    pub input: Option<&'static str>,
    pub section: Section,
    pub unset: Unset,
    /// One line for `--help` and the README.
    pub help: &'static str,
    /// Reads the trimmed, non-empty value into [`Low`]; the error follows the
    /// variable's name. Checks that involve other settings come later, in `config`.
    pub parse: fn(&str, &mut Low) -> Result<(), String>,
}

/// The values the parsers have read, each on its own; `config` checks them together.
#[derive(Debug, Default)]
pub struct Low {
    /// As given: its form depends on the api (`config` checks it).
    pub key_id: Option<String>,
    pub issuer_id: Option<String>,
    pub private_key: Option<String>,
    pub private_key_path: Option<String>,
    pub key_type: Option<KeyType>,
    pub duration: Option<u64>,
    /// As given: what it lists depends on the api (`config` reads it).
    pub scope: Option<String>,
    pub api: Option<Api>,
    pub team_id: Option<String>,
    pub bundle_id: Option<String>,
    pub client_id: Option<String>,
    pub service_id: Option<String>,
    pub origin: Option<Vec<String>>,
    pub format: Option<Format>,
    pub key_file: bool,
    pub key_dir: Option<String>,
    pub key_file_overwrite: bool,
    pub fastlane_json: bool,
    pub add_to_path: bool,
    pub clock: Option<Clock>,
    pub verify: bool,
    pub api_base_url: Option<String>,
    pub token: Option<String>,
    pub public_key: Option<String>,
}

/// Whose clock the token's times are counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// This machine's.
    Local,
    /// Apple's, read from the `Date` header of one request to the API host.
    Apple,
}

impl Choice for Clock {
    const CHOICES: &'static [(&'static str, Clock)] =
        &[("local", Clock::Local), ("apple", Clock::Apple)];
}

impl Choice for KeyType {
    const CHOICES: &'static [(&'static str, KeyType)] =
        &[("team", KeyType::Team), ("individual", KeyType::Individual)];
}

impl Choice for Api {
    const CHOICES: &'static [(&'static str, Api)] = &[
        ("app-store-connect", Api::AppStoreConnect),
        ("enterprise", Api::Enterprise),
        ("app-store-server", Api::AppStoreServer),
        ("sign-in-with-apple", Api::SignInWithApple),
        ("business-manager", Api::BusinessManager),
        ("school-manager", Api::SchoolManager),
        ("apns", Api::Apns),
        ("music", Api::Music),
        ("weatherkit", Api::WeatherKit),
        ("maps", Api::Maps),
        ("apple-ads", Api::AppleAds),
        ("devicecheck", Api::DeviceCheck),
    ];
}

impl Choice for Format {
    const CHOICES: &'static [(&'static str, Format)] = &[
        ("text", Format::Text),
        ("json", Format::Json),
        ("dotenv", Format::Dotenv),
        ("github", Format::Github),
    ];
}

/// Writes the table once and derives from it the [`Var`] enum and the struct envy fills.
macro_rules! settings {
    ($($var:ident $field:ident { $($entry:tt)* })*) => {
        /// A variable this crate reads: every setting, and `GITHUB_OUTPUT`, which the
        /// runner sets and `github` format needs.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Var { $($var,)* GithubOutput }

        /// The raw `ASC_*` values as envy reads them, one field per setting.
        #[derive(Debug, Default, Deserialize)]
        pub struct Raw { $(pub $field: Option<String>,)* }

        impl Raw {
            /// The value read for `var`.
            pub fn get(&self, var: Var) -> Option<&str> {
                match var {
                    $(Var::$var => self.$field.as_deref(),)*
                    Var::GithubOutput => None,
                }
            }
        }

        /// Every setting, in the order `--help` and the README list them.
        pub const SETTINGS: &[Setting] = &[
            $(Setting { var: Var::$var, field: stringify!($field), $($entry)* },)*
        ];
    };
}

settings! {
    KeyId key_id {
        env: "ASC_KEY_ID", input: Some("key-id"), section: Section::Token, unset: Unset::Required,
        help: "key ID, goes in the header's `kid`; exactly 10 ASCII letters and digits, \
               lower case is upper-cased (`business-manager`, `school-manager`, `apple-ads`: \
               the key's 8-4-4-4-12 UUID)",
        parse: |v, low| set(&mut low.key_id, Ok(Some(v.to_owned()))),
    }
    IssuerId issuer_id {
        env: "ASC_ISSUER_ID", input: Some("issuer-id"), section: Section::Token,
        unset: Unset::Rule("required for team keys and `app-store-server`, must be unset \
                            otherwise"),
        help: "issuer ID, goes in `iss`; 8-4-4-4-12 hex digits, any case",
        parse: |v, low| set(&mut low.issuer_id, Ok(Some(v.to_owned()))),
    }
    PrivateKey private_key {
        env: "ASC_PRIVATE_KEY", input: Some("private-key"), section: Section::Token,
        unset: Unset::Rule("exactly one of the two key variables"),
        help: "the `.p8` key as text: PEM, its base64, SEC1, or base64 DER",
        parse: |v, low| set(&mut low.private_key, Ok(Some(v.to_owned()))),
    }
    PrivateKeyPath private_key_path {
        env: "ASC_PRIVATE_KEY_PATH", input: Some("private-key-path"), section: Section::Token,
        unset: Unset::Rule("exactly one of the two key variables"),
        help: "path to the `.p8` file; `~/` at the start is the home directory",
        parse: |v, low| set(&mut low.private_key_path, Ok(Some(v.to_owned()))),
    }
    KeyType key_type {
        env: "ASC_KEY_TYPE", input: Some("key-type"), section: Section::Token,
        unset: Unset::Default("`team` (`app-store-connect` and `enterprise` only)"),
        help: "`team` or `individual`",
        parse: |v, low| set(&mut low.key_type, one_of(v).map(Some)),
    }
    Duration duration {
        env: "ASC_DURATION", input: Some("duration"), section: Section::Token,
        unset: Unset::Default("per api: 15552000 (180 days) for `sign-in-with-apple`, \
                            15465600 (179 days) for `apple-ads`, otherwise 1200 (20 \
                            minutes)"),
        help: "token lifetime `exp - iat` in seconds, from 120 to the api's maximum: 1200 \
               (`enterprise`; `app-store-connect`, or 15777000, six months, when every \
               scope entry is a GET of one of the thirteen Xcode Cloud and metrics \
               resources Apple lets live long, e.g. `/v1/ciProducts`, \
               `/v1/ciWorkflows/{id}`, `/v1/apps/{id}/perfPowerMetrics`: a longer \
               duration's message names them); 3600 (`app-store-server`); 15551999 \
               (under 180 days: `business-manager`, `school-manager`, `apple-ads`); \
               15777000 (the others); must be unset for `apns` and `devicecheck`, whose \
               tokens have no `exp` and work for 3600",
        parse: |v, low| set(&mut low.duration, values::seconds(v).map(Some)),
    }
    Scope scope {
        env: "ASC_SCOPE", input: Some("scope"), section: Section::Token, unset: Unset::Nothing,
        help: "a JSON array of strings, or one entry per line: the allowed requests, each \
               `METHOD /path` with an optional `?query` (METHOD one of GET POST PATCH PUT \
               DELETE; `app-store-connect`, `enterprise`), or the token's scopes \
               (`server_api`, `mapkit_js`, `web_snapshots`, `embed_api`; `maps`: set \
               `server_api` for the Maps Server API, as Apple's page asks; without a scope \
               the claim is left out, as in the Maps Server API token Apple's forum answer \
               shows working (thread 766701), though no page of Apple's promises it)",
        parse: |v, low| set(&mut low.scope, Ok(Some(v.to_owned()))),
    }
    Api api {
        env: "ASC_API", input: Some("api"), section: Section::Token,
        unset: Unset::Value("app-store-connect"),
        help: "the service: `app-store-connect` (aud `appstoreconnect-v1`), `enterprise` \
               (aud `apple-developer-enterprise-v1`), `app-store-server` (App Store Server \
               API, which asks for a new token per request: mint one each time, a mint \
               costs about a millisecond), `sign-in-with-apple` (client secret), `business-manager` or \
               `school-manager` (client assertion), `apns` (provider token), `music` \
               (MusicKit developer token), `weatherkit`, `maps`, `apple-ads` (Apple Ads API \
               client secret) or `devicecheck`",
        parse: |v, low| set(&mut low.api, one_of(v).map(Some)),
    }
    TeamId team_id {
        env: "ASC_TEAM_ID", input: Some("team-id"), section: Section::Token,
        unset: Unset::Rule("required for `sign-in-with-apple`, `apns`, `music`, \
                            `weatherkit`, `maps`, `apple-ads` and `devicecheck`, must be \
                            unset otherwise"),
        help: "your 10-character Team ID, goes in `iss`; lower case is upper-cased \
               (`apple-ads`: the `SEARCHADS.…` team ID shown with the API credentials, as \
               written)",
        parse: |v, low| set(&mut low.team_id, values::team_id(v).map(Some)),
    }
    BundleId bundle_id {
        env: "ASC_BUNDLE_ID", input: Some("bundle-id"), section: Section::Token,
        unset: Unset::Rule("required for `app-store-server`, must be unset otherwise"),
        help: "the app's bundle ID, goes in `bid`, e.g. `com.example.app`",
        parse: |v, low| set(&mut low.bundle_id, values::identifier(v, "com.example.app").map(Some)),
    }
    ClientId client_id {
        env: "ASC_CLIENT_ID", input: Some("client-id"), section: Section::Token,
        unset: Unset::Rule("required for `sign-in-with-apple`, `business-manager`, \
                            `school-manager` and `apple-ads`, must be unset otherwise"),
        help: "goes in `sub`: the Services ID or App ID that signs in (`sign-in-with-apple`, \
               case-sensitive), the `BUSINESSAPI.…`/`SCHOOLAPI.…` client ID (also `iss`), \
               or the `SEARCHADS.…` client ID (`apple-ads`)",
        parse: |v, low| set(&mut low.client_id, values::identifier(v, "com.example.web").map(Some)),
    }
    ServiceId service_id {
        env: "ASC_SERVICE_ID", input: Some("service-id"), section: Section::Token,
        unset: Unset::Rule("required for `weatherkit`, must be unset otherwise"),
        help: "the WeatherKit Services ID, goes in `sub` and the header's `id` \
               (`TEAMID.SERVICEID`)",
        parse: |v, low| set(&mut low.service_id, values::identifier(v, "com.example.weather").map(Some)),
    }
    Origin origin {
        env: "ASC_ORIGIN", input: Some("origin"), section: Section::Token,
        unset: Unset::Nothing,
        help: "`music` and `maps` only: web origins allowed to use the token, a JSON array of \
               strings or one per line (`music` writes an array, `maps` one comma-separated \
               string); `maps` needs one with the scopes other than `server_api`",
        parse: |v, low| set(&mut low.origin, values::origins(v).map(Some)),
    }
    Format format {
        env: "ASC_FORMAT", input: None, section: Section::Token, unset: Unset::Value("text"),
        help: "`text`, `json`, `dotenv` or `github` (see the output formats); the action \
               sets `github`",
        parse: |v, low| set(&mut low.format, one_of(v).map(Some)),
    }
    KeyFile key_file {
        env: "ASC_KEY_FILE", input: Some("key-file"), section: Section::KeyFiles,
        unset: Unset::Value("false"),
        help: "`true`: write the key in Apple's form as `<dir>/AuthKey_<KEY_ID>.p8`",
        parse: |v, low| set(&mut low.key_file, one_of(v)),
    }
    KeyDir key_dir {
        env: "ASC_KEY_DIR", input: Some("key-dir"), section: Section::KeyFiles,
        unset: Unset::Default("`$RUNNER_TEMP/asc-jwt/private_keys` in GitHub Actions, \
                            `~/.appstoreconnect/private_keys` elsewhere (a folder altool \
                            searches)"),
        help: "`<dir>` (`~/` at the start is the home folder; a relative path is made \
               absolute), created 0700; files are 0600",
        parse: |v, low| set(&mut low.key_dir, values::plain_path(v).map(Some)),
    }
    KeyFileOverwrite key_file_overwrite {
        env: "ASC_KEY_FILE_OVERWRITE", input: Some("key-file-overwrite"),
        section: Section::KeyFiles, unset: Unset::Value("false"),
        help: "`true`: replace a file that holds another key (otherwise exit 2)",
        parse: |v, low| set(&mut low.key_file_overwrite, one_of(v)),
    }
    FastlaneJson fastlane_json {
        env: "ASC_FASTLANE_JSON", input: Some("fastlane-json"), section: Section::KeyFiles,
        unset: Unset::Value("false"),
        help: "`true`: write fastlane's API key JSON as \
               `<dir>/AuthKey_<KEY_ID>.fastlane.json`",
        parse: |v, low| set(&mut low.fastlane_json, one_of(v)),
    }
    AddToPath add_to_path {
        env: "ASC_ADD_TO_PATH", input: Some("add-to-path"), section: Section::KeyFiles,
        unset: Unset::Value("false"),
        help: "`true`: in GitHub Actions, append asc-jwt's folder to `GITHUB_PATH` and, with \
               a key file, the settings for a bare `asc-jwt` to `GITHUB_ENV`",
        parse: |v, low| set(&mut low.add_to_path, one_of(v)),
    }
    Clock clock {
        env: "ASC_CLOCK", input: Some("clock"), section: Section::Apple,
        unset: Unset::Default("`local`, `apple` when `ASC_VERIFY` is `true`"),
        help: "`local`, or `apple`: count `iat`/`exp` on Apple's clock, read from the `Date` \
               header of one unauthenticated request to the API host (falls back to the \
               local clock with a warning if it cannot be read; exit 1, nothing minted, if \
               it is more than 24 hours from this machine's)",
        parse: |v, low| set(&mut low.clock, one_of(v).map(Some)),
    }
    Verify verify {
        env: "ASC_VERIFY", input: Some("verify"), section: Section::Apple,
        unset: Unset::Value("false"),
        help: "`true`: after minting, ask Apple with one harmless request per api (listed \
               below); exit 3 with Apple's error and a diagnosis if it refuses; not \
               available for `apns`, which speaks HTTP/2 only, nor `devicecheck`, whose \
               documented answers cannot show a token accepted without a real device",
        parse: |v, low| set(&mut low.verify, one_of(v)),
    }
    ApiBaseUrl api_base_url {
        env: "ASC_API_BASE_URL", input: None, section: Section::Apple,
        unset: Unset::Default("Apple's host for the api"),
        help: "**tests only**: `http://127.0.0.1:PORT` or `http://[::1]:PORT` in place of \
               Apple's API host; anything else is refused",
        parse: |v, low| set(&mut low.api_base_url, values::test_base_url(v).map(Some)),
    }
    Token token {
        env: "ASC_TOKEN", input: None, section: Section::Explain,
        unset: Unset::Default("standard input"),
        help: "`asc-jwt explain`: the token to explain, instead of standard input (never an \
               argument: every process on the machine can read a command line)",
        parse: |v, low| set(&mut low.token, Ok(Some(v.to_owned()))),
    }
    PublicKey public_key {
        env: "ASC_PUBLIC_KEY", input: None, section: Section::Explain,
        unset: Unset::Nothing,
        help: "`asc-jwt explain`: the P-256 public key (`-----BEGIN PUBLIC KEY-----`, or its \
               base64) to verify the token's signature with, when the private key is not at \
               hand",
        parse: |v, low| set(&mut low.public_key, Ok(Some(v.to_owned()))),
    }
}

/// Stores a parsed value in its field of [`Low`].
fn set<T>(field: &mut T, value: Result<T, String>) -> Result<(), String> {
    *field = value?;
    Ok(())
}

impl Var {
    /// Its entry in [`SETTINGS`]; `None` for `GITHUB_OUTPUT`, which is not a setting.
    pub fn setting(self) -> Option<&'static Setting> {
        SETTINGS.iter().find(|s| s.var == self)
    }

    /// The environment variable.
    pub fn name(self) -> &'static str {
        self.setting().map_or("GITHUB_OUTPUT", |s| s.env)
    }

    /// The GitHub Action input that sets it, if any.
    pub fn input(self) -> Option<&'static str> {
        self.setting().and_then(|s| s.input)
    }
}

impl std::fmt::Display for Var {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.input() {
            Some(input) => write!(f, "{} (input {input})", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

/// The README's words for what applies when unset.
fn unset_words(unset: Unset) -> String {
    match unset {
        Unset::Required => "required".into(),
        Unset::Nothing => "none".into(),
        Unset::Value(value) => format!("`{value}`"),
        Unset::Default(words) | Unset::Rule(words) => words.into(),
    }
}

/// The README's Configuration table.
pub fn markdown_table() -> String {
    let mut table =
        String::from("| variable | action input | meaning | when unset |\n|---|---|---|---|\n");
    for s in SETTINGS {
        let input = s.input.map_or("—".into(), |i| format!("`{i}`"));
        let help = s.help;
        table += &format!(
            "| `{}` | {input} | {help} | {} |\n",
            s.env,
            unset_words(s.unset)
        );
    }
    table
}

const HELP_WIDTH: usize = 88;

/// `text`'s words in lines of at most [`HELP_WIDTH`] characters, each after `indent`.
fn wrap(text: &str, indent: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= HELP_WIDTH => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(format!("{indent}{word}")),
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// One setting in `--help`: its variable and input, then its help and default below.
fn help_entry(s: &Setting) -> String {
    let input = s.input.map(|i| format!(" [{i}]")).unwrap_or_default();
    let unset = match s.unset {
        Unset::Required => "(required)".to_owned(),
        Unset::Nothing => "(default none)".to_owned(),
        Unset::Value(value) => format!("(default `{value}`)"),
        Unset::Default(words) => format!("(default {words})"),
        Unset::Rule(words) => format!("({words})"),
    };
    let text = format!("{} {unset}", s.help.replace("**", ""));
    format!("  {}{input}\n{}", s.env, wrap(&text, "      "))
}

/// The whole of `--help`.
pub fn help() -> String {
    let section = |section: Section| -> String {
        SETTINGS
            .iter()
            .filter(|s| s.section == section)
            .map(help_entry)
            .collect()
    };
    let formats: String = [Format::Json, Format::Dotenv, Format::Github]
        .iter()
        .map(|&f| {
            // `  json    ` is as wide as the indent of the lines that follow it.
            let list = wrap(&field_list(f, "", ", "), &" ".repeat(10));
            format!("  {:<7} {}", f.name(), list.trim_start())
        })
        .collect();
    let probes: String = crate::mint::token::Api::ALL
        .iter()
        .map(|&api| {
            format!(
                "  {}: {}\n",
                api.name(),
                crate::apple::probes::probe_words(api)
            )
        })
        .collect();
    format!(
        "{HELP_HEAD}{}\n{HELP_KEY_FILES}{}\n{HELP_APPLE}{}\n{HELP_PROBES}{probes}\n\
         {HELP_FORMATS}{formats}\n{HELP_EXPLAIN}{}{HELP_TAIL}",
        section(Section::Token),
        section(Section::KeyFiles),
        section(Section::Apple),
        section(Section::Explain),
    )
}

const HELP_HEAD: &str = "\
asc-jwt: mint an App Store Connect API token, or another Apple service's ES256 JWT, from
environment variables

Usage: asc-jwt            print a token, configured by the variables below
       asc-jwt explain    say whether Apple would accept a token from standard input or
                          ASC_TOKEN, minted by any tool, and why not (see below)
       asc-jwt --help     print this help
       asc-jwt --version  print the version

Variables (action input in brackets; surrounding white space and one pair of matching
quotes are removed, and an empty value counts as unset):
";

const HELP_KEY_FILES: &str = "\
Key files for Apple's tools (altool, notarytool, xcodebuild) and fastlane:
";

const HELP_APPLE: &str = "\
Asking Apple (optional; one HTTPS request each, 5 s timeout, HTTPS_PROXY/NO_PROXY
honoured):
";

const HELP_PROBES: &str = "\
What ASC_VERIFY asks, per api (Business/School Manager, Apple Ads: the exchange for an
access token, its parameters in the query string; Sign in with Apple: a dummy code, so
`invalid_grant` means the secret was accepted; a 401 is asked again once, 2 s later,
with a freshly minted token, which is then the one written). A token with ASC_SCOPE
(`app-store-connect`, `enterprise`) is asked with the scope's first GET entry as
written instead, since Apple refuses it outside its scope:
";

const HELP_FORMATS: &str = "\
Output formats (`github` writes its outputs to $GITHUB_OUTPUT and only masks to stdout):
  text    the token alone on stdout
";

const HELP_EXPLAIN: &str = "\
asc-jwt explain: one token, from standard input or ASC_TOKEN (at most 64 KiB), checked
against the rules of the Apple service it is for (found from `aud`, `bid`, the forms of
`iss` and `sub` and the header; ASC_API names it instead), one line per check with
Apple's page: algorithm and signature encoding (64 bytes r||s, not DER), `kid`, `typ`,
the claims, `iss`/`sub` forms, `aud`, the lifetime, `iat`/`exp` on this machine's clock
(Apple's with ASC_CLOCK=apple), scope and origin entries. With ASC_PRIVATE_KEY(_PATH) or
ASC_PUBLIC_KEY the signature is verified; with ASC_VERIFY=true Apple is asked too.
ASC_FORMAT is `text` or `json` (one object: service, checks with pass/fail/note and
reason). The token's header and claims are printed (they hold no secret); the token and
its signature never are. Exit 0: nothing Apple documents would refuse; 3: something
would, or Apple refused it; 2: the input is not a JWT, or a setting is wrong.
";

const HELP_TAIL: &str = "
\
A one-line summary (never the token) goes to stderr. With GITHUB_ACTIONS=true the
::add-mask:: lines of the token (and of the key, when it is written to disk) come first,
and errors and warnings are workflow commands.

Token: iat = now - 60 s (tolerates a runner clock up to a minute fast),
       exp = iat + duration.

Exit codes:
  0  a token was minted and written
  1  any other failure, e.g. GITHUB_OUTPUT or the key folder cannot be written,
     ASC_VERIFY could not ask Apple, or ASC_CLOCK=apple read a clock more than 24 hours
     from this machine's; no token is printed or written
  2  the configuration or an input is wrong (every problem is listed; nothing is
     minted), e.g. the key pasted into another setting, or a key file exists with
     another key
  3  ASC_VERIFY: Apple refused the token, or answered 429/5xx without judging it (the
     outputs were still written)
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_the_envy_field_it_fills() {
        for s in SETTINGS {
            assert_eq!(s.env, format!("ASC_{}", s.field.to_uppercase()));
        }
    }

    #[test]
    fn help_lines_fit_the_width() {
        for line in help().lines() {
            assert!(line.chars().count() <= HELP_WIDTH, "{line:?}");
        }
    }

    #[test]
    fn enumerated_settings_list_their_names_in_their_help() {
        for (var, names) in [
            (Var::KeyType, values::names::<KeyType>()),
            (Var::Api, values::names::<Api>()),
            (Var::Format, values::names::<Format>()),
        ] {
            let help = var.setting().map(|s| s.help).unwrap_or_default();
            for name in names
                .split('`')
                .filter(|n| !n.is_empty() && !n.contains(' '))
            {
                assert!(help.contains(&format!("`{name}`")), "{var:?}: {name}");
            }
        }
    }
}
