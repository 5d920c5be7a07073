//! What is already on disk is not trusted: the key folder must be private, a key file
//! that is not private (mode, owner, type) is rewritten, links in the key folder are not
//! followed, a umask that locks the owner out fails the run, and a key path that is not a
//! small regular file is refused at once.
//!
//! The binary runs under `ulimit -v` (1 GiB, where the system allows it) with a timeout, so a read that would block or
//! grow without bound fails the test instead of hanging it or exhausting the machine.

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;
use predicates::prelude::*;

/// Long enough for a slow, busy machine; far shorter than a blocked or unbounded read.
const LIMIT: Duration = Duration::from_secs(10);

/// The binary in `sh` with a memory ceiling and the given umask, a clean environment and
/// the test key's ID and issuer.
fn limited(umask: &str) -> assert_cmd::Command {
    let mut sh = std::process::Command::new("/bin/sh");
    // macOS cannot limit the address space: there the timeout alone guards.
    let script = "{ ulimit -v 1048576 2>/dev/null || true; } && umask \"$1\" && exec \"$0\"";
    sh.args(["-c", script])
        .arg(env!("CARGO_BIN_EXE_asc-jwt"))
        .arg(umask)
        .env_clear()
        .env("ASC_KEY_ID", KEY_ID)
        .env("ASC_ISSUER_ID", ISSUER);
    let mut cmd = assert_cmd::Command::from_std(sh);
    cmd.timeout(LIMIT);
    cmd
}

/// A valid configuration writing the key file into `dir`.
fn writing_to(dir: &Path) -> assert_cmd::Command {
    let mut cmd = limited("022");
    cmd.env("ASC_PRIVATE_KEY", key_pem())
        .env("ASC_KEY_FILE", "true")
        .env("ASC_KEY_DIR", dir);
    cmd
}

fn key_path(dir: &Path) -> PathBuf {
    dir.join(format!("AuthKey_{KEY_ID}.p8"))
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The user this test runs as, who is also the binary's.
fn me() -> u32 {
    let probe = tempfile::tempfile().unwrap();
    probe.metadata().unwrap().uid()
}

/// Checks that the run wrote a regular 0600 key file of the test user, with the key.
fn assert_private_key_file(path: &Path) {
    let meta = std::fs::symlink_metadata(path).unwrap();
    assert!(meta.file_type().is_file(), "a regular file");
    assert_eq!(meta.mode() & 0o7777, 0o600);
    assert_eq!(meta.uid(), me());
    assert_eq!(std::fs::read_to_string(path).unwrap(), key_pem());
}

/// Fails if stdout or stderr of a finished run holds key material.
fn assert_no_key_material(output: &std::process::Output) {
    let (stdout, stderr) = texts(output);
    let runs = secret_runs(&[]);
    assert_no_leak("stderr", &stderr, &runs, &[]);
    assert_no_leak("stdout", &stdout, &runs, &[]);
}

// Key folder.

#[test]
fn a_key_folder_writable_by_others_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o777);
    let output = writing_to(dir.path())
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "error: ASC_KEY_DIR (input key-dir) is `{0}`, writable by group or others \
             (mode 0777): run `chmod 700 {0}` or choose a private folder",
            dir.path().display()
        )))
        .get_output()
        .clone();
    assert_no_key_material(&output);
    assert_eq!(names(dir.path()), Vec::<String>::new(), "nothing written");
    assert_eq!(
        mode(dir.path()),
        0o777,
        "someone else's folder is not changed"
    );
}

#[test]
fn a_key_folder_that_is_a_symlink_is_refused() {
    let parent = tempfile::tempdir().unwrap();
    let real = parent.path().join("real");
    std::fs::create_dir(&real).unwrap();
    set_mode(&real, 0o700);
    let link = parent.path().join("private_keys");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    writing_to(&link)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "error: ASC_KEY_DIR (input key-dir) is `{}`, a symbolic link: the key folder \
             must be a real folder",
            link.display()
        )));
    assert_eq!(
        names(&real),
        Vec::<String>::new(),
        "nothing written through the link"
    );
}

