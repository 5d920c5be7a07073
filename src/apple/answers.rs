//! What Apple answers: its services' error forms, read without any echo of the token, and
//! the access token of an OAuth exchange, kept only when a header and an output line can
//! carry it.

use serde::Deserialize;

/// An OAuth access token Apple issued in exchange for a client assertion.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    pub token: String,
    /// Seconds it lives (`expires_in`; Apple documents 3600).
    pub expires_in: i64,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// One error Apple reported, whatever the service's error form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub detail: String,
}

#[cfg(test)]
impl ApiError {
    pub(crate) fn new(code: &str, title: &str, detail: &str) -> ApiError {
        ApiError {
            code: code.into(),
            title: title.into(),
            detail: detail.into(),
        }
    }
}

/// The error forms of Apple's services: App Store Connect's `errors[]`, WeatherKit's
/// gateway answer (`error` and `message`, developer forums 713664), OAuth's `error` (Sign
/// in with Apple, Business/School Manager), the App Store Server API's `errorCode`, and
/// Maps' `error` object. Tried in this order: the gateway form before OAuth's, whose
/// `error` it shares.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum ErrorBody {
    Errors {
        errors: Vec<ApiError>,
    },
    Gateway {
        error: String,
        message: String,
    },
    OAuth {
        error: String,
        #[serde(default)]
        error_description: String,
    },
    StoreKit {
        #[serde(rename = "errorCode")]
        code: i64,
        #[serde(default, rename = "errorMessage")]
        message: String,
    },
    Maps {
        error: MapsError,
    },
}

#[derive(Deserialize)]
pub(crate) struct MapsError {
    #[serde(default)]
    message: String,
}

impl ErrorBody {
    pub(crate) fn into_errors(self) -> Vec<ApiError> {
        let one = |code: String, title: String| {
            vec![ApiError {
                code,
                title,
                detail: String::new(),
            }]
        };
        match self {
            ErrorBody::Errors { errors } => errors,
            ErrorBody::Gateway { error, message } => one(error, message),
            ErrorBody::OAuth {
                error,
                error_description,
            } => one(error, error_description),
            ErrorBody::StoreKit { code, message } => one(code.to_string(), message),
            ErrorBody::Maps { error } => one(String::new(), error.message),
        }
    }
}

/// The errors of the answer `body`, if it is one of Apple's error forms, with every echo of
/// `token` and of an access token the same body holds (whole, or a part of [`ECHOED`] or
/// more characters, as a cut echo leaves it), and any run of 20 or more JWT characters
/// starting `eyJ`, replaced by `(the token)`: a gateway's, a proxy's or a firewall's page
/// or an OAuth `error_description` may echo the request, and these words are printed
/// where outside GitHub Actions no mask hides anything (and inside, a cut echo is not
/// matched by the mask).
pub(crate) fn errors(body: &str, token: &str) -> Option<Vec<ApiError>> {
    #[derive(Deserialize)]
    struct Issued {
        access_token: String,
    }
    let issued = serde_json::from_str::<Issued>(body).map(|i| i.access_token);
    let secrets = [token, issued.as_deref().unwrap_or_default()];
    let errors = serde_json::from_str::<ErrorBody>(body).ok()?.into_errors();
    let clean = |text: String| without_tokens(&text, &secrets);
    Some(
        errors
            .into_iter()
            .map(|e| ApiError {
                code: clean(e.code),
                title: clean(e.title),
                detail: clean(e.detail),
            })
            .collect(),
    )
}

/// The fewest characters of a secret that [`without_tokens`] takes for an echo of it.
pub const ECHOED: usize = 16;

/// `text` with each run of [`ECHOED`] or more characters of any of `secrets` (all of a
/// shorter one), and each run of 20 or more JWT characters (base64url and `.`) that starts
/// `eyJ` (`{"` in base64url, as every JWT does), replaced by `(the token)`.
pub(crate) fn without_tokens(text: &str, secrets: &[&str]) -> String {
    let bytes = text.as_bytes();
    let mut hidden = vec![false; bytes.len()];
    for secret in secrets
        .iter()
        .map(|s| s.as_bytes())
        .filter(|s| !s.is_empty())
    {
        let width = ECHOED.min(secret.len());
        let parts: std::collections::HashSet<&[u8]> = secret.windows(width).collect();
        for (at, window) in bytes.windows(width).enumerate() {
            if parts.contains(window) {
                hidden[at..at + width].fill(true);
            }
        }
    }
    let jwt = |b: &u8| b.is_ascii_alphanumeric() || b"-_.".contains(b);
    for (at, _) in text.match_indices("eyJ") {
        let length = bytes[at..].iter().take_while(|b| jwt(b)).count();
        if length >= 20 {
            hidden[at..at + length].fill(true);
        }
    }
    let mut clean = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        match hidden[at..at + c.len_utf8()].contains(&true) {
            false => clean.push(c),
            true if at > 0 && hidden[at - 1] => {}
            true => clean.push_str("(the token)"),
        }
    }
    clean
}

