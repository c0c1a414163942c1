//! The HCL and JSON printers on realistic module bodies: snapshots of the text, a round trip
//! through hcl-rs's parser, HCL/JSON equivalence, and (when present) HashiCorp's own parser and
//! `terraform fmt` via `../shared/tools/tfcheck`.

use std::path::{Path, PathBuf};
use std::process::Command;

use gen_tf::emit::hcl_rs::to_hcl_body;
use gen_tf::emit::{hcl as emit_hcl, json as emit_json};
use gen_tf::ir::{self, Block, Body, Expr, Part, Step, UnaryOp};
use hcl::expr::{BinaryOp, Conditional, Expression, FuncCall, ObjectKey, UnaryOperator};
use hcl::template::{Element, Template};
use hcl::{BlockLabel, Identifier, Structure};
use proptest::prelude::*;
use serde_json::Value;

/// Text that would become template syntax, escapes or misaligned columns if printed naively.
const HOSTILE: &str = "${var.region} %{ if true }x%{ endif } $${ %%{ $ % \"q\" back\\slash\n\
                       new\ttab\r é e\u{301} 😀 👍🏽 \u{1} end$";

/// A body of attributes in order; keeps the fixtures below one line per attribute.
fn attrs<const N: usize>(pairs: [(&str, Expr); N]) -> Body {
    pairs
        .into_iter()
        .fold(Body::new(), |b, (k, v)| b.attr(k, v))
}

fn s(text: &str) -> Expr {
    ir::str(text)
}

/// `TYPE.NAME.ATTR`
fn r(ty: &str, name: &str, attr: &str) -> Expr {
    ir::reference(ty, name, &[attr])
}

fn versions() -> Body {
    let aws = ir::object([("source", s("hashicorp/aws")), ("version", s("~> 6.0"))]);
    let providers = Block::new("required_providers", &[], attrs([("aws", aws)]));
    let terraform = attrs([("required_version", s(">= 1.5.0"))]).block(providers);
    Body::new().block(Block::new("terraform", &[], terraform))
}

fn variable(name: &str, ty: Expr, description: &str) -> Block {
    Block::new(
        "variable",
        &[name],
        attrs([("type", ty), ("description", s(description))]),
    )
}

fn variables() -> Body {
    let string = || ir::ident("string");
    let tags = attrs([
        ("type", ir::call("map", vec![string()])),
        ("description", s(HOSTILE)),
        ("default", ir::object::<&str>([])),
    ]);
    Body::new()
        .block(variable("region", string(), "AWS region of the stack."))
        .block(variable("vpc_id", string(), "VPC that the tasks run in."))
        .block(variable(
            "private_subnet_ids",
            ir::call("list", vec![string()]),
            "Private subnets for tasks and interface endpoints.",
        ))
        .block(variable(
            "cluster_name",
            string(),
            "ECS cluster that runs the services.",
        ))
        .block(Block::new("variable", &["tags"], tags))
}

