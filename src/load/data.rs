//! JSON, YAML and TOML stacks.
//!
//! Each is converted by hand rather than through serde so that values JSON cannot hold
//! (infinities, YAML tags, non-scalar keys) become errors that name their JSON path, and so
//! numbers come out exactly as a Jsonnet stack with the same text would give them.

use std::cell::RefCell;
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::error::{LoadError, Location};
use super::guard;
use super::line::{line_col, line_of};

/// Deeper nesting than this is refused; no stack needs it, and it bounds recursion in the
/// converters and in every later stage.
pub(crate) const MAX_DEPTH: usize = 500;

/// A JSON number from an f64, whole values as integers.
///
/// Jsonnet has a single number type, so `cpu: 512` and `cpu: 512.0` are the same value
/// there; a typed model wants an integer for both. Doing the same for JSON, YAML and TOML
/// keeps every format giving the same value for the same text. Whole values beyond 2^53 stay
/// floats, where an f64 no longer holds every integer.
pub(crate) fn number(f: f64) -> Option<Number> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if f.fract() == 0.0 && f.abs() <= EXACT {
        #[allow(clippy::cast_possible_truncation)] // whole and within ±2^53: exact
        return Some(Number::from(f as i64));
    }
    Number::from_f64(f)
}

/// Appends one step to a JSON path like `services.api.policies[1]`.
pub(crate) fn child_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{}]", Value::from(key)),
    }
}

pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

fn not_data(path: &Path, json_path: &str, what: impl Into<String>) -> LoadError {
    LoadError::NotData {
        path: path.to_owned(),
        json_path: json_path.to_owned(),
        what: what.into(),
    }
}

fn too_deep(path: &Path, json_path: &str) -> LoadError {
    not_data(
        path,
        json_path,
        format!("nested deeper than {MAX_DEPTH} levels"),
    )
}

pub(crate) fn json(path: &Path, source: &str) -> Result<Value, LoadError> {
    let duplicate = RefCell::new(None);
    let seed = JsonSeed {
        json_path: String::new(),
        duplicate: &duplicate,
    };
    let mut de = serde_json::Deserializer::from_str(source);
    let value = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        if let Some(json_path) = duplicate.take() {
            return LoadError::DuplicateKey {
                path: path.to_owned(),
                first_line: line_of(source, &json_path),
                json_path,
                line: e.line(),
            };
        }
        let at = (e.line() > 0).then(|| Location {
            file: path.display().to_string(),
            line: e.line(),
            column: e.column(),
        });
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        LoadError::Syntax {
            path: path.to_owned(),
            format: "JSON".into(),
            at,
            message: message.strip_suffix(&suffix).unwrap_or(&message).to_owned(),
        }
    })
}

/// A JSON value with its path, refusing a key given twice in one object (serde_json keeps the
/// last one silently), and with whole numbers as integers, as the other formats give them
/// (serde_json reads `70.0` as a float). The path of a duplicate key goes out through
/// `duplicate`, since a deserializer error carries only text.
struct JsonSeed<'a> {
    json_path: String,
    duplicate: &'a RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for JsonSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        number(f)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {f} is not finite")))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(JsonSeed {
            json_path: index_path(&self.json_path, out.len()),
            duplicate: self.duplicate,
        })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let json_path = child_path(&self.json_path, &key);
            if out.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(json_path);
                return Err(de::Error::custom("duplicate key"));
            }
            let value = map.next_value_seed(JsonSeed {
                json_path,
                duplicate: self.duplicate,
            })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

