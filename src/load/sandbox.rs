//! Jsonnet evaluated in a child process with a memory limit.
//!
//! jrsonnet has no memory limit of its own, and Rust aborts the whole process when an
//! allocation fails: `std.makeArray(1e9, function(i) i)` asks for 24 GB at once and ended gen-tf
//! with SIGABRT and a backtrace, and `std.makeArray(1e8, ...)` took 2 GB before the deadline
//! could stop it. So the gen-tf binary evaluates each Jsonnet stack in a child process of
//! itself (`gen-tf __evaluate`) whose address space is capped with `RLIMIT_AS`. A stack that
//! needs more ends that child, never gen-tf, and is reported as a `load` error that names it.
//! The child is also killed at the deadline, so a runaway evaluation stops using the CPU.
//!
//! Each worker thread keeps its child for the next stack, fed over its pipes, instead of
//! starting one per stack: a child that fails or times out is ended and replaced, one that has
//! grown past [`RETIRE_RSS_BYTES`] or reported an error is retired, and a stack over the limit in a child that had
//! served others is tried once more in a fresh child.
//!
//! The library evaluates on a thread of the calling process unless told otherwise
//! ([`Evaluator::InProcess`]): a library caller (a test) has no gen-tf executable to start.
//! The cost of the child, measured with bench/bench.py, is in docs/security.md.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) use super::limits::format_bytes;
pub(crate) use super::options::Evaluator;

use super::error::LoadError;
use super::isolate::run_isolated;
use super::jsonnet;
use super::limits::{eval_timeout, EVAL_STACK_BYTES, MAX_FILE_BYTES};
use super::options::LoadOptions;

/// The hidden subcommand the child runs.
pub(crate) const CHILD_COMMAND: &str = "__evaluate";

/// The default memory limit: far above any real stack (a thousand services evaluate in tens of
/// MiB), far below what a shared CI runner has.
pub(crate) const DEFAULT_MEMORY_LIMIT: u64 = 2 << 30;

/// The smallest limit accepted: the child's own code, its evaluation thread's stack and
/// allocator arenas need about this much address space before evaluating anything.
pub(crate) const MIN_MEMORY_LIMIT: u64 = 256 << 20;

/// The evaluated value, as JSON, may be at most this large: a stack of a thousand services is
/// a few MiB.
const MAX_REPLY_BYTES: u64 = 256 << 20;

/// What the child prints on stderr is kept up to this much, for the error message.
const MAX_STDERR_BYTES: u64 = 64 << 10;

/// A child's process group, registered with the signal handler while it lives.
struct Group(i32);

impl Group {
    fn new(pid: u32) -> Self {
        let pgid = i32::try_from(pid).unwrap_or(i32::MAX);
        crate::interrupt::add_group(pgid);
        Self(pgid)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        crate::interrupt::forget_group(self.0);
    }
}

/// What the parent sends the child on stdin.
#[derive(Serialize, Deserialize)]
struct Request {
    path: PathBuf,
    canonical: PathBuf,
    source: String,
    ext_str: Vec<(String, String)>,
    ext_code: Vec<(String, String)>,
    jpath: Vec<PathBuf>,
    import_roots: Option<Vec<PathBuf>>,
}

/// What the child prints on stdout: the value and the files it imported, or the load error.
type Reply = Result<(Value, Vec<PathBuf>), LoadError>;

/// A child that has evaluated stacks retires once its peak RSS passes this: jrsonnet's heap is
/// leaked after each stack (see `jsonnet::evaluate`), so a long-lived child grows with every
/// stack it serves, and a fresh one costs only a process start.
const RETIRE_RSS_BYTES: u64 = 48 << 20;

/// One long-lived evaluator child: requests go to its stdin, replies come back from its stdout,
/// each as a little-endian `u64` length and that many bytes of JSON.
struct Worker {
    exe: PathBuf,
    memory_limit: u64,
    child: Child,
    stdin: Option<ChildStdin>,
    /// Each reply's bytes; then what ended them.
    replies: mpsc::Receiver<Result<Vec<u8>, Ended>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// The thread that reads stderr into `stderr`; it ends when the child does.
    stderr_reader: Option<thread::JoinHandle<()>>,
    _group: Group,
}

