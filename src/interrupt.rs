//! SIGINT, SIGTERM and SIGHUP: remove gen-tf's temporary files and end its children, then exit.
//!
//! The signal handler only writes a byte to a pipe (async-signal-safe); a thread waiting on the
//! pipe does the work. Every temporary file is created and renamed while holding [`TEMPS`], and
//! that thread takes the lock and keeps it until the process exits, so no file is created,
//! renamed or half-cleaned while it runs. Children (Terraform under `--verify`) run in their own
//! process groups, recorded in [`GROUPS`], and get SIGTERM, then SIGKILL.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, Once};

/// Temporary files that exist now (staged outputs, backups, cache entries being written). A
/// set: a build stages every file before renaming any, and forgetting each from a list was
/// quadratic (13% of a cold build of 5,000 services went to comparing paths).
static TEMPS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
/// Process groups of running children.
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static WRITE_END: AtomicI32 = AtomicI32::new(-1);
static INSTALL: Once = Once::new();

/// The temporary-file registry, locked: hold it while creating or renaming a temporary file.
pub(crate) fn temps() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    TEMPS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Records `path` as a temporary file that a signal removes.
pub(crate) fn add_temp(temps: &mut BTreeSet<PathBuf>, path: &Path) {
    temps.insert(path.to_owned());
}

/// Forgets `path` (renamed into place, or removed).
pub(crate) fn forget_temp(temps: &mut BTreeSet<PathBuf>, path: &Path) {
    temps.remove(path);
}

/// Records a child's process group, which a signal ends.
pub(crate) fn add_group(pgid: i32) {
    GROUPS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(pgid);
}

pub(crate) fn forget_group(pgid: i32) {
    let mut g = GROUPS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    g.retain(|&p| p != pgid);
}

/// Installs the handlers (once). Without a Unix system it does nothing.
pub(crate) fn install() {
    #[cfg(unix)]
    INSTALL.call_once(|| {
        let mut fds = [0; 2];
        // SAFETY: a valid out-array of two descriptors.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return;
        }
        WRITE_END.store(fds[1], Ordering::SeqCst);
        let read_end = fds[0];
        let started = std::thread::Builder::new()
            .name("gen-tf-signals".into())
            .spawn(move || {
                let mut sig = [0u8; 1];
                loop {
                    // SAFETY: reading one byte into a valid buffer.
                    let n = unsafe { libc::read(read_end, sig.as_mut_ptr().cast(), 1) };
                    if n == 1 {
                        break;
                    }
                    if n == 0 {
                        return;
                    }
                }
                clean_up_and_exit(i32::from(sig[0]));
            });
        if started.is_err() {
            return;
        }
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: `on_signal` is async-signal-safe (one write to a pipe).
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut action.sa_mask);
                action.sa_flags = libc::SA_RESTART;
                libc::sigaction(sig, &action, std::ptr::null_mut());
            }
        }
    });
}

#[cfg(unix)]
extern "C" fn on_signal(sig: libc::c_int) {
    let fd = WRITE_END.load(Ordering::SeqCst);
    let byte = u8::try_from(sig).unwrap_or(u8::MAX);
    // SAFETY: write(2) is async-signal-safe; the buffer is a valid byte.
    unsafe {
        libc::write(fd, (&raw const byte).cast(), 1);
    }
}

#[cfg(unix)]
fn clean_up_and_exit(sig: i32) -> ! {
    let groups: Vec<i32> = GROUPS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    for &g in &groups {
        // SAFETY: signalling a process group this process started.
        unsafe { libc::kill(-g, libc::SIGTERM) };
    }
    // Held until the process exits: nothing else creates or renames a temporary file.
    let temps = temps();
    for p in temps.iter() {
        let _ = std::fs::remove_file(p);
    }
    if !groups.is_empty() {
        std::thread::sleep(std::time::Duration::from_millis(200));
        for &g in &groups {
            // SAFETY: as above.
            unsafe { libc::kill(-g, libc::SIGKILL) };
        }
    }
    let name = match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        _ => "SIGHUP",
    };
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "gen-tf: stopped by {name}; {} temporary file(s) removed\n",
            temps.len()
        )
        .as_bytes(),
    );
    std::process::exit(128 + sig);
}
