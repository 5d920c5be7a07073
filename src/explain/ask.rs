//! Apple asked about a token it did not see minted: its clock (`ASC_CLOCK=apple`), and
//! its verdict (`ASC_VERIFY=true`) on the same harmless request, with the same
//! diagnosis, as a minted token's.

use std::convert::Infallible;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::apple::diagnosis::{self, Context};
use crate::apple::verify::{self, Unchecked, Verdict};
use crate::apple::{clock, probes};
use crate::explain::decode::Decoded;
use crate::explain::report::{Check, Outcome};
use crate::explain::service::Identified;
use crate::mint::token::{Api, Id, KeyType, Minted, TokenSpec};

/// `now` on Apple's clock, its words and its offset from `local`; this machine's clock,
/// with a note in `checks`, when Apple's cannot be read or is a day or more off.
pub fn apple_clock(
    agent: &ureq::Agent,
    base: &str,
    api: Api,
    local: i64,
    checks: &mut Vec<Check>,
) -> (i64, &'static str, Option<i64>) {
    let page = api.token_page();
    let reason = match clock::offset(agent, base, api, local) {
        Ok((apple, offset)) if offset.believable() => {
            let reason = format!(
                "Apple's clock is {} this machine's; the times are judged on Apple's",
                offset.words()
            );
            checks.push(Check::new("clock", Outcome::Pass, reason, page));
            return (apple, "Apple's clock", Some(offset.0));
        }
        Ok(_) => "Apple's clock was more than a day from this machine's, so it was not believed"
            .to_owned(),
        Err(why) => format!("could not read Apple's clock ({why})"),
    };
    let reason = format!("{reason}; the times are judged on this machine's clock");
    checks.push(Check::new("clock", Outcome::Note, reason, page));
    (local, "this machine's clock", None)
}

/// What the token says, as the spec `apple::verify` sends it by: the service, the key ID,
/// App Store Connect's scope (whose first GET is asked) and the client ID of the OAuth
/// forms.
fn spec_of(token: &Decoded, id: &Identified) -> TokenSpec {
    let text = |name: &str| {
        token
            .claims
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (iss, sub) = (id.api.issuer(id.key_type), id.api.subject(id.key_type));
    let named = |which: Id| match (iss == Some(which), sub == Some(which)) {
        (true, _) => text("iss"),
        (_, true) => text("sub"),
        _ => None,
    };
    TokenSpec {
        key_id: token
            .header
            .get("kid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        issuer_id: named(Id::IssuerId),
        key_type: id.key_type,
        api: id.api,
        scope: token
            .claims
            .get("scope")
            .and_then(|s| serde_json::from_value(s.clone()).ok()),
        team_id: named(Id::TeamId),
        bundle_id: text("bid"),
        client_id: named(Id::ClientId),
        service_id: named(Id::ServiceId),
        ..TokenSpec::default()
    }
}

/// Apple's verdict on the token, as a check, and whether Apple could not be asked.
pub fn verdict(
    agent: &ureq::Agent,
    base: &str,
    token: &Decoded,
    id: &Identified,
    clock_offset: Option<i64>,
    mismatched_file_id: Option<String>,
) -> (Check, bool) {
    let page = id.api.token_page();
    let spec = spec_of(token, id);
    if let Err(why) = probes::request(&spec) {
        let reason = format!("Apple cannot be asked about this token: {why}");
        return (Check::new("apple", Outcome::Note, &reason, page), false);
    }
    let seconds = |name: &str| token.claims.get(name).and_then(Value::as_i64).unwrap_or(0);
    let minted = Minted {
        token: format!(
            "{}.{}",
            token.signing_input,
            URL_SAFE_NO_PAD.encode(&token.signature)
        ),
        issued_at: seconds("iat"),
        expires_at: seconds("exp"),
    };
    // A token minted elsewhere cannot be minted afresh: the retry after a 401 sends it again.
    let again = minted.clone();
    let checked = verify::verify(agent, base, &spec, minted, || Ok::<_, Infallible>(again));
    let verdict = match checked {
        Ok(checked) => checked.verdict,
        Err(Unchecked::Mint(never)) => match never {},
        Err(Unchecked::Unreachable(why)) => {
            let reason = format!("could not ask Apple: {why}");
            return (Check::new("apple", Outcome::Note, reason, page), true);
        }
    };
    let check = match verdict {
        Verdict::Accepted { status, millis, .. } => {
            let reason = format!("Apple accepted the token (HTTP {status} in {millis} ms)");
            Check::new("apple", Outcome::Pass, reason, page)
        }
        refused => {
            let context = Context {
                team_key: id.api.is_connect() && id.key_type == KeyType::Team,
                api: id.api,
                clock_offset,
                mismatched_file_id,
                key_id: spec.key_id.clone(),
            };
            refusal(refused, &context)
        }
    };
    (check, false)
}

/// Apple's refusal, with the diagnosis a minted token's gets; a 429 or 5xx, which judges
/// nothing, is a note.
fn refusal(verdict: Verdict, context: &Context) -> Check {
    let page = context.api.token_page();
    let Verdict::Refused {
        status,
        errors,
        unreadable_body,
    } = verdict
    else {
        return Check::new("apple", Outcome::Pass, "Apple accepted the token", page);
    };
    let words = diagnosis::explain(status, &errors, unreadable_body, context);
    let outcome = match diagnosis::not_judged(status) {
        true => Outcome::Note,
        false => Outcome::Fail,
    };
    Check::new("apple", outcome, words, page)
}
