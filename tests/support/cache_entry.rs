//! Render-cache entries (`src/cache.rs`) as tests tamper with them: the sealed JSON header, with
//! its `files` shown as `[name, content]` pairs, the content taken from the raw bytes after it.
//!
//! An entry is `<sha256 of the header>\n<header>\n<each file's bytes>`, and the header lists each
//! file as `{"name", "len", "sha256"}`.

use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An entry's header with `files` as `[name, content]` pairs, and the file hashes it held
/// (kept for [`encode`] when it does not reseal).
pub fn decode(bytes: &[u8]) -> (serde_json::Value, Vec<String>) {
    let rest = &bytes[65..];
    let end = rest.iter().position(|&b| b == b'\n').unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&rest[..end]).unwrap();
    let mut raw = &rest[end + 1..];
    let mut files = Vec::new();
    let mut hashes = Vec::new();
    for f in v["files"].as_array().unwrap() {
        let len = usize::try_from(f["len"].as_u64().unwrap()).unwrap();
        let (content, tail) = raw.split_at(len);
        raw = tail;
        files.push(serde_json::json!([
            f["name"],
            String::from_utf8_lossy(content)
        ]));
        hashes.push(f["sha256"].as_str().unwrap().to_owned());
    }
    v["files"] = files.into();
    (v, hashes)
}

/// The entry for `v` (as [`decode`] gives it). With `reseal`, every hash is that of the new
/// bytes, as whoever can write the cache can always do; without, each file keeps the hash in
/// `hashes` and the header keeps `seal` (the old first line).
pub fn encode(v: &serde_json::Value, reseal: bool, hashes: &[String], seal: &str) -> Vec<u8> {
    let mut header = v.clone();
    let mut raw = Vec::new();
    let mut files = Vec::new();
    for (i, f) in v["files"].as_array().unwrap().iter().enumerate() {
        let content = f[1].as_str().unwrap().as_bytes();
        let sha256 = match hashes.get(i) {
            Some(h) if !reseal => h.clone(),
            _ => hex(content),
        };
        files.push(serde_json::json!({"name": f[0], "len": content.len(), "sha256": sha256}));
        raw.extend_from_slice(content);
    }
    header["files"] = files.into();
    let header = serde_json::to_vec(&header).unwrap();
    let seal = if reseal {
        hex(&header)
    } else {
        seal.to_owned()
    };
    [seal.as_bytes(), b"\n", &header, b"\n", &raw].concat()
}

/// Whether `path` is a cache entry (not the stat index or the `.gitignore`).
pub fn is_entry(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|x| x == "entry")
}
