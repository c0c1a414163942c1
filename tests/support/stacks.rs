//! The random-stack generator of the property tests: valid stacks, as the JSON value that a
//! user's file loads to. `tests/fidelity.rs` holds them to Terraform fidelity (and samples them
//! for tfcheck); `tests/hostile.rs` also breaks them to reach every rule. Included with
//! `#[path = "support/stacks.rs"] mod stacks;`.
//!
//! Every choice is drawn from what AWS and gen-tf's rules accept, so that nearly every case
//! reaches lowering; the few cross-field constraints that random draws would break (memory sums,
//! the connection budget, unique names) are repaired in [`assemble`] instead of being filtered,
//! because proptest gives up after too many rejections. Text that users control and that lands
//! in quoted strings (environment values, hosts, log levels) is hostile on purpose.

use std::collections::{BTreeMap, BTreeSet};

use gen_tf::fargate::{sizes, FARGATE_SIZES};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

#[path = "containers.rs"]
mod containers;

/// One generated case: the stack and the `-V ENV=...` it is compiled with.
#[derive(Debug, Clone)]
pub struct Generated {
    pub value: Value,
    pub env: Option<String>,
}

const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-1",
    "ap-southeast-2",
    "eu-central-2",
    "us-gov-west-1",
];

/// Pieces of text that break naive printers: template markers and their escapes, quotes,
/// backslashes, escapes spelled out, line breaks, control characters, combining and wide
/// characters, and things that look like HCL syntax. References to module objects (`var.`,
/// `local.`, `aws_...`) are left out: tfcheck's reference check reads `$${var.x}` in a JSON string
/// as a reference, which Terraform does not.
const FRAGMENTS: &[&str] = &[
    "${x}",
    "${ x }",
    "%{if true}",
    "%{ endif }",
    "%{for a in b}",
    "$${",
    "%%{",
    "${",
    "%{",
    "$",
    "%",
    "$$",
    "%%",
    "{",
    "}",
    "\"",
    "'",
    "\\",
    "\\n",
    "\\u0041",
    "\\\"",
    "\n",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "é",
    "e\u{301}",
    "日本語",
    "한국",
    "😀",
    "👍🏽",
    "👨\u{200d}👩\u{200d}👧",
    "\u{200b}",
    "\u{2028}",
    "\u{feff}",
    "<<EOT\n",
    "EOT",
    "# not a comment",
    "// nor this",
    "/* nor this */",
    " = ",
    "jsonencode(",
    "null",
    "true",
    "-0",
    "1e3",
    "  ",
    "x",
];

const RETENTION_DAYS: &[u32] = &[
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Names gen-tf derives from `database` and `observability`; users may not reuse them.
const GENERATED_ENV: &[&str] = &[
    "DB_READ_HOST",
    "DB_WRITE_HOST",
    "DB_POOL_MIN",
    "DB_POOL_MAX",
    "XRAY_SAMPLING_RATE",
    "LOG_LEVEL",
];

const RESERVED_SERVICES: &[&str] = &["versions", "variables", "outputs", "cluster"];

/// Text that must reach Terraform byte for byte.
pub fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(select(FRAGMENTS), 0..7).prop_map(|v| v.concat()),
        1 => any::<String>(),
        1 => "[a-zA-Z0-9 ._:/-]{0,20}",
    ]
}

/// Tag keys and values: AWS's `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, with wide letters and unusual
/// spaces, which stress the printer's `=` alignment and string escaping.
fn tag_key() -> impl Strategy<Value = String> {
    "[A-Za-zÄéß日本한국Ωж٣][A-Za-z0-9 _.:/=+@äé日本한\u{a0}\u{3000}\u{2028}-]{0,10}".prop_map(|k| {
        if k.to_ascii_lowercase().starts_with("aws:") {
            format!("x{k}")
        } else {
            k
        }
    })
}

fn tag_value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 _.:/=+@äé日本한\u{a0}\u{3000}-]{0,16}"
}

fn tags() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(tag_key(), tag_value(), 0..4)
}

/// A valid cpu/memory pair from `table` (the library's own, `(cpu, min, max, step)`); every CPU
/// value equally likely.
pub fn size(table: &'static [(u32, u32, u32, u32)]) -> impl Strategy<Value = (u32, u32)> {
    // A CPU first, then one of its memory sizes; `sizes` leaves out the pairs inside a row that
    // are not Fargate sizes (256 CPU with 1536 MiB).
    let rows: Vec<Vec<(u32, u32)>> = table
        .iter()
        .map(|row| sizes(table).filter(|s| s.0 == row.0).collect())
        .collect();
    select(rows).prop_flat_map(select)
}

#[derive(Debug, Clone)]
enum Image {
    Omitted,
    Ecr(String),
    /// Only reachable through a NAT gateway.
    Public(&'static str),
}

fn image() -> impl Strategy<Value = Image> {
    prop_oneof![
        1 => Just(Image::Omitted),
        2 => "[a-z0-9]{1,6}(\\.[0-9]{1,2}){0,2}".prop_map(Image::Ecr),
        1 => select(&[
            "nginx:latest",
            "public.ecr.aws/docker/library/nginx:1.27",
            "ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "registry.example.com:5000/team/app:v1_2#build",
        ][..])
        .prop_map(Image::Public),
    ]
}

#[derive(Debug, Clone)]
struct Capacity {
    /// (provider, weight, base); the first entry is the only one that may get a base above 0.
    items: Vec<(&'static str, Option<i64>, Option<i64>)>,
    launch_type: bool,
}

fn capacity() -> impl Strategy<Value = Capacity> {
    let item = |p: &'static str| {
        (
            prop::option::of(0i64..=1000),
            prop::option::of(prop_oneof![Just(0i64), 0i64..=100_000]),
        )
            .prop_map(move |(w, b)| (p, w, b))
    };
    prop_oneof![
        (any::<bool>()).prop_map(|launch_type| Capacity {
            items: vec![],
            launch_type
        }),
        item("FARGATE").prop_map(|i| Capacity {
            items: vec![i],
            launch_type: false
        }),
        item("FARGATE_SPOT").prop_map(|i| Capacity {
            items: vec![i],
            launch_type: false
        }),
        (item("FARGATE_SPOT"), item("FARGATE"), any::<bool>()).prop_map(|(a, b, swap)| {
            Capacity {
                items: if swap { vec![b, a] } else { vec![a, b] },
                launch_type: false,
            }
        }),
    ]
}

#[derive(Debug, Clone)]
struct Memory {
    /// Per mille of the task memory.
    container_memory: Option<u32>,
    reservation: Option<Reservation>,
}

#[derive(Debug, Clone)]
enum Reservation {
    /// Per mille of what is left for the main container.
    PerMille(u32),
    Strategy(&'static str),
}

fn memory() -> impl Strategy<Value = Memory> {
    (
        prop::option::of(100u32..=875),
        prop::option::of(prop_oneof![
            (10u32..=990).prop_map(Reservation::PerMille),
            select(&["conservative", "aggressive", "dynamic"][..]).prop_map(Reservation::Strategy),
        ]),
    )
        .prop_map(|(container_memory, reservation)| Memory {
            container_memory,
            reservation,
        })
}

#[derive(Debug, Clone)]
struct Sidecar {
    name: String,
    public_image: bool,
    /// Per mille of the sidecars' share of the task memory.
    memory: Option<u32>,
    reservation: Option<u32>,
    essential: bool,
    port: Option<u16>,
    environment: Vec<(String, String)>,
    read_only: Option<bool>,
    extras: containers::Extras,
}

fn sidecar() -> impl Strategy<Value = Sidecar> {
    (
        "[a-z][a-z0-9-]{0,10}[a-z0-9]",
        any::<bool>(),
        prop::option::of(200u32..=1000),
        prop::option::of(10u32..=990),
        any::<bool>(),
        prop::option::of(1u16..=65535),
        prop::collection::vec(("[A-Z_][A-Z0-9_]{0,10}", hostile()), 0..3),
        prop::option::of(any::<bool>()),
        containers::extras(),
    )
        .prop_map(
            |(
                name,
                public_image,
                memory,
                reservation,
                essential,
                port,
                environment,
                read_only,
                extras,
            )| {
                Sidecar {
                    name,
                    public_image,
                    memory,
                    reservation,
                    essential,
                    port,
                    environment,
                    read_only,
                    extras,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct Database {
    read_host: String,
    write_host: String,
    pool: Option<(u32, u32)>,
    limit: DbLimit,
    buffer: Option<u32>,
    port: Option<u16>,
}

/// `max_connections` as the connection budget plus some spare, or an engine and class whose
/// default is large enough.
#[derive(Debug, Clone)]
enum DbLimit {
    Spare(u32),
    Class(&'static str, &'static str),
}

fn database() -> impl Strategy<Value = Database> {
    (
        prop_oneof![Just("reader.example.internal".to_owned()), hostile()],
        prop_oneof![Just("writer.example.internal".to_owned()), hostile()],
        prop::option::of((0u32..=10, 1u32..=20).prop_map(|(a, b)| (a.min(b), b))),
        prop_oneof![
            (0u32..=500).prop_map(DbLimit::Spare),
            select(&[("postgres", "db.r6g.large"), ("mysql", "db.r6g.xlarge")][..])
                .prop_map(|(e, c)| DbLimit::Class(e, c)),
        ],
        prop::option::of(0u32..=50),
        prop::option::of(1024u16..=65535),
    )
        .prop_map(
            |(read_host, write_host, pool, limit, buffer, port)| Database {
                read_host,
                write_host,
                pool,
                limit,
                buffer,
                port,
            },
        )
}

fn observability() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop_oneof![
            select(&[0.0, 0.05, 0.1, 1.0][..]),
            0.0f64..=1.0
        ]),
        prop::option::of(prop_oneof![
            select(&["INFO", "DEBUG", "WARN"][..]).prop_map(str::to_owned),
            hostile()
        ]),
        prop::option::of(select(RETENTION_DAYS)),
        any::<bool>(),
    )
        .prop_map(|(rate, level, days, kms)| {
            let mut o = Map::new();
            put(&mut o, "xray_sampling_rate", rate.map(Value::from));
            put(&mut o, "log_level", level.map(Value::from));
            put(&mut o, "log_retention_days", days.map(Value::from));
            if kms {
                o.insert(
                    "log_kms_key_arn".into(),
                    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                        .into(),
                );
            }
            Value::Object(o)
        })
}

#[derive(Debug, Clone)]
struct LoadBalancer {
    explicit_port: bool,
    target_group_arn: bool,
    grace: Option<u32>,
    suffixes: bool,
}

fn load_balancer() -> impl Strategy<Value = LoadBalancer> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0u32..=3600),
        any::<bool>(),
    )
        .prop_map(
            |(explicit_port, target_group_arn, grace, suffixes)| LoadBalancer {
                explicit_port,
                target_group_arn,
                grace,
                suffixes,
            },
        )
}

