//! The provider-schema self-check: deliberate mistakes are caught with the exact message, a
//! realistic module passes untouched, and the embedded subset agrees with tfcheck's schema.

use gen_tf::ir::{
    self, bool, call, int, list, object, reference, str, template, traversal, var, BinaryOp, Block,
    Body, Content, Expr, File, Module, Part, UnaryOp,
};
use gen_tf::provider_schema::{
    admits, check_body, check_module, embedded_provider_versions, known_type, SchemaProblem,
};
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
  name = "com.amazonaws.${data.aws_region.current.id}.s3"
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
  service_name      = "com.amazonaws.${data.aws_region.current.id}.s3"
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

// ------------------------------------------------------------------------------------------
// The provider's plan-time validations of literal values (schemas/aws-provider-validators.json)

/// The problems of one file that holds `text`, one line each.
fn validate(text: &str) -> String {
    render(&check_body("main.tf", &from_hcl(text)))
}

/// One resource with exactly one value the provider refuses, and the exact message.
macro_rules! refused {
    ($name:ident, $text:expr, $expected:expr) => {
        #[test]
        fn $name() {
            assert_eq!(validate($text), $expected);
        }
    };
}

refused!(
    string_length,
    r#"resource "aws_iam_role" "r" {
  name               = "a-role-name-that-is-far-too-long-for-iam-because-iam-takes-64-bytes"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}"#,
    "main.tf: resource.aws_iam_role.r: name: provider validation: \"a-role-name-that-is-far-too-long-for-iam-because-iam-takes-64-bytes\" is 67 bytes long; the provider takes 1 to 64"
);

refused!(
    template_literal_length,
    r#"resource "aws_iam_role" "r" {
  name               = "${var.prefix}-a-role-name-whose-literal-part-alone-is-longer-than-what-iam-allows"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}"#,
    "main.tf: resource.aws_iam_role.r: name: provider validation: its literal text alone is 68 bytes long; the provider takes at most 64"
);

refused!(
    pattern,
    r#"resource "aws_cloudwatch_log_group" "r" {
  name = "/ecs/shop api"
}"#,
    "main.tf: resource.aws_cloudwatch_log_group.r: name: provider validation: \"/ecs/shop api\" does not match the provider's pattern ^[0-9A-Za-z_./#-]+$"
);

refused!(
    refused_pattern,
    r#"resource "aws_security_group" "r" {
  name_prefix = "sg-pay-api-"
  vpc_id      = var.vpc_id
}"#,
    "main.tf: resource.aws_security_group.r: name_prefix: provider validation: \"sg-pay-api-\" matches ^sg-, which the provider refuses"
);

refused!(
    enumeration,
    r#"resource "aws_ecs_task_definition" "r" {
  family                = "shop-api"
  container_definitions = var.containers
  network_mode          = "AWSVPC"
}"#,
    "main.tf: resource.aws_ecs_task_definition.r: network_mode: provider validation: \"AWSVPC\" is not one of bridge, host, awsvpc, none"
);

refused!(
    list_elements,
    r#"resource "aws_ecs_task_definition" "r" {
  family                   = "shop-api"
  container_definitions    = var.containers
  requires_compatibilities = ["FARGATE", "fargate"]
}"#,
    "main.tf: resource.aws_ecs_task_definition.r: requires_compatibilities: provider validation: element 1: \"fargate\" is not one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES"
);

refused!(
    integer_set,
    r#"resource "aws_cloudwatch_log_group" "r" {
  name              = "/ecs/shop-api"
  retention_in_days = 10
}"#,
    "main.tf: resource.aws_cloudwatch_log_group.r: retention_in_days: provider validation: 10 is not one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"
);

refused!(
    integer_range,
    r#"resource "aws_vpc_security_group_egress_rule" "r" {
  security_group_id = var.sg
  ip_protocol       = "tcp"
  cidr_ipv4         = "10.0.0.0/16"
  from_port         = 443
  to_port           = 70000
}"#,
    "main.tf: resource.aws_vpc_security_group_egress_rule.r: to_port: provider validation: 70000 is outside the provider's range -1 to 65535"
);

