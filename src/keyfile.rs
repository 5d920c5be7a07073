//! The key on disk for Apple's tools: `AuthKey_<KEY_ID>.p8` for altool, notarytool and
//! xcodebuild, and fastlane's API key JSON beside it.
//!
//! Folder 0700, files 0600 (on Windows: the current user only, through `icacls`), each
//! written to a temporary file in the same folder and renamed into place, so a reader
//! never sees half a key and a failure leaves no partial file.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::key::P256Key;
use crate::token::{Api, MAX_DURATION, TokenSpec};

/// What to write for Apple's tools and fastlane, and where. The configuration holds it
/// with the folder still `Option<PathBuf>` (unset: a default the load step chooses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFiles<Dir = PathBuf> {
    pub dir: Dir,
    /// `AuthKey_<KEY_ID>.p8` for altool, notarytool and xcodebuild.
    pub key_file: bool,
    /// fastlane's API key JSON.
    pub fastlane_json: bool,
    /// Replace a file that exists with other content.
    pub overwrite: bool,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub key_path: Option<PathBuf>,
    pub fastlane_json_path: Option<PathBuf>,
}

/// Why the files could not be written (worded by `crate::error`). Never carries key material.
#[derive(Debug)]
pub enum WriteError {
    /// A file exists with other content and overwriting was not asked for.
    Conflict(PathBuf),
    /// The file system refused.
    Io { path: PathBuf, source: io::Error },
}

/// fastlane's `api_key_path` JSON. No `issuer_id` means an individual key to fastlane.
#[derive(Serialize)]
struct FastlaneKey<'a> {
    key_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer_id: Option<&'a str>,
    key: &'a str,
    duration: u64,
    in_house: bool,
}

/// The file name Apple's tools look for.
pub fn key_file_name(key_id: &str) -> String {
    format!("AuthKey_{key_id}.p8")
}

/// Writes what `files` asks for.
pub fn write(files: &KeyFiles, key: &P256Key, spec: &TokenSpec) -> Result<Written, WriteError> {
    let pem = key.to_pem();
    create_private_dir(&files.dir).map_err(|source| WriteError::Io {
        path: files.dir.clone(),
        source,
    })?;
    let mut written = Written::default();
    if files.key_file {
        let path = files.dir.join(key_file_name(&spec.key_id));
        write_private(&path, pem.as_bytes(), files.overwrite)?;
        written.key_path = Some(path);
    }
    if files.fastlane_json {
        let json = fastlane_json(spec, &pem);
        let path = files
            .dir
            .join(format!("AuthKey_{}.fastlane.json", spec.key_id));
        write_private(&path, json.as_bytes(), files.overwrite)?;
        written.fastlane_json_path = Some(path);
    }
    Ok(written)
}

fn fastlane_json(spec: &TokenSpec, pem: &str) -> String {
    let value = FastlaneKey {
        key_id: &spec.key_id,
        issuer_id: spec.issuer_id.as_deref(),
        key: pem,
        // fastlane mints its own tokens from this file and refuses more than 1200 s.
        duration: spec.duration.min(MAX_DURATION),
        in_house: spec.api == Api::Enterprise,
    };
    // Serializing plain strings, numbers and booleans cannot fail.
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Same content: left alone. Other content: a conflict unless `overwrite`. Otherwise a
/// temporary file, readable by the owner only, renamed into place.
fn write_private(path: &Path, content: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let io_error = |source| WriteError::Io {
        path: path.to_owned(),
        source,
    };
    match fs::read(path) {
        Ok(existing) if existing == content => return Ok(()),
        Ok(_) if !overwrite => return Err(WriteError::Conflict(path.to_owned())),
        Ok(_) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(io_error(err)),
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("key");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = path.with_file_name(format!(".{name}.{}-{nanos}.tmp", std::process::id()));
    let result = write_new_private(&temp, content).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(io_error)
}

fn write_new_private(path: &Path, content: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    restrict_to_current_user(path)?;
    file.write_all(content)?;
    file.sync_all()
}

#[cfg(unix)]
fn restrict_to_current_user(_: &Path) -> io::Result<()> {
    Ok(()) // The mode given at creation already does it.
}

/// Removes inherited permissions and grants the file's owner (the current user, who
/// created it) alone full control, through the OWNER RIGHTS SID so that no user name is
/// needed. `icacls` is called by its full path: the environment may have no PATH.
#[cfg(windows)]
fn restrict_to_current_user(path: &Path) -> io::Result<()> {
    let system_root = std::env::var_os("SystemRoot").unwrap_or_else(|| "C:\\Windows".into());
    let icacls = Path::new(&system_root).join("System32").join("icacls.exe");
    let status = std::process::Command::new(icacls)
        .arg(path)
        .args(["/inheritance:r", "/grant:r", "*S-1-3-4:F"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()?;
    match status.success() {
        true => Ok(()),
        false => Err(io::Error::other(
            "icacls could not restrict the file to its owner",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::KeyType;

    fn spec(key_type: KeyType, api: Api, duration: u64) -> TokenSpec {
        TokenSpec {
            key_id: "TESTKEY123".into(),
            issuer_id: (key_type == KeyType::Team)
                .then(|| "57246542-96fe-1a63-e053-0824d011072a".into()),
            key_type,
            api,
            duration,
            scope: None,
        }
    }

    #[test]
    fn fastlane_json_has_fastlanes_fields() {
        let json: serde_json::Value = serde_json::from_str(&fastlane_json(
            &spec(KeyType::Team, Api::Enterprise, 600),
            "PEM",
        ))
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"key_id": "TESTKEY123", "issuer_id": "57246542-96fe-1a63-e053-0824d011072a",
                               "key": "PEM", "duration": 600, "in_house": true})
        );
    }

    #[test]
    fn fastlane_json_omits_the_issuer_of_an_individual_key_and_caps_duration() {
        let long = spec(KeyType::Individual, Api::AppStoreConnect, 86_400);
        let json: serde_json::Value = serde_json::from_str(&fastlane_json(&long, "PEM")).unwrap();
        assert!(json.get("issuer_id").is_none());
        assert_eq!(json["duration"], 1200);
        assert_eq!(json["in_house"], false);
    }

    #[test]
    fn same_content_is_left_alone_and_other_content_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("AuthKey_X.p8");
        write_private(&path, b"one", false).unwrap();
        write_private(&path, b"one", false).unwrap();
        assert!(matches!(
            write_private(&path, b"two", false),
            Err(WriteError::Conflict(_))
        ));
        write_private(&path, b"two", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}