/// The App Store Server API's answer to a token Apple read but whose `bid` is not an app
/// of the key's team ("Invalid request app identifier", developer forums 725963).
pub const STOREKIT_INVALID_APP: &str = "4000002";

/// The fewest characters an access token of Apple's can have. Apple documents no length
/// (`apple-school-and-business-manager-api/implementing-oauth-for-the-apple-school-manager-
/// and-apple-business-api`: the exchange's `access_token` is sent "as a bearer token"),
/// but a token shorter than this is guessable (RFC 6749 section 10.10) and none Apple
/// issues; it would also be masked in the log ([`crate::deliver::github::masks`]).
pub const SHORTEST_ACCESS_TOKEN: usize = 16;

/// The access token of an OAuth success body, if it is one a header and an output line
/// can carry: RFC 6750's bearer alphabet, from [`SHORTEST_ACCESS_TOKEN`] characters to
/// 8 KiB.
pub(crate) fn access_token(body: &str) -> Option<AccessToken> {
    #[derive(Deserialize)]
    struct Success {
        access_token: String,
        // Any JSON: a lifetime of an unexpected type must not cost a usable token.
        #[serde(default)]
        expires_in: Option<serde_json::Value>,
    }
    let success: Success = serde_json::from_str(body).ok()?;
    let token = success.access_token;
    let plain = (SHORTEST_ACCESS_TOKEN..=8192).contains(&token.len()) && is_b64token(&token);
    plain.then_some(AccessToken {
        token,
        // "The token lifetime (TTL) of one hour (3600 seconds)." More than a day is no
        // lifetime Apple gives, so it is not believed either.
        expires_in: success
            .expires_in
            .and_then(|s| s.as_i64())
            .filter(|s| (1..=86_400).contains(s))
            .unwrap_or(3600),
    })
}