fn task_definition() -> Block {
    let env = |name: &str, value: &str| ir::object([("name", s(name)), ("value", s(value))]);
    let container = ir::object([
        ("name", s("service-a")),
        ("image", s("123.dkr.ecr.us-east-1.amazonaws.com/a:1.2.3")),
        ("cpu", ir::int(512)),
        ("memory", ir::int(1024)),
        ("memoryReservation", ir::int(716)),
        ("essential", ir::bool(true)),
        (
            "portMappings",
            ir::list([ir::object([
                ("containerPort", ir::int(8080)),
                ("protocol", s("tcp")),
            ])]),
        ),
        (
            "environment",
            ir::list([env("LOG_LEVEL", "INFO"), env("GREETING", HOSTILE)]),
        ),
        (
            "logConfiguration",
            ir::object([
                ("logDriver", s("awslogs")),
                (
                    "options",
                    ir::object([
                        ("awslogs-group", r("aws_cloudwatch_log_group", "a", "name")),
                        ("awslogs-region", ir::var("region")),
                        ("awslogs-stream-prefix", s("service-a")),
                    ]),
                ),
            ]),
        ),
        ("command", ir::list([s("serve"), s("--port"), s("8080")])),
        (
            "healthCheck",
            ir::object([
                (
                    "command",
                    ir::list([s("CMD-SHELL"), s("curl -f http://localhost/ || exit 1")]),
                ),
                ("retries", ir::int(3)),
                ("interval", ir::num(30.0)),
            ]),
        ),
    ]);
    let platform = attrs([
        ("cpu_architecture", s("ARM64")),
        ("operating_system_family", s("LINUX")),
    ]);
    let body = attrs([
        ("family", s("shop-service-a")),
        ("requires_compatibilities", ir::list([s("FARGATE")])),
        ("network_mode", s("awsvpc")),
        ("cpu", s("512")),
        ("memory", s("1024")),
        ("execution_role_arn", r("aws_iam_role", "execution", "arn")),
        (
            "container_definitions",
            ir::call("jsonencode", vec![ir::list([container])]),
        ),
    ]);
    let body = body.block(Block::new("runtime_platform", &[], platform));
    Block::resource(
        "aws_ecs_task_definition",
        "a",
        body.attr("tags", ir::var("tags")),
    )
}

fn service() -> Body {
    let statement = ir::object([
        ("Effect", s("Allow")),
        ("Action", s("sts:AssumeRole")),
        (
            "Principal",
            ir::object([("Service", s("ecs-tasks.amazonaws.com"))]),
        ),
    ]);
    let policy = ir::object([
        ("Version", s("2012-10-17")),
        ("Statement", ir::list([statement])),
    ]);
    let role = attrs([
        ("name", s("shop-service-a-execution")),
        ("assume_role_policy", ir::call("jsonencode", vec![policy])),
    ]);
    let logs = Body::new()
        .comment("checkov:skip=CKV_AWS_158:logs are encrypted with the AWS owned key by choice")
        .comment("Retention comes from observability.log_retention_days.")
        .attr("name", s("/ecs/shop/service-a"))
        .attr("retention_in_days", ir::int(30));
    let sg = attrs([
        ("name_prefix", s("shop-service-a-")),
        ("description", s("Tasks of service-a")),
        ("vpc_id", ir::var("vpc_id")),
    ]);
    let strategy = |provider: &str, weight: i64, base: i64| {
        let body = attrs([
            ("capacity_provider", s(provider)),
            ("weight", ir::int(weight)),
            ("base", ir::int(base)),
        ]);
        Block::new("capacity_provider_strategy", &[], body)
    };
    let network = attrs([
        ("subnets", ir::var("private_subnet_ids")),
        (
            "security_groups",
            ir::list([r("aws_security_group", "task", "id")]),
        ),
        ("assign_public_ip", ir::bool(false)),
    ]);
    let lifecycle = attrs([("ignore_changes", ir::list([ir::ident("desired_count")]))]);
    let svc = attrs([
        ("name", s("service-a")),
        ("cluster", ir::var("cluster_name")),
        ("task_definition", r("aws_ecs_task_definition", "a", "arn")),
        ("desired_count", ir::int(2)),
        ("force_new_deployment", ir::bool(true)),
    ])
    .block(strategy("FARGATE_SPOT", 70, 0))
    .block(strategy("FARGATE", 30, 2))
    .block(Block::new("network_configuration", &[], network))
    .block(Block::new("lifecycle", &[], lifecycle))
    .attr(
        "depends_on",
        ir::list([ir::traversal("aws_iam_role", &["execution"])]),
    );
    Body::new()
        .block(Block::resource("aws_iam_role", "execution", role))
        .block(Block::resource("aws_cloudwatch_log_group", "a", logs))
        .block(Block::resource("aws_security_group", "task", sg))
        .block(task_definition())
        .block(Block::resource("aws_ecs_service", "a", svc))
}

