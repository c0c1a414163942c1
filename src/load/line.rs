//! JSON path -> source line, so a diagnostic about `services.api.cpu` can point at a line.
//!
//! This is a textual search, not a parse: the value may have been computed by Jsonnet far
//! from where its key is written, and one scanner serves four formats. It walks the path one
//! step at a time, each key searched for inside the value of the previous one (a bracketed
//! block, a YAML indented block, or a TOML table), and answers with the deepest step it could
//! place. Wrong answers are possible; a line number is a hint, never a fact the compiler
//! relies on.

use std::ops::Range;

#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Best-effort 1-based line of `json_path` (like `services.api.auto_scaling.policies[1]`)
/// in a Jsonnet, JSON, YAML or TOML `source`. When the full path cannot be placed, the line
/// of its deepest placed ancestor; `None` when not even the first key is found.
pub fn line_of(source: &str, json_path: &str) -> Option<usize> {
    offset_of(source, json_path).map(|at| line_number(source.as_bytes(), at))
}

/// Like [`line_of`], with the 1-based column (in characters) of the key: `(line, column)`.
pub(crate) fn line_col_of(source: &str, json_path: &str) -> Option<(usize, usize)> {
    offset_of(source, json_path).map(|at| line_col(source, at))
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, source[line_start..offset].chars().count() + 1)
}

/// Like [`line_of`], as a byte offset, for callers that also want the column.
pub(crate) fn offset_of(source: &str, json_path: &str) -> Option<usize> {
    let steps = parse_path(json_path)?;
    let bytes = source.as_bytes();
    let mut region = body_start(bytes)..bytes.len();
    let mut best = None;
    // Where the previous key's value starts, for an index step to look at.
    let mut value_at = 0;
    // The previous key sat in a TOML `[[array]]` header.
    let mut in_array_header = false;
    for step in steps {
        match step {
            Step::Key(key) => {
                let Some(found) = find_key(bytes, region.clone(), &key) else {
                    break;
                };
                best = Some(found.key);
                value_at = found.value;
                in_array_header =
                    found.header && line_text(bytes, found.key).trim_start().starts_with("[[");
                region = value_region(bytes, &found, region.end);
            }
            Step::Index(n) => {
                let Some((at, inner)) =
                    find_element(bytes, value_at, region.clone(), n, in_array_header)
                else {
                    break;
                };
                best = Some(at);
                value_at = inner.start;
                in_array_header = false;
                region = inner;
            }
        }
    }
    best
}

/// Where a Jsonnet file's value starts, past its top-level `local x = ...;` bindings: these
/// often hold objects with the stack's own keys (defaults), which are not the stack.
fn body_start(bytes: &[u8]) -> usize {
    let mut pos = 0;
    loop {
        let Some(at) = next_significant(bytes, pos, bytes.len()) else {
            return pos;
        };
        let is_local =
            bytes[at..].starts_with(b"local") && !bytes.get(at + 5).copied().is_some_and(is_ident);
        if !is_local {
            return at;
        }
        match scan(bytes, at, bytes.len(), |_, b, depth| {
            depth == 0 && b == b';'
        }) {
            Some(semicolon) => pos = semicolon + 1,
            None => return pos,
        }
    }
}

fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if after.starts_with('"') {
                // A quoted key, written as a JSON string.
                let mut de = serde_json::Deserializer::from_str(after).into_iter::<String>();
                let key = de.next()?.ok()?;
                let used = de.byte_offset();
                steps.push(Step::Key(key));
                rest = after[used..].strip_prefix(']')?;
            } else {
                let close = after.find(']')?;
                steps.push(Step::Index(after[..close].parse().ok()?));
                rest = &after[close + 1..];
            }
        } else {
            let rest_trim = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_trim.find(['.', '[']).unwrap_or(rest_trim.len());
            if end == 0 {
                return None;
            }
            steps.push(Step::Key(rest_trim[..end].to_owned()));
            rest = &rest_trim[end..];
        }
    }
    Some(steps)
}

struct Found {
    /// Offset of the key's first byte (or its opening quote).
    key: usize,
    /// Offset just after the separator.
    value: usize,
    /// The key is part of a TOML `[table]` header or dotted key.
    header: bool,
}

