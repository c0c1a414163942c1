//! Application Auto Scaling: the scalable target, its policies and the step policies' alarms.
//!
//! Target tracking policies get no alarm here: Application Auto Scaling creates and owns theirs.
//! A step policy only acts when a CloudWatch alarm invokes it, so each one gets its alarm on the
//! service's AWS/ECS metric, with `alarm_actions` pointing at the policy.
//! Source: https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html

use crate::ir::{self, Block, Body, Expr, Part};
use crate::model::scaling::{CustomizedMetric, Policy, PolicyType, PredefinedMetric};
use crate::model::service::format_number;
use crate::model::{Service, ServiceName};

use super::{Ctx, VarType};

/// Blocks appended to the service's file; empty without `auto_scaling`.
pub fn blocks(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service) -> Vec<Block> {
    let Some(a) = &svc.auto_scaling else {
        return Vec::new();
    };
    let id = name.ident();
    let mut out = vec![target(ctx, name, svc, a.min_capacity, a.max_capacity)];
    for (i, p) in a.policies.iter().enumerate() {
        let short = p.name_or_default(i);
        let policy = PolicyNames {
            label: format!("{id}_{}", short.replace('-', "_")),
            aws: format!("{}-{short}", ctx.prefix(name)),
        };
        let config = match p.kind() {
            PolicyType::TargetTrackingScaling => target_tracking(ctx, name, svc, p),
            PolicyType::StepScaling => step_scaling(p),
        };
        out.push(scaling_policy(&id, &policy, p.kind(), config));
        ctx.output(
            format!("{}_policy_arn", policy.label),
            format!("ARN of the {} scaling policy of {name}.", policy.aws),
            ir::reference("aws_appautoscaling_policy", &policy.label, &["arn"]),
        );
        if p.kind() == PolicyType::StepScaling {
            out.push(alarm(ctx, name, svc, p, &policy));
            ctx.output(
                format!("{}_alarm_arn", policy.label),
                format!(
                    "ARN of the CloudWatch alarm that triggers the {} scaling policy.",
                    policy.aws
                ),
                ir::reference("aws_cloudwatch_metric_alarm", &policy.label, &["arn"]),
            );
        }
    }
    out
}

/// A policy's Terraform label (`<service>_<name>`) and AWS name (`<stack>-<service>-<name>`).
/// Validation keeps labels unique in the stack and AWS names within the 255-character alarm
/// name limit.
struct PolicyNames {
    label: String,
    aws: String,
}

/// The scalable target. Its resource ID names the service through `aws_ecs_service.<id>.name`,
/// so Terraform registers it only once the service exists, as RegisterScalableTarget requires.
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
fn target(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service, min: u32, max: u32) -> Block {
    let id = name.ident();
    let cluster = ctx.cluster_name();
    let resource_id = ir::template(vec![
        Part::Lit("service/"),
        Part::Interp(cluster),
        Part::Lit("/"),
        Part::Interp(ir::reference("aws_ecs_service", &id, &["name"])),
    ]);
    Block::resource(
        "aws_appautoscaling_target",
        &id,
        Body::new()
            .attr("service_namespace", ir::str("ecs"))
            .attr("resource_id", resource_id)
            .attr("scalable_dimension", ir::str("ecs:service:DesiredCount"))
            .attr("min_capacity", ir::int(i64::from(min)))
            .attr("max_capacity", ir::int(i64::from(max)))
            .attr_opt("tags", ctx.tags(Some(svc))),
    )
}

fn scaling_policy(id: &str, names: &PolicyNames, kind: PolicyType, config: Block) -> Block {
    let target = |attr: &str| ir::reference("aws_appautoscaling_target", id, &[attr]);
    Block::resource(
        "aws_appautoscaling_policy",
        &names.label,
        Body::new()
            .attr("name", ir::str(names.aws.clone()))
            .attr("policy_type", ir::str(kind.as_str()))
            .attr("resource_id", target("resource_id"))
            .attr("scalable_dimension", target("scalable_dimension"))
            .attr("service_namespace", target("service_namespace"))
            .block(config),
    )
}

