//! `asc-jwt`: reads `ASC_*` variables, prints an Apple API token. The arguments are
//! [`asc_jwt::cli`]'s, the work is [`asc_jwt::run`]'s; this prints the error and exits
//! with its code.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use asc_jwt::config::check::Env;
use asc_jwt::deliver::github::Log;
use asc_jwt::exit;

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    // args_os: `args` panics on an argument that is not UTF-8.
    if let Some(arg) = std::env::args_os().nth(1) {
        return ExitCode::from(asc_jwt::cli::answer(&arg, &mut stdout, &mut stderr));
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
