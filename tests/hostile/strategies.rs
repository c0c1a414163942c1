//! Random stacks for the property tests: valid ones with hostile free text, and wild ones
//! that exercise every rule family.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::read_back::HOSTILE;

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(HOSTILE).prop_map(str::to_owned),
        2 => "[${}%a-z \"\\\\\n\t😀é-]{0,16}",
        1 => any::<String>(),
    ]
}

pub fn env_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Z_][A-Z0-9_]{0,8}",
        1 => proptest::sample::select(vec!["LOG_LEVEL", "DB_READ_HOST", "bad name", "", "1X"]).prop_map(str::to_owned),
    ]
}

pub fn env() -> impl Strategy<Value = Value> {
    proptest::collection::vec((env_name(), text()), 0..4).prop_map(|v| {
        Value::Array(
            v.into_iter()
                .map(|(n, t)| json!({ "name": n, "value": t }))
                .collect(),
        )
    })
}

/// A service that passes every rule, with hostile text wherever free text is allowed.
pub fn valid_service() -> impl Strategy<Value = Value> {
    let linux = (
        proptest::sample::select(vec![
            (256u32, 512u32),
            (512, 2048),
            (1024, 3072),
            (2048, 8192),
            (4096, 30720),
            (8192, 20480),
            (16384, 40960),
        ]),
        proptest::sample::select(vec!["ARM64", "X86_64"]),
        proptest::option::of(proptest::sample::select(vec!["LATEST", "1.4.0"])),
        proptest::option::of((1i64..1000, 0i64..10, proptest::option::of(0i64..1000))),
    )
        .prop_map(|(size, arch, version, strategy)| {
            let strategy = match strategy {
                None => json!([]),
                Some((w, b, None)) => {
                    json!([{ "capacity_provider": "FARGATE", "weight": w, "base": b }])
                }
                Some((w, b, Some(spot))) => json!([
                    { "capacity_provider": "FARGATE", "weight": w, "base": b },
                    { "capacity_provider": "FARGATE_SPOT", "weight": spot }
                ]),
            };
            (
                size,
                json!({ "cpu_architecture": arch, "operating_system_family": "LINUX" }),
                version,
                strategy,
            )
        });
    let windows = (
        proptest::sample::select(vec![(1024u32, 2048u32), (2048, 4096), (4096, 8192)]),
        proptest::option::of(proptest::sample::select(vec!["LATEST", "1.0.0"])),
    )
        .prop_map(|(size, version)| {
            let platform = json!({ "cpu_architecture": "X86_64", "operating_system_family": "WINDOWS_SERVER_2019_CORE" });
            (size, platform, version, json!([{ "capacity_provider": "FARGATE", "weight": 1 }]))
        });
    let shape = prop_oneof![4 => linux, 1 => windows];
    let env = proptest::collection::btree_map("[A-C][A-Z0-9_]{0,6}", text(), 0..4);
    let secrets = proptest::collection::btree_map(
        "S_[A-Z0-9]{1,5}",
        proptest::sample::select(vec![
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/app/key",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::",
        ]),
        0..3,
    );
    let database = proptest::option::of((
        text(),
        text(),
        1u32..30,
        proptest::option::of(Just(100_000u32)),
    ));
    let observability = proptest::option::of((
        0.0f64..=1.0,
        text(),
        proptest::sample::select(vec![0u32, 1, 7, 30, 365, 3653]),
    ));
    let sidecars = proptest::collection::btree_map(
        "sc[0-9]",
        (
            6u32..64,
            proptest::collection::btree_map("[A-C][A-Z0-9_]{0,6}", text(), 0..3),
        ),
        0..3,
    );
    let extras = (
        proptest::option::of((1u16..=65535, any::<bool>())),
        proptest::option::of(prop_oneof![
            proptest::sample::select(vec!["conservative", "aggressive", "dynamic"])
                .prop_map(|s| json!({ "strategy": s })),
            (6i64..200).prop_map(|n| json!(n)),
        ]),
        proptest::option::of(proptest::sample::select(vec![
            "busybox:1",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a@sha256:00ff",
        ])),
        proptest::collection::btree_map("[a-z]{1,4}", "[a-zA-Z0-9 _.:/=+@-]{0,10}", 0..3),
        proptest::option::of(0u32..30),
    );
    (shape, env, secrets, database, observability, sidecars, extras).prop_map(
        |(((cpu, memory), platform, version, strategy), env, secrets, database, obs, sidecars, extras)| {
            let (port, reservation, image, tags, desired) = extras;
            let mut s = json!({
                "cpu": cpu,
                "memory": memory,
                "runtime_platform": platform,
                "capacity_provider_strategy": strategy,
                "environment": env.into_iter().map(|(n, v)| json!({ "name": n, "value": v })).collect::<Vec<_>>(),
                "secrets": secrets.into_iter().map(|(n, v)| json!({ "name": n, "value_from": v })).collect::<Vec<_>>(),
                "sidecars": sidecars.into_iter().map(|(n, (m, e))| json!({
                    "name": n,
                    "image": "busybox:1",
                    "memory": m,
                    "environment": e.into_iter().map(|(n, v)| json!({ "name": n, "value": v })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "tags": tags,
            });
            let o = s.as_object_mut().expect("object");
            if let Some(v) = version {
                o.insert("platform_version".into(), json!(v));
            }
            if let Some((p, lb)) = port {
                o.insert("port".into(), json!(p));
                if lb {
                    o.insert("load_balancer".into(), json!({}));
                }
            }
            if let Some(r) = reservation {
                o.insert("memory_reservation".into(), r);
            }
            if let Some((rate, level, days)) = obs {
                o.insert("observability".into(), json!({ "xray_sampling_rate": rate, "log_level": level, "log_retention_days": days }));
            }
            if let Some(i) = image {
                o.insert("image".into(), json!(i));
            }
            if let Some((read, write, max, limit)) = database {
                o.insert("database".into(), json!({ "read_host": read, "write_host": write, "pool": { "min": max / 2, "max": max }, "max_connections": limit }));
            }
            if let Some(d) = desired {
                o.insert("desired_count".into(), json!(d));
            }
            s
        },
    )
}

/// Values anywhere in their type's range, so that every rule family sees invalid input.
pub fn wild_service() -> impl Strategy<Value = Value> {
    let size = (0u32..20000, 0u32..130_000);
    let platform = (
        proptest::sample::select(vec!["ARM64", "X86_64"]),
        proptest::sample::select(vec!["LINUX", "WINDOWS_SERVER_2022_CORE"]),
        proptest::option::of(proptest::sample::select(vec![
            "LATEST", "1.4.0", "1.3.0", "1.0.0", "2.0",
        ])),
    );
    let strategy = proptest::collection::vec(
        (
            proptest::sample::select(vec!["FARGATE", "FARGATE_SPOT"]),
            -1i64..1002,
            -1i64..100_002,
        ),
        0..3,
    );
    let secrets = proptest::collection::vec((env_name(), text()), 0..3);
    let database = proptest::option::of((
        text(),
        text(),
        0u32..30,
        0u32..30,
        proptest::option::of(0u32..2000),
    ));
    let extras = (
        proptest::option::of(0u16..=65535),
        proptest::option::of((-10i64..3000).prop_map(|n| json!(n))),
        proptest::option::of((-1.0f64..2.0, text(), 0u32..4000)),
        proptest::option::of(text()),
        proptest::collection::vec((text(), proptest::option::of(0u32..600), env()), 0..2),
        proptest::collection::btree_map(text(), text(), 0..3),
        any::<bool>(),
    );
    (size, platform, strategy, env(), secrets, database, extras).prop_map(
        |((cpu, memory), (arch, os, version), strategy, env, secrets, database, extras)| {
            let (port, reservation, obs, image, sidecars, tags, lb) = extras;
            let mut s = json!({
                "cpu": cpu,
                "memory": memory,
                "runtime_platform": { "cpu_architecture": arch, "operating_system_family": os },
                "environment": env,
                "capacity_provider_strategy": strategy.into_iter().map(|(p, w, b)| json!({ "capacity_provider": p, "weight": w, "base": b })).collect::<Vec<_>>(),
                "secrets": secrets.into_iter().map(|(n, v)| json!({ "name": n, "value_from": v })).collect::<Vec<_>>(),
                "sidecars": sidecars.into_iter().map(|(n, m, e)| json!({ "name": n, "image": "busybox:1", "memory": m, "environment": e })).collect::<Vec<_>>(),
                "tags": tags,
            });
            let o = s.as_object_mut().expect("object");
            if let Some(v) = version {
                o.insert("platform_version".into(), json!(v));
            }
            if let Some(p) = port {
                o.insert("port".into(), json!(p));
            }
            if let Some(r) = reservation {
                o.insert("memory_reservation".into(), r);
            }
            if let Some((rate, level, days)) = obs {
                o.insert("observability".into(), json!({ "xray_sampling_rate": rate, "log_level": level, "log_retention_days": days }));
            }
            if let Some(i) = image {
                o.insert("image".into(), json!(i));
            }
            if let Some((read, write, min, max, limit)) = database {
                o.insert("database".into(), json!({ "read_host": read, "write_host": write, "pool": { "min": min, "max": max }, "max_connections": limit }));
            }
            if lb {
                o.insert("load_balancer".into(), json!({}));
            }
            s
        },
    )
}

pub fn service() -> impl Strategy<Value = Value> {
    prop_oneof![6 => valid_service(), 1 => wild_service()]
}

pub fn stack() -> impl Strategy<Value = Value> {
    (
        proptest::collection::btree_map(
            prop_oneof![19 => "[a-z]{1,6}(-[a-z0-9]{1,4})?", 1 => "[a-zA-Z0-9./_-]{0,5}"],
            service(),
            1..3,
        ),
        proptest::option::of(proptest::collection::btree_map("[a-z]{1,4}", text(), 0..3)),
        proptest::option::of(proptest::sample::select(vec![
            "eu-west-1",
            "us-gov-west-1",
            "nowhere",
        ])),
    )
        .prop_map(|(services, tags, region)| {
            let mut s = json!({ "name": "prop", "services": services });
            if let Some(t) = tags {
                s["tags"] = json!(t);
            }
            if let Some(r) = region {
                s["region"] = json!(r);
            }
            s
        })
}

/// Free-text strings of a stack that reach the generated HCL.
pub fn free_text(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for svc in v["services"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        for e in svc["environment"].as_array().into_iter().flatten() {
            out.push(e["value"].as_str().unwrap_or_default().to_owned());
        }
        for k in ["read_host", "write_host"] {
            if let Some(s) = svc["database"][k].as_str() {
                out.push(s.to_owned());
            }
        }
        if let Some(s) = svc["observability"]["log_level"].as_str() {
            out.push(s.to_owned());
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
