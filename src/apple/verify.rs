//! Asking Apple whether it accepts the token: the service's request, the verdict, and one
//! retry with a freshly minted token after a 401.

use std::time::{Duration, Instant};

use ureq::Agent;

use crate::apple::answers::{
    AccessToken, ApiError, STOREKIT_INVALID_APP, access_token, errors, without_tokens,
};
use crate::apple::probes::{request, send};
use crate::apple::transport::{redirected, unreachable};
use crate::mint::token::{Api, Minted, TokenSpec};

/// How long verify waits before asking again, with a freshly minted token, after a 401,
/// which Apple is known to give a valid token now and then.
pub const RETRY_DELAY: Duration = Duration::from_secs(2);

/// Apple's verdict, and the token it was given last: after a 401, a freshly minted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub verdict: Verdict,
    pub minted: Minted,
}

/// Why [`verify`] has no verdict: Apple could not be asked (or redirected), or the fresh
/// token for the retry could not be minted.
#[derive(Debug, PartialEq, Eq)]
pub enum Unchecked<E> {
    Unreachable(String),
    Mint(E),
}

/// What Apple said to the verifying request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The token works.
    Accepted {
        status: u16,
        millis: u128,
        /// The first answer was a 401, and a freshly minted token was accepted when
        /// asked again.
        after_401: bool,
        /// Business/School Manager, Apple Ads: the access token the exchange gave.
        access_token: Option<AccessToken>,
    },
    /// Anything else, with Apple's error entries when the body had them.
    Refused {
        status: u16,
        errors: Vec<ApiError>,
        /// The body was not one of Apple's error forms.
        unreadable_body: bool,
    },
}

/// Makes one check with `minted`, and one more after [`RETRY_DELAY`] with a token from
/// `remint` (a new `iat`, and a new `jti` where the service has one) if the first is
/// answered 401. `Unreachable` only when Apple could not be asked, or answered with a
/// redirect, which is not followed.
pub fn verify<E>(
    agent: &Agent,
    base: &str,
    spec: &TokenSpec,
    minted: Minted,
    remint: impl FnOnce() -> Result<Minted, E>,
) -> Result<Checked, Unchecked<E>> {
    verify_after(agent, base, spec, minted, remint, RETRY_DELAY)
}

/// [`verify`] with the delay before the retry as a parameter, so tests need not wait.
pub fn verify_after<E>(
    agent: &Agent,
    base: &str,
    spec: &TokenSpec,
    minted: Minted,
    remint: impl FnOnce() -> Result<Minted, E>,
    retry_delay: Duration,
) -> Result<Checked, Unchecked<E>> {
    let first = ask(agent, base, spec, &minted.token).map_err(Unchecked::Unreachable)?;
    let Verdict::Refused { status: 401, .. } = first else {
        return Ok(Checked {
            verdict: first,
            minted,
        });
    };
    std::thread::sleep(retry_delay);
    let fresh = remint().map_err(Unchecked::Mint)?;
    let verdict = match ask(agent, base, spec, &fresh.token).map_err(Unchecked::Unreachable)? {
        Verdict::Accepted {
            status,
            millis,
            access_token,
            ..
        } => Verdict::Accepted {
            status,
            millis,
            after_401: true,
            access_token,
        },
        refused => refused,
    };
    Ok(Checked {
        verdict,
        minted: fresh,
    })
}

fn ask(agent: &Agent, base: &str, spec: &TokenSpec, token: &str) -> Result<Verdict, String> {
    let probe = request(spec).map_err(|why| format!("this token cannot be checked: {why}"))?;
    let started = Instant::now();
    // A transport error may quote the URL, whose query carries a manager's assertion.
    let mut response = send(agent, base, spec, probe, token)
        .map_err(|err| without_tokens(&unreachable(agent, base, &err), &[token]))?;
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        return Err(redirected(&response, base));
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let millis = started.elapsed().as_millis();
    Ok(judge(spec.api, status, millis, &body, token))
}