#[derive(Debug, Clone)]
enum Policy {
    Target {
        /// 0 CPU, 1 memory, 2 ALB requests, 3 a customized metric.
        metric: usize,
        target: f64,
        cooldowns: (Option<u32>, Option<u32>),
        disable_scale_in: Option<bool>,
        named: bool,
    },
    Step {
        out: bool,
        /// Distances between consecutive bounds, all positive.
        gaps: Vec<f64>,
        /// Magnitudes; the sign follows the direction.
        adjustments: Vec<i64>,
        /// 0 ChangeInCapacity, 1 PercentChangeInCapacity, 2 ExactCapacity, 3 omitted.
        adjustment_type: usize,
        min_adjustment_magnitude: Option<i64>,
        cooldown: Option<u32>,
        aggregation: Option<&'static str>,
        alarm: Alarm,
        reversed: bool,
        named: bool,
    },
}

#[derive(Debug, Clone)]
struct Alarm {
    threshold: f64,
    /// 0: default metric, 1: CPUUtilization, 2: MemoryUtilization, 3: a custom namespace.
    metric: usize,
    statistic: Option<&'static str>,
    period: Option<u32>,
    evaluation_periods: Option<u32>,
    datapoints: Option<u32>,
    /// Strict or not; `None` leaves the operator to follow from the steps.
    explicit_comparison: Option<bool>,
    treat_missing_data: Option<&'static str>,
    /// An `alarm.name` of its own (unique per service) instead of the policy's name.
    named: bool,
}

fn alarm() -> impl Strategy<Value = Alarm> {
    (
        prop_oneof![(0i64..=100).prop_map(|n| n as f64), -1.0e6f64..1.0e6],
        0usize..4,
        prop::option::of(select(
            &["Average", "Maximum", "Minimum", "Sum", "SampleCount"][..],
        )),
        prop::option::of(select(&[10u32, 20, 30, 60, 120, 300, 3600][..])),
        prop::option::of(1u32..=5),
        prop::option::of(1u32..=5),
        prop::option::of(any::<bool>()),
        prop::option::of(select(
            &["missing", "ignore", "breaching", "notBreaching"][..],
        )),
        any::<bool>(),
    )
        .prop_map(
            |(
                threshold,
                metric,
                statistic,
                period,
                evaluation_periods,
                datapoints,
                explicit_comparison,
                treat_missing_data,
                named,
            )| Alarm {
                threshold,
                metric,
                statistic,
                period,
                evaluation_periods,
                datapoints,
                explicit_comparison,
                treat_missing_data,
                named,
            },
        )
}

fn policy() -> impl Strategy<Value = Policy> {
    let target = (
        0usize..4,
        prop_oneof![(1i64..=100).prop_map(|n| n as f64), 0.5f64..=100.0],
        (prop::option::of(0u32..=3600), prop::option::of(0u32..=3600)),
        prop::option::of(any::<bool>()),
        any::<bool>(),
    )
        .prop_map(
            |(metric, target, cooldowns, disable_scale_in, named)| Policy::Target {
                metric,
                target,
                cooldowns,
                disable_scale_in,
                named,
            },
        );
    let gap = prop_oneof![(1i64..=50).prop_map(|n| n as f64), 0.25f64..1000.0];
    let step = (
        any::<bool>(),
        prop::collection::vec(gap, 0..4),
        prop::collection::vec(1i64..=100, 4),
        0usize..4,
        prop::option::of(1i64..=10),
        prop::option::of(0u32..=600),
        prop::option::of(select(&["Average", "Minimum", "Maximum"][..])),
        alarm(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                out,
                gaps,
                adjustments,
                adjustment_type,
                min_adjustment_magnitude,
                cooldown,
                aggregation,
                alarm,
                reversed,
                named,
            )| Policy::Step {
                out,
                gaps,
                adjustments,
                adjustment_type,
                min_adjustment_magnitude,
                cooldown,
                aggregation,
                alarm,
                reversed,
                named,
            },
        );
    prop_oneof![target, step]
}

#[derive(Debug, Clone)]
struct Scaling {
    min: u32,
    extra: u32,
    policies: Vec<Policy>,
}

fn scaling() -> impl Strategy<Value = Scaling> {
    (0u32..=4, 0u32..=16, prop::collection::vec(policy(), 0..4)).prop_map(
        |(min, extra, policies)| Scaling {
            min,
            extra,
            policies,
        },
    )
}

/// `task_role`: statements with and without a Sid, effect and conditions, and managed
/// policies, all of them valid.
fn task_role() -> impl Strategy<Value = Value> {
    let statement = (
        any::<bool>(),
        prop::option::of(select(&["Allow", "Deny"][..])),
        prop::sample::subsequence(
            &[
                "sqs:SendMessage",
                "s3:GetObject",
                "dynamodb:Query",
                "s3:Get*",
            ][..],
            1..=3,
        ),
        prop::sample::subsequence(
            &[
                "arn:aws:sqs:eu-west-1:123456789012:jobs",
                "arn:aws:s3:::gen-tf-data/*",
                "*",
            ][..],
            1..=2,
        ),
        any::<bool>(),
    );
    (
        prop::collection::vec(statement, 0..3),
        prop::sample::subsequence(
            &[
                "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "arn:aws:iam::123456789012:policy/app",
            ][..],
            0..=2,
        ),
    )
        .prop_map(|(statements, managed)| {
            let statements: Vec<Value> = statements
                .into_iter()
                .enumerate()
                .map(|(i, (sid, effect, actions, resources, condition))| {
                    let mut st = Map::new();
                    put(&mut st, "sid", sid.then(|| format!("Stmt{i}").into()));
                    put(&mut st, "effect", effect.map(Value::from));
                    st.insert("actions".into(), json!(actions));
                    st.insert("resources".into(), json!(resources));
                    if condition {
                        st.insert(
                            "conditions".into(),
                            json!({ "StringEquals": { "aws:ResourceTag/team": ["payments", "core"] } }),
                        );
                    }
                    Value::Object(st)
                })
                .collect();
            let mut o = Map::new();
            if !statements.is_empty() {
                o.insert("statements".into(), Value::Array(statements));
            }
            if !managed.is_empty() {
                o.insert("managed_policy_arns".into(), json!(managed));
            }
            Value::Object(o)
        })
}