refused!(
    integer_minimum_and_alternatives,
    r#"resource "aws_cloudwatch_metric_alarm" "r" {
  alarm_name          = "shop-api-high-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 0
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 90
  statistic           = "Average"
  threshold           = 80
}"#,
    "main.tf: resource.aws_cloudwatch_metric_alarm.r: evaluation_periods: provider validation: 0 is below the provider's minimum 1\n\
     main.tf: resource.aws_cloudwatch_metric_alarm.r: period: provider validation: 90 fits none of the provider's alternatives (one of 10, 20, 30; a multiple of 60)"
);

refused!(
    arn,
    r#"resource "aws_iam_role_policy_attachment" "r" {
  role       = "shop-api-task"
  policy_arn = "policy/ReadOnlyAccess"
}"#,
    "main.tf: resource.aws_iam_role_policy_attachment.r: policy_arn: provider validation: \"policy/ReadOnlyAccess\" is not an ARN"
);

refused!(
    a_name_not_an_arn,
    r#"resource "aws_iam_role_policy" "r" {
  name   = "secrets"
  role   = "arn:aws:iam::123456789012:role/shop-api-task"
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}"#,
    "main.tf: resource.aws_iam_role_policy.r: role: provider validation: \"arn:aws:iam::123456789012:role/shop-api-task\" is an ARN; the provider takes a name here"
);

refused!(
    cidr_network,
    r#"resource "aws_vpc_security_group_ingress_rule" "r" {
  security_group_id = var.sg
  ip_protocol       = "tcp"
  cidr_ipv4         = "10.0.0.1/16"
  from_port         = 443
  to_port           = 443
}"#,
    "main.tf: resource.aws_vpc_security_group_ingress_rule.r: cidr_ipv4: provider validation: \"10.0.0.1/16\" is not an IPv4 network in CIDR form (no host bits set)"
);

refused!(
    iam_policy_json,
    r#"resource "aws_iam_role_policy" "r" {
  name   = "secrets"
  role   = "shop-api-task"
  policy = jsonencode([{ Effect = "Allow" }])
}
resource "aws_iam_role" "r" {
  name               = "shop-api-task"
  assume_role_policy = " {\"Version\": \"2012-10-17\"}"
}"#,
    "main.tf: resource.aws_iam_role_policy.r: policy: provider validation: an IAM policy document must be a JSON object\n\
     main.tf: resource.aws_iam_role.r: assume_role_policy: provider validation: an IAM policy document must start with \"{\""
);

refused!(
    container_definitions_json,
    r#"resource "aws_ecs_task_definition" "r" {
  family = "shop-api"
  container_definitions = jsonencode([
    { name = "api", image = var.image, cpu = "256", essential = "true", environment = [{ name = "A", value = 1 }] },
    {},
  ])
}"#,
    "main.tf: resource.aws_ecs_task_definition.r: container_definitions: provider validation: container definition 0: cpu must be a JSON integer\n\
     main.tf: resource.aws_ecs_task_definition.r: container_definitions: provider validation: container definition 0: essential must be a JSON boolean\n\
     main.tf: resource.aws_ecs_task_definition.r: container_definitions: provider validation: container definition 0: environment must be a JSON array of {name, value} strings\n\
     main.tf: resource.aws_ecs_task_definition.r: container_definitions: provider validation: container definition 1 is empty, which the provider refuses"
);

refused!(
    time_format_and_nullable_integer,
    r#"resource "aws_appautoscaling_scheduled_action" "r" {
  name               = "night"
  service_namespace  = "ecs"
  resource_id        = "service/shop/api"
  scalable_dimension = "ecs:service:DesiredCount"
  schedule           = "cron(0 20 * * ? *)"
  start_time         = "2026-01-01 00:00:00"
  scalable_target_action {
    min_capacity = "one"
  }
}"#,
    "main.tf: resource.aws_appautoscaling_scheduled_action.r: scalable_target_action.min_capacity: provider validation: \"one\" is not a number\n\
     main.tf: resource.aws_appautoscaling_scheduled_action.r: start_time: provider validation: \"2026-01-01 00:00:00\" is not an RFC 3339 time"
);