fn scaling() -> Body {
    let resource_id = ir::template(vec![
        Part::Lit("service/"),
        Part::Interp(ir::var("cluster_name")),
        Part::Lit("/"),
        Part::Interp(r("aws_ecs_service", "a", "name")),
    ]);
    let target = attrs([
        ("service_namespace", s("ecs")),
        ("scalable_dimension", s("ecs:service:DesiredCount")),
        ("resource_id", resource_id),
        ("min_capacity", ir::int(2)),
        ("max_capacity", ir::int(20)),
    ]);
    let step = |lower: i64, upper: Option<i64>, adjustment: i64| {
        let body = attrs([("metric_interval_lower_bound", ir::int(lower))])
            .attr_opt("metric_interval_upper_bound", upper.map(ir::int))
            .attr("scaling_adjustment", ir::int(adjustment));
        Block::new("step_adjustment", &[], body)
    };
    let target_ref = |attr: &str| r("aws_appautoscaling_target", "a", attr);
    let policy = |ty: &str, config: &str, body: Body| {
        let policy = attrs([
            ("name", s(&format!("shop-service-a-{ty}"))),
            ("policy_type", s(ty)),
            ("resource_id", target_ref("resource_id")),
            ("scalable_dimension", target_ref("scalable_dimension")),
            ("service_namespace", target_ref("service_namespace")),
        ]);
        policy.block(Block::new(config, &[], body))
    };
    let metric = attrs([(
        "predefined_metric_type",
        s("ECSServiceAverageCPUUtilization"),
    )]);
    let tracking = attrs([
        ("target_value", ir::num(70.5)),
        ("scale_in_cooldown", ir::int(300)),
        ("scale_out_cooldown", ir::int(60)),
    ])
    .block(Block::new("predefined_metric_specification", &[], metric));
    let stepped = attrs([
        ("adjustment_type", s("PercentChangeInCapacity")),
        ("cooldown", ir::int(60)),
        ("metric_aggregation_type", s("Average")),
    ])
    .block(step(0, Some(10), 10))
    .block(step(10, None, 30));
    let dimensions = ir::object([
        ("ClusterName", ir::var("cluster_name")),
        ("ServiceName", r("aws_ecs_service", "a", "name")),
    ]);
    let alarm = attrs([
        ("alarm_name", s("shop-service-a-cpu-high")),
        ("namespace", s("AWS/ECS")),
        ("metric_name", s("CPUUtilization")),
        ("statistic", s("Average")),
        ("comparison_operator", s("GreaterThanOrEqualToThreshold")),
        ("threshold", ir::num(80.25)),
        ("evaluation_periods", ir::int(2)),
        ("period", ir::int(60)),
        ("dimensions", dimensions),
        (
            "alarm_actions",
            ir::list([r("aws_appautoscaling_policy", "step", "arn")]),
        ),
    ]);
    let tracking = policy(
        "TargetTrackingScaling",
        "target_tracking_scaling_policy_configuration",
        tracking,
    );
    let stepped = policy("StepScaling", "step_scaling_policy_configuration", stepped);
    Body::new()
        .block(Block::resource("aws_appautoscaling_target", "a", target))
        .block(Block::resource(
            "aws_appautoscaling_policy",
            "cpu",
            tracking,
        ))
        .block(Block::resource(
            "aws_appautoscaling_policy",
            "step",
            stepped,
        ))
        .block(Block::resource(
            "aws_cloudwatch_metric_alarm",
            "step",
            alarm,
        ))
}

