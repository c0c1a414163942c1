//! Text for the generated README's Markdown, shared by `readme.rs` and `caller.rs`.

/// Text for one Markdown table cell: a `|` would end the cell and any control character (a
/// newline, a carriage return, an escape sequence) would break the row or the reader's terminal,
/// so pipes are escaped and control characters become spaces.
pub(super) fn cell(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|")
}
