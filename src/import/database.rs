//! The settings gen-tf derives environment variables from, read back from those variables:
//! `database` (DB_READ_HOST, DB_WRITE_HOST, and DB_POOL_MIN and DB_POOL_MAX with a pool) and
//! `observability` (XRAY_SAMPLING_RATE, LOG_LEVEL). gen-tf writes them after the user's
//! variables, in that order, so only such a tail of the main container's variables is read
//! back: written as plain variables, the service would lose the egress rule gen-tf gives it to
//! its database, and the variables would move ahead of the derived ones.

use serde_json::{json, Map, Value};

use crate::resolve::derived::format_number;

/// What a tail of the variables says: the `database` and the `observability` entries.
#[derive(Debug, Default, PartialEq)]
struct Tail {
    database: Option<Value>,
    observability: Map<String, Value>,
}

fn name(r: &[(String, String)], i: usize) -> Option<&str> {
    r.get(i).map(|(n, _)| n.as_str())
}

/// `env[k..]` read as gen-tf's derived variables, or none when they are not exactly that.
fn read_tail(env: &[(String, String)]) -> Option<Tail> {
    let mut t = Tail::default();
    let mut rest = env;
    if name(rest, 0) == Some("DB_READ_HOST") && name(rest, 1) == Some("DB_WRITE_HOST") {
        let mut db = json!({ "read_host": rest[0].1, "write_host": rest[1].1 });
        rest = &rest[2..];
        if name(rest, 0) == Some("DB_POOL_MIN") && name(rest, 1) == Some("DB_POOL_MAX") {
            let min: u32 = rest[0]
                .1
                .parse()
                .ok()
                .filter(|m: &u32| m.to_string() == rest[0].1)?;
            let max: u32 = rest[1]
                .1
                .parse()
                .ok()
                .filter(|m: &u32| m.to_string() == rest[1].1)?;
            if min > max {
                return None;
            }
            db["pool"] = json!({ "min": min, "max": max });
            rest = &rest[2..];
        }
        t.database = Some(db);
    }
    if name(rest, 0) == Some("XRAY_SAMPLING_RATE") {
        let rate: f64 = rest[0].1.parse().ok()?;
        if !(0.0..=1.0).contains(&rate) || format_number(rate) != rest[0].1 {
            return None;
        }
        t.observability
            .insert("xray_sampling_rate".into(), json!(rate));
        rest = &rest[1..];
    }
    if name(rest, 0) == Some("LOG_LEVEL") {
        t.observability
            .insert("log_level".into(), rest[0].1.clone().into());
        rest = &rest[1..];
    }
    rest.is_empty().then_some(t)
}

/// Moves the longest tail of the main container's variables that gen-tf derives into
/// `database` and `observability`. Returns whether a database was read.
pub(super) fn derived_settings(o: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(env)) = o.get("environment") else {
        return false;
    };
    let pairs: Vec<(String, String)> = env
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (s("name"), s("value"))
        })
        .collect();
    let Some((k, tail)) = (0..pairs.len())
        .map(|k| (k, read_tail(&pairs[k..])))
        .find_map(|(k, t)| t.map(|t| (k, t)))
    else {
        return false;
    };
    let rest: Vec<Value> = env[..k].to_vec();
    if rest.is_empty() {
        o.remove("environment");
    } else {
        o.insert("environment".into(), Value::Array(rest));
    }
    let has_db = tail.database.is_some();
    if let Some(db) = tail.database {
        o.insert("database".into(), db);
    }
    if !tail.observability.is_empty() {
        o.insert("observability".into(), Value::Object(tail.observability));
    }
    has_db
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(env: &[(&str, &str)]) -> Map<String, Value> {
        let env: Vec<Value> = env
            .iter()
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect();
        json!({ "image": "x", "environment": env })
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn the_derived_tail_becomes_database_and_observability() {
        let mut o = service(&[
            ("LOG_FORMAT", "json"),
            ("DB_READ_HOST", "r.internal"),
            ("DB_WRITE_HOST", "w.internal"),
            ("DB_POOL_MIN", "1"),
            ("DB_POOL_MAX", "5"),
            ("XRAY_SAMPLING_RATE", "0.5"),
            ("LOG_LEVEL", "debug"),
        ]);
        assert!(derived_settings(&mut o));
        assert_eq!(
            o["database"],
            json!({ "read_host": "r.internal", "write_host": "w.internal", "pool": { "min": 1, "max": 5 } })
        );
        assert_eq!(
            o["observability"],
            json!({ "xray_sampling_rate": 0.5, "log_level": "debug" })
        );
        assert_eq!(
            o["environment"],
            json!([{ "name": "LOG_FORMAT", "value": "json" }])
        );
    }

    #[test]
    fn variables_out_of_gen_tfs_order_stay() {
        // A user variable after them: they are not gen-tf's tail.
        let mut o = service(&[("DB_READ_HOST", "r"), ("DB_WRITE_HOST", "w"), ("APP", "1")]);
        assert!(!derived_settings(&mut o));
        assert_eq!(o["environment"].as_array().unwrap().len(), 3);
        // A pool that does not read back as written keeps the pool variables, and with them
        // the hosts before them.
        let mut o = service(&[
            ("DB_READ_HOST", "r"),
            ("DB_WRITE_HOST", "w"),
            ("DB_POOL_MIN", "01"),
            ("DB_POOL_MAX", "5"),
        ]);
        assert!(!derived_settings(&mut o));
        assert!(o.get("database").is_none());
        // Only LOG_LEVEL at the end: observability.
        let mut o = service(&[("A", "1"), ("LOG_LEVEL", "info")]);
        assert!(!derived_settings(&mut o));
        assert_eq!(o["observability"], json!({ "log_level": "info" }));
    }
}