fn endpoints() -> Body {
    let service_name = ir::template(vec![
        Part::Lit("com.amazonaws."),
        Part::Interp(ir::var("region")),
        Part::Lit(".ecr.api"),
    ]);
    let mut tags: Vec<(&str, Expr)> = vec![
        ("Name", s("shop-ecr-api")),
        ("team-name", s("payments")),
        ("${var.region}", s("key with a marker")),
    ];
    // Keys that need quoting and grapheme clusters that fmt counts as one column each,
    // whatever their code points.
    for k in [
        HOSTILE,
        "kostenstelle-ä",
        "e\u{301}",
        "日本",
        "😀",
        "한국",
        "\u{1100}\u{1161}\u{11a8}",
        "🇩🇪",
        "👨\u{200d}👩\u{200d}👧",
        "नमस्ते",
        "ไทย",
        "مرحبا",
        "❤\u{fe0f}",
        "1\u{fe0f}\u{20e3}",
        "\u{ad}soft",
        "a\u{200b}b",
    ] {
        tags.push((k, s(k)));
    }
    let endpoint = attrs([
        ("vpc_id", ir::var("vpc_id")),
        ("service_name", service_name),
        ("vpc_endpoint_type", s("Interface")),
        ("private_dns_enabled", ir::bool(true)),
        ("subnet_ids", ir::var("private_subnet_ids")),
        (
            "security_group_ids",
            ir::list([r("aws_security_group", "task", "id")]),
        ),
        (
            "tags",
            ir::call("merge", vec![ir::var("tags"), ir::object(tags)]),
        ),
    ]);
    Body::new()
        .comment("Interface endpoints need an explicit type: the provider defaults to Gateway.")
        .block(Block::resource("aws_vpc_endpoint", "ecr_api", endpoint))
}

fn outputs() -> Body {
    let names = attrs([
        ("description", s("Names of the ECS services.")),
        ("value", ir::list([r("aws_ecs_service", "a", "name")])),
    ]);
    let alarm = attrs([("value", r("aws_cloudwatch_metric_alarm", "step", "arn"))]);
    Body::new()
        .block(Block::new("output", &["service_names"], names))
        .block(Block::new("output", &["step_alarm"], alarm))
}

fn module() -> Vec<(&'static str, Body)> {
    vec![
        ("versions", versions()),
        ("variables", variables()),
        ("service_a", service()),
        ("scaling", scaling()),
        ("vpc_endpoints", endpoints()),
        ("outputs", outputs()),
        ("exotic", exotic()),
    ]
}

#[test]
fn hcl_snapshots() {
    for (name, body) in module() {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("printer_{name}.tf"), emit_hcl::print_file(&body));
        });
    }
}

#[test]
fn json_snapshots() {
    for (name, body) in module() {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("printer_{name}.tf.json"), emit_json::print_file(&body));
        });
    }
}

#[path = "support/tfcheck.rs"]
mod tfcheck_support;

fn tfcheck() -> Option<PathBuf> {
    tfcheck_support::tfcheck_dir().map(|dir| dir.join("tfcheck"))
}

/// Writes the module once as `.tf` and once as `.tf.json`, each its own module directory.
fn write_module(root: &Path) -> (PathBuf, PathBuf) {
    let (hcl_dir, json_dir) = (root.join("hcl"), root.join("json"));
    for dir in [&hcl_dir, &json_dir] {
        std::fs::create_dir_all(dir).unwrap();
    }
    for (name, body) in module() {
        std::fs::write(
            hcl_dir.join(format!("{name}.tf")),
            emit_hcl::print_file(&body),
        )
        .unwrap();
        std::fs::write(
            json_dir.join(format!("{name}.tf.json")),
            emit_json::print_file(&body),
        )
        .unwrap();
    }
    (hcl_dir, json_dir)
}

/// HashiCorp's parser, `terraform fmt`, the provider schema and reference checks, through
/// `tfcheck`. Set `GEN_TF_KEEP=DIR` to keep the written modules for a look.
#[test]
fn tfcheck_accepts_both_syntaxes() {
    let Some(tool) = tfcheck() else {
        eprintln!("note: ../shared/tools/tfcheck/tfcheck not found; skipping");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = std::env::var_os("GEN_TF_KEEP").map_or_else(|| tmp.path().to_owned(), PathBuf::from);
    let (hcl_dir, json_dir) = write_module(&root);
    let out = Command::new(tool)
        .arg(&hcl_dir)
        .arg(&json_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tfcheck failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" 0 problems"), "{stdout}");
}