fn target_tracking(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service, p: &Policy) -> Block {
    let mut body = Body::new()
        .attr("target_value", ir::num(p.target_value.unwrap_or_default()))
        .attr_opt(
            "scale_in_cooldown",
            p.scale_in_cooldown.map(|c| ir::int(i64::from(c))),
        )
        .attr_opt(
            "scale_out_cooldown",
            p.scale_out_cooldown.map(|c| ir::int(i64::from(c))),
        )
        .attr_opt("disable_scale_in", p.disable_scale_in.map(ir::bool));
    if let Some(c) = &p.customized_metric {
        body = body.block(customized_metric(c));
    } else if let Some(m) = p.predefined_metric() {
        let label = (m == PredefinedMetric::AlbRequestCount).then(|| alb_label(ctx, name, svc, p));
        body = body.block(Block::new(
            "predefined_metric_specification",
            &[],
            Body::new()
                .attr("predefined_metric_type", ir::str(m.as_str()))
                .attr_opt("resource_label", label),
        ));
    }
    Block::new("target_tracking_scaling_policy_configuration", &[], body)
}

fn customized_metric(c: &CustomizedMetric) -> Block {
    let mut body = Body::new()
        .attr("namespace", ir::str(c.namespace.clone()))
        .attr("metric_name", ir::str(c.metric_name.clone()))
        .attr("statistic", ir::str(c.statistic.as_str()))
        .attr_opt("unit", c.unit.clone().map(ir::str));
    for (k, v) in &c.dimensions {
        body = body.block(Block::new(
            "dimensions",
            &[],
            Body::new()
                .attr("name", ir::str(k.clone()))
                .attr("value", ir::str(v.clone())),
        ));
    }
    Block::new("customized_metric_specification", &[], body)
}

/// `app/<lb>/<id>/targetgroup/<tg>/<id>`: the policy's own label, else the load balancer's ARN
/// suffixes, else module variables for the parts the stack does not give.
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
fn alb_label(ctx: &mut Ctx<'_>, name: &ServiceName, svc: &Service, p: &Policy) -> Expr {
    if let Some(label) = &p.resource_label {
        return ir::str(label.clone());
    }
    let id = name.ident();
    let lb = svc.load_balancer.as_ref();
    let lb_suffix = lb.and_then(|l| l.load_balancer_arn_suffix.clone());
    let tg_suffix = lb.and_then(|l| {
        l.target_group_arn_suffix
            .clone()
            .or_else(|| l.target_group_arn.as_deref().and_then(tg_suffix_of_arn))
    });
    let lb_part = match &lb_suffix {
        Some(s) => Part::Lit(s.as_str()),
        None => Part::Interp(ctx.var(
            &format!("{id}_lb_arn_suffix"),
            VarType::String,
            &format!(
                "Final part of the ARN of the load balancer in front of {name} (app/<name>/<id>), for ALBRequestCountPerTarget scaling."
            ),
        )),
    };
    let tg_part = match &tg_suffix {
        Some(s) => Part::Lit(s.as_str()),
        None => Part::Interp(ctx.var(
            &format!("{id}_target_group_arn_suffix"),
            VarType::String,
            &format!(
                "Final part of the ARN of {name}'s target group (targetgroup/<name>/<id>), for ALBRequestCountPerTarget scaling."
            ),
        )),
    };
    ir::template(vec![lb_part, Part::Lit("/"), tg_part])
}

/// `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>` ends in the suffix
/// the resource label needs.
fn tg_suffix_of_arn(arn: &str) -> Option<String> {
    let (_, suffix) = arn.rsplit_once(':')?;
    let parts: Vec<&str> = suffix.split('/').collect();
    (arn.starts_with("arn:") && parts.len() == 3 && parts[0] == "targetgroup")
        .then(|| suffix.to_owned())
}