pub(super) fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'$'
}

/// The next place `key` is written as a key: `key:`, `'key':`, `"key" =`, `key+:`,
/// `key::`, or a part of a TOML `[a.key]` header or `a.key = 1` dotted key.
fn find_key(bytes: &[u8], region: Range<usize>, key: &str) -> Option<Found> {
    let text = &bytes[..region.end];
    let k = key.as_bytes();
    let mut from = region.start;
    while let Some(rel) = find_bytes(&text[from..], k) {
        let start = from + rel;
        from = start + 1;
        let before = start.checked_sub(1).map(|i| text[i]);
        let (key_at, mut after) = match before {
            Some(q @ (b'\'' | b'"')) => {
                if text.get(start + k.len()) != Some(&q) {
                    continue;
                }
                (start - 1, start + k.len() + 1)
            }
            Some(b) if is_ident(b) || !b" \t\r\n{,[.".contains(&b) => continue,
            _ => {
                if text.get(start + k.len()).copied().is_some_and(is_ident) {
                    continue;
                }
                (start, start + k.len())
            }
        };
        while matches!(text.get(after), Some(b' ' | b'\t')) {
            after += 1;
        }
        let line = line_text(bytes, key_at);
        let header = line.trim_start().starts_with('[');
        match text.get(after) {
            Some(b'+') if text.get(after + 1) == Some(&b':') => {}
            Some(b':') => {}
            Some(b'=') if text.get(after + 1) != Some(&b'=') => {
                if line.starts_with("local ") || line.contains(" local ") {
                    continue;
                }
            }
            Some(b'.' | b']') if header || is_toml_dotted(bytes, key_at) => {
                return Some(Found {
                    key: key_at,
                    value: after + 1,
                    header: true,
                });
            }
            _ => continue,
        }
        while matches!(text.get(after), Some(b'+' | b':' | b'=')) {
            after += 1;
        }
        return Some(Found {
            key: key_at,
            value: after,
            header: false,
        });
    }
    None
}

/// A TOML dotted key line such as `auto_scaling.min_capacity = 2`.
fn is_toml_dotted(bytes: &[u8], at: usize) -> bool {
    let line = line_text(bytes, at);
    line.split_once('=')
        .is_some_and(|(lhs, _)| lhs.bytes().all(|b| is_ident(b) || b" \t.'\"".contains(&b)))
}

/// Where the value of a found key ends: its brackets, its YAML block, or (for TOML headers
/// and scalars) wherever the parent ends.
fn value_region(bytes: &[u8], found: &Found, parent_end: usize) -> Range<usize> {
    if found.header {
        return found.value..parent_end;
    }
    let Some(first) = next_significant(bytes, found.value, parent_end) else {
        return found.value..parent_end;
    };
    match bytes[first] {
        b'{' | b'[' => match matching_close(bytes, first, parent_end) {
            Some(close) => first..close + 1,
            None => first..parent_end,
        },
        _ if bytes[found.value..first].contains(&b'\n') => {
            found.value..yaml_block_end(bytes, found.key, parent_end)
        }
        _ => found.value..parent_end,
    }
}

/// The end of the YAML block under the key at `key_at`: the first later line indented no
/// more than the key, except `- ` items, which YAML allows at the key's own indentation.
fn yaml_block_end(bytes: &[u8], key_at: usize, end: usize) -> usize {
    let key_indent = indent_of(bytes, key_at);
    let mut pos = line_end(bytes, key_at);
    while pos < end {
        let start = pos + 1;
        let text = line_text(bytes, start.min(bytes.len()));
        let trimmed = text.trim_start();
        let indent = text.len() - trimmed.len();
        let blank = trimmed.is_empty() || trimmed.starts_with('#');
        if !blank && (indent < key_indent || (indent == key_indent && !trimmed.starts_with('-'))) {
            return start.min(end);
        }
        pos = line_end(bytes, start);
    }
    end
}

