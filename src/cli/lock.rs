//! One writer at a time in an output root: `build` holds an exclusive lock on the directory
//! while it looks at it and writes, `check` a shared one while it reads.
//!
//! The lock is `flock` on the output directory itself, not on a file in it: `check` never
//! writes, so it could not create a lock file, and a lock file would show up in `git status` of
//! every repository that commits its modules. The lock goes when the process ends, however it
//! ends. Where the file system has no `flock` for directories (some network file systems), the
//! command goes on without it and says so.

use std::fs::File;
use std::io;
use std::path::Path;

use super::error::CliError;
use super::output::say;

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub(super) struct OutLock {
    _dir: Option<File>,
}

/// Whether the lock excludes everyone (`build`) or only writers (`check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Exclusive,
    Shared,
}

/// Locks `root`, which must exist, waiting for other holders when `wait`, else failing with
/// [`CliError::Locked`].
pub(super) fn lock(root: &Path, mode: Mode, wait: bool) -> Result<OutLock, CliError> {
    let dir = File::open(root).map_err(|source| CliError::Read {
        path: root.to_owned(),
        source,
    })?;
    match flock(&dir, mode, wait) {
        Ok(()) => Ok(OutLock { _dir: Some(dir) }),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(CliError::Locked {
            path: root.to_owned(),
            writing: mode == Mode::Shared,
        }),
        Err(e) => {
            say(&format!(
                "gen-tf: warning: cannot lock {} ({e}); another gen-tf run may use it at the same time\n",
                root.display()
            ));
            Ok(OutLock { _dir: None })
        }
    }
}

#[cfg(unix)]
fn flock(dir: &File, mode: Mode, wait: bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let mut op = match mode {
        Mode::Exclusive => libc::LOCK_EX,
        Mode::Shared => libc::LOCK_SH,
    };
    if !wait {
        op |= libc::LOCK_NB;
    }
    loop {
        // SAFETY: a valid open descriptor, owned by `dir` for the whole call.
        if unsafe { libc::flock(dir.as_raw_fd(), op) } == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(not(unix))]
fn flock(_dir: &File, _mode: Mode, _wait: bool) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "locking needs a Unix system",
    ))
}