fn step_scaling(p: &Policy) -> Block {
    let mut body = Body::new()
        .attr(
            "adjustment_type",
            ir::str(p.adjustment_type_or_default().as_str()),
        )
        .attr_opt("cooldown", p.cooldown.map(|c| ir::int(i64::from(c))))
        .attr_opt(
            "metric_aggregation_type",
            p.metric_aggregation_type.map(|m| ir::str(m.as_str())),
        )
        .attr_opt(
            "min_adjustment_magnitude",
            p.min_adjustment_magnitude.map(ir::int),
        );
    for s in &p.step_adjustments {
        body = body.block(Block::new(
            "step_adjustment",
            &[],
            Body::new()
                .attr_opt(
                    "metric_interval_lower_bound",
                    s.metric_interval_lower_bound.map(ir::num),
                )
                .attr_opt(
                    "metric_interval_upper_bound",
                    s.metric_interval_upper_bound.map(ir::num),
                )
                .attr("scaling_adjustment", ir::int(s.scaling_adjustment)),
        ));
    }
    Block::new("step_scaling_policy_configuration", &[], body)
}

/// The alarm on the service's AWS/ECS metric (dimensions ClusterName and ServiceName) that
/// invokes a step policy.
fn alarm(
    ctx: &mut Ctx<'_>,
    name: &ServiceName,
    svc: &Service,
    p: &Policy,
    names: &PolicyNames,
) -> Block {
    let id = name.ident();
    let a = p.alarm.clone().unwrap_or_default();
    let op = p
        .comparison_operator()
        .unwrap_or(crate::model::scaling::ComparisonOperator::GreaterThanOrEqualToThreshold);
    let threshold = a.threshold.unwrap_or_default();
    let metric = a.metric_name_or_default().to_owned();
    let description = format!(
        "Scales {name} {} with {} when {} {} {}.",
        if op.is_above() { "out" } else { "in" },
        names.aws,
        metric,
        op.symbol(),
        format_number(threshold)
    );
    let cluster = ctx.cluster_name();
    Block::resource(
        "aws_cloudwatch_metric_alarm",
        &names.label,
        Body::new()
            .attr("alarm_name", ir::str(names.aws.clone()))
            .attr("alarm_description", ir::str(description))
            .attr("namespace", ir::str(a.namespace_or_default()))
            .attr("metric_name", ir::str(metric))
            .attr("statistic", ir::str(a.statistic_or_default().as_str()))
            .attr("period", ir::int(i64::from(a.period_or_default())))
            .attr(
                "evaluation_periods",
                ir::int(i64::from(a.evaluation_periods_or_default())),
            )
            .attr_opt(
                "datapoints_to_alarm",
                a.datapoints_to_alarm.map(|d| ir::int(i64::from(d))),
            )
            .attr("threshold", ir::num(threshold))
            .attr("comparison_operator", ir::str(op.as_str()))
            .attr_opt(
                "treat_missing_data",
                a.treat_missing_data.map(|t| ir::str(t.as_str())),
            )
            .attr(
                "dimensions",
                ir::object([
                    ("ClusterName", cluster),
                    (
                        "ServiceName",
                        ir::reference("aws_ecs_service", &id, &["name"]),
                    ),
                ]),
            )
            .attr(
                "alarm_actions",
                ir::list([ir::reference(
                    "aws_appautoscaling_policy",
                    &names.label,
                    &["arn"],
                )]),
            )
            .attr_opt("tags", ctx.tags(Some(svc))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_group_suffix_from_arn() {
        assert_eq!(
            tg_suffix_of_arn(
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067"
            )
            .as_deref(),
            Some("targetgroup/api/73e2d6bc24d8a067")
        );
        assert_eq!(tg_suffix_of_arn("targetgroup/api/1"), None);
    }
}
