//! The service's EBS volume (`volume_configuration`) and the infrastructure role ECS assumes to
//! manage volumes and load balancers for it.

use crate::ir::{self, Block, Body, Expr};
use crate::resolve::Service;

use super::Ctx;

/// AWS-managed policies of the ECS infrastructure role.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html
const VOLUMES_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes";
const LOAD_BALANCERS_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForLoadBalancers";

fn label(svc: &Service) -> String {
    format!("{}_infrastructure", svc.name.ident())
}

/// The ARN of the infrastructure role gen-tf writes for the service.
pub(super) fn infrastructure_role_arn(svc: &Service) -> Expr {
    ir::reference("aws_iam_role", &label(svc), &["arn"])
}

/// The role and its policy attachments, when the service needs one and names none. ECS itself
/// (not its tasks) assumes it, as the trust policy of AWS's documentation has it.
pub(super) fn infrastructure_role(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    let Some(infra) = svc.infrastructure else {
        return Vec::new();
    };
    let role = label(svc);
    let trust = ir::call(
        "jsonencode",
        vec![ir::object([
            ("Version", ir::str("2012-10-17")),
            (
                "Statement",
                ir::list([ir::object([
                    ("Effect", ir::str("Allow")),
                    ("Action", ir::str("sts:AssumeRole")),
                    (
                        "Principal",
                        ir::object([("Service", ir::str("ecs.amazonaws.com"))]),
                    ),
                ])]),
            ),
        ])],
    );
    let uses = match (infra.volumes, infra.load_balancers) {
        (true, true) => "EBS volumes and load balancers",
        (true, false) => "EBS volumes",
        _ => "load balancers",
    };
    let mut out = vec![Block::resource(
        "aws_iam_role",
        &role,
        Body::new()
            .attr("name", ir::str(svc.names.infrastructure_role.clone()))
            .attr_opt("path", svc.roles.path.clone().map(ir::str))
            .attr(
                "description",
                ir::str(format!("ECS infrastructure role of {}: {uses}.", svc.name)),
            )
            .attr("assume_role_policy", trust)
            .attr_opt(
                "permissions_boundary",
                svc.roles.permissions_boundary.clone().map(ir::str),
            )
            .attr_opt("tags", ctx.tags(Some(svc))),
    )];
    let attach = |suffix: &str, arn: &str| {
        Block::resource(
            "aws_iam_role_policy_attachment",
            &format!("{role}_{suffix}"),
            Body::new()
                .attr("role", ir::reference("aws_iam_role", &role, &["name"]))
                .attr("policy_arn", ir::str(arn)),
        )
    };
    if infra.volumes {
        out.push(attach("volumes", VOLUMES_POLICY_ARN));
    }
    if infra.load_balancers {
        out.push(attach("load_balancers", LOAD_BALANCERS_POLICY_ARN));
    }
    out
}

/// `volume_configuration { managed_ebs_volume { ... } }`.
pub(super) fn volume_configuration(svc: &Service) -> Option<Block> {
    let e = svc.ebs.as_ref()?;
    let num = |n: Option<u32>| n.map(|n| ir::int(i64::from(n)));
    let tags = (!e.tags.is_empty() || e.propagate_tags.is_some()).then(|| {
        Block::new(
            "tag_specifications",
            &[],
            Body::new()
                .attr("resource_type", ir::str("volume"))
                .attr_opt(
                    "propagate_tags",
                    e.propagate_tags.map(|p| ir::str(p.as_str())),
                )
                .attr_opt(
                    "tags",
                    (!e.tags.is_empty()).then(|| {
                        ir::object(e.tags.iter().map(|(k, v)| (k.as_str(), ir::str(v.clone()))))
                    }),
                ),
        )
    });
    let volume = Body::new()
        .attr(
            "role_arn",
            e.role_arn
                .clone()
                .map_or_else(|| infrastructure_role_arn(svc), ir::str),
        )
        .attr_opt("size_in_gb", num(e.size_in_gb))
        .attr_opt("volume_type", e.volume_type.map(|t| ir::str(t.as_str())))
        .attr_opt("iops", num(e.iops))
        .attr_opt("throughput", num(e.throughput))
        .attr("encrypted", ir::bool(e.encrypted))
        .attr_opt("kms_key_id", e.kms_key_id.clone().map(ir::str))
        .attr_opt(
            "file_system_type",
            e.file_system_type.map(|f| ir::str(f.as_str())),
        )
        .attr_opt("snapshot_id", e.snapshot_id.clone().map(ir::str))
        .blocks(tags);
    Some(Block::new(
        "volume_configuration",
        &[],
        Body::new()
            .attr("name", ir::str(e.name.clone()))
            .block(Block::new("managed_ebs_volume", &[], volume)),
    ))
}

#[cfg(test)]
mod tests {
    use crate::pipeline::{compile_value, Options, Source};

