//! `asc-jwt`: reads `ASC_*` variables, prints an App Store Connect API token.

use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use asc_jwt::config::Env;
use asc_jwt::exit;

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    // args_os: `args` panics on an argument that is not UTF-8.
    if let Some(arg) = std::env::args_os().nth(1) {
        let code = match arg.to_str() {
            Some("-h" | "--help") => print(&mut stdout, HELP),
            Some("-V" | "--version") => print(
                &mut stdout,
                &format!("asc-jwt {}\n", env!("CARGO_PKG_VERSION")),
            ),
            other => {
                let shown = other
                    .filter(|a| is_flag_like(a))
                    .map(|a| format!(" `{a}`"))
                    .unwrap_or_default();
                let _ = writeln!(
                    stderr,
                    "error: unexpected argument{shown}: asc-jwt is configured by ASC_* \
                     environment variables only; see `asc-jwt --help`"
                );
                exit::USAGE
            }
        };
        return ExitCode::from(code);
    }
    let env = Env::new(std::env::vars_os());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let exe = std::env::current_exe().ok();
    ExitCode::from(asc_jwt::run(
        &env,
        now,
        exe.as_deref(),
        &mut stdout,
        &mut stderr,
    ))
}

fn print(out: &mut dyn Write, text: &str) -> u8 {
    match out.write_all(text.as_bytes()) {
        Ok(()) => exit::OK,
        Err(_) => exit::FAILURE,
    }
}

/// Quoted back only when it looks like a mistyped option, never like a pasted secret.
fn is_flag_like(arg: &str) -> bool {
    let name = arg.trim_start_matches('-');
    arg.starts_with('-')
        && arg.len() - name.len() <= 2
        && arg.len() <= 30
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

const HELP: &str = "\
asc-jwt: mint an App Store Connect API token (ES256 JWT) from environment variables

Usage: asc-jwt            print a token, configured by the variables below
       asc-jwt --help     print this help
       asc-jwt --version  print the version

Variables (action input in brackets; surrounding white space is trimmed and an empty
value counts as unset):
  ASC_KEY_ID            [key-id]            key ID, goes in the header's `kid` (required)
  ASC_ISSUER_ID         [issuer-id]         issuer ID, 8-4-4-4-12 hex digits (required for
                                            team keys, must be unset for individual keys)
  ASC_PRIVATE_KEY       [private-key]       the .p8 key: PEM, its base64, SEC1, or base64 DER
  ASC_PRIVATE_KEY_PATH  [private-key-path]  path to the .p8 file (`~/` = home directory)
                                            (exactly one of the two key variables)
  ASC_KEY_TYPE          [key-type]          `team` or `individual` (default `team`)
  ASC_DURATION          [duration]          lifetime in seconds, 120 to 1200 (default 1200;
                                            up to 15777000 with a GET-only scope)
  ASC_SCOPE             [scope]             allowed requests, `METHOD /path[?query]`: a JSON
                                            array of strings or one per line (default none)
  ASC_API               [api]               `app-store-connect` or `enterprise`
                                            (default `app-store-connect`)
  ASC_FORMAT                                `text`, `json`, `dotenv` or `github`
                                            (default `text`; the action sets `github`)

Key files for Apple's tools (altool, notarytool, xcodebuild) and fastlane:
  ASC_KEY_FILE          [key-file]          `true`: write the key, in Apple's form, as
                                            <dir>/AuthKey_<KEY_ID>.p8 (default `false`)
  ASC_FASTLANE_JSON     [fastlane-json]     `true`: write fastlane's API key JSON in <dir>
                                            (default `false`)
  ASC_KEY_DIR           [key-dir]           <dir>: folder 0700, files 0600 (default
                                            $RUNNER_TEMP/asc-jwt/private_keys in GitHub
                                            Actions, ~/.appstoreconnect/private_keys else)
  ASC_KEY_FILE_OVERWRITE [key-file-overwrite] `true`: replace a file holding another key
                                            (default `false`: that is an error, exit 2)
  ASC_ADD_TO_PATH       [add-to-path]       `true`: in GitHub Actions, append asc-jwt's
                                            folder to GITHUB_PATH and, with a key file, the
                                            settings for a bare `asc-jwt` to GITHUB_ENV

Asking Apple (optional; one HTTPS request each, 5 s timeout, HTTPS_PROXY/NO_PROXY honoured):
  ASC_CLOCK             [clock]             `local` or `apple`: count iat and exp on Apple's
                                            clock, read from the API host's Date header
                                            (default `local`, `apple` when verifying)
  ASC_VERIFY            [verify]            `true`: one authenticated read (GET
                                            /v1/apps?limit=1); exit 3 with Apple's error
                                            and a diagnosis if it refuses (default `false`)
  ASC_API_BASE_URL                          TESTS ONLY: http://127.0.0.1:PORT or
                                            http://[::1]:PORT in place of Apple's host

Output formats:
  text    the token alone on stdout
  json    {\"token\",\"expires_at\",\"issued_at\",\"key_id\",\"key_type\",\"api\"} on stdout,
          plus \"key_path\" and \"fastlane_json_path\" when those files are written and
          \"clock_offset\" and \"verified\" when Apple was asked
  dotenv  ASC_TOKEN=... and ASC_TOKEN_EXPIRES_AT=... on stdout, plus ASC_KEY_PATH=...
          and ASC_FASTLANE_JSON_PATH=... when those files are written
  github  outputs token, expires-at, key-id, issuer-id, key-path, fastlane-json-path,
          clock-offset and verified appended to $GITHUB_OUTPUT, the masks on stdout
A one-line summary (never the token) goes to stderr. With GITHUB_ACTIONS=true the
::add-mask:: lines of the token (and of the key, when it is written to disk) come first,
and errors and warnings are workflow commands.

Token: iat = now - 60 s (tolerates a runner clock up to a minute fast), exp = iat + duration.

Exit codes:
  0  a token was minted and written
  1  any other failure, e.g. GITHUB_OUTPUT or the key folder cannot be written, or
     ASC_VERIFY could not reach Apple (the outputs were still written)
  2  the configuration or an input is wrong (every problem is listed; nothing is minted),
     or a key file exists with another key
  3  ASC_VERIFY: Apple refused the token (the outputs were still written)
";