impl Worker {
    fn start(exe: &Path, memory_limit: u64) -> io::Result<Self> {
        let mut command = Command::new(exe);
        command
            .arg(CHILD_COMMAND)
            .arg(memory_limit.to_string())
            // One malloc arena: each thread's own reserves 64 MiB of address space on glibc.
            .env("MALLOC_ARENA_MAX", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group, which gen-tf's SIGINT/SIGTERM handler ends (`crate::interrupt`).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn()?;
        let group = Group::new(child.id());
        let (Some(stdin), Some(mut stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("the evaluator has no pipes"));
        };
        let kept = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&kept);
        let stderr_reader = thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut stderr = stderr;
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                if let Ok(mut kept) = sink.lock() {
                    let room = (MAX_STDERR_BYTES as usize).saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        });
        let (tx, replies) = mpsc::channel();
        thread::spawn(move || loop {
            let reply = read_frame(&mut stdout, MAX_REPLY_BYTES);
            let end = reply.is_err();
            if tx.send(reply).is_err() || end {
                return;
            }
        });
        Ok(Self {
            exe: exe.to_owned(),
            memory_limit,
            child,
            stdin: Some(stdin),
            replies,
            stderr: kept,
            stderr_reader: Some(stderr_reader),
            _group: group,
        })
    }

    /// Ends the child and waits for it: its exit status, if it could be had, and what it
    /// printed on stderr.
    fn end(mut self, kill: bool) -> (Option<std::process::ExitStatus>, String) {
        drop(self.stdin.take());
        if kill {
            let _ = self.child.kill();
        }
        let status = self.child.wait().ok();
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        let stderr = self.stderr.lock().map(|e| e.clone()).unwrap_or_default();
        (status, String::from_utf8_lossy(&stderr).into_owned())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // End of input: an idle child exits at once. Reaped so that no zombie is left.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

thread_local! {
    /// This thread's idle evaluator child, kept between stacks.
    static IDLE: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

/// What the child writes back for each request: the reply and its own peak RSS.
#[derive(Serialize, Deserialize)]
struct Frame {
    reply: Reply,
    rss_bytes: u64,
}

/// Evaluates the Jsonnet `source` of `path` in a child process of `exe`: this thread's
/// long-lived child when it has one, else a new one. A child that fails is ended and never
/// reused; a stack over the memory limit in a child that had served others is evaluated again
/// in a fresh child, so the stacks before it cannot make it fail.
pub(super) fn evaluate(
    exe: &Path,
    memory_limit: u64,
    path: &Path,
    canonical: &Path,
    source: &str,
    opts: &LoadOptions,
) -> Result<(Value, Vec<PathBuf>), LoadError> {
    let internal = |message: String| LoadError::Internal {
        path: path.to_owned(),
        message,
    };
    let request = serde_json::to_vec(&Request {
        path: path.to_owned(),
        canonical: canonical.to_owned(),
        source: source.to_owned(),
        ext_str: opts.ext_str.clone(),
        ext_code: opts.ext_code.clone(),
        jpath: opts.jpath.clone(),
        import_roots: opts.import_roots.clone(),
    })
    .map_err(|e| internal(format!("cannot encode the evaluation request: {e}")))?;
    let idle = IDLE
        .with(|w| w.borrow_mut().take())
        .filter(|w| w.exe == exe && w.memory_limit == memory_limit);
    let reused = idle.is_some();
    let worker = match idle {
        Some(w) => w,
        None => Worker::start(exe, memory_limit)
            .map_err(|e| internal(format!("cannot start the evaluator {}: {e}", exe.display())))?,
    };
    match evaluate_in(worker, memory_limit, path, &request) {
        Err(LoadError::MemoryLimit { .. }) if reused => {
            let fresh = Worker::start(exe, memory_limit).map_err(|e| {
                internal(format!("cannot start the evaluator {}: {e}", exe.display()))
            })?;
            evaluate_in(fresh, memory_limit, path, &request)
        }
        other => other,
    }
}

/// Sends `request` to `worker` and waits for its reply; the worker goes back to this thread's
/// slot when it is healthy and small.
fn evaluate_in(
    mut worker: Worker,
    memory_limit: u64,
    path: &Path,
    request: &[u8],
) -> Result<(Value, Vec<PathBuf>), LoadError> {
    let internal = |message: String| LoadError::Internal {
        path: path.to_owned(),
        message,
    };
    // The child reads the whole request before it writes anything, and a thread drains its
    // replies, so this cannot deadlock; a child that died makes it fail, and its exit says why.
    let sent = worker.stdin.as_mut().map(|stdin| {
        stdin
            .write_all(&(request.len() as u64).to_le_bytes())
            .and_then(|()| stdin.write_all(request))
            .and_then(|()| stdin.flush())
    });
    let reply = match sent {
        Some(Ok(())) => {
            // A little after the child's own deadline, which it reports itself.
            let deadline = eval_timeout() + Duration::from_secs(5);
            match worker.replies.recv_timeout(deadline) {
                Ok(reply) => reply,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    worker.end(true);
                    return Err(LoadError::Timeout {
                        path: path.to_owned(),
                        seconds: eval_timeout().as_secs(),
                    });
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => Err(Ended::Output),
            }
        }
        _ => Err(Ended::Output),
    };
    let reply = match reply {
        Ok(reply) => reply,
        Err(Ended::TooLarge) => {
            worker.end(true);
            return Err(LoadError::NotData {
                path: path.to_owned(),
                json_path: String::new(),
                what: format!("more than {} MiB of JSON", MAX_REPLY_BYTES >> 20),
            });
        }
        Err(Ended::Output) => {
            // The child ended without a reply: over the memory limit, or killed.
            let (status, stderr) = worker.end(true);
            return Err(match status {
                Some(status) => failure(path, memory_limit, status, &stderr),
                None => internal("cannot wait for the evaluator".to_owned()),
            });
        }
    };
    let frame = match decode(&reply) {
        Ok(frame) => frame,
        Err(e) => {
            worker.end(true);
            return Err(internal(format!(
                "unreadable reply from the evaluator: {e}"
            )));
        }
    };
    // After an error the child may still be running the evaluation (its deadline abandons
    // the thread), so it is ended too.
    if frame.rss_bytes > RETIRE_RSS_BYTES || frame.reply.is_err() {
        worker.end(false);
    } else {
        IDLE.with(|w| *w.borrow_mut() = Some(worker));
    }
    frame.reply
}

/// Why a child's replies ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    /// Its output ended (it exited, or was killed) or could not be read.
    Output,
    /// A reply was longer than the limit.
    TooLarge,
}

/// One length-prefixed frame from `r`.
fn read_frame(r: &mut impl Read, max: u64) -> Result<Vec<u8>, Ended> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len).map_err(|_| Ended::Output)?;
    let len = u64::from_le_bytes(len);
    if len > max {
        return Err(Ended::TooLarge);
    }
    let mut buf = Vec::with_capacity(usize::try_from(len).map_err(|_| Ended::TooLarge)?);
    r.take(len)
        .read_to_end(&mut buf)
        .map_err(|_| Ended::Output)?;
    if buf.len() as u64 == len {
        Ok(buf)
    } else {
        Err(Ended::Output)
    }
}

