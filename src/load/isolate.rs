//! Reading input files within the size limit, and running an evaluation on its own thread
//! with a deadline, so no input can hang or take the whole process down.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::thread;

use super::error::LoadError;
use super::file::{read_regular, FileError};
use super::limits::{eval_timeout, MAX_FILE_BYTES};

/// Reads at most [`MAX_FILE_BYTES`] of a regular file; shared with the import resolver so
/// imports obey the same limit. Directories, FIFOs and devices are refused before they are
/// opened, since they could block or never end.
pub(crate) fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_regular(path, MAX_FILE_BYTES).map_err(|e| match e {
        FileError::NotAFile => LoadError::NotAFile {
            path: path.to_owned(),
        },
        FileError::TooLarge { .. } => LoadError::TooLarge {
            path: path.to_owned(),
        },
        FileError::Io(source) => LoadError::Read {
            path: path.to_owned(),
            source,
        },
    })
}

/// Runs `f` on a thread with `stack_bytes` of stack and turns a panic into
/// [`LoadError::Internal`], so no input can take the whole process down.
pub(super) fn run_isolated<T: Send + 'static>(
    path: &Path,
    stack_bytes: usize,
    f: impl FnOnce() -> Result<T, LoadError> + Send + 'static,
) -> Result<T, LoadError> {
    let internal = |message: String| LoadError::Internal {
        path: path.to_owned(),
        message,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    thread::Builder::new()
        .name("gen-tf-load".to_owned())
        .stack_size(stack_bytes)
        .spawn(move || {
            let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
        })
        .map_err(|e| internal(format!("cannot start the evaluator thread: {e}")))?;
    // jrsonnet has no step limit, so a stack that loops (or, in process, builds a huge value)
    // would run for ever. A deadline turns that into an error; the evaluator thread is abandoned
    // and ends with the process. (The gen-tf binary evaluates in a child process, which also has
    // a memory limit and is killed at the deadline: see `sandbox`.)
    let limit = eval_timeout();
    match rx.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => Err(internal(panic_message(payload.as_ref()))),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(LoadError::Timeout {
            path: path.to_owned(),
            seconds: limit.as_secs(),
        }),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(internal(
            "the evaluator thread ended without a result".to_owned(),
        )),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the evaluator panicked".to_owned())
}