refused!(
    conflicting_arguments,
    r#"resource "aws_security_group" "r" {
  name        = "shop-api"
  name_prefix = "shop-api-"
  vpc_id      = var.vpc_id
}"#,
    "main.tf: resource.aws_security_group.r: name: provider validation: \"name\" and \"name_prefix\" conflict; the provider takes only one"
);

refused!(
    exactly_one_of_a_group,
    r#"resource "aws_vpc_security_group_egress_rule" "r" {
  security_group_id = var.sg
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}"#,
    "main.tf: resource.aws_vpc_security_group_egress_rule.r: provider validation: exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id must be set, found 0"
);

refused!(
    at_least_one_of_a_group,
    r#"resource "aws_appautoscaling_scheduled_action" "r" {
  name               = "night"
  service_namespace  = "ecs"
  resource_id        = "service/shop/api"
  scalable_dimension = "ecs:service:DesiredCount"
  schedule           = "cron(0 20 * * ? *)"
  scalable_target_action {}
}"#,
    "main.tf: resource.aws_appautoscaling_scheduled_action.r: scalable_target_action: provider validation: at least one of max_capacity, min_capacity must be set, found 0"
);

refused!(
    required_together,
    r#"resource "aws_kms_key" "r" {
  description             = "shop secrets"
  rotation_period_in_days = 90
}"#,
    "main.tf: resource.aws_kms_key.r: rotation_period_in_days: provider validation: \"rotation_period_in_days\" needs \"enable_key_rotation\" as well"
);

refused!(
    block_count,
    r#"resource "aws_ecs_service" "r" {
  name = "api"
  ordered_placement_strategy {
    type = "spread"
  }
  ordered_placement_strategy {
    type = "spread"
  }
  ordered_placement_strategy {
    type = "spread"
  }
  ordered_placement_strategy {
    type = "spread"
  }
  ordered_placement_strategy {
    type = "spread"
  }
  ordered_placement_strategy {
    type = "pack"
  }
}"#,
    "main.tf: resource.aws_ecs_service.r: ordered_placement_strategy[5].type: provider validation: \"pack\" is not one of random, spread, binpack\n\
     main.tf: resource.aws_ecs_service.r: ordered_placement_strategy: provider validation: 6 blocks; the provider takes at most 5"
);

/// Values known only at apply time, facts the reference marks unsure and possibly incomplete
/// enums are not judged; a value that passes gives no problem.
#[test]
fn unknown_values_and_unsure_facts_pass() {
    let text = r#"resource "aws_iam_role" "r" {
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.x.json
}
data "aws_iam_policy_document" "x" {}
resource "aws_vpc_endpoint" "r" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "NotYetKnownToTheReference"
}
resource "aws_cloudwatch_metric_alarm" "r" {
  alarm_name          = "shop-api-high-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 120
  statistic           = "Average"
  threshold           = 80
  treat_missing_data  = "NOTBREACHING"
  alarm_actions       = [aws_appautoscaling_policy.p.arn, "arn:aws:sns:us-east-1:123456789012:ops"]
}
resource "aws_appautoscaling_policy" "p" {
  name               = "p"
  resource_id        = "service/shop/api"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}"#;
    assert_eq!(validate(text), "");
}

// ------------------------------------------------------------------------------------------
// Every provider major the module's range admits

#[test]
fn both_majors_are_embedded_newest_first() {
    assert_eq!(embedded_provider_versions(), ["6.25.0", "5.100.0"]);
}

#[test]
fn version_constraints_are_read_as_terraform_reads_them() {
    let default = ">= 5.100, < 7.0";
    assert!(admits(default, "5.100.0") && admits(default, "6.25.0"));
    assert!(!admits(default, "5.99.0") && !admits(default, "7.0.0"));
    assert!(!admits(">= 6.11, < 7.0", "5.100.0"));
    assert!(admits("~> 6.0", "6.25.0") && !admits("~> 6.0", "5.100.0"));
    assert!(admits("~> 5.100.0", "5.100.3") && !admits("~> 5.100.0", "5.101.0"));
    assert!(admits("= 5.100.0", "5.100.0") && !admits("!= 5.100.0", "5.100.0"));
}

