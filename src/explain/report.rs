//! The explanation, as text (one line per check) or as one JSON object: the service, the
//! token's header and claims (they hold no secret), each check with its outcome, reason
//! and Apple's page. Never the token or its signature.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::config::key_material::looks_like_key_or_scalar;
use crate::deliver::github;
use crate::deliver::output::Format;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    /// Apple documents that it refuses this, or did refuse it.
    Fail,
    /// Worth knowing; Apple documents no refusal for it.
    Note,
}

/// One check: what was checked, how it came out and why, and the page of Apple's (or
/// the RFC) it follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: String,
    pub result: Outcome,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<&'static str>,
}

impl Check {
    pub fn new(
        check: &str,
        result: Outcome,
        reason: impl Into<String>,
        page: &'static str,
    ) -> Self {
        Check {
            check: check.to_owned(),
            result,
            reason: reason.into(),
            page: Some(page),
        }
    }

    /// A pass when `problem` is `None`, else a failure with that reason.
    pub fn judged(
        check: &str,
        problem: Option<String>,
        ok: impl Into<String>,
        page: &'static str,
    ) -> Self {
        match problem {
            Some(why) => Check::new(check, Outcome::Fail, why, page),
            None => Check::new(check, Outcome::Pass, ok, page),
        }
    }
}

/// What the report says about the token as a whole.
#[derive(Debug, Clone)]
pub struct Explained<'a> {
    /// The service's name (`ASC_API`'s value) and title.
    pub service: (&'static str, &'static str),
    /// How the service was found.
    pub found_by: String,
    pub header: &'a Map<String, Value>,
    pub claims: &'a Map<String, Value>,
    pub checks: &'a [Check],
}

impl Explained<'_> {
    /// Whether any check failed: Apple would refuse the token.
    pub fn refused(&self) -> bool {
        self.checks.iter().any(|c| c.result == Outcome::Fail)
    }
}

/// A header or claims object as printed: compact JSON, or nothing when it looks like it
/// carries a private key (which no token should; the check list says so).
fn shown(object: &Map<String, Value>) -> Value {
    let json = Value::Object(object.clone());
    match looks_like_key_or_scalar(&json.to_string()) {
        true => Value::String("(not shown: it holds what looks like private key material)".into()),
        false => json,
    }
}

/// Writes the report in `format` (`text` or `json`) to `out`.
pub fn emit(format: Format, report: &Explained<'_>, out: &mut dyn Write) -> io::Result<()> {
    let failed = report
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Fail)
        .count();
    let unverified = report
        .checks
        .iter()
        .any(|c| c.check == "key" && c.result == Outcome::Note);
    let verdict = match (failed, unverified) {
        (0, false) => "nothing Apple documents would refuse this token".to_owned(),
        (0, true) => "nothing Apple documents would refuse this token, if its signature is \
                      the key's (not verified: no key given)"
            .to_owned(),
        (n, _) => format!("Apple would refuse this token: {n} check(s) failed"),
    };
    if format == Format::Json {
        let object = json!({
            "service": report.service.0,
            "title": report.service.1,
            "found_by": report.found_by,
            "header": shown(report.header),
            "claims": shown(report.claims),
            "checks": report.checks,
            "refused": report.refused(),
            "verdict": verdict,
        });
        // `\u005b` is `[` to every JSON reader, and no `##[` to the runner.
        writeln!(out, "{}", github::defuse(&object.to_string(), "\\u005b"))?;
        return out.flush();
    }
    let mut text = format!(
        "service: {} ({}), {}\nheader: {}\nclaims: {}\n",
        report.service.1,
        report.service.0,
        report.found_by,
        shown(report.header),
        shown(report.claims)
    );
    for check in report.checks {
        let result = match check.result {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::Note => "note",
        };
        let page = check.page.map(|p| format!(" [{p}]")).unwrap_or_default();
        let mut lines = check.reason.lines();
        let first = lines.next().unwrap_or_default();
        text += &format!("{result}  {}: {first}{page}\n", check.check);
        for more in lines {
            text += &format!("      {more}\n");
        }
    }
    text += &format!("result: {verdict}\n");
    out.write_all(github::inert(&text).as_bytes())?;
    out.flush()
}