/// Expressions lowering rarely builds, written as HCL and parsed, with every parenthesis removed
/// so that the printer has to put back the ones the grouping needs. For-expressions, splats,
/// legacy `.0` indexes, `...` arguments, computed keys, directives and heredocs are left out:
/// gen-tf never generates them, so its IR has no place for them.
const EXOTIC: &str = r#"
empty_object       = {}
empty_list         = []
nested_lists       = [[1, 2], [{ a = 1 }]]
precedence         = (1 + 2) * (3 - (4 - 5)) / -(-var.region_count)
negatives          = [-1, -var.region_count, -0.25, 1e-7, 12345678901234567890]
logic              = !false || local.empty_list == [] && (true ? 1 : 2) > 0
choice             = var.region == "us-east-1" ? { a = 1 } : { b = 2 }
two_multiline_args = merge({ a = 1 }, { b = 2 }, var.extra)
hug_last           = merge(var.extra, { a = 1 })
access             = [var.extra_list[0], (1 + 2)]
interpolation_only = "${var.region}"
mixed_template     = "a-${upper("}")}-${"$"}${var.region}"
"#;

fn exotic() -> Body {
    let parsed: hcl::Body = hcl::parse(EXOTIC).unwrap();
    let mut locals = Body::new();
    for a in parsed.attributes() {
        let expr = Expr::try_from(a.expr.clone()).unwrap_or_else(|e| panic!("{}: {e}", a.key));
        locals.push_attr(a.key.as_str(), bare(expr));
    }
    let keys =
        ir::object([("null", 1), ("for", 2), ("名前", 3), ("x", 4)].map(|(k, v)| (k, ir::int(v))));
    let object_type = ir::object([("id", ir::ident("string"))]);
    Body::new()
        .comment("Top-level comment\nspanning two lines   ")
        .block(Block::new("locals", &[], locals.attr("keys", keys)))
        .block(variable(
            "region_count",
            ir::ident("number"),
            "Used by locals.",
        ))
        .block(variable(
            "extra",
            ir::str("map(number)"),
            "Quoted type constraint.",
        ))
        .block(variable(
            "extra_list",
            ir::call("list", vec![ir::call("object", vec![object_type])]),
            "A structural type.",
        ))
        .block(Block::new("locals", &[], Body::new()))
        .block(Block::new(
            "locals",
            &[],
            Body::new().comment("only a comment"),
        ))
        .comment("trailing comment\r\nwith\rcontrol\tcharacters \u{b}\u{85}\u{2028}\u{0}\u{7f} ")
}

/// Every parenthesis removed and `-(1)` folded into the number `-1`, which is how the printer
/// writes negative numbers.
fn bare(e: Expr) -> Expr {
    let b = |e: Box<Expr>| Box::new(bare(*e));
    match e {
        Expr::Paren(inner) => bare(*inner),
        Expr::Unary(op, inner) => match (op, bare(*inner)) {
            (UnaryOp::Neg, Expr::Number(n)) => Expr::Number(-n),
            (op, e) => ir::unary(op, e),
        },
        Expr::Binary(lhs, op, rhs) => Expr::Binary(b(lhs), op, b(rhs)),
        Expr::Conditional(c, t, f) => Expr::Conditional(b(c), b(t), b(f)),
        Expr::Array(items) => ir::list(items.into_iter().map(bare)),
        Expr::Object(entries) => ir::object(entries.into_iter().map(|(k, v)| (k, bare(v)))),
        Expr::Call(name, args) => Expr::Call(name, args.into_iter().map(bare).collect()),
        Expr::Traversal(root, steps) => {
            let steps = steps.into_iter().map(|s| match s {
                Step::Index(i) => Step::Index(bare(i)),
                attr => attr,
            });
            Expr::Traversal(b(root), steps.collect())
        }
        Expr::Template(parts) => Expr::Template(
            parts
                .into_iter()
                .map(|p| match p {
                    Part::Interp(e) => Part::Interp(bare(e)),
                    lit => lit,
                })
                .collect(),
        ),
        other => other,
    }
}

