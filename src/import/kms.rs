//! The customer-managed KMS keys that decrypt a service's secrets. ECS names no key beside a
//! secret: the keys are in the execution role's policy (`kms:Decrypt`), which gen-tf writes
//! from `secrets[].kms_key_arn`. Without them the first apply would take `kms:Decrypt` off the
//! role and the tasks could no longer read their secrets.

use serde_json::{Map, Value};

use super::read::Described;

/// The keys the execution role's inline policies let it decrypt with, in order, without repeats.
pub(super) fn decrypt_keys(d: &Described, role: &str) -> Vec<String> {
    let list = |v: &Value| match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let mut keys: Vec<String> = Vec::new();
    for ((_, _), doc) in d.inline.iter().filter(|((r, _), _)| r == role) {
        let statements = match &doc["Statement"] {
            Value::Array(a) => a.clone(),
            v @ Value::Object(_) => vec![v.clone()],
            _ => Vec::new(),
        };
        for st in statements {
            let allows = st["Effect"].as_str() == Some("Allow")
                && list(&st["Action"]).iter().any(|a| a == "kms:Decrypt");
            if !allows {
                continue;
            }
            for k in list(&st["Resource"]) {
                if k.starts_with("arn:") && k.contains(":key/") && !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
    }
    keys
}

/// Puts the keys on the service's secrets, one each, in order (the main container's, then the
/// sidecars'): gen-tf grants every key of a service's secrets to its execution role, whichever
/// secret names it. Returns the keys left over, which no secret could take.
pub(super) fn put_on_secrets(o: &mut Map<String, Value>, keys: Vec<String>) -> Vec<String> {
    let mut lists: Vec<&mut Value> = Vec::new();
    let mut sidecars = None;
    for (k, v) in o.iter_mut() {
        match k.as_str() {
            "secrets" => lists.push(v),
            "sidecars" => sidecars = Some(v),
            _ => {}
        }
    }
    let of_sidecars = sidecars
        .into_iter()
        .filter_map(Value::as_array_mut)
        .flatten()
        .filter_map(|c| c.get_mut("secrets"));
    lists.extend(of_sidecars);
    let mut secrets = lists
        .into_iter()
        .filter_map(Value::as_array_mut)
        .flatten()
        .filter_map(Value::as_object_mut);
    let mut keys = keys.into_iter();
    for k in keys.by_ref() {
        match secrets.next() {
            Some(s) => {
                s.insert("kms_key_arn".into(), Value::from(k));
            }
            None => return std::iter::once(k).chain(keys).collect(),
        }
    }
    Vec::new()
}