#[test]
fn a_key_folder_owned_by_another_user_is_refused() {
    // As root, a folder is given away; as anyone else, `/` is root's.
    let parent = tempfile::tempdir().unwrap();
    let dir = match me() {
        0 => {
            let dir = parent.path().join("theirs");
            std::fs::create_dir(&dir).unwrap();
            set_mode(&dir, 0o700);
            std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
            dir
        }
        _ => PathBuf::from("/"),
    };
    writing_to(&dir)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "error: ASC_KEY_DIR (input key-dir) is `{}`, owned by another user",
            dir.display()
        )))
        .stderr(predicate::str::contains("choose a folder of your own"));
    assert!(!key_path(&dir).exists());
}

#[test]
fn a_new_key_folder_and_its_parents_are_created_0700() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("asc-jwt").join("private_keys");
    // A umask that would leave group and others in: the mode is set, not inherited.
    limited("000")
        .env("ASC_PRIVATE_KEY", key_pem())
        .env("ASC_KEY_FILE", "true")
        .env("ASC_KEY_DIR", &dir)
        .assert()
        .success();
    assert_eq!(mode(&parent.path().join("asc-jwt")), 0o700);
    assert_eq!(mode(&dir), 0o700);
    assert_private_key_file(&key_path(&dir));
}

#[test]
fn a_key_folder_name_with_a_newline_cannot_inject_a_line() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("keys\n::warning::injected");
    std::fs::create_dir(&dir).unwrap();
    set_mode(&dir, 0o777);
    let output = writing_to(&dir).output().unwrap();
    let (_, stderr) = texts(&output);
    assert!(!output.status.success(), "refused: {stderr}");
    assert!(
        !stderr
            .lines()
            .any(|line| line.starts_with("::warning::injected")),
        "the folder's name started a line: {stderr}"
    );
    assert!(!key_path(&dir).exists());
}

// Key file already in the folder.

#[test]
fn an_identical_key_file_with_mode_0644_is_rewritten_0600() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(key_path(dir.path()), key_pem()).unwrap();
    set_mode(&key_path(dir.path()), 0o644);
    writing_to(dir.path()).assert().success();
    assert_private_key_file(&key_path(dir.path()));
    assert_eq!(names(dir.path()), [format!("AuthKey_{KEY_ID}.p8")]);
}

#[test]
fn an_identical_fastlane_json_with_mode_0644_is_rewritten_0600() {
    let dir = tempfile::tempdir().unwrap();
    writing_to(dir.path())
        .env("ASC_FASTLANE_JSON", "true")
        .assert()
        .success();
    let json = dir.path().join(format!("AuthKey_{KEY_ID}.fastlane.json"));
    set_mode(&json, 0o644);
    let before = std::fs::read(&json).unwrap();
    writing_to(dir.path())
        .env("ASC_FASTLANE_JSON", "true")
        .assert()
        .success();
    assert_eq!(mode(&json), 0o600);
    assert_eq!(std::fs::read(&json).unwrap(), before);
}

#[test]
fn an_identical_key_file_of_another_user_is_replaced_by_ours() {
    if me() != 0 {
        // Only root can give a file away; a non-root run has nothing to check here.
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(key_path(dir.path()), key_pem()).unwrap();
    set_mode(&key_path(dir.path()), 0o600);
    std::os::unix::fs::chown(key_path(dir.path()), Some(65534), Some(65534)).unwrap();
    writing_to(dir.path()).assert().success();
    assert_private_key_file(&key_path(dir.path()));
}

#[test]
fn a_private_identical_key_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    writing_to(dir.path()).assert().success();
    let before = std::fs::metadata(key_path(dir.path())).unwrap().ino();
    writing_to(dir.path()).assert().success();
    let after = std::fs::metadata(key_path(dir.path())).unwrap().ino();
    assert_eq!(before, after, "the same file, not a rewritten one");
}