#[derive(Debug, Clone)]
struct Service {
    size: (u32, u32),
    /// `runtime_platform`: omitted, without an architecture, or with one.
    arch: Option<Option<&'static str>>,
    platform_version: Option<&'static str>,
    ephemeral_storage_gib: Option<u32>,
    image: Image,
    memory: Memory,
    capacity: Capacity,
    desired_count: Option<u32>,
    port: Option<u16>,
    environment: Vec<(String, String)>,
    secrets: Vec<(String, usize)>,
    database: Option<Database>,
    observability: Option<Value>,
    task_role: Option<Value>,
    load_balancer: Option<LoadBalancer>,
    auto_scaling: Option<Scaling>,
    read_only: Option<bool>,
    sidecars: Vec<Sidecar>,
    tags: BTreeMap<String, String>,
    extras: containers::Extras,
    volumes: Vec<(String, containers::Volume)>,
    depends_on: Vec<(usize, usize)>,
    traffic: Traffic,
}

fn service() -> impl Strategy<Value = Service> {
    let platform = (
        size(FARGATE_SIZES),
        prop::option::of(prop::option::of(select(&["ARM64", "X86_64"][..]))),
        prop::option::of(select(&["LATEST", "1.4.0", "1.3.0"][..])),
        image(),
        memory(),
        capacity(),
        prop::option::of(21u32..=200),
    );
    let container = (
        prop::option::of(0u32..=20),
        // Port 80 often: an ingress on 80 from a security group is what checkov misreads.
        prop::option::of(prop_oneof![Just(80u16), 1u16..=65535]),
        prop::collection::vec(("[A-Z_][A-Z0-9_]{0,12}", hostile()), 0..5),
        prop::collection::vec(("[A-Z_][A-Z0-9_]{0,12}", 0usize..4), 0..3),
        prop::option::of(any::<bool>()),
        prop::collection::vec(sidecar(), 0..3),
    );
    let extras = (
        prop::option::of(database()),
        prop::option::of(observability()),
        prop::option::of(load_balancer()),
        prop::option::of(scaling()),
        tags(),
        prop::option::of(task_role()),
    );
    let task = (
        containers::extras(),
        containers::volumes(),
        containers::depends(),
    );
    (platform, container, extras, task, traffic()).prop_map(
        |(
            (size, arch, platform_version, image, memory, capacity, ephemeral_storage_gib),
            (desired_count, port, environment, secrets, read_only, sidecars),
            (database, observability, load_balancer, auto_scaling, tags, task_role),
            (extras, volumes, depends_on),
            traffic,
        )| Service {
            size,
            arch,
            platform_version,
            ephemeral_storage_gib,
            image,
            memory,
            capacity,
            desired_count,
            environment,
            secrets,
            database,
            observability,
            task_role,
            auto_scaling,
            read_only,
            sidecars,
            tags,
            extras,
            volumes,
            depends_on,
            // The shorthand and the list do not go together.
            load_balancer: load_balancer.filter(|_| traffic.targets.is_empty()),
            port: port.or((!traffic.targets.is_empty()).then_some(8080)),
            traffic,
        },
    )
}

#[derive(Debug, Clone)]
enum Network {
    /// No `network` and no `vpc_endpoints`.
    Default,
    /// A NAT gateway and some endpoints anyway.
    NatWithEndpoints(Vec<usize>),
    /// No NAT gateway: the preset, or every endpoint a task can need plus some more.
    Private { preset: bool, extra: Vec<usize> },
}

/// Endpoint entries by index, with the Terraform label each one gets; [`assemble`] never lists
/// two entries with one label.
fn endpoint_entry(i: usize) -> (&'static str, Value) {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*" }],
    });
    match i {
        0 => ("ecr_api", json!("ecr.api")),
        1 => ("ecr_dkr", json!("ecr.dkr")),
        2 => ("s3", json!("s3")),
        3 => ("logs", json!("logs")),
        4 => ("secretsmanager", json!("secretsmanager")),
        5 => ("ssm", json!("ssm")),
        6 => ("s3", json!({ "service": "s3", "policy": "ecr-layers" })),
        7 => ("dynamodb", json!("dynamodb")),
        8 => (
            "dynamodb_interface",
            json!({ "service": "dynamodb", "type": "Interface", "private_dns_enabled": false }),
        ),
        9 => (
            "sqs",
            json!({ "service": "sqs", "private_dns_enabled": false, "policy": policy }),
        ),
        10 => ("sts", json!({ "service": "sts", "type": "Interface" })),
        11 => ("kms", json!("kms")),
        _ => ("execute_api", json!("execute-api")),
    }
}

const ENDPOINT_ENTRIES: usize = 13;

fn network() -> impl Strategy<Value = Network> {
    let picks = || prop::collection::vec(0..ENDPOINT_ENTRIES, 0..6);
    prop_oneof![
        3 => Just(Network::Default),
        1 => picks().prop_map(Network::NatWithEndpoints),
        1 => (any::<bool>(), picks()).prop_map(|(preset, extra)| Network::Private { preset, extra }),
    ]
}

/// Random valid stacks.
pub fn stack() -> impl Strategy<Value = Generated> {
    (
        "[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4})?",
        prop::option::of(select(REGIONS)),
        tags(),
        prop::option::of((
            "[A-Za-z][A-Za-z0-9_-]{0,16}",
            prop::option::of(any::<bool>()),
        )),
        network(),
        prop::collection::btree_map("[a-z][a-z0-9]{0,7}(-[a-z0-9]{1,5}){0,2}", service(), 1..4),
        select(&[None, Some("prd"), Some("dev")][..]),
        prop::option::of((
            prop::option::of(select(&["/", "/teams/payments/"][..])),
            any::<bool>(),
        )),
    )
        .prop_map(
            |(name, region, tags, cluster, network, services, env, iam)| {
                let stack = StackParts {
                    name,
                    region,
                    tags,
                    cluster,
                    network,
                    iam,
                };
                Generated {
                    value: assemble(stack, services),
                    env: env.map(str::to_owned),
                }
            },
        )
}

fn put(o: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        o.insert(key.to_owned(), v);
    }
}