/// What Apple's answer `status` with `body` to `token` says of it; Apple's words without
/// any echo of the token ([`errors`]).
fn judge(api: Api, status: u16, millis: u128, body: &str, token: &str) -> Verdict {
    let errors = errors(body, token);
    let accepted = |access_token| Verdict::Accepted {
        status,
        millis,
        after_401: false,
        access_token,
    };
    let refused = || Verdict::Refused {
        status,
        unreadable_body: errors.is_none(),
        errors: errors.clone().unwrap_or_default(),
    };
    let codes: Vec<&str> = errors.iter().flatten().map(|e| e.code.as_str()).collect();
    match (api, status) {
        (_, 200) if api.is_exchanged() => match access_token(body) {
            Some(access) => accepted(Some(access)),
            None => Verdict::Refused {
                status,
                errors: Vec::new(),
                unreadable_body: true,
            },
        },
        // Apple Ads: `invalid_client` and the other OAuth errors, as for Sign in with Apple
        // on the same server (`signinwithapplerestapi/errorresponse`).
        _ if api.is_exchanged() => refused(),
        // Only the authorization code was wrong: the secret itself passed.
        (Api::SignInWithApple, 400) if codes == ["invalid_grant"] => accepted(None),
        // Read, and only the transaction was not found.
        (Api::AppStoreServer, 400 | 404)
            if codes.len() == 1
                && codes[0] != STOREKIT_INVALID_APP
                && codes[0].bytes().all(|b| b.is_ascii_digit()) =>
        {
            accepted(None)
        }
        (_, 200..=299) => accepted(None),
        _ => refused(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apple::transport::agent;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// Answers one connection per entry of `answers`, in order, on 127.0.0.1; returns
    /// the base URL and the thread, which ends after the last answer.
    fn serve(answers: Vec<&'static str>) -> (String, std::thread::JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let thread = std::thread::spawn(move || {
            let mut served = 0;
            for answer in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                let head =
                    format!("HTTP/1.1 {answer}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                (&stream).write_all(head.as_bytes()).unwrap();
                served += 1;
            }
            served
        });
        (base, thread)
    }

    fn minted(token: &str) -> Minted {
        Minted {
            token: token.into(),
            issued_at: 1,
            expires_at: 2,
        }
    }

    /// [`verify_after`] without delay, the first token `first`, a retry's `second`.
    fn check(base: &str) -> Result<Checked, Unchecked<()>> {
        let spec = TokenSpec::default();
        let remint = || Ok(minted("second"));
        verify_after(
            &agent(),
            base,
            &spec,
            minted("first"),
            remint,
            Duration::ZERO,
        )
    }

    #[test]
    fn a_401_is_asked_again_once_with_a_fresh_token_which_is_handed_over() {
        let (base, server) = serve(vec!["401 Unauthorized", "200 OK"]);
        let checked = check(&base).unwrap();
        assert!(matches!(
            checked.verdict,
            Verdict::Accepted {
                status: 200,
                after_401: true,
                ..
            }
        ));
        assert_eq!(checked.minted, minted("second"));
        assert_eq!(server.join().unwrap(), 2);
    }

    #[test]
    fn a_second_401_is_the_verdict_and_a_first_200_is_no_retry() {
        let (base, server) = serve(vec!["401 Unauthorized", "401 Unauthorized"]);
        let checked = check(&base).unwrap();
        assert!(matches!(
            checked.verdict,
            Verdict::Refused { status: 401, .. }
        ));
        assert_eq!(checked.minted, minted("second"));
        assert_eq!(server.join().unwrap(), 2);

        let (base, server) = serve(vec!["200 OK"]);
        let checked = check(&base).unwrap();
        assert!(matches!(
            checked.verdict,
            Verdict::Accepted {
                after_401: false,
                ..
            }
        ));
        assert_eq!(checked.minted, minted("first"));
        assert_eq!(server.join().unwrap(), 1);
    }

    #[test]
    fn a_failed_fresh_mint_is_no_verdict() {
        let (base, server) = serve(vec!["401 Unauthorized"]);
        let spec = TokenSpec::default();
        let remint = || Err::<Minted, _>("no key");
        let result = verify_after(
            &agent(),
            &base,
            &spec,
            minted("first"),
            remint,
            Duration::ZERO,
        );
        assert_eq!(result, Err(Unchecked::Mint("no key")));
        assert_eq!(server.join().unwrap(), 1);
    }
}
