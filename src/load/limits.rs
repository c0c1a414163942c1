//! The limits loading holds every input to.

/// Larger inputs are refused: no real stack comes close, and a limit keeps a stray `-J` to a
/// data directory or a hostile import from exhausting memory.
pub(crate) const MAX_FILE_BYTES: u64 = 16 << 20;

/// Evaluation runs on its own thread with this much stack, so deep but legitimate nesting
/// never reaches the guard page. Jsonnet's own call depth limit still applies.
pub(super) const EVAL_STACK_BYTES: usize = 256 << 20;

/// How long one stack may take to load: `GEN_TF_EVAL_TIMEOUT_SECS`, default 60 s. A real stack
/// of a thousand services evaluates in well under a second.
pub(super) fn eval_timeout() -> std::time::Duration {
    // Checked when the command starts (`check_eval_timeout`); a bad value never gets here.
    std::time::Duration::from_secs(check_eval_timeout().unwrap_or(60))
}

/// The longest evaluation deadline: a day. Larger values (up to `u64::MAX`) would overflow
/// the deadline's arithmetic.
pub(super) const MAX_EVAL_TIMEOUT_SECS: u64 = 86_400;

/// `GEN_TF_EVAL_TIMEOUT_SECS` in seconds (60 when unset or empty), capped at
/// [`MAX_EVAL_TIMEOUT_SECS`]; anything but a whole number of at least 1 is an error that says
/// what is accepted.
pub(crate) fn check_eval_timeout() -> Result<u64, String> {
    let Some(raw) = std::env::var_os("GEN_TF_EVAL_TIMEOUT_SECS") else {
        return Ok(60);
    };
    let text = raw.to_string_lossy();
    if text.trim().is_empty() {
        return Ok(60);
    }
    // Shown with `{:?}`, which escapes control characters.
    let shown = crate::diag::clip(&text, 40);
    let digits = text.trim();
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.bytes().all(|b| b == b'0')
    {
        return Err(format!(
            "GEN_TF_EVAL_TIMEOUT_SECS={shown:?} is not a whole number of seconds from 1 to {MAX_EVAL_TIMEOUT_SECS}; unset it for the default of 60"
        ));
    }
    // All digits: only a value past u64 fails to parse, and it is capped like any large one.
    Ok(digits
        .parse::<u64>()
        .unwrap_or(u64::MAX)
        .min(MAX_EVAL_TIMEOUT_SECS))
}

/// `2 GiB`, `300 MiB`, `1536 KiB`: the largest binary unit that divides `bytes`.
pub(crate) fn format_bytes(bytes: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}
