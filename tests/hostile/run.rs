//! Running the real binary the way a hostile-input or fault-injection run does: with a
//! deadline (a hang is a failure, not a stuck test), a cap on its address space (a read that
//! grows without end fails fast instead of taking the machine's memory), and optionally a cap on
//! the size of any file it writes (a full disk, without root).

#![allow(dead_code)]

use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run did. `code` is `None` when it was killed by a signal or by the deadline.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Peak resident memory of the gen-tf process, in bytes.
    pub max_rss: u64,
}

impl Run {
    pub fn all(&self) -> String {
        format!(
            "exit {:?} (timed out: {}) after {:?}, peak RSS {} MiB\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            self.timed_out,
            self.elapsed,
            self.max_rss >> 20,
            self.stdout,
            self.stderr
        )
    }
}

/// How a run is limited.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub deadline: Duration,
    /// RLIMIT_AS of the gen-tf process (its evaluator children set their own, lower one).
    pub address_space: u64,
    /// RLIMIT_FSIZE, with SIGXFSZ ignored so that a write past it fails with EFBIG.
    pub file_size: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(60),
            address_space: 3 << 30,
            file_size: None,
        }
    }
}

/// `gen-tf` run in `dir` with the user's cache kept out and no colors.
pub fn gen_tf(dir: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("gen-tf"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", dir.join(".xdg-cache"))
        .env_remove("GEN_TF_CACHE_DIR")
        .env_remove("GEN_TF_MEMORY_LIMIT")
        .env_remove("GEN_TF_EVAL_TIMEOUT_SECS");
    c
}

/// Runs `cmd` under `limits`, killing it at the deadline.
#[allow(clippy::zombie_processes)] // reaped by wait4, which clippy does not see
pub fn run_limited(mut cmd: Command, limits: Limits) -> Run {
    let Limits {
        address_space,
        file_size,
        ..
    } = limits;
    // SAFETY: only async-signal-safe calls (setrlimit, signal) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let cap = |resource, bytes: u64| {
                let lim = libc::rlimit {
                    rlim_cur: bytes as libc::rlim_t,
                    rlim_max: bytes as libc::rlim_t,
                };
                if libc::setrlimit(resource, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            };
            cap(libc::RLIMIT_AS, address_space)?;
            if let Some(bytes) = file_size {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                cap(libc::RLIMIT_FSIZE, bytes)?;
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gen-tf starts");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.by_ref().take(4 << 20).read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let mut timed_out = false;
    let pid = child.id() as libc::pid_t;
    // wait4 rather than `Child::try_wait`, for this process's own peak RSS.
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    let code = loop {
        // SAFETY: a child of this process, not yet reaped; valid out-pointers.
        let got = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if got == pid {
            break libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        }
        if start.elapsed() > limits.deadline {
            timed_out = true;
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code,
        timed_out,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        elapsed: start.elapsed(),
        max_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
    }
}

/// `gen-tf ARGS` in `dir` under the default limits.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let mut c = gen_tf(dir);
    c.args(args);
    run_limited(c, Limits::default())
}

pub fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A JSON stack named `name` with a 256/512 service for each of `services`.
pub fn stack(name: &str, services: &[&str]) -> String {
    let services: serde_json::Map<String, serde_json::Value> = services
        .iter()
        .map(|s| {
            (
                (*s).to_owned(),
                serde_json::json!({ "cpu": 256, "memory": 512 }),
            )
        })
        .collect();
    serde_json::json!({ "name": name, "region": "eu-west-1", "services": services }).to_string()
}

/// Every file under `dir` (symlinks as their target path), sorted, for before/after
/// comparisons.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let content = if e.file_type().is_symlink() {
                fs::read_link(e.path())
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                fs::read(e.path()).unwrap()
            };
            (e.path().strip_prefix(dir).unwrap().to_owned(), content)
        })
        .collect();
    out.sort();
    out
}

/// Every directory under `dir`, sorted.
pub fn dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().to_owned())
        .collect();
    out.sort();
    out
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// Holds an flock on `path` (a directory, or a file) until dropped, as another gen-tf would.
pub struct Flock(fs::File);

impl Flock {
    pub fn new(path: &Path, exclusive: bool) -> Self {
        use std::os::fd::AsRawFd;
        let f = fs::File::open(path).unwrap();
        let op = if exclusive {
            libc::LOCK_EX
        } else {
            libc::LOCK_SH
        };
        // SAFETY: a valid open descriptor.
        assert_eq!(unsafe { libc::flock(f.as_raw_fd(), op) }, 0, "flock");
        Self(f)
    }
}