/// Why the child ended without a reply: over the memory limit when its allocator said so, else
/// an internal error with its exit status and last line of stderr.
fn failure(
    path: &Path,
    memory_limit: u64,
    status: std::process::ExitStatus,
    stderr: &str,
) -> LoadError {
    // Rust's allocation-failure handler prints this before it aborts.
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return LoadError::MemoryLimit {
            path: path.to_owned(),
            limit: memory_limit,
        };
    }
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
    LoadError::Internal {
        path: path.to_owned(),
        message: format!(
            "the evaluator process ended with {status}{}",
            last.map(|l| format!(": {l}")).unwrap_or_default()
        ),
    }
}

fn decode(reply: &[u8]) -> serde_json::Result<Frame> {
    let mut de = serde_json::Deserializer::from_slice(reply);
    // The child's manifest refuses values nested deeper than `data::MAX_DEPTH`.
    de.disable_recursion_limit();
    let decoded = Frame::deserialize(&mut de)?;
    de.end()?;
    Ok(decoded)
}

/// The child: caps its own address space at `memory_limit` (or the hard limit it inherited,
/// when that is lower), then until its stdin ends reads one [`Request`] at a time, evaluates it
/// and writes the [`Frame`] with its reply on stdout. Each frame is a little-endian `u64`
/// length and that many bytes of JSON.
pub(crate) fn serve(memory_limit: u64) -> io::Result<()> {
    limit_address_space(memory_limit)?;
    let mut stdin = io::stdin().lock();
    // The source is at most MAX_FILE_BYTES, but JSON may escape a byte in six.
    while let Ok(input) = read_frame(&mut stdin, 8 * MAX_FILE_BYTES + (1 << 20)) {
        let request: Request = serde_json::from_slice(&input).map_err(io::Error::other)?;
        drop(input);
        let opts = LoadOptions {
            ext_str: request.ext_str,
            ext_code: request.ext_code,
            jpath: request.jpath,
            evaluator: Evaluator::InProcess,
            import_roots: request.import_roots,
        };
        let (path, canonical, source) = (request.path, request.canonical, request.source);
        let stack = eval_stack_bytes(memory_limit);
        let reply: Reply = run_isolated(&path.clone(), stack, move || {
            jsonnet::evaluate(&path, &canonical, source, &opts)
        });
        let frame = Frame {
            reply,
            rss_bytes: peak_rss_bytes(),
        };
        let body = serde_json::to_vec(&frame).map_err(io::Error::other)?;
        drop(frame);
        let mut out = io::stdout().lock();
        out.write_all(&(body.len() as u64).to_le_bytes())?;
        out.write_all(&body)?;
        out.flush()?;
    }
    Ok(())
}