/// A module that reads a 6.x-only attribute: under a range that admits 5.x the 5.100 schema
/// refuses it; under `~> 6.0` it passes; without any constraint every subset is checked.
#[test]
fn a_6x_only_attribute_fails_only_while_the_range_admits_5x() {
    let versions = |range: &str| {
        from_hcl(&format!(
            r#"terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = "{range}" }}
  }}
}}"#
        ))
    };
    let service = r#"
resource "aws_ecs_service" "api" {
  name = "api"
}
output "service_arn" {
  value = aws_ecs_service.api.arn
}"#;
    let module = |versions: Option<Body>| {
        let mut files = vec![tf("api.tf", from_hcl(service))];
        files.extend(versions.map(|v| tf("versions.tf", v)));
        Module { files }
    };
    let expected = "5.100.0 api.tf: output.service_arn: value: aws_ecs_service.api.arn: \
                    aws_ecs_service has no attribute \"arn\"";
    let shown = |m: &Module| {
        check_module(m)
            .iter()
            .map(|p| format!("{} {p}", p.provider))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(shown(&module(Some(versions(">= 5.100, < 7.0")))), expected);
    assert_eq!(shown(&module(None)), expected);
    assert_eq!(shown(&module(Some(versions("~> 6.0")))), "");
}

/// Every validation the self-check judges is about an argument or block that provider 6.25 has,
/// so none of them is dead; the ones it lacks are all marked unsure, and not judged.
#[test]
fn every_judged_validation_names_an_argument_of_the_6_25_schema() {
    let read = |name: &str| -> Value {
        let text =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name));
        serde_json::from_str(&text.unwrap()).unwrap()
    };
    let validators = read("schemas/aws-provider-validators.json");
    let subset = read("schemas/aws-provider-subset.json");
    let mut judged = 0;
    let mut missing = Vec::new();
    for (ty, args) in validators["resources"].as_object().unwrap() {
        for (path, spec) in args.as_object().unwrap() {
            let parts: Vec<&str> = path.split('.').collect();
            let (leaf, outer) = parts.split_last().unwrap();
            let at = outer
                .iter()
                .fold(&subset["resources"][ty], |at, b| &at["blocks"][b]["schema"]);
            let known = at["arguments"].get(leaf).is_some() || at["blocks"].get(leaf).is_some();
            if spec["unsure"] == true {
                continue;
            }
            judged += 1;
            if !known {
                missing.push(format!("{ty} {path}"));
            }
        }
    }
    assert!(judged > 200, "{judged} validations judged");
    assert!(missing.is_empty(), "not in the 6.25 schema: {missing:?}");
}

/// schemas/aws-provider-validators.json is what scripts/extract-provider-validators.mjs makes of
/// the reference. Skipped (with a message) where Node or the reference is missing.
#[test]
fn embedded_validators_are_regenerated_from_the_reference() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = root.join("../shared/reference/provider-validators.json");
    if !reference.is_file() {
        eprintln!("skipping: no {}", reference.display());
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let fresh = out.path().join("validators.json");
    let run = std::process::Command::new("node")
        .arg(root.join("scripts/extract-provider-validators.mjs"))
        .arg("--from")
        .arg(&reference)
        .arg("--out")
        .arg(&fresh)
        .output();
    match run {
        Ok(run) => assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        ),
        Err(e) => {
            eprintln!("skipping: node cannot run ({e})");
            return;
        }
    }
    let embedded = std::fs::read_to_string(root.join("schemas/aws-provider-validators.json"));
    assert_eq!(
        embedded.unwrap(),
        std::fs::read_to_string(fresh).unwrap(),
        "run `node scripts/extract-provider-validators.mjs` and commit the result"
    );
}

/// An attribute that provider 6 deprecates is refused with what to read instead: Terraform
/// would warn on every plan of the module.
#[test]
fn attributes_a_provider_major_deprecates_are_refused() {
    let text = r#"data "aws_region" "current" {}
output "region" {
  value = data.aws_region.current.name
}
output "region_id" {
  value = data.aws_region.current.id
}
"#;
    let messages: Vec<String> = check_body("main.tf", &from_hcl(text))
        .into_iter()
        .map(|p| p.message)
        .collect();
    assert_eq!(
        messages,
        ["data.aws_region.current.name: provider 6.0 (#42131) deprecates \"name\", and Terraform warns on every plan; read \"id\", the region's name in both majors"]
    );
}
