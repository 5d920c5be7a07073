//! The command line: `--help`, `--version` and `explain` (its one subcommand, which
//! takes no argument: the token comes from standard input or `ASC_TOKEN`), and a refusal
//! of anything else, since asc-jwt is configured by `ASC_*` environment variables only.
//! An edge of the program, so `anyhow` words its one I/O failure.

use std::ffi::OsString;
use std::io::Write;

use anyhow::Context as _;

use crate::config::check::Env;
use crate::config::settings;
use crate::deliver::github;
use crate::exit;

/// Answers the arguments `args` (at least one) on `stdout`/`stderr` and returns the exit
/// code.
pub fn answer(args: &[OsString], stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let Some((arg, rest)) = args.split_first() else {
        return exit::USAGE;
    };
    // An argument that is not UTF-8 is refused like any unknown one, never read lossily.
    match arg.to_str() {
        // Never quoted back: the argument may well be the token.
        Some("explain") if !rest.is_empty() => {
            let _ = writeln!(stderr, "error: {EXPLAIN_ARGUMENTS}");
            exit::USAGE
        }
        Some("explain") => explain(stdout, stderr),
        Some("-h" | "--help" | "help") => print(stdout, stderr, &settings::help()),
        Some("-V" | "--version") => print(
            stdout,
            stderr,
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
            let _ = writeln!(stderr, "{}", github::inert(&line));
            exit::USAGE
        }
    }
}

const EXPLAIN_ARGUMENTS: &str = "`asc-jwt explain` takes no argument: a token on the command \
                                 line is visible to every process on this machine; pipe it in \
                                 (`pbpaste | asc-jwt explain`) or set ASC_TOKEN";

/// `asc-jwt explain` on this process's environment, standard input and clock.
fn explain(stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let env = Env::new(std::env::vars_os());
    let now = crate::mint::time::unix_now();
    let mut stdin = std::io::stdin().lock();
    crate::explain::run::explain(&env, &mut stdin, now, stdout, stderr)
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