struct StackParts {
    name: String,
    region: Option<&'static str>,
    tags: BTreeMap<String, String>,
    cluster: Option<(String, Option<bool>)>,
    network: Network,
    /// `iam`: its path, and whether it sets a permissions boundary.
    iam: Option<(Option<&'static str>, bool)>,
}

fn assemble(parts: StackParts, services: BTreeMap<String, Service>) -> Value {
    let mut stack = Map::new();
    stack.insert("name".into(), parts.name.into());
    put(&mut stack, "region", parts.region.map(Value::from));
    if let Some((path, boundary)) = parts.iam {
        let mut iam = Map::new();
        put(&mut iam, "path", path.map(Value::from));
        if boundary {
            iam.insert(
                "permissions_boundary".into(),
                "arn:aws:iam::123456789012:policy/boundary".into(),
            );
        }
        stack.insert("iam".into(), Value::Object(iam));
    }
    if !parts.tags.is_empty() {
        stack.insert("tags".into(), json!(parts.tags));
    }
    if let Some((cluster_name, insights)) = parts.cluster {
        let mut c = Map::new();
        c.insert("name".into(), cluster_name.into());
        put(&mut c, "container_insights", insights.map(Value::from));
        stack.insert("cluster".into(), Value::Object(c));
    }
    let nat = !matches!(parts.network, Network::Private { .. });
    let mut entries: BTreeMap<&str, Value> = BTreeMap::new();
    let pick = |picks: &[usize], entries: &mut BTreeMap<&str, Value>| {
        for &i in picks {
            let (label, entry) = endpoint_entry(i);
            entries.entry(label).or_insert(entry);
        }
    };
    match &parts.network {
        Network::Default => {}
        Network::NatWithEndpoints(picks) => {
            if picks.is_empty() {
                stack.insert("vpc_endpoints".into(), json!([]));
            }
            pick(picks, &mut entries);
        }
        Network::Private { preset, extra } => {
            // Every other draw names the endpoints' group, as an adopted one is named.
            let network = if extra.len() % 2 == 1 {
                json!({
                    "nat_gateway": false,
                    "vpc_endpoint_security_group": "shared endpoints",
                    "vpc_endpoint_security_group_description": "HTTPS to the VPC endpoints",
                })
            } else {
                json!({ "nat_gateway": false })
            };
            stack.insert("network".into(), network);
            if *preset {
                stack.insert("vpc_endpoints".into(), json!("fargate-private"));
            } else {
                pick(&[0, 1, 2, 3, 4, 5], &mut entries);
                pick(extra, &mut entries);
            }
        }
    }
    // The built-in 'ecr-layers' s3 policy would deny the tasks their environment files.
    let files_allowed = entries.get("s3").is_none_or(|e| e.get("policy").is_none());
    if !entries.is_empty() {
        stack.insert(
            "vpc_endpoints".into(),
            Value::Array(entries.into_values().collect()),
        );
    }
    let mut out = Map::new();
    for (name, s) in services {
        if !RESERVED_SERVICES.contains(&name.as_str()) {
            let v = assemble_service(&name, s, parts.region, nat, files_allowed);
            out.insert(name, v);
        }
    }
    if out.is_empty() {
        out.insert("web".into(), json!({ "cpu": 256, "memory": 512 }));
    }
    if matches!(parts.network, Network::Private { preset: false, .. }) {
        private_needs(&out, &mut stack);
    }
    let mut services = Value::Object(out);
    if let Some(region) = parts.region {
        localize_arns(&mut services, region);
    }
    stack.insert("services".into(), services);
    Value::Object(stack)
}

/// Every ARN in the stack's partition, and every regional one in its region (the `arn-region`
/// rule), except secrets and SSM parameters, which may stay in another region of the partition.
fn localize_arns(v: &mut Value, region: &str) {
    let partition = if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    match v {
        Value::String(s) if s.starts_with("arn:") => {
            let mut parts: Vec<String> = s.splitn(6, ':').map(str::to_owned).collect();
            if parts.len() == 6 {
                let any_region = matches!(parts[2].as_str(), "secretsmanager" | "ssm")
                    && parts[3].starts_with("us-gov-") == region.starts_with("us-gov-");
                parts[1] = partition.to_owned();
                if !parts[3].is_empty() && !any_region {
                    parts[3] = region.to_owned();
                }
                *s = parts.join(":");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| localize_arns(i, region)),
        Value::Object(o) => o.values_mut().for_each(|i| localize_arns(i, region)),
        _ => {}
    }
}

/// Without a NAT gateway, private tasks with ECS Exec need ssmmessages and those with Service
/// Connect ecs-agent.
fn private_needs(services: &Map<String, Value>, stack: &mut Map<String, Value>) {
    let private = || {
        services
            .values()
            .filter(|v| v["network"]["subnets"] != "public")
    };
    let mut extra = Vec::new();
    if private().any(|v| v["enable_execute_command"] == true) {
        extra.push(json!("ssmmessages"));
    }
    if private().any(|v| v.get("service_connect").is_some()) {
        extra.push(json!("ecs-agent"));
    }
    if let Some(Value::Array(list)) = stack.get_mut("vpc_endpoints") {
        list.extend(extra);
    }
}

fn ecr(region: Option<&str>, repo: &str, tag: &str) -> String {
    let r = region.unwrap_or("us-east-1");
    format!("123456789012.dkr.ecr.{r}.amazonaws.com/{repo}:{tag}")
}

/// A `secrets` entry for the variable `name`, its ARN of the given kind named after it (with a
/// KMS key for kind 1).
fn secret(region: Option<&str>, name: &str, kind: usize) -> Value {
    let leaf = name.to_ascii_lowercase().replace('_', "-");
    let leaf = match leaf.trim_matches('-') {
        "" => "key",
        l => l,
    };
    let mut v = json!({ "name": name, "value_from": secret_arn(region, kind, leaf) });
    // A JSON key of a secret encrypted with a customer-managed key.
    if kind == 1 {
        v["kms_key_arn"] = format!(
            "arn:aws:kms:{}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            region.unwrap_or("eu-west-1")
        )
        .into();
    }
    v
}

fn secret_arn(region: Option<&str>, kind: usize, name: &str) -> String {
    let r = region.unwrap_or("eu-west-1");
    match kind {
        0 => format!("arn:aws:secretsmanager:{r}:123456789012:secret:{name}-AbCdEf"),
        1 => format!("arn:aws:secretsmanager:{r}:123456789012:secret:app/{name}:password::"),
        2 => format!("arn:aws:ssm:{r}:123456789012:parameter/app/{name}"),
        _ => format!("arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/{name}"),
    }
}

fn assemble_service(
    name: &str,
    s: Service,
    region: Option<&str>,
    nat: bool,
    files_allowed: bool,
) -> Value {
    let (cpu, task_memory) = s.size;
    let mut o = Map::new();
    match &s.image {
        Image::Omitted => {}
        Image::Ecr(tag) => {
            o.insert("image".into(), ecr(region, name, tag).into());
        }
        Image::Public(p) if nat => {
            o.insert("image".into(), (*p).into());
        }
        // Without a NAT gateway only the region's private ECR is reachable.
        Image::Public(_) => {
            o.insert("image".into(), ecr(region, name, "latest").into());
        }
    }
    o.insert("cpu".into(), cpu.into());
    o.insert("memory".into(), task_memory.into());

    // Memory: the sidecars share at most an eighth of the task, the main container the rest, so
    // that no combination of limits and reservations exceeds the task.
    let sidecar_share = task_memory / 16;
    let main_share = task_memory - 2 * sidecar_share;
    let container_memory = s
        .memory
        .container_memory
        .map(|pm| (task_memory * pm / 1000).clamp(64, main_share));
    put(
        &mut o,
        "container_memory",
        container_memory.map(Value::from),
    );
    match &s.memory.reservation {
        None => {}
        Some(Reservation::PerMille(pm)) => {
            let limit = container_memory.map_or(main_share, |c| c - 1);
            o.insert(
                "memory_reservation".into(),
                (limit * pm / 1000).max(6).into(),
            );
        }
        Some(Reservation::Strategy(st)) => {
            o.insert("memory_reservation".into(), json!({ "strategy": st }));
        }
    }

    // Linux only. ARM64 (the default) and 8 or 16 vCPU need platform 1.4.0, so 1.3.0 is kept
    // for small X86_64 tasks.
    let arm64 = !matches!(s.arch, Some(Some("X86_64")));
    // Volumes and environment files need 1.4.0 too.
    let needs_140 = !s.volumes.is_empty()
        || std::iter::once(&s.extras)
            .chain(s.sidecars.iter().map(|sc| &sc.extras))
            .any(|x| !x.environment_files_is_empty());
    let version = match s.platform_version {
        Some("1.3.0") if arm64 || cpu > 4096 || needs_140 => Some("1.4.0"),
        v => v,
    };
    match s.arch {
        None => {}
        Some(None) => {
            o.insert(
                "runtime_platform".into(),
                json!({ "operating_system_family": "LINUX" }),
            );
        }
        Some(Some(a)) => {
            o.insert(
                "runtime_platform".into(),
                json!({ "cpu_architecture": a, "operating_system_family": "LINUX" }),
            );
        }
    }
    put(&mut o, "platform_version", version.map(Value::from));
    put(
        &mut o,
        "ephemeral_storage_gib",
        s.ephemeral_storage_gib.map(Value::from),
    );

    if s.capacity.items.is_empty() {
        if s.capacity.launch_type {
            o.insert("launch_type".into(), "FARGATE".into());
        }
    } else {
        let mut items = s.capacity.items.clone();
        if items.iter().all(|(_, w, _)| w.unwrap_or(0) == 0) {
            items[0].1 = Some(1);
        }
        let list: Vec<Value> = items
            .iter()
            .enumerate()
            .map(|(i, (p, w, b))| {
                let mut item = Map::new();
                item.insert("capacity_provider".into(), (*p).into());
                put(&mut item, "weight", w.map(Value::from));
                let base = if i == 0 { *b } else { b.map(|_| 0) };
                put(&mut item, "base", base.map(Value::from));
                Value::Object(item)
            })
            .collect();
        o.insert("capacity_provider_strategy".into(), Value::Array(list));
    }

    let lb = s.load_balancer.as_ref();
    let port = match (s.port, lb) {
        (None, Some(_)) => Some(8080),
        (p, _) => p,
    };
    put(&mut o, "port", port.map(Value::from));

    let mut max_tasks = s.desired_count.unwrap_or(1);
    match &s.auto_scaling {
        Some(a) => {
            let max = a.min + a.extra;
            max_tasks = max;
            let desired = s.desired_count.map(|d| d.clamp(a.min, max));
            put(&mut o, "desired_count", desired.map(Value::from));
            o.insert(
                "auto_scaling".into(),
                auto_scaling(a, max, lb.is_some() || s.traffic.targets.len() == 1, name),
            );
        }
        None => put(&mut o, "desired_count", s.desired_count.map(Value::from)),
    }

    // Environment and secret names: unique, and none that gen-tf generates.
    let mut taken: BTreeSet<String> = GENERATED_ENV.iter().map(|s| (*s).to_owned()).collect();
    let env_list: Vec<Value> = s
        .environment
        .iter()
        .filter(|(n, _)| taken.insert(n.clone()))
        .map(|(n, v)| json!({ "name": n, "value": v }))
        .collect();
    if !env_list.is_empty() {
        o.insert("environment".into(), Value::Array(env_list));
    }
    let secrets: Vec<Value> = s
        .secrets
        .iter()
        .filter(|(n, _)| taken.insert(n.clone()))
        .map(|(n, kind)| secret(region, n, *kind))
        .collect();
    if !secrets.is_empty() {
        o.insert("secrets".into(), Value::Array(secrets));
    }

    if let Some(db) = &s.database {
        let mut d = Map::new();
        d.insert("read_host".into(), db.read_host.clone().into());
        d.insert("write_host".into(), db.write_host.clone().into());
        if let Some((min, max)) = db.pool {
            d.insert("pool".into(), json!({ "min": min, "max": max }));
        }
        put(&mut d, "buffer", db.buffer.map(Value::from));
        match db.limit {
            DbLimit::Spare(spare) => {
                let pool_max = db.pool.map_or(0, |p| p.1);
                let budget = max_tasks * pool_max + db.buffer.unwrap_or(20);
                d.insert("max_connections".into(), (budget + spare).into());
            }
            DbLimit::Class(engine, class) => {
                d.insert("engine".into(), engine.into());
                d.insert("instance_class".into(), class.into());
            }
        }
        put(&mut d, "port", db.port.map(Value::from));
        o.insert("database".into(), Value::Object(d));
    }
    put(&mut o, "observability", s.observability.clone());
    put(&mut o, "task_role", s.task_role.clone());
    if let Some(lb) = lb {
        let mut l = Map::new();
        if lb.explicit_port {
            put(&mut l, "container_port", port.map(Value::from));
        }
        if lb.target_group_arn {
            l.insert(
                "target_group_arn".into(),
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-tg/943f017f100becff".into(),
            );
        }
        put(
            &mut l,
            "health_check_grace_period_seconds",
            lb.grace.map(Value::from),
        );
        if lb.suffixes {
            l.insert(
                "load_balancer_arn_suffix".into(),
                "app/my-lb/50dc6c495c0c9188".into(),
            );
            l.insert(
                "target_group_arn_suffix".into(),
                "targetgroup/my-tg/943f017f100becff".into(),
            );
        }
        o.insert("load_balancer".into(), Value::Object(l));
    }
    put(
        &mut o,
        "read_only_root_filesystem",
        s.read_only.map(Value::from),
    );
    let place = Placement {
        region,
        nat,
        files_allowed,
        sidecar_share,
    };
    assemble_containers(&mut o, name, &s, &place);
    if !s.tags.is_empty() {
        o.insert("tags".into(), json!(s.tags));
    }
    assemble_traffic(name, &s.traffic, &mut o);
    Value::Object(o)
}

/// Where a service's containers run, as their assembly needs it.
struct Placement<'a> {
    region: Option<&'a str>,
    nat: bool,
    /// Whether no 'ecr-layers' s3 endpoint policy denies environment files.
    files_allowed: bool,
    /// MiB of the task the sidecars share.
    sidecar_share: u32,
}

/// The task's volumes, the main container's container fields, the sidecars, and the main
/// container's `depends_on` on them.
fn assemble_containers(o: &mut Map<String, Value>, name: &str, s: &Service, place: &Placement<'_>) {
    let Placement {
        region,
        nat,
        files_allowed,
        sidecar_share,
    } = *place;
    let (volume_names, volumes, configuration) = containers::volumes_value(&s.volumes);
    put(o, "volumes", volumes);
    put(o, "volume_configuration", configuration);
    let mut task = containers::TaskView {
        region,
        volumes: &volume_names,
        files: 0,
        files_allowed,
    };
    let outside_ecr = matches!(s.image, Image::Public(_)) && nat;
    containers::put_extras(o, &s.extras, outside_ecr, &mut task);

    let mut containers: BTreeSet<String> = BTreeSet::from([name.to_owned()]);
    let kept: Vec<&Sidecar> = s
        .sidecars
        .iter()
        .filter(|sc| containers.insert(sc.name.clone()))
        .collect();
    let sidecars: Vec<Value> = kept
        .iter()
        .map(|sc| {
            let mut c = Map::new();
            c.insert("name".into(), sc.name.clone().into());
            let img = if sc.public_image && nat {
                "public.ecr.aws/xray/aws-xray-daemon:3.3.12".to_owned()
            } else {
                ecr(region, &sc.name, "3")
            };
            c.insert("image".into(), img.into());
            let hard = sc.memory.map(|pm| (sidecar_share * pm / 1000).max(8));
            put(&mut c, "memory", hard.map(Value::from));
            let soft = sc.reservation.map(|pm| {
                let limit = hard.map_or(sidecar_share, |h| h - 1);
                (limit * pm / 1000).max(6)
            });
            put(&mut c, "memory_reservation", soft.map(Value::from));
            if sc.essential {
                c.insert("essential".into(), true.into());
            }
            put(&mut c, "port", sc.port.map(Value::from));
            put(
                &mut c,
                "read_only_root_filesystem",
                sc.read_only.map(Value::from),
            );
            let mut names = BTreeSet::new();
            let env: Vec<Value> = sc
                .environment
                .iter()
                .filter(|(n, _)| names.insert(n.clone()))
                .map(|(n, v)| json!({ "name": n, "value": v }))
                .collect();
            if !env.is_empty() {
                c.insert("environment".into(), Value::Array(env));
            }
            containers::put_sidecar_secrets(&mut c, &sc.extras, &names, region);
            containers::put_extras(&mut c, &sc.extras, sc.public_image && nat, &mut task);
            Value::Object(c)
        })
        .collect();
    if !sidecars.is_empty() {
        o.insert("sidecars".into(), Value::Array(sidecars));
    }
    let views: Vec<containers::SidecarView<'_>> = kept
        .iter()
        .map(|sc| containers::SidecarView {
            name: &sc.name,
            essential: sc.essential,
            healthy: sc.extras.health_check.is_some(),
        })
        .collect();
    put(
        o,
        "depends_on",
        containers::depends_value(&s.depends_on, &views),
    );
}

/// `auto_scaling` with policy names that are unique within the service: a policy keeps its
/// default name (`cpu`, `scale-out`, ...) the first time, and is named `p<index>` otherwise.
fn auto_scaling(a: &Scaling, max: u32, has_lb: bool, service: &str) -> Value {
    let mut used = BTreeSet::new();
    let policies: Vec<Value> = a
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (mut v, default, named) = match p {
                Policy::Target { named, .. } => {
                    let (v, d) = target_policy(p, has_lb, service);
                    (v, d, *named)
                }
                Policy::Step { named, .. } => {
                    let (v, d) = step_policy(p);
                    (v, d, *named)
                }
            };
            if named || !used.insert(default) {
                v.insert("name".into(), format!("p{i}").into());
            }
            if let Policy::Step { alarm, .. } = p {
                if alarm.named {
                    if let Some(a) = v.get_mut("alarm").and_then(Value::as_object_mut) {
                        a.insert("name".into(), format!("{service} alarm {i}").into());
                    }
                }
            }
            Value::Object(v)
        })
        .collect();
    let mut o = Map::new();
    o.insert("min_capacity".into(), a.min.into());
    o.insert("max_capacity".into(), max.into());
    if !policies.is_empty() {
        o.insert("policies".into(), Value::Array(policies));
    }
    Value::Object(o)
}