/// hcl-rs's parser keeps `$${` in a template's raw text but decodes `%%{` to `%{`, which its own
/// template parser then reads as a directive. gen-tf writes no directives, so every `%{` here
/// is literal text: spell it as the escape again.
fn hcl_rs_template(t: hcl::expr::TemplateExpr) -> hcl::expr::TemplateExpr {
    use hcl::expr::TemplateExpr;
    match t {
        TemplateExpr::QuotedString(raw) => {
            let mut out = String::with_capacity(raw.len());
            let mut prev = None;
            for (i, c) in raw.char_indices() {
                if c == '%' && raw[i + 1..].starts_with('{') && prev != Some('%') {
                    out.push('%');
                }
                out.push(c);
                prev = Some(c);
            }
            TemplateExpr::QuotedString(out)
        }
        heredoc => heredoc,
    }
}

/// Makes a parsed body comparable with the IR it was printed from. The printer may legitimately
/// change the spelling but not the meaning: it adds parentheses, quotes keys that need it,
/// unwraps `"${x}"` and quoted type constraints, and writes `-1` (which parses as negation).
/// Templates compare by their parts, see [`template`].
fn norm(e: Expression) -> Expression {
    match e {
        Expression::Parenthesis(inner) => norm(*inner),
        Expression::Array(items) => Expression::Array(items.into_iter().map(norm).collect()),
        Expression::Object(obj) => Expression::Object(
            obj.into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        ObjectKey::Identifier(id) => Expression::String(id.to_string()),
                        ObjectKey::Expression(e) => norm(e),
                        other => panic!("{other:?}"),
                    };
                    (ObjectKey::Expression(k), norm(v))
                })
                .collect(),
        ),
        Expression::TemplateExpr(t) => {
            template(&Template::from_expr(&hcl_rs_template(*t)).unwrap())
        }
        Expression::Operation(op) => match *op {
            hcl::expr::Operation::Unary(u) => match (u.operator, norm(u.expr)) {
                (UnaryOperator::Neg, Expression::Number(n)) => Expression::Number(-n),
                (op, e) => Expression::from(hcl::expr::UnaryOp::new(op, e)),
            },
            hcl::expr::Operation::Binary(b) => Expression::from(BinaryOp::new(
                norm(b.lhs_expr),
                b.operator,
                norm(b.rhs_expr),
            )),
        },
        Expression::FuncCall(mut f) => {
            f.args = f.args.into_iter().map(norm).collect();
            Expression::FuncCall(f)
        }
        Expression::Conditional(c) => Expression::from(Conditional::new(
            norm(c.cond_expr),
            norm(c.true_expr),
            norm(c.false_expr),
        )),
        Expression::Traversal(mut t) => match norm(t.expr) {
            Expression::Traversal(mut inner) => {
                inner.operators.append(&mut t.operators);
                Expression::Traversal(inner)
            }
            e => {
                t.expr = e;
                Expression::Traversal(t)
            }
        },
        other => other,
    }
}

/// A template by what it reads as: literal text and interpolated strings joined, a lone literal
/// as that string, a lone interpolation as that expression, else the call `__template(parts)`.
/// hcl-rs's parser and its `Template` builder may spell the same text differently.
fn template(t: &Template) -> Expression {
    let mut parts: Vec<Expression> = Vec::new();
    for element in t.elements() {
        let part = match element {
            Element::Literal(s) => Expression::String(s.clone()),
            Element::Interpolation(i) => norm(i.expr.clone()),
            Element::Directive(d) => panic!("a directive in gen-tf's output: {d:?}"),
        };
        match (parts.last_mut(), part) {
            (Some(Expression::String(prev)), Expression::String(s)) => prev.push_str(&s),
            (_, part) => parts.push(part),
        }
    }
    match parts.len() {
        0 => Expression::String(String::new()),
        1 => parts.remove(0),
        _ => {
            let mut call = FuncCall::new(Identifier::unchecked("__template"));
            call.args = parts;
            Expression::from(call)
        }
    }
}

