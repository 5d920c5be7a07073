//! The key on disk for Apple's tools: `AuthKey_<KEY_ID>.p8` for altool, notarytool and
//! xcodebuild, and fastlane's API key JSON beside it.
//!
//! Folder 0700, files 0600 (on Windows: the current user only, through `icacls`), each
//! written to a temporary file in the same folder and renamed into place, so a reader
//! never sees half a key and a failure leaves no partial file. Nothing already on disk is
//! trusted: an existing folder must be private already, and a file that is not (mode,
//! owner, type) is rewritten; links in the folder are replaced, never followed.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::deliver::safe_read::{self, Refusal};
use crate::mint::key::P256Key;
use crate::mint::token::{Api, MAX_DURATION, TokenSpec};

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
    /// The file system refused, or what is on it is not safe to write into.
    Io { path: PathBuf, source: io::Error },
}

/// A key folder that is not safe to put a key in; its message is the whole error.
#[derive(Debug)]
struct Unsafe(String);

impl std::fmt::Display for Unsafe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsafe {}

/// The whole message of a key folder that is not safe to write into, if `err` is one.
pub fn unsafe_folder(err: &io::Error) -> Option<&str> {
    Some(&err.get_ref()?.downcast_ref::<Unsafe>()?.0)
}

impl Unsafe {
    fn folder(dir: &Path, problem: &str, fix: &str) -> WriteError {
        let message = format!(
            "ASC_KEY_DIR (input key-dir) is `{}`, {problem}: {fix}",
            shown(dir)
        );
        WriteError::Io {
            path: dir.to_owned(),
            source: io::Error::other(Unsafe(message)),
        }
    }
}

/// A path as it may be printed: control characters escaped, so that a name cannot start
/// a new line (or a workflow command) in the log.
pub fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect()
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
    private_dir(&files.dir)?;
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

/// An existing folder must be safe as it is (it is never changed, as others may use it);
/// a missing one is created, with its missing parents, 0700.
fn private_dir(dir: &Path) -> Result<(), WriteError> {
    match fs::symlink_metadata(dir) {
        Ok(meta) => check_dir(dir, &meta),
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            create_private_dirs(dir).map_err(|(path, source)| WriteError::Io { path, source })
        }
        Err(source) => Err(WriteError::Io {
            path: dir.to_owned(),
            source,
        }),
    }
}

fn check_dir(dir: &Path, meta: &fs::Metadata) -> Result<(), WriteError> {
    if meta.file_type().is_symlink() {
        return Err(Unsafe::folder(
            dir,
            "a symbolic link",
            "the key folder must be a real folder; give the folder it points to, or remove the link",
        ));
    }
    if !meta.is_dir() {
        return Err(Unsafe::folder(
            dir,
            "which is not a folder",
            "remove what is there or choose another folder",
        ));
    }
    check_dir_access(dir, meta)
}

#[cfg(unix)]
fn check_dir_access(dir: &Path, meta: &fs::Metadata) -> Result<(), WriteError> {
    use std::os::unix::fs::MetadataExt as _;
    let user = current_user();
    if meta.uid() != user {
        return Err(Unsafe::folder(
            dir,
            &format!("owned by another user (uid {}, not {user})", meta.uid()),
            "choose a folder of your own",
        ));
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(Unsafe::folder(
            dir,
            &format!("writable by group or others (mode {mode:04o})"),
            &format!("run `chmod 700 {}` or choose a private folder", shown(dir)),
        ));
    }
    Ok(())
}

/// Windows: the folder keeps the runner's permissions (see the README).
#[cfg(not(unix))]
fn check_dir_access(_: &Path, _: &fs::Metadata) -> Result<(), WriteError> {
    Ok(())
}

#[cfg(unix)]
fn current_user() -> u32 {
    // SAFETY: geteuid takes nothing, cannot fail and touches no memory of ours.
    unsafe { libc::geteuid() }
}