fn target_policy(p: &Policy, has_lb: bool, service: &str) -> (Map<String, Value>, &'static str) {
    let Policy::Target {
        metric,
        target,
        cooldowns,
        disable_scale_in,
        ..
    } = p
    else {
        unreachable!("called with a target tracking policy")
    };
    let mut o = Map::new();
    // policy_type is optional for target tracking; write it for half of them.
    if *metric % 2 == 0 {
        o.insert("policy_type".into(), "TargetTrackingScaling".into());
    }
    let default = match metric {
        0 => {
            o.insert(
                "predefined_metric_type".into(),
                "ECSServiceAverageCPUUtilization".into(),
            );
            o.insert("target_value".into(), (*target).into());
            "cpu"
        }
        1 => {
            o.insert(
                "predefined_metric_type".into(),
                "ECSServiceAverageMemoryUtilization".into(),
            );
            o.insert("target_value".into(), (*target).into());
            "memory"
        }
        2 => {
            o.insert(
                "predefined_metric_type".into(),
                "ALBRequestCountPerTarget".into(),
            );
            o.insert("target_value".into(), (target * 10.0).into());
            if !has_lb {
                o.insert(
                    "resource_label".into(),
                    "app/my-lb/50dc6c495c0c9188/targetgroup/my-tg/943f017f100becff".into(),
                );
            }
            "requests"
        }
        _ => {
            o.insert(
                "customized_metric".into(),
                json!({
                    "namespace": "Custom/App",
                    "metric_name": "QueueDepth",
                    "statistic": "Average",
                    "unit": "Count",
                    "dimensions": { "QueueName": format!("{service}-jobs"), "Tier": "web" },
                }),
            );
            o.insert("target_value".into(), (*target).into());
            "queue-depth"
        }
    };
    put(&mut o, "scale_in_cooldown", cooldowns.0.map(Value::from));
    put(&mut o, "scale_out_cooldown", cooldowns.1.map(Value::from));
    put(
        &mut o,
        "disable_scale_in",
        disable_scale_in.map(Value::from),
    );
    (o, default)
}

