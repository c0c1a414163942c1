//! Random input for the hostile tests: the shared generator's valid stacks
//! (`support/stacks.rs`), some of them with fields broken so that every rule family sees
//! invalid input, and arbitrary JSON shaped loosely like a stack.

use std::collections::BTreeMap;

use gen_tf::fargate::WINDOWS_SIZES;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde_json::{json, Map, Value};

use super::read_back::HOSTILE;
use super::stacks::{self, Generated};

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(HOSTILE).prop_map(str::to_owned),
        2 => "[${}%a-z \"\\\\\n\t😀é-]{0,16}",
        1 => any::<String>(),
    ]
}

/// Variable names: mostly well-formed, some taken by gen-tf or not names at all.
fn env_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Z_][A-Z0-9_]{0,8}",
        1 => select(vec!["LOG_LEVEL", "DB_READ_HOST", "bad name", "", "1X"]).prop_map(str::to_owned),
    ]
}

/// One field of a stack or of one of its services, set to a value anywhere in its type's range.
#[derive(Debug, Clone)]
enum Break {
    Size(u32, u32),
    Platform(&'static str, &'static str, Option<&'static str>),
    /// A Windows task in a size Windows has, which the rest of the service may not fit.
    Windows((u32, u32)),
    Capacity(Vec<(&'static str, i64, i64)>),
    Port(u16),
    Reservation(i64),
    Observability(f64, String, u32),
    Image(String),
    Database(u32, u32, Option<u32>),
    Environment(Vec<(String, String)>),
    Secrets(Vec<(String, String)>),
    Sidecar(String, Option<u32>),
    Tags(BTreeMap<String, String>),
    /// A load balancer on a service without a port.
    LoadBalancer,
    ServiceName(String),
    Region(&'static str),
}

fn breakage() -> impl Strategy<Value = Break> {
    let pairs = || prop::collection::vec((env_name(), text()), 0..3);
    prop_oneof![
        (0u32..20000, 0u32..130_000).prop_map(|(c, m)| Break::Size(c, m)),
        (
            select(vec!["ARM64", "X86_64"]),
            select(vec!["LINUX", "WINDOWS_SERVER_2022_CORE"]),
            prop::option::of(select(vec!["LATEST", "1.4.0", "1.3.0", "1.0.0", "2.0"])),
        )
            .prop_map(|(a, o, v)| Break::Platform(a, o, v)),
        stacks::size(WINDOWS_SIZES).prop_map(Break::Windows),
        prop::collection::vec(
            (
                select(vec!["FARGATE", "FARGATE_SPOT"]),
                -1i64..1002,
                -1i64..100_002
            ),
            0..3
        )
        .prop_map(Break::Capacity),
        (0u16..=65535).prop_map(Break::Port),
        (-10i64..3000).prop_map(Break::Reservation),
        (-1.0f64..2.0, text(), 0u32..4000).prop_map(|(r, l, d)| Break::Observability(r, l, d)),
        text().prop_map(Break::Image),
        (0u32..30, 0u32..30, prop::option::of(0u32..2000))
            .prop_map(|(min, max, limit)| Break::Database(min, max, limit)),
        pairs().prop_map(Break::Environment),
        pairs().prop_map(Break::Secrets),
        (text(), prop::option::of(0u32..600)).prop_map(|(n, m)| Break::Sidecar(n, m)),
        prop::collection::btree_map(text(), text(), 0..3).prop_map(Break::Tags),
        Just(Break::LoadBalancer),
        "[a-zA-Z0-9./_-]{0,5}".prop_map(Break::ServiceName),
        select(vec!["us-gov-west-1", "nowhere", ""]).prop_map(Break::Region),
    ]
}

/// `[{ name, <value_key> }]`.
fn named(list: Vec<(String, String)>, value_key: &str) -> Value {
    list.into_iter()
        .map(|(n, v)| {
            let mut o = Map::new();
            o.insert("name".to_owned(), n.into());
            o.insert(value_key.to_owned(), v.into());
            Value::Object(o)
        })
        .collect()
}

impl Break {
    /// Applies the break to `stack`, or to its service `at` for a service's field.
    fn apply(self, stack: &mut Value, at: Index) {
        if let Break::Region(r) = self {
            stack["region"] = json!(r);
            return;
        }
        let services = stack["services"].as_object_mut().expect("services");
        let name = services
            .keys()
            .nth(at.index(services.len()))
            .expect("a service")
            .clone();
        if let Break::ServiceName(new) = self {
            let svc = services.remove(&name).expect("the service");
            services.insert(new, svc);
            return;
        }
        let svc = services[&name].as_object_mut().expect("a service object");
        for (key, value) in self.fields() {
            match value {
                Some(v) => svc.insert(key.to_owned(), v),
                None => svc.remove(key),
            };
        }
    }

    /// The service fields a break sets; `None` removes the field.
    fn fields(self) -> Vec<(&'static str, Option<Value>)> {
        match self {
            Break::Size(cpu, memory) => {
                vec![("cpu", Some(json!(cpu))), ("memory", Some(json!(memory)))]
            }
            Break::Platform(arch, os, version) => vec![
                (
                    "runtime_platform",
                    Some(json!({ "cpu_architecture": arch, "operating_system_family": os })),
                ),
                ("platform_version", version.map(Value::from)),
            ],
            Break::Windows((cpu, memory)) => vec![
                (
                    "runtime_platform",
                    Some(
                        json!({ "cpu_architecture": "X86_64", "operating_system_family": "WINDOWS_SERVER_2019_CORE" }),
                    ),
                ),
                ("cpu", Some(json!(cpu))),
                ("memory", Some(json!(memory))),
                (
                    "capacity_provider_strategy",
                    Some(json!([{ "capacity_provider": "FARGATE", "weight": 1 }])),
                ),
                ("platform_version", None),
                ("launch_type", None),
            ],
            Break::Capacity(items) => {
                let items = items
                    .into_iter()
                    .map(|(p, w, b)| json!({ "capacity_provider": p, "weight": w, "base": b }))
                    .collect();
                vec![("capacity_provider_strategy", Some(items))]
            }
            Break::Port(p) => vec![("port", Some(json!(p)))],
            Break::Reservation(r) => vec![("memory_reservation", Some(json!(r)))],
            Break::Observability(rate, level, days) => vec![(
                "observability",
                Some(
                    json!({ "xray_sampling_rate": rate, "log_level": level, "log_retention_days": days }),
                ),
            )],
            Break::Image(i) => vec![("image", Some(json!(i)))],
            Break::Database(min, max, limit) => vec![(
                "database",
                Some(
                    json!({ "read_host": "r", "write_host": "w", "pool": { "min": min, "max": max }, "max_connections": limit }),
                ),
            )],
            Break::Environment(list) => vec![("environment", Some(named(list, "value")))],
            Break::Secrets(list) => vec![("secrets", Some(named(list, "value_from")))],
            Break::Sidecar(n, memory) => vec![(
                "sidecars",
                Some(json!([{ "name": n, "image": "busybox:1", "memory": memory }])),
            )],
            Break::Tags(tags) => vec![("tags", Some(json!(tags)))],
            Break::LoadBalancer => vec![("port", None), ("load_balancer", Some(json!({})))],
            Break::ServiceName(_) | Break::Region(_) => vec![],
        }
    }
}

/// A valid stack with one to three fields broken.
fn broken_stack() -> impl Strategy<Value = Generated> {
    (
        stacks::stack(),
        prop::collection::vec((any::<Index>(), breakage()), 1..4),
    )
        .prop_map(|(mut g, breaks)| {
            for (at, b) in breaks {
                b.apply(&mut g.value, at);
            }
            g
        })
}

/// Random stacks: most of them valid, the rest broken.
pub fn stack() -> impl Strategy<Value = Generated> {
    prop_oneof![4 => stacks::stack(), 1 => broken_stack()]
}

/// Free-text strings of a stack that reach the generated HCL.
pub fn free_text(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let value = |e: &Value| e["value"].as_str().unwrap_or_default().to_owned();
    for svc in v["services"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        out.extend(
            svc["environment"]
                .as_array()
                .into_iter()
                .flatten()
                .map(value),
        );
        for sidecar in svc["sidecars"].as_array().into_iter().flatten() {
            out.extend(
                sidecar["environment"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(value),
            );
        }
        for k in ["read_host", "write_host"] {
            if let Some(s) = svc["database"][k].as_str() {
                out.push(s.to_owned());
            }
        }
        if let Some(s) = svc["observability"]["log_level"].as_str() {
            out.push(s.to_owned());
        }
        for e in svc["egress"].as_array().into_iter().flatten() {
            if let Some(d) = e["description"].as_str() {
                out.push(d.to_owned());
            }
        }
    }
    out
}

/// Arbitrary JSON shaped loosely like a stack: the structural pass and serde must report,
/// never panic, and a readable stack must survive every rule.
pub fn loose_value() -> impl Strategy<Value = Value> {
    let keys = proptest::sample::select(vec![
        "name",
        "services",
        "cpu",
        "memory",
        "api",
        "tags",
        "environment",
        "value",
        "runtime_platform",
        "capacity_provider_strategy",
        "memory_reservation",
        "strategy",
        "database",
        "pool",
        "max",
        "sidecars",
        "_",
        "auto_scaling",
        "vpc_endpoints",
        "cluster",
        "unknown",
        "policies",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        text().prop_map(Value::from),
        proptest::sample::select(vec![
            "FARGATE", "ARM64", "LINUX", "dynamic", "postgres", "LATEST"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}