#[test]
fn a_symlink_at_the_key_files_place_is_replaced_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("world-readable.p8");
    std::fs::write(&target, key_pem()).unwrap();
    set_mode(&target, 0o644);
    std::os::unix::fs::symlink(&target, key_path(dir.path())).unwrap();
    writing_to(dir.path()).assert().success();
    assert_private_key_file(&key_path(dir.path()));
    assert_eq!(mode(&target), 0o644, "the link's target is not changed");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), key_pem());
}

#[test]
fn a_symlink_to_dev_zero_at_the_key_files_place_is_replaced_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/dev/zero", key_path(dir.path())).unwrap();
    let start = Instant::now();
    writing_to(dir.path()).assert().success();
    assert!(start.elapsed() < LIMIT);
    assert_private_key_file(&key_path(dir.path()));
}

#[test]
fn a_fifo_at_the_key_files_place_is_replaced_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&key_path(dir.path()));
    writing_to(dir.path()).assert().success();
    assert_private_key_file(&key_path(dir.path()));
}

// Umask.

#[test]
fn a_umask_that_locks_the_owner_out_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = limited("777")
        .env("ASC_PRIVATE_KEY", key_pem())
        .env("ASC_KEY_FILE", "true")
        .env("ASC_KEY_DIR", dir.path())
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "the umask takes read or write permission away from the owner (a new file got \
             mode 0000), so the key could not be used: set a umask such as `077`",
        ))
        .get_output()
        .clone();
    assert_no_key_material(&output);
    assert_eq!(
        names(dir.path()),
        Vec::<String>::new(),
        "no file, not even a temporary one"
    );
}

#[test]
fn a_umask_that_locks_the_owner_out_creates_no_folder() {
    let parent = tempfile::tempdir().unwrap();
    limited("777")
        .env("ASC_PRIVATE_KEY", key_pem())
        .env("ASC_KEY_FILE", "true")
        .env("ASC_KEY_DIR", parent.path().join("a").join("b"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a new folder got mode 0000"));
    assert_eq!(names(parent.path()), Vec::<String>::new());
}

// ASC_PRIVATE_KEY_PATH.

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs with `ASC_PRIVATE_KEY_PATH=path` and checks the key is refused quickly, as bad
/// input, with `reason`.
fn refused_fast(path: &Path, reason: &str) {
    let start = Instant::now();
    let output = limited("022")
        .env("ASC_PRIVATE_KEY_PATH", path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "ASC_PRIVATE_KEY_PATH (input private-key-path) is `{}`, which cannot be read \
             ({reason}): expected the path of the `.p8` file",
            path.display()
        )))
        .get_output()
        .clone();
    assert!(start.elapsed() < LIMIT, "took {:?}", start.elapsed());
    assert_no_key_material(&output);
}

#[test]
fn dev_zero_as_the_key_path_is_refused_at_once() {
    refused_fast(Path::new("/dev/zero"), "it is a device, not a regular file");
}

#[test]
fn dev_urandom_as_the_key_path_is_refused_at_once() {
    refused_fast(
        Path::new("/dev/urandom"),
        "it is a device, not a regular file",
    );
}

#[test]
fn a_fifo_as_the_key_path_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("AuthKey_TESTKEY123.p8");
    mkfifo(&fifo);
    refused_fast(&fifo, "it is a FIFO (named pipe), not a regular file");
}

#[test]
fn a_3_gb_sparse_file_as_the_key_path_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("AuthKey_TESTKEY123.p8");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(3 * 1024 * 1024 * 1024).unwrap();
    refused_fast(
        &big,
        "it is larger than 64 KiB, and a `.p8` key is about 250 bytes",
    );
}

#[test]
fn a_directory_as_the_key_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    refused_fast(dir.path(), "it is a directory");
}

#[test]
fn a_symlink_to_dev_zero_as_the_key_path_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("AuthKey_TESTKEY123.p8");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    refused_fast(&link, "it is a device, not a regular file");
}

#[test]
fn a_symlink_to_the_key_file_as_the_key_path_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("AuthKey_TESTKEY123.p8");
    std::os::unix::fs::symlink(fixture("test-only-p256.p8"), &link).unwrap();
    limited("022")
        .env("ASC_PRIVATE_KEY_PATH", &link)
        .assert()
        .success();
}