/// RFC 6750's `b64token`, the form of a bearer token: `A-Z a-z 0-9 - . _ ~ + /`, then
/// `=` padding. Nothing a header, an output line or a mask would read differently.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Option<Vec<ApiError>> {
        serde_json::from_str::<ErrorBody>(body)
            .ok()
            .map(ErrorBody::into_errors)
    }

    fn error(code: &str, title: &str, detail: &str) -> ApiError {
        ApiError::new(code, title, detail)
    }

    #[test]
    fn each_of_apples_error_forms_is_read() {
        let cases = [
            // App Store Connect (APPLE.md's 401 body).
            (
                r#"{"errors":[{"status":"401","code":"NOT_AUTHORIZED","title":"Authentication credentials are missing or invalid.","detail":"Provide a token."}]}"#,
                error(
                    "NOT_AUTHORIZED",
                    "Authentication credentials are missing or invalid.",
                    "Provide a token.",
                ),
            ),
            // OAuth (`signinwithapplerestapi/errorresponse`), with and without a description.
            (
                r#"{"error":"invalid_grant","error_description":"The code has already been used."}"#,
                error("invalid_grant", "The code has already been used.", ""),
            ),
            (
                r#"{"error":"invalid_client"}"#,
                error("invalid_client", "", ""),
            ),
            // The App Store Server API (developer forums 757720).
            (
                r#"{"errorCode":4040010,"errorMessage":"Transaction id not found."}"#,
                error("4040010", "Transaction id not found.", ""),
            ),
            (r#"{"errorCode":4000006}"#, error("4000006", "", "")),
            // Maps' ErrorResponse.
            (
                r#"{"error":{"message":"Not Authorized","details":[]}}"#,
                error("", "Not Authorized", ""),
            ),
            // WeatherKit's 403 (developer forums 713664).
            (
                r#"{"timestamp":"2026-11-29T09:00:00Z","status":403,"error":"Forbidden","message":"Access Denied","path":"/api/v1/availability/37.323/122.032"}"#,
                error("Forbidden", "Access Denied", ""),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(read(body), Some(vec![expected]), "{body}");
        }
    }

    #[test]
    fn echoes_of_the_token_are_cut_out_of_apples_words() {
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";
        let signature = &token[37..];
        let body = serde_json::json!({"errors": [{
            "code": token,
            "title": format!("Bearer {token} is refused"),
            "detail": format!("cut: {}…, short: {}", &signature[..16], &signature[..15]),
        }]});
        let read = errors(&body.to_string(), token).unwrap();
        assert_eq!(
            read,
            [error(
                "(the token)",
                "Bearer (the token) is refused",
                &format!("cut: (the token)…, short: {}", &signature[..15])
            )]
        );
        // An OAuth answer that echoes the access token it holds, and another JWT.
        let access = "QWxsIHlvdXIgYmFzZSBhcmUgYmVsb25nIHRvIHVz";
        let body = serde_json::json!({
            "error": "invalid_client",
            "error_description": format!("{access} for eyJraWQiOiJYIn0.eyJzdWIiOiJ5In0.sig"),
            "access_token": access,
        });
        let read = errors(&body.to_string(), token).unwrap();
        assert_eq!(
            read,
            [error("invalid_client", "(the token) for (the token)", "")]
        );
        // Apple's own words, and a short `eyJ`, are kept.
        let words = "Provide a properly configured and signed bearer token. eyJ0eXAi";
        assert_eq!(without_tokens(words, &[token, ""]), words);
    }

    #[test]
    fn bodies_that_are_no_error_form_are_not_read_as_one() {
        for body in [
            "",
            "{}",
            "[]",
            r#"{"data":[]}"#,
            r#"["currentWeather"]"#,
            r#"{"error":5}"#,
            r#"{"errorCode":"4040010"}"#,
            r#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#,
            "<html>Bad Gateway</html>",
        ] {
            assert_eq!(read(body), None, "{body}");
        }
    }

    #[test]
    fn apples_success_body_gives_its_access_token() {
        // Apple's example on the Business/School Manager OAuth page.
        let body = r#"{"access_token":"eyJhbGciOiJIUzI1NiJ9.abc-_~+/=","token_type":"Bearer","expires_in":3600,"scope":"business.api"}"#;
        let access = access_token(body).unwrap();
        assert_eq!(access.token, "eyJhbGciOiJIUzI1NiJ9.abc-_~+/=");
        assert_eq!(access.expires_in, 3600);
        let lifetime = |body: &str| access_token(body).map(|a| a.expires_in);
        assert_eq!(
            lifetime(r#"{"access_token":"abcdefghijklmnop","expires_in":7200}"#),
            Some(7200)
        );
        // Apple documents one hour; anything unusable as a lifetime falls back to it.
        for expires_in in [
            "",
            r#","expires_in":0"#,
            r#","expires_in":-5"#,
            r#","expires_in":null"#,
            r#","expires_in":"3600""#,
            r#","expires_in":1.5"#,
            r#","expires_in":9223372036854775807"#,
        ] {
            let body = format!(r#"{{"access_token":"abcdefghijklmnop"{expires_in}}}"#);
            assert_eq!(lifetime(&body), Some(3600), "{body}");
        }
    }

    #[test]
    fn an_access_token_no_header_or_output_line_can_carry_is_none() {
        let long = "a".repeat(8193);
        let longest = "a".repeat(8192);
        for token in [
            "",
            "a b",
            "a\\nb",
            "a\\rb",
            "a\\tb",
            "a\\u0000b",
            "caf\\u00e9",
            &long,
        ] {
            let body = format!(r#"{{"access_token":"{token}","expires_in":3600}}"#);
            assert!(access_token(&body).is_none(), "{body}");
        }
        let body = format!(r#"{{"access_token":"{longest}"}}"#);
        assert_eq!(access_token(&body).map(|a| a.token.len()), Some(8192));
        for body in [
            "",
            "{}",
            r#"{"access_token":5}"#,
            r#"{"error":"invalid_client"}"#,
        ] {
            assert!(access_token(body).is_none(), "{body}");
        }
    }

    #[test]
    fn an_access_token_outside_the_bearer_alphabet_or_under_16_characters_is_refused() {
        let short = "abcdefghijklmno";
        for token in ["abc%0Adef", "abc%25", "a\"b", "a=b", "==", "-", short] {
            let body = serde_json::json!({ "access_token": token }).to_string();
            assert_eq!(access_token(&body), None, "{token}");
        }
        let apple = access_token(r#"{"access_token":"eyJ.a-b_c~d+e/f=="}"#);
        assert_eq!(apple.map(|a| a.token).as_deref(), Some("eyJ.a-b_c~d+e/f=="));
        let sixteen = access_token(r#"{"access_token":"abcdefghijklmnop"}"#);
        assert_eq!(sixteen.map(|a| a.token.len()), Some(16));
    }

    #[test]
    fn an_access_tokens_debug_form_hides_it() {
        let access = access_token(r#"{"access_token":"secret-access-token"}"#).unwrap();
        assert!(!format!("{access:?}").contains("secret-access"));
    }
}