/// Element `n` of the sequence whose value starts at `value_at`: `(where it starts, its
/// region)`.
fn find_element(
    bytes: &[u8],
    value_at: usize,
    region: Range<usize>,
    n: usize,
    array_header: bool,
) -> Option<(usize, Range<usize>)> {
    if array_header {
        // TOML `[[a.b]]`: the n-th header with the same text starts element n.
        let header_start = line_start(bytes, value_at);
        let header = line_text(bytes, header_start).trim_end().to_owned();
        let mut seen = 0;
        let mut pos = header_start;
        while pos < bytes.len() {
            if line_text(bytes, pos).trim_end() == header {
                if seen == n {
                    let body = line_end(bytes, pos);
                    let stop = next_header(bytes, body).unwrap_or(bytes.len());
                    return Some((pos, body..stop));
                }
                seen += 1;
            }
            pos = line_end(bytes, pos) + 1;
        }
        return None;
    }
    let first = next_significant(bytes, value_at, region.end)?;
    match bytes[first] {
        b'[' => {
            let close = matching_close(bytes, first, region.end)?;
            let mut start = next_significant(bytes, first + 1, close)?;
            for _ in 0..n {
                let comma = next_top_level_comma(bytes, start, close)?;
                start = next_significant(bytes, comma + 1, close)?;
            }
            let stop = next_top_level_comma(bytes, start, close).unwrap_or(close);
            Some((start, start..stop))
        }
        b'-' => {
            let indent = indent_of(bytes, first);
            let mut items = Vec::new();
            let mut pos = line_start(bytes, first);
            while pos < region.end {
                let text = line_text(bytes, pos);
                let trimmed = text.trim_start();
                if text.len() - trimmed.len() == indent && trimmed.starts_with('-') {
                    items.push(pos + indent);
                }
                pos = line_end(bytes, pos) + 1;
            }
            let start = *items.get(n)?;
            let stop = items.get(n + 1).copied().unwrap_or(region.end);
            Some((start, start + 1..stop))
        }
        _ => None,
    }
}

/// Walks `from..end` outside strings and comments, calling `f(offset, byte, depth)` on each
/// byte; stops when `f` returns true.
pub(super) fn scan(
    bytes: &[u8],
    from: usize,
    end: usize,
    mut f: impl FnMut(usize, u8, i32) -> bool,
) -> Option<usize> {
    let mut depth = 0;
    let mut i = from;
    while i < end {
        let b = bytes[i];
        match b {
            b'"' | b'\'' => {
                i += 1;
                while i < end && bytes[i] != b && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => i = line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = find_bytes(&bytes[i + 2..end], b"*/").map_or(end, |p| i + 2 + p + 1);
            }
            _ => {
                if f(i, b, depth) {
                    return Some(i);
                }
                match b {
                    b'{' | b'[' | b'(' => depth += 1,
                    b'}' | b']' | b')' => depth -= 1,
                    _ => {}
                }
            }
        }
        i += 1;
    }
    None
}

fn matching_close(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    scan(bytes, open, end, |_, b, depth| {
        depth == 1 && matches!(b, b'}' | b']' | b')')
    })
}

fn next_top_level_comma(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    scan(bytes, from, end, |_, b, depth| depth == 0 && b == b',')
}

fn next_significant(bytes: &[u8], from: usize, end: usize) -> Option<usize> {
    scan(bytes, from, end, |_, b, _| !b.is_ascii_whitespace())
}

fn next_header(bytes: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    while pos < bytes.len() {
        let start = pos + 1;
        if bytes.get(start) == Some(&b'[') {
            return Some(start);
        }
        pos = line_end(bytes, start);
    }
    None
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// Offset of the newline ending the line at `at` (or the text's length).
fn line_end(bytes: &[u8], at: usize) -> usize {
    let at = at.min(bytes.len());
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i)
}

/// The whole line containing `at`, leading whitespace kept.
fn line_text(bytes: &[u8], at: usize) -> String {
    let start = line_start(bytes, at);
    String::from_utf8_lossy(&bytes[start..line_end(bytes, at)]).into_owned()
}

fn indent_of(bytes: &[u8], at: usize) -> usize {
    let text = line_text(bytes, at);
    text.len() - text.trim_start().len()
}

fn line_number(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
