//! The load step: what the configuration needs from the machine once the settings are
//! valid — the key file read and parsed, the default folder for key files.

use std::path::{Path, PathBuf};

use crate::config::check::{Env, Invalid, KeySource, Problem, Settings};
use crate::config::settings::Var;
use crate::deliver::keyfile::KeyFiles;
use crate::mint::key::{self, P256Key};

/// A complete, valid configuration: the settings, with the key read and the key
/// folder chosen.
#[derive(Debug, Clone)]
pub struct Config {
    pub settings: Settings,
    pub key: P256Key,
    /// Where to write the key for Apple's tools, if anywhere.
    pub key_files: Option<KeyFiles>,
}

/// Reads the key file and resolves the key folder; their problems, if any, as `Invalid`.
pub fn load(mut settings: Settings, env: &Env) -> Result<Config, Invalid> {
    let key = settings.key.load();
    // Said only once the file was read: for a missing file, "cannot be read" is the news.
    if let (Ok(_), Some(id_in_name)) = (&key, &settings.mismatched_file_id) {
        settings.warnings.push(format!(
            "the key file is named for key ID `{}` but {} is `{}`: Apple answers 401 \
             when the key ID does not belong to the key",
            crate::config::values::shown(id_in_name).trim_matches('`'),
            Var::KeyId,
            settings.spec.key_id,
        ));
    }
    let key_files = settings
        .key_files
        .clone()
        .map(|wanted| key_files(wanted, env));
    match (key, key_files.transpose()) {
        (Ok(key), Ok(key_files)) => Ok(Config {
            settings,
            key,
            key_files,
        }),
        (key, key_files) => Err(Invalid {
            problems: key.err().into_iter().chain(key_files.err()).collect(),
            warnings: settings.warnings,
            ..Invalid::default()
        }),
    }
}

/// The configuration's problems, with the key file's own when one is named: a missing
/// or unreadable file (or one that holds no key) is told with the rest, not after them.
pub fn with_key_file(mut invalid: Invalid) -> Invalid {
    let Some(path) = invalid.key_file.take() else {
        return invalid;
    };
    if let Err(problem) = KeySource::File(path).load() {
        invalid.problems.push(problem);
        invalid.problems.sort_by_key(|p| p.var as usize);
    }
    invalid
}

impl KeySource {
    /// The key: parsed already, or read from its file now.
    pub fn load(&self) -> Result<P256Key, Problem> {
        let path = match self {
            KeySource::Parsed(key) => return Ok(key.clone()),
            KeySource::File(path) => path,
        };
        let problem = |message: String| Problem {
            var: Var::PrivateKeyPath,
            message,
        };
        // Whether it is the key is asked only once the path cannot be read, so an odd
        // but real path still works; the answer decides whether to quote it.
        let bytes =
            crate::deliver::safe_read::read(path).map_err(|err| match looks_like_key(path) {
                true => problem(
                    "looks like the key itself rather than a path: put the key in \
                 ASC_PRIVATE_KEY (input private-key) instead"
                        .into(),
                ),
                false => problem(format!(
                    "{}, which cannot be read ({}): expected the path of the `.p8` file{}",
                    shown(path),
                    io_reason(&err),
                    nearby(path, &err)
                )),
            })?;
        key::parse(&bytes).map_err(|err| problem(format!("{}, whose content {err}", shown(path))))
    }
}

/// `is `path`` for a short, plain path; otherwise words that quote nothing, since a long
/// value or one with spaces may be key material pasted into the wrong field.
fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    let plain = text.chars().count() <= 120
        && !text.chars().any(char::is_control)
        && !text.contains("-----")
        && !text
            .split([' ', '/', '\\'])
            .any(|part| part.chars().count() >= 32);
    match plain {
        true => format!("is `{text}`"),
        false => "has a value (not shown here)".into(),
    }
}

/// What is next to a path that cannot be read, when it points the way: the `.p8` file
/// the path names without its extension, the one Apple key file in a folder given
/// instead, or the folder a relative path was read from. Only plain names are quoted.
fn nearby(path: &Path, err: &std::io::Error) -> String {
    let plain = |text: &str| {
        !text.is_empty()
            && text.len() <= 120
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/\\_.-:~ ".contains(c))
    };
    if !plain(&path.to_string_lossy()) || shown(path).starts_with("has a value") {
        return String::new();
    }
    let with_p8 = path.with_extension("p8");
    if err.kind() == std::io::ErrorKind::NotFound && path.extension().is_none() && with_p8.is_file()
    {
        return format!("; did you mean `{}`?", with_p8.display());
    }
    if path.is_dir() {
        let names: Vec<String> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("AuthKey_") && name.ends_with(".p8") && plain(name))
            .collect();
        return match names.as_slice() {
            [one] => format!("; the folder holds `{one}`: give that file's path"),
            [] => String::new(),
            many => format!(
                "; the folder holds {} AuthKey_*.p8 files: give the path of the one named \
                 for ASC_KEY_ID",
                many.len()
            ),
        };
    }
    match std::env::current_dir() {
        Ok(cwd) if path.is_relative() && plain(&cwd.to_string_lossy()) => {
            format!(" (a relative path, read from `{}`)", cwd.display())
        }
        _ => String::new(),
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        _ if crate::deliver::safe_read::Refusal::of(err).is_some() => err.to_string(),
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => err.kind().to_string(),
    }
}

/// A value that is more likely the key than a path: a key in any accepted form, any of
/// the flattened forms [`crate::config::key_material::looks_like_key`] finds, several lines, or one
/// long run with no file extension and no space (base64, perhaps cut short). Such a value
/// is never quoted back.
fn looks_like_key(path: &Path) -> bool {
    let text = path.to_string_lossy();
    crate::config::key_material::looks_like_key(&text)
        || text.contains('\n')
        || (text.chars().count() >= 32 && !text.contains(['.', ' ']))
        || key::parse(text.as_bytes()).is_ok()
}

fn key_files(wanted: KeyFiles<Option<PathBuf>>, env: &Env) -> Result<KeyFiles, Problem> {
    let dir = match wanted.dir {
        // Absolute, so that the path exported for later steps (GITHUB_ENV, outputs) still
        // names it from their working folder.
        Some(dir) if dir.is_relative() => std::env::current_dir()
            .map(|cwd| cwd.join(&dir))
            .map_err(|err| Problem {
                var: Var::KeyDir,
                message: format!(
                    "is a relative path, and the current folder cannot be read ({}): give \
                     an absolute path",
                    err.kind()
                ),
            })?,
        Some(dir) => dir,
        None => default_key_dir(env)?,
    };
    Ok(KeyFiles {
        dir,
        key_file: wanted.key_file,
        fastlane_json: wanted.fastlane_json,
        overwrite: wanted.overwrite,
    })
}

/// Inside GitHub Actions `$RUNNER_TEMP/asc-jwt/private_keys` (the runner empties
/// RUNNER_TEMP when the job ends), elsewhere `~/.appstoreconnect/private_keys` (a folder
/// `xcrun altool` searches).
fn default_key_dir(env: &Env) -> Result<PathBuf, Problem> {
    if env.in_github_actions()
        && let Some(temp) = env.get_os("RUNNER_TEMP")
    {
        return Ok(PathBuf::from(temp).join("asc-jwt").join("private_keys"));
    }
    env.home()
        .map(|home| home.join(".appstoreconnect").join("private_keys"))
        .ok_or_else(|| Problem {
            var: Var::KeyDir,
            message: "is not set, and neither is HOME, so there is no default folder for the \
                      key file: set it to the folder to write AuthKey_<KEY_ID>.p8 in"
                .into(),
        })
}