/// This process's peak resident set, in bytes (0 where unknown).
fn peak_rss_bytes() -> u64 {
    #[cfg(unix)]
    {
        // SAFETY: a valid out-pointer for getrusage.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            // Linux reports kibibytes.
            return u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024;
        }
    }
    0
}

/// The evaluation thread's stack: 256 MiB, or a quarter of a smaller limit (the stack's address
/// space counts against it). The nesting guard keeps real recursion far below either.
fn eval_stack_bytes(memory_limit: u64) -> usize {
    let quarter = usize::try_from(memory_limit / 4).unwrap_or(usize::MAX);
    quarter.clamp(32 << 20, EVAL_STACK_BYTES)
}

#[cfg(unix)]
fn limit_address_space(bytes: u64) -> io::Result<()> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid out-pointer for getrlimit, a valid in-pointer for setrlimit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_AS, &mut lim) != 0 {
            return Err(io::Error::last_os_error());
        }
        let want = libc::rlim_t::try_from(bytes).unwrap_or(libc::RLIM_INFINITY);
        if lim.rlim_max == libc::RLIM_INFINITY || want < lim.rlim_max {
            lim.rlim_cur = want;
        } else {
            lim.rlim_cur = lim.rlim_max;
        }
        if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn limit_address_space(_bytes: u64) -> io::Result<()> {
    Err(io::Error::other(
        "a memory limit needs a Unix system; pass --memory-limit off",
    ))
}

/// A memory size as `--memory-limit` takes it: bytes, or a number with `KiB`, `MiB`, `GiB` or
/// `TiB` (also `K`, `M`, `G`, `T`, and `KB`... read as binary units); `off` for none.
pub(crate) fn parse_memory_limit(s: &str) -> Result<Option<u64>, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("off") || t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => {
            return Err(format!(
                "{s:?}: expected a size such as 2GiB or 512MiB, or off"
            ))
        }
    };
    let bytes = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("{s:?}: expected a size such as 2GiB or 512MiB, or off"))?;
    if bytes < MIN_MEMORY_LIMIT {
        return Err(format!(
            "{s:?}: the memory limit must be at least {} (or off)",
            format_bytes(MIN_MEMORY_LIMIT)
        ));
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_memory_limit("2GiB"), Ok(Some(2 << 30)));
        assert_eq!(parse_memory_limit("512M"), Ok(Some(512 << 20)));
        assert_eq!(parse_memory_limit("268435456"), Ok(Some(256 << 20)));
        assert_eq!(parse_memory_limit("off"), Ok(None));
        assert!(parse_memory_limit("12").is_err());
        assert!(parse_memory_limit("lots").is_err());
        assert!(parse_memory_limit("-1GiB").is_err());
        assert!(parse_memory_limit("99999999999TiB").is_err());
        assert_eq!(format_bytes(2 << 30), "2 GiB");
        assert_eq!(format_bytes(300 << 20), "300 MiB");
        assert_eq!(format_bytes(1536 << 10), "1536 KiB");
        assert_eq!(eval_stack_bytes(2 << 30), 256 << 20);
        assert_eq!(eval_stack_bytes(300 << 20), 75 << 20);
    }
}
