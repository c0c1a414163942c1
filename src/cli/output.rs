//! Writing to stderr and stdout.

use std::io::{self, Write};

use super::error::CliError;

/// Writes already rendered text (diagnostics, whose user text `report` escaped) to stderr.
pub(super) fn eprint(s: &str) {
    let _ = io::stderr().write_all(s.as_bytes());
}

/// Writes a message to stderr with control characters escaped (line breaks kept): messages
/// carry paths, which may hold anything.
pub(super) fn say(s: &str) {
    eprint(&crate::report::escape_controls(s, true));
}

/// Writes `text` to stdout; a closed pipe (`gen-tf list | head`) is not a failure.
pub(super) fn print_stdout(text: &str) -> Result<(), CliError> {
    match io::stdout().write_all(text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Stdout(e)),
    }
}
