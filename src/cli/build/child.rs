//! Running Terraform under `--verify` so that it cannot outlive gen-tf or hang it: each run has
//! a deadline (`GEN_TF_TERRAFORM_TIMEOUT_SECS`, default 600 s), runs in its own process group
//! (so its provider plugins end with it), is ended by gen-tf's SIGINT/SIGTERM handler
//! (`crate::interrupt`), and on Linux gets SIGKILL if gen-tf itself is killed.

use std::io::{self, Read};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The longest deadline accepted: a day.
const MAX_SECS: u64 = 86_400;
const DEFAULT_SECS: u64 = 600;
/// Terraform's output past this is dropped: its errors are a few kilobytes.
const MAX_OUTPUT_BYTES: u64 = 16 << 20;

/// `GEN_TF_TERRAFORM_TIMEOUT_SECS`: a whole number of seconds from 1 to a day (larger ones are
/// capped), 600 when unset or empty.
pub(super) fn timeout() -> Result<Duration, String> {
    let text = std::env::var_os("GEN_TF_TERRAFORM_TIMEOUT_SECS")
        .map(|v| v.to_string_lossy().trim().to_owned())
        .unwrap_or_default();
    if text.is_empty() {
        return Ok(Duration::from_secs(DEFAULT_SECS));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) || text.bytes().all(|b| b == b'0') {
        let shown =
            crate::report::escape_controls(&crate::diag::clip(&text, 40), false).into_owned();
        return Err(format!(
            "GEN_TF_TERRAFORM_TIMEOUT_SECS={shown:?} is not a whole number of seconds from 1 to \
             {MAX_SECS}; unset it for the default of {DEFAULT_SECS}"
        ));
    }
    let secs = text.parse::<u64>().unwrap_or(u64::MAX).min(MAX_SECS);
    Ok(Duration::from_secs(secs))
}

/// Runs `cmd` to the end with its output captured, or kills its whole process group at the
/// deadline (then the error is `TimedOut` and says how long it had).
pub(super) fn output(cmd: &mut Command, limit: Duration) -> io::Result<Output> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe; it runs between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(cmd, || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = cmd.spawn()?;
    let pgid = i32::try_from(child.id()).unwrap_or(i32::MAX);
    crate::interrupt::add_group(pgid);
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(r) = r {
                let _ = r.take(MAX_OUTPUT_BYTES).read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|r| Box::new(r) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if start.elapsed() >= limit => {
                break Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "did not finish in {} s (GEN_TF_TERRAFORM_TIMEOUT_SECS) and was stopped",
                        limit.as_secs()
                    ),
                ))
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => break Err(e),
        }
    };
    // Whatever it started (provider plugins) ends with it; the pipes then close.
    #[cfg(unix)]
    // SAFETY: signalling the process group this function started.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    let _ = child.wait();
    crate::interrupt::forget_group(pgid);
    let (stdout, stderr) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    Ok(Output {
        status: status?,
        stdout,
        stderr,
    })
}