/// A gapless step layout on one side of the threshold: bounds 0, g1, g1+g2, ... (negated below
/// it), the outermost step unbounded.
fn step_policy(p: &Policy) -> (Map<String, Value>, &'static str) {
    let Policy::Step {
        out,
        gaps,
        adjustments,
        adjustment_type,
        min_adjustment_magnitude,
        cooldown,
        aggregation,
        alarm,
        reversed,
        ..
    } = p
    else {
        unreachable!("called with a step policy")
    };
    let out = *out;
    // ExactCapacity sets a task count, which only fits scaling out here.
    let adjustment_type = match (*adjustment_type, out) {
        (2, false) => 0,
        (t, _) => t,
    };
    let mut bounds = vec![0.0f64];
    for g in gaps {
        bounds.push(bounds[bounds.len() - 1] + g);
    }
    let sign = if out { 1.0 } else { -1.0 };
    let mut steps: Vec<Value> = (0..bounds.len())
        .map(|i| {
            // `+ 0.0` turns -0.0 into 0.0, which is what a user would write.
            let near = bounds[i] * sign + 0.0;
            let far = bounds.get(i + 1).map(|b| b * sign + 0.0);
            let magnitude = adjustments[i % adjustments.len()];
            let adjustment = match (adjustment_type, out) {
                (2, _) => magnitude - 1,
                (_, true) => magnitude,
                (_, false) => -magnitude,
            };
            let (lower, upper) = if out {
                (Some(near), far)
            } else {
                (far, Some(near))
            };
            let mut s = Map::new();
            put(
                &mut s,
                "metric_interval_lower_bound",
                lower.map(Value::from),
            );
            put(
                &mut s,
                "metric_interval_upper_bound",
                upper.map(Value::from),
            );
            s.insert("scaling_adjustment".into(), adjustment.into());
            Value::Object(s)
        })
        .collect();
    if *reversed {
        steps.reverse();
    }
    let mut o = Map::new();
    o.insert("policy_type".into(), "StepScaling".into());
    match adjustment_type {
        0 => {
            o.insert("adjustment_type".into(), "ChangeInCapacity".into());
        }
        1 => {
            o.insert("adjustment_type".into(), "PercentChangeInCapacity".into());
            put(
                &mut o,
                "min_adjustment_magnitude",
                min_adjustment_magnitude.map(Value::from),
            );
        }
        2 => {
            o.insert("adjustment_type".into(), "ExactCapacity".into());
        }
        _ => {}
    }
    put(&mut o, "cooldown", cooldown.map(Value::from));
    put(
        &mut o,
        "metric_aggregation_type",
        aggregation.map(Value::from),
    );
    o.insert("step_adjustments".into(), Value::Array(steps));
    let mut a = Map::new();
    match alarm.metric {
        0 => {}
        1 => {
            a.insert("metric_name".into(), "CPUUtilization".into());
        }
        2 => {
            a.insert("metric_name".into(), "MemoryUtilization".into());
            a.insert("namespace".into(), "AWS/ECS".into());
        }
        _ => {
            a.insert(
                "metric_name".into(),
                "ApproximateNumberOfMessagesVisible".into(),
            );
            a.insert("namespace".into(), "AWS/SQS".into());
            // An SQS metric exists per queue; without its dimension the alarm never fires.
            a.insert(
                "dimensions".into(),
                serde_json::json!({ "QueueName": "jobs" }),
            );
        }
    }
    put(&mut a, "statistic", alarm.statistic.map(Value::from));
    // AWS/ECS publishes once a minute, so sub-minute periods only suit other namespaces.
    let period = match alarm.period {
        Some(p) if p < 60 && alarm.metric < 3 => Some(p * 6),
        p => p,
    };
    put(&mut a, "period", period.map(Value::from));
    put(
        &mut a,
        "evaluation_periods",
        alarm.evaluation_periods.map(Value::from),
    );
    let evaluations = alarm.evaluation_periods.unwrap_or(2);
    put(
        &mut a,
        "datapoints_to_alarm",
        alarm.datapoints.map(|d| Value::from(d.min(evaluations))),
    );
    a.insert("threshold".into(), alarm.threshold.into());
    if let Some(strict) = alarm.explicit_comparison {
        let op = match (out, strict) {
            (true, true) => "GreaterThanThreshold",
            (true, false) => "GreaterThanOrEqualToThreshold",
            (false, true) => "LessThanThreshold",
            (false, false) => "LessThanOrEqualToThreshold",
        };
        a.insert("comparison_operator".into(), op.into());
    }
    put(
        &mut a,
        "treat_missing_data",
        alarm.treat_missing_data.map(Value::from),
    );
    o.insert("alarm".into(), Value::Object(a));
    (o, if out { "scale-out" } else { "scale-in" })
}

// ---------------------------------------------------------------------------------------------
// Issue 14's service fields: ECS Exec, load_balancers, port names and Service Connect,
// deployment, the service's network and egress, scheduled scaling.

#[derive(Debug, Clone)]
struct Traffic {
    exec: bool,
    /// `availability_zone_rebalancing`, when written.
    az_rebalancing: Option<bool>,
    port_name: Option<String>,
    /// (public, whether assign_public_ip is written).
    network: Option<(bool, bool)>,
    egress: Vec<EgressDraw>,
    deployment: Option<DeploymentDraw>,
    connect: Option<Connect>,
    /// load_balancers entries: (to a sidecar when one has a port, explicit port, sg given).
    targets: Vec<(bool, bool, bool)>,
    /// (schedule, time zone given, min and max in per mille of the target's maximum).
    scheduled: Vec<(usize, bool, u32, u32)>,
    /// `names`: which of the eight overrides are given.
    names: Option<Vec<bool>>,
}

/// Service Connect: (namespace, offers its port, client alias (dns given, port)).
type Connect = (usize, bool, Option<(bool, u16)>);

#[derive(Debug, Clone)]
struct EgressDraw {
    /// 0-3 a CIDR, 4 a prefix list, 5 a security group.
    to: usize,
    /// 0 tcp (omitted), 1 tcp, 2 udp, 3 all.
    protocol: usize,
    port: u16,
    range: Option<u16>,
    description: Option<String>,
}

#[derive(Debug, Clone)]
struct DeploymentDraw {
    min: Option<u32>,
    max: Option<u32>,
    circuit_breaker: Option<(Option<bool>, Option<bool>)>,
    alarms: Option<(Vec<String>, Option<bool>)>,
    wait: Option<bool>,
    ignore: Option<bool>,
    grace: Option<u32>,
    strategy: Option<StrategyDraw>,
    /// 0 ECS, 1 CODE_DEPLOY, 2 EXTERNAL.
    controller: Option<usize>,
}

/// A BLUE_GREEN, LINEAR or CANARY deployment, written only on a service with load balancers.
#[derive(Debug, Clone)]
struct StrategyDraw {
    /// 0 ROLLING (without the other fields), 1 BLUE_GREEN, 2 LINEAR, 3 CANARY.
    kind: usize,
    bake: Option<u32>,
    /// Tenths of a percent, for the canary (1-1000) or the linear step (30-1000).
    percent: u32,
    step_bake: Option<u32>,
    /// A test listener rule on each load balancer.
    test_rule: bool,
    /// The stages of one lifecycle hook, as indexes into STAGES.
    hook: Option<BTreeSet<usize>>,
}

const STAGES: &[&str] = &[
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
];

const CIDRS: &[&str] = &["203.0.113.0/24", "10.0.0.0/8", "0.0.0.0/0", "192.0.2.10/32"];
const NAMESPACES: &[&str] = &[
    "shop.internal",
    "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdef1234567890",
];
const SCHEDULES: &[&str] = &[
    "cron(0 8 ? * MON-FRI *)",
    "cron(0/30 * * * ? *)",
    "at(2030-01-31T08:00:00)",
    "rate(1 day)",
    "rate(15 minutes)",
];

/// Security group rule descriptions: AWS's characters, `${` among them.
fn description() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ._:/()#,@+=&;{}!$*-]{1,30}"
}