    fn service_file(service: serde_json::Value) -> (String, String) {
        let value = serde_json::json!({
            "name": "shop",
            "region": "eu-west-1",
            "services": {"api": service}
        });
        let source = Source {
            value: &value,
            label: "<memory>",
            text: None,
        };
        let files = compile_value(source, &Options::default())
            .expect("compiles")
            .files;
        let get = |n: &str| files.iter().find(|(f, _)| f == n).expect(n).1.clone();
        (get("api.tf"), get("versions.tf"))
    }

    /// An EBS volume without a role: the task definition defers the volume, the service
    /// configures it with the role gen-tf writes (trusting ECS, with the AWS-managed policy for
    /// volumes), encrypted by default, and the module stays admitted by provider 5.100.
    #[test]
    fn an_ebs_volume_gets_the_generated_infrastructure_role() {
        let (api, versions) = service_file(serde_json::json!({
            "cpu": 256,
            "memory": 512,
            "volumes": {"data": {"configure_at_launch": true}},
            "mount_points": [{"volume": "data", "path": "/data", "read_only": false}],
            "volume_configuration": {"name": "data", "managed_ebs_volume": {"size_in_gb": 30}}
        }));
        let flat: String = api.split_whitespace().collect();
        for want in [
            "volume{name=\"data\"configure_at_launch=true}",
            "volume_configuration{name=\"data\"managed_ebs_volume{role_arn=aws_iam_role.api_infrastructure.arnsize_in_gb=30encrypted=true}}",
            "resource\"aws_iam_role\"\"api_infrastructure\"{name=\"shop-api-ecs-infra\"",
            "Principal={Service=\"ecs.amazonaws.com\"}",
            "policy_arn=\"arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForVolumes\"",
            "aws_iam_role_policy_attachment.api_infrastructure_volumes,",
        ] {
            assert!(flat.contains(want), "{want} not in {api}");
        }
        assert!(!api.contains("ForLoadBalancers"), "{api}");
        assert!(versions.contains("\">= 5.100, < 7.0\""), "{versions}");
    }

    /// A role the stack names is used as it is, and gen-tf writes none.
    #[test]
    fn a_named_volume_role_writes_no_role() {
        let (api, _) = service_file(serde_json::json!({
            "cpu": 256,
            "memory": 512,
            "volumes": {"data": {"configure_at_launch": true}},
            "volume_configuration": {"name": "data", "managed_ebs_volume": {
                "role_arn": "arn:aws:iam::123456789012:role/ecs-volumes",
                "snapshot_id": "snap-0123456789abcdef0",
                "encrypted": false,
                "tags": {"team": "search"}
            }}
        }));
        assert!(
            api.contains("role_arn    = \"arn:aws:iam::123456789012:role/ecs-volumes\""),
            "{api}"
        );
        assert!(api.contains("encrypted   = false"), "{api}");
        assert!(api.contains("resource_type = \"volume\""), "{api}");
        assert!(!api.contains("api_infrastructure"), "{api}");
    }

    /// A load balancer's advanced configuration without a role uses the service's
    /// infrastructure role, with the AWS-managed policy for load balancers; one that names a
    /// role keeps it.
    #[test]
    fn advanced_configuration_without_a_role_gets_the_generated_role() {
        let elb = |k: &str| format!("arn:aws:elasticloadbalancing:eu-west-1:123456789012:{k}");
        let lb = |n: &str, role: Option<&str>| {
            let mut a = serde_json::json!({
                "alternate_target_group_arn": elb(&format!("targetgroup/{n}-green/6d0ecf831eec9f09")),
                "production_listener_rule": elb(&format!("listener-rule/app/{n}/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee")),
            });
            if let Some(r) = role {
                a["role_arn"] = r.into();
            }
            serde_json::json!({
                "target_group_arn": elb(&format!("targetgroup/{n}-blue/6d0ecf831eec9f09")),
                "advanced_configuration": a
            })
        };
        let (api, _) = service_file(serde_json::json!({
            "cpu": 256,
            "memory": 512,
            "port": 8080,
            "load_balancers": [lb("public", None), lb("internal", Some("arn:aws:iam::123456789012:role/ecs-lb"))],
            "deployment": {"strategy": "BLUE_GREEN"}
        }));
        let flat: String = api.split_whitespace().collect();
        for want in [
            "role_arn=aws_iam_role.api_infrastructure.arn}",
            "role_arn=\"arn:aws:iam::123456789012:role/ecs-lb\"}",
            "policy_arn=\"arn:aws:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForLoadBalancers\"",
            "description=\"ECSinfrastructureroleofapi:loadbalancers.\"",
        ] {
            assert!(flat.contains(want), "{want} not in {api}");
        }
        assert!(!api.contains("ForVolumes"), "{api}");
    }
}
