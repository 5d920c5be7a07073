//! Names set in the environment that were probably meant for asc-jwt: an `ASC_*`
//! variable it does not read (a misspelt setting), the names fastlane and Codemagic give
//! the same values, and asc-jwt's own `dotenv` output name for a key file. Each is told
//! in the problem of the setting it stands for when that one is missing, and otherwise in
//! a warning (another tool's name only while ours is unset). Only names are printed,
//! never values, and only names of plain capitals, digits and `_`.

use crate::config::problems::{Invalid, Problem};
use crate::config::settings::{SETTINGS, Var};
use crate::config::values;
use crate::deliver::output::FIELDS;
use Miss::Misspelt;

/// Another tool's name for one of the settings.
///
/// fastlane's are the `env_name`s of its `app_store_connect_api_key` action
/// (docs.fastlane.tools/actions/app_store_connect_api_key); Codemagic's are those its
/// `app-store-connect` command line reads.
const OTHER_TOOLS: &[(&str, Var, &str)] = &[
    ("APP_STORE_CONNECT_API_KEY_KEY_ID", Var::KeyId, "fastlane's"),
    (
        "APP_STORE_CONNECT_API_KEY_ISSUER_ID",
        Var::IssuerId,
        "fastlane's",
    ),
    (
        "APP_STORE_CONNECT_API_KEY_KEY",
        Var::PrivateKey,
        "fastlane's",
    ),
    (
        "APP_STORE_CONNECT_API_KEY_KEY_FILEPATH",
        Var::PrivateKeyPath,
        "fastlane's",
    ),
    (
        "APP_STORE_CONNECT_API_KEY_DURATION",
        Var::Duration,
        "fastlane's",
    ),
    (
        "APP_STORE_CONNECT_KEY_IDENTIFIER",
        Var::KeyId,
        "Codemagic's",
    ),
    ("APP_STORE_CONNECT_ISSUER_ID", Var::IssuerId, "Codemagic's"),
    (
        "APP_STORE_CONNECT_PRIVATE_KEY",
        Var::PrivateKey,
        "Codemagic's",
    ),
];

/// `ASC_*` names that are not settings but are not mistakes either: the install
/// scripts' own (`ASC_JWT_TEST_RELEASE_URL`…) and the `dotenv` output, which a later job
/// of the same pipeline may have in its environment.
fn known_elsewhere(name: &str) -> bool {
    name.starts_with("ASC_JWT_") || FIELDS.iter().any(|f| f.dotenv == Some(name))
}