/// What the IR should read back as.
fn reference(body: &Body) -> Vec<Structure> {
    norm_body(to_hcl_body(body), false)
}

fn norm_body(body: hcl::Body, in_variable: bool) -> Vec<Structure> {
    body.0
        .into_iter()
        .map(|s| match s {
            Structure::Attribute(mut a) => {
                a.expr = match a.expr {
                    Expression::String(s) if in_variable && a.key.as_str() == "type" => {
                        s.parse().unwrap()
                    }
                    e => norm(e),
                };
                Structure::Attribute(a)
            }
            Structure::Block(mut b) => {
                let var = b.identifier.as_str() == "variable";
                b.body = hcl::Body(norm_body(b.body, var));
                Structure::Block(b)
            }
        })
        .collect()
}

#[test]
fn hcl_round_trips_through_the_parser() {
    for (name, body) in module() {
        let text = emit_hcl::print_body(&body);
        let parsed: hcl::Body = hcl::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert_eq!(
            norm_body(parsed, false),
            reference(&body),
            "{name}:\n{text}"
        );
    }
}

/// Arguments whose JSON strings Terraform reads literally instead of as templates.
fn literal_argument(path: &[&str], key: &str) -> bool {
    path.first() == Some(&"terraform")
        || (path == ["variable"] && matches!(key, "description" | "default"))
        || (path == ["output"] && key == "description")
}

fn same_value(hcl: &Expression, json: &Value, literal: bool, at: &str) {
    let marked = |s: &str| {
        if literal {
            s.to_owned()
        } else {
            s.replace("${", "$${").replace("%{", "%%{")
        }
    };
    match (hcl, json) {
        (Expression::Null, Value::Null) => {}
        (Expression::Bool(a), Value::Bool(b)) => assert_eq!(a, b, "{at}"),
        (Expression::Number(a), Value::Number(b)) => assert_eq!(a.as_f64(), b.as_f64(), "{at}"),
        (Expression::String(a), Value::String(b)) => assert_eq!(&marked(a), b, "{at}"),
        (Expression::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same_value(x, y, literal, &format!("{at}[{i}]"));
            }
        }
        (Expression::Object(a), Value::Object(b)) => {
            assert_eq!(a.len(), b.len(), "{at}");
            // Both sides keep insertion order, so entries pair up by position.
            for ((k, v), (key, j)) in a.iter().zip(b) {
                match k {
                    ObjectKey::Identifier(id) => assert_eq!(&id.to_string(), key, "{at}"),
                    ObjectKey::Expression(Expression::String(s)) => {
                        assert_eq!(&marked(s), key, "{at}")
                    }
                    _ => assert!(key.contains("${"), "{at}: key {key}"),
                }
                same_value(v, j, literal, &format!("{at}.{key}"));
            }
        }
        // Not a literal: a template or an interpolation in JSON.
        (_, Value::String(s)) => assert!(s.contains("${"), "{at}: {s}"),
        (a, b) => panic!("{at}: {a:?} vs {b:?}"),
    }
}

