//! The provider-schema self-check: deliberate mistakes are caught with the exact message, a
//! realistic module passes untouched, and the embedded subset agrees with tfcheck's schema.

use gen_tf::ir::{
    self, bool, call, int, list, object, reference, str, template, traversal, var, BinaryOp, Block,
    Body, Content, Expr, File, Module, Part, UnaryOp,
};
use gen_tf::provider_schema::{check_body, check_module, known_type, SchemaProblem};
use serde_json::Value;

fn render(problems: &[SchemaProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

macro_rules! snapshot {
    ($name:expr, $problems:expr) => {
        insta::with_settings!({ snapshot_path => "../snapshots" }, {
            insta::assert_snapshot!($name, render(&$problems));
        })
    };
}

fn network_configuration() -> Block {
    Block::new(
        "network_configuration",
        &[],
        Body::new()
            .attr("subnets", var("private_subnet_ids"))
            .attr(
                "security_groups",
                list([reference("aws_security_group", "api", &["id"])]),
            )
            .attr("assign_public_ip", bool(false)),
    )
}

fn circuit_breaker() -> Block {
    Block::new(
        "deployment_circuit_breaker",
        &[],
        Body::new()
            .attr("enable", bool(true))
            .attr("rollback", bool(true)),
    )
}

fn strategy(provider: &str, weight: i64, base: i64) -> Block {
    Block::new(
        "capacity_provider_strategy",
        &[],
        Body::new()
            .attr("capacity_provider", str(provider))
            .attr("weight", int(weight))
            .attr("base", int(base)),
    )
}

/// `aws_ecs_service.api` with every argument gen-tf sets; tests add one mistake each.
fn service_body() -> Body {
    Body::new()
        .attr("name", str("api"))
        .attr("cluster", var("cluster_name"))
        .attr(
            "task_definition",
            reference("aws_ecs_task_definition", "api", &["arn"]),
        )
        .attr("desired_count", int(2))
        .attr("force_new_deployment", bool(true))
        .block(strategy("FARGATE_SPOT", 70, 0))
        .block(strategy("FARGATE", 30, 2))
        .block(network_configuration())
        .block(circuit_breaker())
}

fn task_definition_body() -> Body {
    Body::new()
        .attr("family", str("shop-api"))
        .attr("cpu", str("512"))
        .attr("memory", str("1024"))
        .attr("network_mode", str("awsvpc"))
        .attr("requires_compatibilities", list([str("FARGATE")]))
        .attr(
            "execution_role_arn",
            reference("aws_iam_role", "execution", &["arn"]),
        )
        .attr(
            "container_definitions",
            call("jsonencode", vec![list([object([("name", str("api"))])])]),
        )
        .block(Block::new(
            "runtime_platform",
            &[],
            Body::new()
                .attr("cpu_architecture", str("ARM64"))
                .attr("operating_system_family", str("LINUX")),
        ))
}

fn role_body() -> Body {
    Body::new().attr("name", str("shop-api-execution")).attr(
        "assume_role_policy",
        traversal("data", &["aws_iam_policy_document", "assume", "json"]),
    )
}

/// What the service and task definition reference.
const API_SUPPORT_TF: &str = r#"
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "execution" {
  name               = "shop-api-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
resource "aws_security_group" "api" {
  vpc_id = var.vpc_id
}
"#;

/// The service plus everything it references, so that only the deliberate mistake shows.
fn file_with_service(service: Body) -> Body {
    from_hcl(API_SUPPORT_TF)
        .block(Block::resource(
            "aws_ecs_task_definition",
            "api",
            task_definition_body(),
        ))
        .block(Block::resource("aws_ecs_service", "api", service))
}

#[test]
fn unknown_argument_suggests_the_nearest_name() {
    let problems = check_body(
        "api.tf",
        &file_with_service(service_body().attr("desired_cont", int(2))),
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].block, "resource.aws_ecs_service.api");
    assert_eq!(problems[0].path, "desired_cont");
    snapshot!("unknown_argument", problems);
}

#[test]
fn missing_required_argument() {
    let mut task = task_definition_body();
    task.items
        .retain(|i| !matches!(i, ir::Item::Attribute(a) if a.key.as_str() == "family"));
    let body = from_hcl(API_SUPPORT_TF);
    let problems = check_body(
        "api.tf",
        &body.block(Block::resource("aws_ecs_task_definition", "api", task)),
    );
    snapshot!("missing_required_family", problems);
}

#[test]
fn block_written_as_an_attribute() {
    let mut service = service_body();
    service.items.retain(
        |i| !matches!(i, ir::Item::Block(b) if b.ident.as_str() == "network_configuration"),
    );
    let service = service.attr(
        "network_configuration",
        object([
            ("subnets", var("private_subnet_ids")),
            ("assign_public_ip", bool(false)),
        ]),
    );
    snapshot!(
        "block_as_attribute",
        check_body("api.tf", &file_with_service(service))
    );
}

#[test]
fn attribute_written_as_a_block() {
    let tags = Block::new("tags", &[], Body::new().attr("team", str("payments")));
    snapshot!(
        "attribute_as_block",
        check_body("api.tf", &file_with_service(service_body().block(tags)))
    );
}

#[test]
fn single_block_repeated() {
    let service = service_body().block(circuit_breaker());
    snapshot!(
        "single_block_repeated",
        check_body("api.tf", &file_with_service(service))
    );
}

#[test]
fn references_to_unknown_attributes_and_undeclared_blocks() {
    let service = service_body()
        .attr("iam_role", reference("aws_iam_role", "exec", &["arnn"]))
        .attr(
            "triggers",
            object([("role", reference("aws_iam_role", "executon", &["arn"]))]),
        )
        .attr(
            "propagate_tags",
            template(vec![
                Part::Lit("x-"),
                Part::Interp(traversal("data", &["aws_region", "current", "name"])),
            ]),
        )
        .attr(
            "platform_version",
            call(
                "lower",
                vec![reference("aws_ecs_task_definition", "api", &["revisionn"])],
            ),
        );
    let file =
        file_with_service(service).block(Block::resource("aws_iam_role", "exec", role_body()));
    let problems = check_body("api.tf", &file);
    assert_eq!(
        problems[0].message,
        "aws_iam_role.exec.arnn: aws_iam_role has no attribute \"arnn\"; did you mean \"arn\"?"
    );
    snapshot!("references", problems);
}

#[test]
fn references_inside_operations_are_checked() {
    let region = traversal("data", &["aws_region", "current", "name"]);
    let in_region = ir::binary(region, BinaryOp::Eq, str("us-east-1"));
    let role = reference("aws_iam_role", "execution", &["arnn"]);
    let value = ir::conditional(
        ir::paren(in_region),
        bool(true),
        ir::unary(UnaryOp::Not, call("can", vec![role])),
    );
    let service = service_body().attr("enable_execute_command", value);
    let messages: Vec<String> = check_body("api.tf", &file_with_service(service))
        .into_iter()
        .map(|p| p.message)
        .collect();
    assert_eq!(
        messages,
        [
            "data.aws_region.current refers to a data source that is not declared in this module",
            "aws_iam_role.execution.arnn: aws_iam_role has no attribute \"arnn\"; did you mean \"arn\"?",
        ]
    );
}

#[test]
fn nested_blocks_lifecycle_and_meta_arguments() {
    let network = Block::new(
        "network_configuration",
        &[],
        Body::new()
            .attr("subnet", var("private_subnet_ids"))
            .attr("security_groups", str("sg-1")),
    );
    let lifecycle = Block::new(
        "lifecycle",
        &[],
        Body::new()
            .attr("ignore_change", list([ir::ident("desired_count")]))
            .block(Block::new(
                "precondition",
                &[],
                Body::new().attr("condition", bool(true)),
            )),
    );
    let dynamic = Block::new(
        "dynamic",
        &["load_balancer"],
        Body::new()
            .attr("for_each", var("target_groups"))
            .block(Block::new(
                "content",
                &[],
                Body::new()
                    .attr("container_name", str("api"))
                    .attr("target_group_arn", var("tg")),
            )),
    );
    let mut service = service_body();
    service.items.retain(
        |i| !matches!(i, ir::Item::Block(b) if b.ident.as_str() == "network_configuration"),
    );
    let service = service
        .attr("count", int(1))
        .attr(
            "depends_on",
            list([ir::traversal("aws_iam_role", &["execution"])]),
        )
        .attr("arn", str("arn:aws:ecs:::service/api"))
        .block(network)
        .block(lifecycle)
        .block(dynamic);
    snapshot!(
        "nested_and_meta",
        check_body("api.tf", &file_with_service(service))
    );
}

#[test]
fn unknown_aws_types_ask_for_regeneration_and_other_providers_are_skipped() {
    let body = from_hcl(
        r#"
resource "aws_lb" "api" {}
resource "random_id" "suffix" {
  byte_lengthh = 4
}
data "aws_vpc" "main" {}
"#,
    );
    snapshot!("unknown_type", check_body("main.tf", &body));
}

fn tf(name: &str, body: Body) -> File {
    File {
        name: name.to_owned(),
        content: Content::Terraform(body),
    }
}

/// Reads HCL text into the IR, so that a realistic module stays readable here. The lowering code
/// builds the same IR with `ir`'s builders; templates become typed parts either way.
fn from_hcl(text: &str) -> Body {
    fn convert(body: hcl::Body) -> Body {
        let mut out = Body::new();
        for structure in body.into_inner() {
            match structure {
                hcl::Structure::Attribute(a) => {
                    let expr = Expr::try_from(a.expr).expect("test HCL is in the IR");
                    out.push_attr(a.key.as_str(), expr);
                }
                hcl::Structure::Block(b) => {
                    let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
                    let block = Block::new(b.identifier.as_str(), &labels, convert(b.body));
                    out.push_block(block);
                }
            }
        }
        out
    }
    convert(hcl::parse(text).expect("test HCL parses"))
}

const CLUSTER_TF: &str = r#"
resource "aws_ecs_cluster" "this" {
  name = "shop"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}
"#;

const SCALING_TF: &str = r#"
resource "aws_appautoscaling_target" "api" {
  min_capacity       = 2
  max_capacity       = 20
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.api.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}
resource "aws_appautoscaling_policy" "api_cpu" {
  name               = "api-cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  target_tracking_scaling_policy_configuration {
    target_value       = 70
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
resource "aws_appautoscaling_policy" "api_step" {
  name               = "api-step"
  policy_type        = "StepScaling"
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
  step_scaling_policy_configuration {
    adjustment_type         = "PercentChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Average"
    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = 10
      scaling_adjustment          = 10
    }
    step_adjustment {
      metric_interval_lower_bound = 10
      scaling_adjustment          = 30
    }
  }
}
resource "aws_cloudwatch_metric_alarm" "api_step" {
  alarm_name          = "api-cpu-high"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 60
  statistic           = "Average"
  threshold           = 80
  dimensions = {
    ClusterName = aws_ecs_cluster.this.name
    ServiceName = aws_ecs_service.api.name
  }
  alarm_actions = [aws_appautoscaling_policy.api_step.arn]
}
"#;

const SUPPORT_TF: &str = r#"
# Code generated by gen-tf. DO NOT EDIT.
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_ec2_managed_prefix_list" "s3" {
  name = "com.amazonaws.${data.aws_region.current.name}.s3"
}
data "aws_iam_policy_document" "logs_key" {
  statement {
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}
resource "aws_kms_key" "logs" {
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.logs_key.json
}
resource "aws_kms_alias" "logs" {
  name          = "alias/shop-logs"
  target_key_id = aws_kms_key.logs.key_id
}
resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/shop/api"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.logs.arn
}
resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}
resource "aws_iam_role_policy" "secrets" {
  role   = aws_iam_role.execution.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Resource = [aws_kms_key.logs.arn] }] })
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.private_route_table_ids
}
data "aws_vpc_endpoint_service" "logs" {
  service = "logs"
}
resource "aws_vpc_endpoint" "logs" {
  vpc_id              = var.vpc_id
  service_name        = data.aws_vpc_endpoint_service.logs.service_name
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = var.private_subnet_ids
  security_group_ids  = [aws_security_group.endpoints.id]
}
resource "aws_security_group" "endpoints" {
  name   = "shop-endpoints"
  vpc_id = var.vpc_id
}
resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id            = aws_security_group.endpoints.id
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}
resource "aws_vpc_security_group_egress_rule" "api_s3" {
  security_group_id = aws_security_group.api.id
  prefix_list_id    = data.aws_ec2_managed_prefix_list.s3.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
output "cluster_arn" {
  value = aws_ecs_cluster.this.arn
}
"#;

/// A module shaped like gen-tf's output, spread over files that reference one another.
fn realistic_module() -> Module {
    Module {
        files: vec![
            tf("cluster.tf", from_hcl(CLUSTER_TF)),
            tf("api.tf", file_with_service(service_body())),
            tf("scaling.tf", from_hcl(SCALING_TF)),
            tf("support.tf", from_hcl(SUPPORT_TF)),
            File {
                name: "README.md".to_owned(),
                content: Content::Text("# shop\n".to_owned()),
            },
        ],
    }
}

#[test]
fn a_correct_module_has_no_problems() {
    assert_eq!(render(&check_module(&realistic_module())), "");
}

#[test]
fn check_module_sees_references_across_files_and_check_body_does_not() {
    let module = realistic_module();
    let Content::Terraform(scaling) = &module.files[2].content else {
        panic!("scaling.tf")
    };
    snapshot!(
        "references_need_the_module",
        check_body("scaling.tf", scaling)
    );
}

#[test]
fn known_type_covers_what_gen_tf_emits() {
    assert!(known_type("resource", "aws_ecs_service"));
    assert!(known_type("data", "aws_iam_policy_document"));
    assert!(!known_type("data", "aws_ecs_service"));
    assert!(!known_type("resource", "aws_lb"));
    assert!(!known_type("output", "aws_ecs_service"));
}

// ------------------------------------------------------------------------------------------
// Agreement with tfcheck's full provider schema

#[path = "support/tfcheck.rs"]
mod tfcheck_support;

const TFCHECK_SCHEMA: &str = "aws-provider-6.25.0.schema.json";
const SUBSET: &str = include_str!("../schemas/aws-provider-subset.json");

/// One line per argument and block, recursively, in a form both schemas can produce.
fn flatten(v: &Value, tfcheck: bool, at: &str, out: &mut Vec<String>) {
    let (args, blocks) = if tfcheck {
        ("attrs", "blocks")
    } else {
        ("arguments", "blocks")
    };
    for (name, a) in v[args].as_object().expect("arguments") {
        out.push(format!("{at}{name} required={}", a["required"]));
    }
    for (name, b) in v[blocks].as_object().expect("blocks") {
        let (single, required) = if tfcheck {
            (b["list"] == false, b["required"] == true)
        } else {
            (b["max_items"] == 1, b["min_items"] != 0)
        };
        out.push(format!(
            "{at}{name} {{}} single={single} required={required}"
        ));
        flatten(&b["schema"], tfcheck, &format!("{at}{name}."), out);
    }
}

#[test]
fn subset_agrees_with_tfcheck_schema() {
    let Some(dir) = tfcheck_support::tfcheck_dir() else {
        return;
    };
    let text = std::fs::read_to_string(dir.join(TFCHECK_SCHEMA)).expect("tfcheck's schema");
    let full: Value = serde_json::from_str(&text).expect("tfcheck schema is JSON");
    let subset: Value = serde_json::from_str(SUBSET).expect("subset is JSON");
    assert_eq!(subset["provider_version"], full["provider_version"]);
    let (mut checked, mut differences) = (0, Vec::new());
    for (table, kind) in [("resources", "resource"), ("data", "data")] {
        for (ty, ours) in subset[table].as_object().expect("a table of types") {
            assert!(known_type(kind, ty), "{kind} {ty}");
            let theirs = &full[table][ty];
            assert!(theirs.is_object(), "tfcheck's schema has no {kind} {ty}");
            let (mut a, mut b) = (Vec::new(), Vec::new());
            flatten(ours, false, &format!("{kind} {ty}: "), &mut a);
            flatten(theirs, true, &format!("{kind} {ty}: "), &mut b);
            // Every name a reference may use: arguments, blocks and exported attributes.
            for k in ["arguments", "blocks", "attributes"] {
                let names = ours[k].as_object().expect("a map").keys();
                a.extend(names.map(|n| format!("{kind} {ty}: readable {n}")));
            }
            let readable = theirs["readable"].as_array().expect("readable");
            b.extend(
                readable
                    .iter()
                    .map(|n| format!("{kind} {ty}: readable {}", n.as_str().unwrap_or("?"))),
            );
            differences.extend(
                a.iter()
                    .filter(|l| !b.contains(l))
                    .map(|l| format!("only in the subset: {l}")),
            );
            differences.extend(
                b.iter()
                    .filter(|l| !a.contains(l))
                    .map(|l| format!("only in tfcheck: {l}")),
            );
            checked += 1;
        }
    }
    assert_eq!(differences, Vec::<String>::new());
    assert_eq!(checked, 26, "every type of the subset was compared");
}

/// Both subsets describe exactly the types of `scripts/provider-types.json`, the one list that
/// both extraction scripts read, so neither was left behind when the list changed.
#[test]
fn both_subsets_describe_the_shared_type_list() {
    let types: Value =
        serde_json::from_str(include_str!("../scripts/provider-types.json")).expect("JSON");
    let v5: Value = serde_json::from_str(include_str!("../schemas/aws-provider-5.100-subset.json"))
        .expect("the 5.100 subset is JSON");
    let v6: Value = serde_json::from_str(SUBSET).expect("the 6.25 subset is JSON");
    assert_eq!(v5["provider_version"], "5.100.0");
    for (list, table) in [("resources", "resources"), ("data", "data")] {
        let want: Vec<&str> = types[list]
            .as_array()
            .expect("a list of types")
            .iter()
            .map(|t| t.as_str().expect("a type name"))
            .collect();
        for subset in [&v5, &v6] {
            let have: Vec<&str> = subset[table]
                .as_object()
                .expect("a table of types")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                have, want,
                "{table} of the {} subset",
                subset["provider_version"]
            );
        }
    }
}
