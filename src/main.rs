//! `asc-jwt`: reads `ASC_*` variables, prints an Apple API token. The arguments are
//! [`asc_jwt::cli`]'s, the work is [`asc_jwt::run`]'s; this prints the error and exits
//! with its code.

use std::process::ExitCode;

use asc_jwt::config::check::Env;
use asc_jwt::deliver::github::Log;
use asc_jwt::exit;

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    // args_os: `args` panics on an argument that is not UTF-8.
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    if !args.is_empty() {
        return ExitCode::from(asc_jwt::cli::answer(&args, &mut stdout, &mut stderr));
    }
    let env = Env::new(std::env::vars_os());
    let log = Log {
        github: env.in_github_actions(),
    };
    let now = asc_jwt::mint::time::unix_now();
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
