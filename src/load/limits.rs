//! The limits loading holds every input to.

/// Larger inputs are refused: no real stack comes close, and a limit keeps a stray `-J` to a
/// data directory or a hostile import from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Evaluation runs on its own thread with this much stack, so deep but legitimate nesting
/// never reaches the guard page. Jsonnet's own call depth limit still applies.
pub(super) const EVAL_STACK_BYTES: usize = 256 << 20;

/// How long one stack may take to load: `GEN_TF_EVAL_TIMEOUT_SECS`, default 60 s. A real stack
/// of a thousand services evaluates in well under a second.
pub(super) fn eval_timeout() -> std::time::Duration {
    let secs = std::env::var("GEN_TF_EVAL_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(60);
    std::time::Duration::from_secs(secs)
}

/// `2 GiB`, `300 MiB`, `1536 KiB`: the largest binary unit that divides `bytes`.
pub fn format_bytes(bytes: u64) -> String {
    for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return format!("{} {unit}", bytes >> shift);
        }
    }
    format!("{bytes} bytes")
}