/// Creates `dir` and its missing parents one by one, each 0700; on failure removes what
/// it created and says which folder failed.
fn create_private_dirs(dir: &Path) -> Result<(), (PathBuf, io::Error)> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|p| !p.as_os_str().is_empty() && fs::symlink_metadata(p).is_err())
        .collect();
    let mut created: Vec<&Path> = Vec::new();
    for folder in missing.into_iter().rev() {
        let result = create_private_dir(folder);
        if result.is_ok() {
            created.push(folder);
        }
        if let Err(err) = result.and_then(|()| restrict_dir(folder)) {
            for folder in created.iter().rev() {
                let _ = fs::remove_dir(folder);
            }
            return Err((folder.to_owned(), err));
        }
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// The umask may have taken bits from the mode asked for: a folder the owner cannot use
/// is an error, anything else is set to exactly 0700.
#[cfg(unix)]
fn restrict_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let created = fs::symlink_metadata(dir)?.permissions().mode() & 0o7777;
    if created & 0o700 != 0o700 {
        return Err(umask_error("folder", created));
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    let mode = fs::symlink_metadata(dir)?.permissions().mode() & 0o7777;
    match mode == 0o700 {
        true => Ok(()),
        false => Err(mode_not_kept(0o700, mode)),
    }
}

#[cfg(not(unix))]
fn restrict_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn umask_error(what: &str, mode: u32) -> io::Error {
    io::Error::other(format!(
        "the umask takes read or write permission away from the owner (a new {what} got \
         mode {mode:04o}), so the key could not be used: set a umask such as `077` before \
         running asc-jwt"
    ))
}

#[cfg(unix)]
fn mode_not_kept(asked: u32, got: u32) -> io::Error {
    io::Error::other(format!(
        "the file system did not keep mode {asked:04o} (it shows {got:04o}), so the key \
         would not be private"
    ))
}

/// What is at a key file's place.
enum Existing {
    Nothing,
    /// A link, FIFO, socket or device: replaced, never followed or read.
    NotAFile,
    /// The same content; `private` when it is also 0600 and the current user's.
    Same {
        private: bool,
    },
    Other,
}

fn existing(path: &Path, content: &[u8]) -> io::Result<Existing> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
        Err(err) => return Err(err),
    };
    if !meta.is_file() {
        return Ok(Existing::NotAFile);
    }
    match safe_read::read_no_link(path) {
        Ok(bytes) if bytes == content => Ok(Existing::Same {
            private: is_private(&meta),
        }),
        Ok(_) => Ok(Existing::Other),
        Err(err) if Refusal::of(&err) == Some(Refusal::TooLarge) => Ok(Existing::Other),
        Err(err) => Err(err),
    }
}

#[cfg(unix)]
fn is_private(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    meta.mode() & 0o7777 == 0o600 && meta.uid() == current_user()
}

/// Windows: written through `icacls` when created; not read back.
#[cfg(not(unix))]
fn is_private(_: &fs::Metadata) -> bool {
    true
}

/// A private file with the same content is left alone; other content is a conflict
/// unless `overwrite`. Otherwise (including the same content with another mode, owner or
/// type) a temporary file, readable by the owner only, is renamed into place: `rename`
/// replaces a link itself, never its target.
fn write_private(path: &Path, content: &[u8], overwrite: bool) -> Result<(), WriteError> {
    let io_error = |source| WriteError::Io {
        path: path.to_owned(),
        source,
    };
    match existing(path, content).map_err(io_error)? {
        Existing::Same { private: true } => return Ok(()),
        Existing::Other if !overwrite => return Err(WriteError::Conflict(path.to_owned())),
        Existing::Nothing | Existing::NotAFile | Existing::Same { .. } | Existing::Other => {}
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
    restrict_to_current_user(&file, path)?;
    file.write_all(content)?;
    file.sync_all()
}

/// As [`restrict_dir`], on the open file (`fchmod`, `fstat`): exactly 0600, or an error.
#[cfg(unix)]
fn restrict_to_current_user(file: &fs::File, _: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let created = file.metadata()?.permissions().mode() & 0o7777;
    if created & 0o600 != 0o600 {
        return Err(umask_error("file", created));
    }
    file.set_permissions(fs::Permissions::from_mode(0o600))?;
    let mode = file.metadata()?.permissions().mode() & 0o7777;
    match mode == 0o600 {
        true => Ok(()),
        false => Err(mode_not_kept(0o600, mode)),
    }
}

/// Removes inherited permissions and grants the file's owner (the current user, who
/// created it) alone full control, through the OWNER RIGHTS SID so that no user name is
/// needed. `icacls` is called by its full path: the environment may have no PATH.
#[cfg(windows)]
fn restrict_to_current_user(_: &fs::File, path: &Path) -> io::Result<()> {
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
    use crate::mint::token::KeyType;

    fn spec(key_type: KeyType, api: Api, duration: u64) -> TokenSpec {
        TokenSpec {
            key_id: "TESTKEY123".into(),
            issuer_id: (key_type == KeyType::Team)
                .then(|| "57246542-96fe-1a63-e053-0824d011072a".into()),
            key_type,
            api,
            duration,
            scope: None,
            ..Default::default()
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
    fn a_printed_path_has_its_control_characters_escaped() {
        let path = Path::new("keys\n::warning::x\tend");
        assert_eq!(shown(path), "keys\\n::warning::x\\tend");
        assert_eq!(shown(Path::new("/tmp/a b")), "/tmp/a b");
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
