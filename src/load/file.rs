//! Reading a file that gen-tf did not write, without trusting it: a stack, an import, a cache
//! entry, an existing output that `check` compares, the project file.
//!
//! Each must be a regular file, checked before it is opened (a FIFO blocks `open`, a device
//! never ends) and again on the opened descriptor (the path may have been swapped in between),
//! and each is read with a size limit, so no file can hang gen-tf or take its memory.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum FileError {
    /// A directory, FIFO, socket or device (also behind a symlink).
    #[error("not a regular file")]
    NotAFile,
    #[error("larger than the {} MiB limit", limit >> 20)]
    TooLarge { limit: u64 },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Opens `path` for reading if it is a regular file (symlinks followed), and returns it with its
/// length. `open` is non-blocking, so a FIFO swapped in after the first check cannot block it;
/// the second check, on the descriptor, then refuses it.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64), FileError> {
    if !fs::metadata(path)?.is_file() {
        return Err(FileError::NotAFile);
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(FileError::NotAFile);
    }
    Ok((file, meta.len()))
}

/// The whole of a regular file of at most `limit` bytes.
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let (file, len) = open_regular(path)?;
    if len > limit {
        return Err(FileError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // The file may grow between the metadata call and the read.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { limit });
    }
    Ok(bytes)
}

/// At most the first `max` bytes of a regular file, for looking at a header.
pub(crate) fn read_head(path: &Path, max: u64) -> Result<Vec<u8>, FileError> {
    let (file, len) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(max)).unwrap_or(0));
    file.take(max).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Text without a leading UTF-8 byte order mark, which some Windows editors write: it is not
/// part of the content in any of the stack formats.
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "0123456789").unwrap();
        assert_eq!(read_regular(&f, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_regular(&f, 9),
            Err(FileError::TooLarge { limit: 9 })
        ));
        assert_eq!(read_head(&f, 4).unwrap(), b"0123");
        assert!(matches!(
            read_regular(dir.path(), 10),
            Err(FileError::NotAFile)
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).unwrap();
            assert!(matches!(
                read_regular(&dir.path().join("zero"), 10),
                Err(FileError::NotAFile)
            ));
            std::os::unix::fs::symlink(&f, dir.path().join("link")).unwrap();
            assert_eq!(
                read_regular(&dir.path().join("link"), 10).unwrap().len(),
                10
            );
        }
        assert!(matches!(
            read_regular(&dir.path().join("missing"), 10),
            Err(FileError::Io(e)) if e.kind() == io::ErrorKind::NotFound
        ));
        assert_eq!(strip_bom("\u{feff}{}"), "{}");
        assert_eq!(strip_bom("{}\u{feff}"), "{}\u{feff}");
    }
}