pub(crate) fn yaml(path: &Path, source: &str) -> Result<Value, LoadError> {
    let syntax = |e: serde_yaml::Error| {
        let at = e.location().map(|l| Location {
            file: path.display().to_string(),
            line: l.line(),
            column: l.column(),
        });
        let mut message = e.to_string();
        if let Some(l) = e.location() {
            // The location is already in front of the message.
            message = message.replacen(
                &format!(" at line {} column {}", l.line(), l.column()),
                "",
                1,
            );
        }
        LoadError::Syntax {
            path: path.to_owned(),
            format: "YAML".into(),
            at,
            message,
        }
    };
    if guard::brackets_deeper_than(source, MAX_DEPTH) {
        return Err(LoadError::TooDeep {
            path: path.to_owned(),
            limit: MAX_DEPTH,
        });
    }
    // Count documents first: serde_yaml's own error for a stream does not say how many,
    // and a second document is usually a pasted-in `---` the user should know about.
    let mut documents = 0;
    for document in serde_yaml::Deserializer::from_str(source) {
        let _: serde::de::IgnoredAny = serde::Deserialize::deserialize(document).map_err(syntax)?;
        documents += 1;
    }
    if documents > 1 {
        return Err(LoadError::MultiDocumentYaml {
            path: path.to_owned(),
            documents,
        });
    }
    let mut value: serde_yaml::Value = serde_yaml::from_str(source).map_err(syntax)?;
    // `<<: *defaults` is how YAML users share settings between services.
    value.apply_merge().map_err(syntax)?;
    from_yaml(path, value, "", 0)
}

fn from_yaml(
    path: &Path,
    value: serde_yaml::Value,
    json_path: &str,
    depth: usize,
) -> Result<Value, LoadError> {
    use serde_yaml::Value as Y;
    within_depth(path, json_path, depth)?;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(
                    number(f)
                        .ok_or_else(|| not_data(path, json_path, format!("the number {n}")))?,
                )
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => array(items, json_path, |v, at| from_yaml(path, v, at, depth + 1))?,
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => {
                        return Err(not_data(
                            path,
                            json_path,
                            "a mapping with a key that is not a scalar",
                        ))
                    }
                };
                let child = child_path(json_path, &key);
                let v = from_yaml(path, v, &child, depth + 1)?;
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            return Err(not_data(
                path,
                json_path,
                format!("tagged `{}` (YAML tags are not supported)", t.tag),
            ))
        }
    })
}

pub(crate) fn toml(path: &Path, source: &str) -> Result<Value, LoadError> {
    let table: toml::Table = source.parse().map_err(|e: toml::de::Error| {
        let at = e.span().map(|span| {
            let (line, column) = line_col(source, span.start);
            Location {
                file: path.display().to_string(),
                line,
                column,
            }
        });
        LoadError::Syntax {
            path: path.to_owned(),
            format: "TOML".into(),
            at,
            message: Some(
                e.message()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
            .filter(|m| !m.is_empty())
            // The parser gives no message for a key with nothing after its `=`.
            .unwrap_or_else(|| "a value is missing here (after `=`)".to_owned()),
        }
    })?;
    from_toml(path, toml::Value::Table(table), "", 0)
}

fn from_toml(
    path: &Path,
    value: toml::Value,
    json_path: &str,
    depth: usize,
) -> Result<Value, LoadError> {
    use toml::Value as T;
    within_depth(path, json_path, depth)?;
    Ok(match value {
        T::String(s) => Value::String(s),
        T::Integer(i) => Value::from(i),
        T::Float(f) => Value::Number(
            number(f).ok_or_else(|| not_data(path, json_path, format!("the number {f}")))?,
        ),
        T::Boolean(b) => Value::Bool(b),
        // No stack field is a date; keep the text so the model can say what it expected.
        T::Datetime(d) => Value::String(d.to_string()),
        T::Array(items) => array(items, json_path, |v, at| from_toml(path, v, at, depth + 1))?,
        T::Table(table) => {
            let mut out = Map::with_capacity(table.len());
            for (k, v) in table {
                let child = child_path(json_path, &k);
                let v = from_toml(path, v, &child, depth + 1)?;
                out.insert(k, v);
            }
            Value::Object(out)
        }
    })
}

/// Refuses nesting deeper than [`MAX_DEPTH`].
fn within_depth(path: &Path, json_path: &str, depth: usize) -> Result<(), LoadError> {
    if depth > MAX_DEPTH {
        return Err(too_deep(path, json_path));
    }
    Ok(())
}

/// A YAML sequence or TOML array as a JSON array, each item converted at its own JSON path.
fn array<T>(
    items: Vec<T>,
    json_path: &str,
    convert: impl Fn(T, &str) -> Result<Value, LoadError>,
) -> Result<Value, LoadError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| convert(v, &index_path(json_path, i)))
        .collect::<Result<_, _>>()
        .map(Value::Array)
}
