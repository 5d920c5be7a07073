//! `asc-jwt`: reads `ASC_*` variables, prints an App Store Connect API token. Argument
//! handling and printing only; the work is the library's.

use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use asc_jwt::config::Env;
use asc_jwt::exit;
use asc_jwt::github::Log;

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    // args_os: `args` panics on an argument that is not UTF-8.
    if let Some(arg) = std::env::args_os().nth(1) {
        let code = match arg.to_str() {
            Some("-h" | "--help") => print(&mut stdout, &mut stderr, &asc_jwt::settings::help()),
            Some("-V" | "--version") => print(
                &mut stdout,
                &mut stderr,
                &format!("asc-jwt {}\n", env!("CARGO_PKG_VERSION")),
            ),
            other => {
                let shown = other
                    .filter(|a| is_flag_like(a))
                    .map(|a| format!(" `{a}`"))
                    .unwrap_or_default();
                let line = format!(
                    "error: unexpected argument{shown}: asc-jwt is configured by ASC_* \
                     environment variables only; see `asc-jwt --help`"
                );
                let _ = writeln!(stderr, "{}", asc_jwt::github::inert(&line));
                exit::USAGE
            }
        };
        return ExitCode::from(code);
    }
    let env = Env::new(std::env::vars_os());
    let log = Log {
        github: env.in_github_actions(),
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let exe = std::env::current_exe().ok();
    match asc_jwt::run(&env, now, exe.as_deref(), log, &mut stdout, &mut stderr) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(err) => {
            for line in err.details() {
                let _ = log.error(&mut stderr, &line);
            }
            let _ = log.error(&mut stderr, &err.to_string());
            ExitCode::from(err.exit_code())
        }
    }
}

fn print(out: &mut dyn Write, stderr: &mut dyn Write, text: &str) -> u8 {
    let written = out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to stdout");
    match written {
        Ok(()) => exit::OK,
        Err(err) => {
            let _ = writeln!(stderr, "error: {err:#}");
            exit::FAILURE
        }
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