/// What a name set in the environment probably was.
#[derive(Debug, Clone, Copy)]
enum Miss {
    /// An `ASC_*` name asc-jwt does not read, and the setting closest to it, if any.
    Misspelt(Option<Var>),
    /// Another tool's name for the setting.
    Tool(&'static str, Var),
    /// `ASC_KEY_PATH`: asc-jwt's output for the key file it wrote.
    Output(Var),
}

/// Tells every near miss among `names` (those set in the environment): in the problem
/// of a missing setting, or as a warning.
pub fn tell(names: &[&str], found: &mut Invalid) {
    for &name in names.iter().filter(|name| plain(name)) {
        let Some(miss) = classify(name) else {
            continue;
        };
        let var = match miss {
            Miss::Misspelt(var) => var,
            Miss::Tool(_, var) | Miss::Output(var) => Some(var),
        };
        if let Misspelt(meant) = miss {
            found.warnings.push(misspelt_warning(name, meant));
        }
        let words = hint(name, &miss);
        match (var.and_then(|var| missing(found, var)), words) {
            (Some(problem), Some(words)) => problem.message.push_str(&format!("; {words}")),
            (None, Some(words)) if matches!(miss, Miss::Tool(..)) && !set(names, var) => {
                found.warnings.push(words)
            }
            _ => {}
        }
    }
}

fn classify(name: &str) -> Option<Miss> {
    if let Some((_, var, whose)) = OTHER_TOOLS.iter().find(|(n, ..)| *n == name) {
        return Some(Miss::Tool(whose, *var));
    }
    if name == "ASC_KEY_PATH" {
        return Some(Miss::Output(Var::PrivateKeyPath));
    }
    let rest = name.strip_prefix("ASC_")?;
    if SETTINGS.iter().any(|s| s.env == name) || known_elsewhere(name) {
        return None;
    }
    let suffixes = SETTINGS.iter().filter_map(|s| s.env.strip_prefix("ASC_"));
    let meant = values::closest(rest, suffixes)
        .and_then(|suffix| {
            SETTINGS
                .iter()
                .find(|s| s.env.strip_prefix("ASC_") == Some(suffix))
        })
        .map(|s| s.var);
    Some(Misspelt(meant))
}

fn misspelt_warning(name: &str, meant: Option<Var>) -> String {
    let guess = meant
        .map(|var| format!("; did you mean `{}`?", var.name()))
        .unwrap_or_default();
    format!("`{name}` is not a setting of asc-jwt, and is ignored{guess}")
}

/// The words for `name`, said where its setting is missing.
fn hint(name: &str, miss: &Miss) -> Option<String> {
    Some(match miss {
        Misspelt(meant) => format!(
            "`{name}` is set, but is not a setting of asc-jwt: did you mean to name it {}?",
            (*meant)?.name()
        ),
        Miss::Tool(whose, var) => format!(
            "`{name}` is set: that is {whose} name for {var}, which asc-jwt reads; set {} \
             to its value instead",
            var.name()
        ),
        Miss::Output(var) => format!(
            "`{name}` is set: that is the name of asc-jwt's output (the key file it wrote), \
             not a setting; the key's path goes in {var}"
        ),
    })
}

/// The "is not set" problem of `var`; the key's two variables share one.
fn missing(found: &mut Invalid, var: Var) -> Option<&mut Problem> {
    let var = match var {
        Var::PrivateKeyPath => Var::PrivateKey,
        var => var,
    };
    found
        .problems
        .iter_mut()
        .find(|p| p.var == var && p.message.starts_with("is not set"))
}

fn set(names: &[&str], var: Option<Var>) -> bool {
    var.is_some_and(|var| names.contains(&var.name()))
}

/// A name that can be quoted in any message: capitals, digits and `_`, not too long.
fn plain(name: &str) -> bool {
    name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meant(name: &str) -> Option<&'static str> {
        match classify(name)? {
            Misspelt(var) => var.map(Var::name),
            _ => None,
        }
    }

    #[test]
    fn a_misspelt_setting_is_matched_to_the_closest_one() {
        assert_eq!(meant("ASC_ISSUERID"), Some("ASC_ISSUER_ID"));
        assert_eq!(meant("ASC_PRIVATEKEY"), Some("ASC_PRIVATE_KEY"));
        assert_eq!(meant("ASC_KEYID"), Some("ASC_KEY_ID"));
        assert_eq!(meant("ASC_DURATON"), Some("ASC_DURATION"));
        assert_eq!(meant("ASC_PRIVATE_KEY_FILE"), Some("ASC_PRIVATE_KEY"));
        assert_eq!(meant("ASC_WORKFLOW_NAME"), None);
    }

    #[test]
    fn settings_outputs_and_other_names_are_no_miss() {
        for name in [
            "ASC_KEY_ID",
            "ASC_TOKEN",
            "ASC_JWT_TEST_RELEASE_URL",
            "HOME",
            "CI",
        ] {
            assert!(classify(name).is_none(), "{name}");
        }
        assert!(matches!(classify("ASC_KEY_PATH"), Some(Miss::Output(_))));
    }

    #[test]
    fn only_plain_names_are_quoted() {
        assert!(plain("ASC_ISSUERID"));
        assert!(!plain("ASC_X\n::error::y"));
        assert!(!plain("asc_key_id"));
    }
}
