//! The container settings gen-tf writes beside the common ones, read back from a container
//! definition's fields (those `aws::ContainerDefinition` keeps in `rest`): ulimits, the pseudo
//! terminal, the restart policy, version consistency, the init process and environment files.
//! A field in a shape gen-tf does not write is left to the report.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// Puts each field of `rest` that reads as a stack setting into `o`; returns the fields read.
pub(super) fn read(rest: &BTreeMap<String, Value>, o: &mut Map<String, Value>) -> Vec<String> {
    let mut used = Vec::new();
    for (k, v) in rest {
        let setting = match k.as_str() {
            "ulimits" => ulimits(v).map(|u| ("ulimits", u)),
            "pseudoTerminal" => v.as_bool().map(|b| ("pseudo_terminal", json!(b))),
            "restartPolicy" => restart_policy(v).map(|r| ("restart_policy", r)),
            "versionConsistency" => match v.as_str() {
                Some("enabled") => Some(("version_consistency", json!(true))),
                Some("disabled") => Some(("version_consistency", json!(false))),
                _ => None,
            },
            "linuxParameters" => init_process(v).map(|b| ("init_process_enabled", json!(b))),
            "environmentFiles" => environment_files(v).map(|f| ("environment_files", f)),
            _ => None,
        };
        if let Some((key, value)) = setting {
            // pseudoTerminal false is ECS's default, which gen-tf leaves out.
            if value != json!(false) || key != "pseudo_terminal" {
                o.insert(key.to_owned(), value);
            }
            used.push(k.clone());
        }
    }
    used
}

fn ulimits(v: &Value) -> Option<Value> {
    v.as_array()?
        .iter()
        .map(|u| {
            Some(json!({
                "name": u["name"].as_str()?,
                "soft": u["softLimit"].as_u64()?,
                "hard": u["hardLimit"].as_u64()?,
            }))
        })
        .collect::<Option<Vec<_>>>()
        .map(Value::Array)
}

fn restart_policy(v: &Value) -> Option<Value> {
    let o = v.as_object()?;
    let mut r = Map::new();
    for (k, x) in o {
        match k.as_str() {
            // gen-tf's default is on.
            "enabled" if x.as_bool()? => {}
            "enabled" => {
                r.insert("enabled".into(), json!(false));
            }
            "ignoredExitCodes" => {
                if !x.as_array()?.is_empty() {
                    r.insert("ignored_exit_codes".into(), x.clone());
                }
            }
            "restartAttemptPeriod" => {
                r.insert("restart_attempt_period".into(), json!(x.as_u64()?));
            }
            _ => return None,
        }
    }
    Some(Value::Object(r))
}

/// `linuxParameters` that only set the init process.
fn init_process(v: &Value) -> Option<bool> {
    let o = v.as_object()?;
    if o.keys().any(|k| k != "initProcessEnabled") {
        return None;
    }
    o.get("initProcessEnabled")?.as_bool()
}

fn environment_files(v: &Value) -> Option<Value> {
    v.as_array()?
        .iter()
        .map(|f| {
            (f["type"] == "s3")
                .then(|| f["value"].as_str().map(Value::from))
                .flatten()
        })
        .collect::<Option<Vec<_>>>()
        .map(Value::Array)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_reads_as_its_setting() {
        let rest = json!({
            "ulimits": [{ "name": "nofile", "softLimit": 1024, "hardLimit": 4096 }],
            "pseudoTerminal": true,
            "restartPolicy": { "enabled": true, "ignoredExitCodes": [0], "restartAttemptPeriod": 60 },
            "versionConsistency": "disabled",
            "linuxParameters": { "initProcessEnabled": true },
            "environmentFiles": [{ "value": "arn:aws:s3:::cfg/app.env", "type": "s3" }],
            "firelensConfiguration": { "type": "fluentbit" },
        });
        let mut o = Map::new();
        let rest: BTreeMap<String, Value> = serde_json::from_value(rest).unwrap();
        let used = read(&rest, &mut o);
        assert_eq!(used.len(), 6, "{used:?}");
        assert_eq!(
            Value::Object(o),
            json!({
                "ulimits": [{ "name": "nofile", "soft": 1024, "hard": 4096 }],
                "pseudo_terminal": true,
                "restart_policy": { "ignored_exit_codes": [0], "restart_attempt_period": 60 },
                "version_consistency": false,
                "init_process_enabled": true,
                "environment_files": ["arn:aws:s3:::cfg/app.env"],
            })
        );
    }

    #[test]
    fn other_shapes_are_left_to_the_report() {
        let rest = json!({
            "linuxParameters": { "initProcessEnabled": true, "capabilities": { "add": ["SYS_PTRACE"] } },
            "restartPolicy": { "enabled": true, "other": 1 },
        });
        let mut o = Map::new();
        let rest: BTreeMap<String, Value> = serde_json::from_value(rest).unwrap();
        assert!(read(&rest, &mut o).is_empty());
        assert!(o.is_empty());
    }
}