fn same_body(hcl: &hcl::Body, json: &Value, path: &[&str], at: &str) {
    let Value::Object(map) = json else {
        panic!("{at}: {json:?} is not a body")
    };
    let mut names: Vec<&str> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for s in hcl.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                names.push(key);
                let j = &map[key];
                match key {
                    "depends_on" | "ignore_changes" => {
                        let Expression::Array(items) = &a.expr else {
                            panic!("{at}.{key}")
                        };
                        let refs: Vec<String> = items
                            .iter()
                            .map(|i| hcl::format::to_string(i).unwrap())
                            .collect();
                        assert_eq!(j, &serde_json::json!(refs), "{at}.{key}");
                    }
                    "type" if path == ["variable"] => {
                        let ty: Expression = j.as_str().unwrap().parse().unwrap();
                        assert_eq!(norm(ty), norm(a.expr.clone()), "{at}.type");
                    }
                    _ => same_value(
                        &a.expr,
                        j,
                        literal_argument(path, key),
                        &format!("{at}.{key}"),
                    ),
                }
            }
            Structure::Block(b) if path.is_empty() && b.identifier.as_str() == "locals" => {
                names.push("locals");
                for a in b.body.attributes() {
                    let at = format!("{at}.locals.{}", a.key);
                    same_value(&a.expr, &map["locals"][a.key.as_str()], false, &at);
                }
            }
            Structure::Block(b) => {
                let ident = b.identifier.as_str();
                names.push(ident);
                let labels: Vec<&str> = b.labels.iter().map(BlockLabel::as_str).collect();
                let mut j = &map[ident];
                // At the top level repeated blocks are an array under their labels; nested
                // ones are an array of label objects under the block type.
                let index = if path.is_empty() {
                    seen.push(format!("{ident} {labels:?}"));
                    labels.iter().for_each(|l| j = &j[*l]);
                    let n = seen.iter().filter(|s| *s == seen.last().unwrap()).count() - 1;
                    if j.is_array() {
                        j = &j[n];
                    }
                    n
                } else {
                    seen.push(ident.to_owned());
                    let n = seen.iter().filter(|s| *s == ident).count() - 1;
                    if j.is_array() {
                        j = &j[n];
                    }
                    labels.iter().for_each(|l| j = &j[*l]);
                    n
                };
                let mut inner = path.to_vec();
                inner.push(ident);
                same_body(&b.body, j, &inner, &format!("{at}.{ident}[{index}]"));
            }
        }
    }
    let mut keys: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| *k != "//")
        .collect();
    names.sort_unstable();
    names.dedup();
    keys.sort_unstable();
    assert_eq!(
        keys, names,
        "{at}: JSON properties differ from the HCL body"
    );
}

#[test]
fn json_carries_what_hcl_carries() {
    for (name, body) in module() {
        let parsed: hcl::Body = hcl::parse(&emit_hcl::print_body(&body)).unwrap();
        same_body(&parsed, &emit_json::to_value(&body), &[], name);
    }
}

fn text_everywhere(s: &str) -> Body {
    Body::new().comment(s).block(Block::resource(
        "aws_sqs_queue",
        s,
        Body::new()
            .comment(s)
            .attr("name", ir::str(s))
            .attr("tags", ir::object([(s, ir::str(s)), ("x", ir::str(s))]))
            .attr(
                "policy",
                ir::template(vec![Part::Lit(s), Part::Interp(ir::var("x")), Part::Lit(s)]),
            ),
    ))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_text_reads_back_literally(s in prop_oneof![
        any::<String>(),
        "[$%{}~\"\\\\\n\r\t a-z\u{301}\u{200d}é😀👍🏽]{0,24}",
    ]) {
        let body = text_everywhere(&s);
        let text = emit_hcl::print_body(&body);
        let parsed: hcl::Body = hcl::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(norm_body(parsed, false), reference(&body), "{}", text);
        let json: Value = serde_json::from_str(&emit_json::print_file(&body)).unwrap();
        let queue = &json["resource"]["aws_sqs_queue"][s.as_str()];
        let marked = s.replace("${", "$${").replace("%{", "%%{");
        prop_assert_eq!(&queue["name"], &Value::String(marked.clone()));
        prop_assert_eq!(&queue["tags"][marked.as_str()], &Value::String(marked));
    }

    #[test]
    fn any_number_reads_back(n in any::<f64>().prop_filter("finite", |n| n.is_finite())) {
        let body = Body::new().attr("n", ir::num(n));
        let parsed: hcl::Body = hcl::parse(&emit_hcl::print_body(&body)).unwrap();
        prop_assert_eq!(norm_body(parsed, false), reference(&body));
    }
}
