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
    ExitCode::from(asc_jwt::run(&env, now, &mut stdout, &mut stderr))
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

Output formats:
  text    the token alone on stdout
  json    {\"token\",\"expires_at\",\"issued_at\",\"key_id\",\"key_type\",\"api\"} on stdout
  dotenv  ASC_TOKEN=... and ASC_TOKEN_EXPIRES_AT=... on stdout
  github  outputs `token` and `expires-at` appended to $GITHUB_OUTPUT, the mask on stdout
A one-line summary (never the token) goes to stderr. With GITHUB_ACTIONS=true the token's
::add-mask:: line is printed first, and errors and warnings are workflow commands.

Token: iat = now - 60 s (tolerates a runner clock up to a minute fast), exp = iat + duration.

Exit codes:
  0  a token was minted and written
  1  any other failure, e.g. GITHUB_OUTPUT cannot be written (nothing is printed)
  2  the configuration or an input is wrong (every problem is listed; nothing is minted)
";
