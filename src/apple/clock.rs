//! Apple's clock, from the `Date` header of an unauthenticated HEAD.

use ureq::Agent;

use crate::apple::probes::{Probe, probe};
use crate::apple::transport::{describe, direct_unless_apple, redirected};
use crate::mint::time::parse_http_date;
use crate::mint::token::Api;

/// How far Apple's clock may be from this machine's and still be believed: a machine
/// clock off by hours happens (a hosted runner ~200 s, a laptop in the wrong zone); a day
/// or more is a wrong machine clock or an answer that is not Apple's, and a token minted
/// on either clock would be dated wrong (a `Date` of 2035 gave a secret valid from 2034).
pub const MAX_CLOCK_OFFSET: i64 = 86_400;

/// Apple's time, in Unix seconds, from the `Date` header of an unauthenticated HEAD of
/// `/v1` (App Store Connect, Enterprise) or of the path [`verify`](crate::apple::verify::verify) asks. Its distance
/// from this machine's clock is the caller's to judge ([`MAX_CLOCK_OFFSET`]).
pub fn server_time(agent: &Agent, base: &str, api: Api) -> Result<i64, String> {
    let path = match probe(api) {
        Some(Probe::Get(path) | Probe::Form(path)) if !api.is_connect() => path,
        _ => "/v1",
    };
    let response = direct_unless_apple(agent.head(format!("{base}{path}")), base)
        .call()
        .map_err(|err| describe(&err))?;
    if response.status().is_redirection() {
        return Err(redirected(&response, base));
    }
    let date = response
        .headers()
        .get("date")
        .ok_or("the answer has no Date header")?;
    let text = date.to_str().map_err(|_| "its Date header is not text")?;
    parse_http_date(text).ok_or_else(|| {
        format!(
            "its Date header `{}` is not an HTTP date",
            text.chars().take(40).collect::<String>()
        )
    })
}

/// Apple's clock minus this machine's, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset(pub i64);

impl Offset {
    /// Whether Apple's clock may be believed: at most [`MAX_CLOCK_OFFSET`] away.
    pub fn believable(self) -> bool {
        self.0.saturating_abs() <= MAX_CLOCK_OFFSET
    }

    /// Apple's clock against this machine's: "N s ahead of" or "N s behind".
    pub fn words(self) -> String {
        let side = if self.0 >= 0 { "ahead of" } else { "behind" };
        format!("{} s {side}", self.0.unsigned_abs())
    }
}

/// Apple's time (as [`server_time`]) and its [`Offset`] from `local`.
pub fn offset(agent: &Agent, base: &str, api: Api, local: i64) -> Result<(i64, Offset), String> {
    let apple = server_time(agent, base, api)?;
    Ok((apple, Offset(apple.saturating_sub(local))))
}