fn egress_draw() -> impl Strategy<Value = EgressDraw> {
    (
        0usize..6,
        0usize..4,
        1u16..=65535,
        prop::option::of(0u16..=1000),
        prop::option::of(description()),
    )
        .prop_map(|(to, protocol, port, range, description)| EgressDraw {
            to,
            protocol,
            port,
            range,
            description,
        })
}

/// Boxed: the nested value trees of the whole stack otherwise overflow a test thread's stack in
/// debug builds.
fn deployment_draw() -> BoxedStrategy<DeploymentDraw> {
    let alarms = (
        prop::collection::vec("[A-Za-z0-9_.-]{1,20}", 1..3),
        prop::option::of(any::<bool>()),
    );
    (
        (prop::option::of(0u32..=100), prop::option::of(100u32..=200)),
        prop::option::of((
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
        )),
        prop::option::of(alarms),
        (
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
            prop::option::of(0u32..=600),
        ),
        prop::option::of(strategy_draw()),
        prop::option::of(0usize..3),
    )
        .prop_map(
            |((min, max), circuit_breaker, alarms, (wait, ignore, grace), strategy, controller)| {
                DeploymentDraw {
                    min,
                    max,
                    circuit_breaker,
                    alarms,
                    wait,
                    ignore,
                    grace,
                    strategy,
                    controller,
                }
            },
        )
        .boxed()
}

fn strategy_draw() -> impl Strategy<Value = StrategyDraw> {
    (
        0usize..4,
        prop::option::of(0u32..=1440),
        1u32..=1000,
        prop::option::of(0u32..=1440),
        any::<bool>(),
        prop::option::of(prop::collection::btree_set(0..STAGES.len(), 1..4)),
    )
        .prop_map(
            |(kind, bake, percent, step_bake, test_rule, hook)| StrategyDraw {
                kind,
                bake,
                percent,
                step_bake,
                test_rule,
                hook,
            },
        )
}

/// The drawn strategy, with an advanced configuration on every load balancer; nothing without
/// a load balancer, which these strategies need.
fn strategy(s: &StrategyDraw, o: &mut Map<String, Value>) {
    // Rare (one drawn strategy in eight is written): a module with one needs provider 6.4 or
    // 6.21, which tests/terraform.rs cannot plan with the mirror's 5.100, so most sample modules
    // must do without.
    if s.percent % 8 != 0 {
        return;
    }
    const LB: &str = "arn:aws:elasticloadbalancing:us-east-1:123456789012";
    let has_lb = o.contains_key("load_balancer")
        || o.get("load_balancers")
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty());
    if !has_lb {
        return;
    }
    let kind = ["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"][s.kind];
    let advanced = |i: usize| {
        let mut a = json!({
            "alternate_target_group_arn": format!("{LB}:targetgroup/alt-{i}/0123456789abcdef"),
            "production_listener_rule": format!("{LB}:listener-rule/app/lb/50dc6c495c0c9188/f2f7dc8efc522ab2/{i:016x}"),
        });
        // Half of them name no role and get the infrastructure role gen-tf writes.
        if (s.percent / 8) % 2 == 0 {
            a["role_arn"] = "arn:aws:iam::123456789012:role/ecs-infrastructure".into();
        }
        if s.test_rule {
            a["test_listener_rule"] =
                format!("{LB}:listener-rule/app/lb/50dc6c495c0c9188/3b4a2d1e5c6f7a80/{i:016x}")
                    .into();
        }
        a
    };
    if s.kind != 0 {
        if let Some(Value::Object(lb)) = o.get_mut("load_balancer") {
            lb.insert("advanced_configuration".into(), advanced(0));
        }
        if let Some(Value::Array(list)) = o.get_mut("load_balancers") {
            for (i, lb) in list.iter_mut().enumerate() {
                if let Some(lb) = lb.as_object_mut() {
                    lb.insert("advanced_configuration".into(), advanced(i));
                }
            }
        }
    }
    let d = o
        .entry("deployment")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("deployment is an object");
    d.insert("strategy".into(), kind.into());
    if s.kind == 0 {
        return;
    }
    // Service Connect test traffic, which needs a traffic-shifting strategy.
    if s.test_rule {
        let aliases = o
            .get_mut("service_connect")
            .and_then(|sc| sc.get_mut("services"))
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
            .filter_map(|svc| svc.get_mut("client_aliases"))
            .filter_map(Value::as_array_mut)
            .flatten();
        for a in aliases {
            a["test_traffic_header"] = json!({ "name": "x-test-traffic", "value": "true" });
        }
    }
    let d = o
        .get_mut("deployment")
        .and_then(Value::as_object_mut)
        .expect("deployment is an object");
    put(d, "bake_time_in_minutes", s.bake.map(Value::from));
    let percent = f64::from(s.percent) / 10.0;
    if s.kind == 2 {
        let mut l = json!({ "step_percent": percent.max(3.0) });
        if let Some(b) = s.step_bake {
            l["step_bake_time_in_minutes"] = b.into();
        }
        d.insert("linear".into(), l);
    }
    if s.kind == 3 {
        let mut c = json!({ "percent": percent });
        if let Some(b) = s.step_bake {
            c["bake_time_in_minutes"] = b.into();
        }
        d.insert("canary".into(), c);
    }
    if let Some(stages) = &s.hook {
        let stages: Vec<&str> = stages
            .iter()
            .map(|i| STAGES[*i])
            .filter(|st| s.test_rule || !st.contains("TEST_TRAFFIC"))
            .collect();
        if !stages.is_empty() {
            d.insert(
                "lifecycle_hooks".into(),
                json!([{
                    "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:deploy-hook",
                    "role_arn": "arn:aws:iam::123456789012:role/ecs-hooks",
                    "stages": stages,
                }]),
            );
        }
    }
}

/// Boxed: the draw is deep enough that its value tree, inlined into the service's, overflows a
/// test thread's stack in debug builds.
fn traffic() -> BoxedStrategy<Traffic> {
    (
        (
            any::<bool>(),
            prop::option::of("[a-z][a-z0-9_-]{0,10}"),
            prop::option::of(any::<bool>()),
        ),
        prop::option::of((any::<bool>(), any::<bool>())),
        prop::collection::vec(egress_draw(), 0..3),
        prop::option::of(deployment_draw()),
        prop::option::of((
            0..NAMESPACES.len(),
            any::<bool>(),
            prop::option::of((any::<bool>(), 1u16..=65535)),
        )),
        prop_oneof![
            2 => Just(Vec::new()),
            1 => prop::collection::vec((any::<bool>(), any::<bool>(), any::<bool>()), 1..4),
        ],
        prop::collection::vec(
            (0..SCHEDULES.len(), any::<bool>(), 0u32..=1000, 0u32..=1000),
            0..3,
        ),
        prop_oneof![
            3 => Just(None),
            1 => prop::collection::vec(any::<bool>(), 8).prop_map(Some),
        ],
    )
        .prop_map(
            |(
                (exec, port_name, az_rebalancing),
                network,
                egress,
                deployment,
                connect,
                targets,
                scheduled,
                names,
            )| {
                Traffic {
                    exec,
                    az_rebalancing,
                    port_name,
                    network,
                    egress,
                    deployment,
                    connect,
                    targets,
                    scheduled,
                    names,
                }
            },
        )
        .boxed()
}

/// `names` overrides, in the forms an adopted service's names take (mixed case, '_', a path-like
/// log group), each made from the service name so two services never share one.
fn name_overrides(name: &str, given: &[bool]) -> Value {
    let upper: String = name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let fit = |s: String, max: usize| s.chars().take(max).collect::<String>();
    let all = [
        ("service", format!("{name}-svc")),
        ("family", format!("{}_td", name.replace('-', "_"))),
        ("task_role", fit(format!("{upper}TaskRole"), 64)),
        ("execution_role", fit(format!("{upper}ExecRole"), 64)),
        ("log_group", format!("/aws/ecs/{name}")),
        ("security_group", format!("{name} tasks")),
        ("security_group_description", format!("Tasks of {name}")),
        ("scaling_prefix", format!("{upper}-scaling")),
    ];
    let mut o = Map::new();
    for ((field, value), on) in all.into_iter().zip(given) {
        if *on {
            o.insert(field.into(), value.into());
        }
    }
    Value::Object(o)
}

