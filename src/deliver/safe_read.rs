//! Reading a key file without trusting what is at its path: regular files only, at most
//! [`MAX_KEY_BYTES`], and never blocking on a FIFO or a device.
//!
//! The type is checked before opening (so a device is never opened) and again on the
//! open file (so a swap in between is caught); the open itself is non-blocking, and the
//! read stops one byte past the limit, so `/dev/zero` or a sparse 3 GB file costs nothing.

use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// A `.p8` is about 250 bytes and fastlane's JSON about 400: anything this large is not one.
pub const MAX_KEY_BYTES: u64 = 64 * 1024;

/// Whether a symbolic link at the path's last component is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Links {
    /// A path the user gave: a link to a key file is common and fine, its target is checked.
    Follow,
    /// A file in the key folder: the program's own files, never a link.
    Refuse,
}

/// Why the path was not read, carried inside an [`io::Error`] so callers that only know
/// `io::Error` still get the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Directory,
    Fifo,
    Device,
    Socket,
    Symlink,
    OtherType,
    TooLarge,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not_regular = |what: &str| format!("it is {what}, not a regular file");
        let text = match self {
            Refusal::Directory => "it is a directory".to_owned(),
            Refusal::Fifo => not_regular("a FIFO (named pipe)"),
            Refusal::Device => not_regular("a device"),
            Refusal::Socket => not_regular("a socket"),
            Refusal::Symlink => "it is a symbolic link, which is not followed here".to_owned(),
            Refusal::OtherType => not_regular("not a regular file"),
            Refusal::TooLarge => format!(
                "it is larger than {} KiB, and a `.p8` key is about 250 bytes",
                MAX_KEY_BYTES / 1024
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    fn into_io(self) -> io::Error {
        let kind = match self {
            Refusal::Directory => io::ErrorKind::IsADirectory,
            Refusal::TooLarge => io::ErrorKind::FileTooLarge,
            _ => io::ErrorKind::InvalidInput,
        };
        io::Error::new(kind, self)
    }

    /// The refusal inside `err`, if it is one.
    pub fn of(err: &io::Error) -> Option<Refusal> {
        err.get_ref()?.downcast_ref::<Refusal>().copied()
    }
}

/// Reads the key file at a path the user gave, following a link to the file. A refused
/// path is an [`io::Error`] holding a [`Refusal`]; other errors are the file system's.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    read_with(path, Links::Follow)
}

/// Reads a file of the key folder, as [`read`] does but refusing a link in its place.
pub fn read_no_link(path: &Path) -> io::Result<Vec<u8>> {
    read_with(path, Links::Refuse)
}

fn read_with(path: &Path, links: Links) -> io::Result<Vec<u8>> {
    let before = match links {
        Links::Follow => fs::metadata(path)?,
        Links::Refuse => fs::symlink_metadata(path)?,
    };
    check(&before).map_err(Refusal::into_io)?;
    let file = open(path, links)?;
    check(&file.metadata()?).map_err(Refusal::into_io)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells a file that grew since it was checked.
    file.take(MAX_KEY_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_KEY_BYTES {
        return Err(Refusal::TooLarge.into_io());
    }
    Ok(bytes)
}

fn check(meta: &Metadata) -> Result<(), Refusal> {
    let kind = meta.file_type();
    if kind.is_file() {
        return match meta.len() > MAX_KEY_BYTES {
            true => Err(Refusal::TooLarge),
            false => Ok(()),
        };
    }
    Err(refusal_for(&kind))
}

#[cfg(unix)]
fn refusal_for(kind: &fs::FileType) -> Refusal {
    use std::os::unix::fs::FileTypeExt as _;
    match () {
        () if kind.is_dir() => Refusal::Directory,
        () if kind.is_symlink() => Refusal::Symlink,
        () if kind.is_fifo() => Refusal::Fifo,
        () if kind.is_char_device() || kind.is_block_device() => Refusal::Device,
        () if kind.is_socket() => Refusal::Socket,
        () => Refusal::OtherType,
    }
}

#[cfg(not(unix))]
fn refusal_for(kind: &fs::FileType) -> Refusal {
    match () {
        () if kind.is_dir() => Refusal::Directory,
        () if kind.is_symlink() => Refusal::Symlink,
        () => Refusal::OtherType,
    }
}

/// Non-blocking, so that a FIFO put in place after the check cannot hang the run; with
/// `Links::Refuse`, a link put in place after the check fails with `ELOOP`.
#[cfg(unix)]
fn open(path: &Path, links: Links) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut flags = libc::O_NONBLOCK;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(|err| match err.raw_os_error() {
            Some(libc::ELOOP) if links == Links::Refuse => Refusal::Symlink.into_io(),
            _ => err,
        })
}

#[cfg(not(unix))]
fn open(path: &Path, _: Links) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(path: &Path, links: Links) -> Option<Refusal> {
        Refusal::of(&read_with(path, links).unwrap_err())
    }

    #[test]
    fn a_small_regular_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("AuthKey_X.p8");
        fs::write(&path, b"key").unwrap();
        assert_eq!(read_no_link(&path).unwrap(), b"key");
        assert_eq!(read(&path).unwrap(), b"key");
    }

    #[test]
    fn exactly_the_limit_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        fs::write(&path, vec![b'a'; MAX_KEY_BYTES as usize]).unwrap();
        assert_eq!(read(&path).unwrap().len() as u64, MAX_KEY_BYTES);
        fs::write(&path, vec![b'a'; MAX_KEY_BYTES as usize + 1]).unwrap();
        assert_eq!(refusal(&path, Links::Follow), Some(Refusal::TooLarge));
    }

    #[test]
    fn a_directory_is_refused_with_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
        assert_eq!(err.to_string(), "it is a directory");
    }

    #[test]
    fn a_missing_file_is_the_file_systems_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(&dir.path().join("nope")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(Refusal::of(&err), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.p8");
        let link = dir.path().join("AuthKey_X.p8");
        fs::write(&target, b"key").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(read(&link).unwrap(), b"key");
        assert_eq!(refusal(&link, Links::Refuse), Some(Refusal::Symlink));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_without_being_read() {
        for device in ["/dev/zero", "/dev/null", "/dev/urandom"] {
            let path = Path::new(device);
            assert_eq!(
                refusal(path, Links::Follow),
                Some(Refusal::Device),
                "{device}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_open_itself_refuses_a_link_that_appears_after_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("AuthKey_X.p8");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = open(&link, Links::Refuse).unwrap_err();
        assert_eq!(Refusal::of(&err), Some(Refusal::Symlink));
    }
}