/// Writes the drawn fields into an assembled service, repairing what the rules would refuse.
fn assemble_traffic(name: &str, t: &Traffic, o: &mut Map<String, Value>) {
    if let Some(az) = t.az_rebalancing {
        o.insert("availability_zone_rebalancing".into(), az.into());
    }
    if t.exec {
        o.insert("enable_execute_command".into(), true.into());
        // ECS Exec needs platform 1.4.0 and a writable root filesystem.
        if o.get("platform_version") == Some(&json!("1.3.0")) {
            o.insert("platform_version".into(), "1.4.0".into());
        }
        o.remove("read_only_root_filesystem");
        for sc in o
            .get_mut("sidecars")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(c) = sc.as_object_mut() {
                c.remove("read_only_root_filesystem");
            }
        }
    }
    put(o, "port_name", t.port_name.clone().map(Value::from));
    if let Some((public, explicit)) = t.network {
        let mut n = Map::new();
        if public {
            n.insert("subnets".into(), "public".into());
        }
        if explicit {
            n.insert("assign_public_ip".into(), public.into());
        }
        o.insert("network".into(), Value::Object(n));
    }
    let egress: Vec<Value> = t.egress.iter().map(egress_rule).collect();
    if !egress.is_empty() {
        o.insert("egress".into(), Value::Array(egress));
    }
    if let Some(given) = &t.names {
        o.insert("names".into(), name_overrides(name, given));
    }
    targets(t, o);
    service_connect(name, t, o);
    scheduled(t, o);
    if let Some(d) = &t.deployment {
        let v = deployment(d, o);
        o.insert("deployment".into(), v);
        // Strategies belong to the ECS controller.
        if let Some(s) = d
            .strategy
            .as_ref()
            .filter(|_| d.controller.unwrap_or(0) == 0)
        {
            strategy(s, o);
        }
    }
}

fn egress_rule(e: &EgressDraw) -> Value {
    let mut r = Map::new();
    let cidr = CIDRS.get(e.to).copied();
    match e.to {
        0..=3 => r.insert("cidr_ipv4".into(), CIDRS[e.to].into()),
        4 => r.insert("prefix_list_id".into(), "pl-6ca54005".into()),
        _ => r.insert("security_group_id".into(), "sg-0123456789abcdef0".into()),
    };
    match e.protocol {
        0 => {}
        1 => put(&mut r, "protocol", Some("tcp".into())),
        2 => put(&mut r, "protocol", Some("udp".into())),
        _ => put(&mut r, "protocol", Some("all".into())),
    }
    if e.protocol != 3 {
        // HTTPS to anywhere is a rule gen-tf writes itself (EC2 refuses it twice).
        let port = if cidr == Some("0.0.0.0/0") && e.port == 443 {
            444
        } else {
            e.port
        };
        r.insert("port".into(), port.into());
        let to = e.range.map(|n| port.saturating_add(n));
        put(&mut r, "to_port", to.map(Value::from));
    }
    // The whole internet needs a reason.
    let description = match (&e.description, cidr) {
        (None, Some("0.0.0.0/0")) => Some("Calls to public APIs".to_owned()),
        (d, _) => d.clone(),
    };
    put(&mut r, "description", description.map(Value::from));
    Value::Object(r)
}

/// load_balancers entries to the main container's port or a sidecar's.
fn targets(t: &Traffic, o: &mut Map<String, Value>) {
    let sidecar = o
        .get("sidecars")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|c| c.get("port").is_some()))
        .map(|c| (c["name"].clone(), c["port"].clone()));
    let list: Vec<Value> = t
        .targets
        .iter()
        .enumerate()
        .map(|(i, &(to_sidecar, explicit_port, sg))| {
            let mut e = Map::new();
            e.insert(
                "target_group_arn".into(),
                format!("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-{i}/943f017f100becff").into(),
            );
            let (container, port) = match (&sidecar, to_sidecar) {
                (Some((n, p)), true) => (Some(n.clone()), p.clone()),
                _ => (None, o.get("port").cloned().unwrap_or(Value::Null)),
            };
            put(&mut e, "container", container);
            if explicit_port {
                e.insert("container_port".into(), port);
            }
            if sg {
                e.insert("security_group_id".into(), "sg-0fedcba9876543210".into());
            }
            Value::Object(e)
        })
        .collect();
    if !list.is_empty() {
        o.insert("load_balancers".into(), Value::Array(list));
    }
}

/// Service Connect in one of two namespaces; a service offers its own port under its own
/// (unique) name.
fn service_connect(name: &str, t: &Traffic, o: &mut Map<String, Value>) {
    let Some((ns, offers, alias)) = t.connect else {
        return;
    };
    let mut sc = Map::new();
    sc.insert("namespace".into(), NAMESPACES[ns].into());
    if offers && o.get("port").is_some() {
        let port_name = t.port_name.clone().unwrap_or_else(|| "http".to_owned());
        let mut s = json!({ "port_name": port_name, "discovery_name": name });
        if let Some((dns, port)) = alias {
            let mut a = json!({ "port": port });
            if dns {
                a["dns_name"] = format!("{name}.svc").into();
            }
            s["client_aliases"] = json!([a]);
        }
        sc.insert("services".into(), json!([s]));
    }
    o.insert("service_connect".into(), Value::Object(sc));
}

/// Scheduled actions with both bounds, within the target's maximum (so that the connection
/// budget, which counts them, holds).
fn scheduled(t: &Traffic, o: &mut Map<String, Value>) {
    let Some(a) = o.get_mut("auto_scaling").and_then(Value::as_object_mut) else {
        return;
    };
    let max = a["max_capacity"].as_u64().unwrap_or(0);
    let list: Vec<Value> = t
        .scheduled
        .iter()
        .enumerate()
        .map(|(i, &(schedule, tz, lo, hi))| {
            let (lo, hi) = (
                max * u64::from(lo.min(hi)) / 1000,
                max * u64::from(lo.max(hi)) / 1000,
            );
            let mut s = json!({ "name": format!("s{i}"), "schedule": SCHEDULES[schedule],
                "min_capacity": lo, "max_capacity": hi });
            if tz && !SCHEDULES[schedule].starts_with("rate(") {
                s["timezone"] = "Europe/Berlin".into();
            }
            s
        })
        .collect();
    if !list.is_empty() {
        a.insert("scheduled".into(), Value::Array(list));
    }
}

/// The fewest tasks the service may run (at least 1), as the rules count them.
fn fewest_tasks(o: &Map<String, Value>) -> u64 {
    let lowest = match o.get("auto_scaling") {
        Some(a) => a["scheduled"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["min_capacity"].as_u64())
            .fold(a["min_capacity"].as_u64().unwrap_or(0), u64::min),
        None => o.get("desired_count").and_then(Value::as_u64).unwrap_or(1),
    };
    lowest.max(1)
}

fn deployment(d: &DeploymentDraw, o: &Map<String, Value>) -> Value {
    let mut v = Map::new();
    put(&mut v, "minimum_healthy_percent", d.min.map(Value::from));
    // A deployment must be able to stop or start a task; 200% always lets it start one.
    let n = fewest_tasks(o);
    let (min, max) = (
        u64::from(d.min.unwrap_or(100)),
        u64::from(d.max.unwrap_or(200)),
    );
    let stalls = (n * min).div_ceil(100) >= n && n * max / 100 <= n;
    let max = if stalls { Some(200) } else { d.max };
    put(&mut v, "maximum_percent", max.map(Value::from));
    let controller = d.controller.map(|i| ["ECS", "CODE_DEPLOY", "EXTERNAL"][i]);
    put(&mut v, "controller", controller.map(Value::from));
    // The circuit breaker belongs to the ECS controller.
    let ecs = controller.is_none_or(|c| c == "ECS");
    if let Some((enable, rollback)) = d.circuit_breaker.filter(|_| ecs) {
        let rollback = if enable == Some(false) {
            rollback.filter(|r| !r)
        } else {
            rollback
        };
        let mut cb = Map::new();
        put(&mut cb, "enable", enable.map(Value::from));
        put(&mut cb, "rollback", rollback.map(Value::from));
        v.insert("circuit_breaker".into(), Value::Object(cb));
    }
    if let Some((names, rollback)) = &d.alarms {
        let mut a = json!({ "names": names });
        if let Some(r) = rollback {
            a["rollback"] = (*r).into();
        }
        v.insert("alarms".into(), a);
    }
    put(&mut v, "wait_for_steady_state", d.wait.map(Value::from));
    put(
        &mut v,
        "ignore_task_definition_changes",
        d.ignore.map(Value::from),
    );
    // Only with load balancers, and not twice.
    let lb_grace = o
        .get("load_balancer")
        .is_some_and(|l| l.get("health_check_grace_period_seconds").is_some());
    let has_lb = o.contains_key("load_balancer") || o.contains_key("load_balancers");
    if has_lb && !lb_grace {
        put(
            &mut v,
            "health_check_grace_period_seconds",
            d.grace.map(Value::from),
        );
    }
    Value::Object(v)
}
