//! Application Auto Scaling: the scalable target, its policies and the step policies' alarms.
//!
//! Target tracking policies get no alarm here: Application Auto Scaling creates and owns theirs.
//! A step policy only acts when a CloudWatch alarm invokes it, so each one gets its alarm on the
//! service's AWS/ECS metric, with `alarm_actions` pointing at the policy.
//! Source: https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-step-scaling-policies.html

use crate::ir::Expr;

use crate::ir::{self, Block, Body, Part};
use crate::model::scaling::ComparisonOperator;
use crate::resolve::derived::format_number;
use crate::resolve::scaling::{
    Alarm, CustomizedMetric, Dimensions, Policy, PolicyName, ResourceLabel, Scaling,
    ScheduledAction, StepScaling, TargetMetric, TargetTracking,
};
use crate::resolve::Service;

use super::{Ctx, VarType};

/// Blocks appended to the service's file; empty without `auto_scaling`.
pub(super) fn blocks(ctx: &mut Ctx<'_>, svc: &Service) -> Vec<Block> {
    let Some(scaling) = &svc.scaling else {
        return Vec::new();
    };
    let name = &svc.name;
    let mut out = vec![target(ctx, svc, scaling)];

    // Policies and scheduled actions of one target are created one after the other, in one
    // chain: created at once, Application Auto Scaling fails all but one with
    // ConcurrentUpdateException (hashicorp/terraform-provider-aws#17915).
    let mut previous: Option<Expr> = None;
    for p in &scaling.policies {
        let names = p.name();
        let config = match p {
            Policy::TargetTracking(t) => target_tracking(ctx, svc, t),
            Policy::Step(s) => step_scaling(s),
        };
        out.push(scaling_policy(&name.ident(), p, config, previous.take()));
        previous = Some(ir::reference(
            "aws_appautoscaling_policy",
            &names.label,
            &[],
        ));
        ctx.output(
            format!("{}_policy_arn", names.label),
            format!("ARN of the {} scaling policy of {name}.", names.aws),
            ir::reference("aws_appautoscaling_policy", &names.label, &["arn"]),
        );
        if let Policy::Step(s) = p {
            out.push(alarm(ctx, svc, s));
            ctx.output(
                format!("{}_alarm_arn", names.label),
                format!(
                    "ARN of the CloudWatch alarm that triggers the {} scaling policy.",
                    names.aws
                ),
                ir::reference("aws_cloudwatch_metric_alarm", &names.label, &["arn"]),
            );
        }
    }
    for s in &scaling.scheduled {
        out.push(scheduled_action(svc, s, previous.take()));
        previous = Some(ir::reference(
            "aws_appautoscaling_scheduled_action",
            &s.label,
            &[],
        ));
    }
    out
}

/// `depends_on = [<the resource before>]`, when there is one.
fn after(previous: Option<Expr>) -> Option<Expr> {
    previous.map(|p| ir::list([p]))
}

/// The scalable target. Its resource ID names the service through `aws_ecs_service.<id>.name`,
/// so Terraform registers it only once the service exists, as RegisterScalableTarget requires.
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
fn target(ctx: &mut Ctx<'_>, svc: &Service, scaling: &Scaling) -> Block {
    let id = svc.name.ident();
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
            .attr("min_capacity", ir::int(i64::from(scaling.min_capacity)))
            .attr("max_capacity", ir::int(i64::from(scaling.max_capacity)))
            .attr_opt("tags", ctx.tags(Some(svc)))
            .blocks(schedule_owns_range(scaling)),
    )
}

/// A scheduled action changes the target's range in AWS; without this, every apply after one
/// has run would set the range back (and stop the tasks it started).
fn schedule_owns_range(scaling: &Scaling) -> Option<Block> {
    (!scaling.scheduled.is_empty()).then(|| {
        Block::new(
            "lifecycle",
            &[],
            Body::new().attr(
                "ignore_changes",
                ir::list([ir::ident("min_capacity"), ir::ident("max_capacity")]),
            ),
        )
    })
}

/// A scheduled action on the service's scalable target, created after the policy or action
/// before it: Application Auto Scaling refuses concurrent updates of one target.
/// Source: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
fn scheduled_action(svc: &Service, s: &ScheduledAction, previous: Option<Expr>) -> Block {
    let target =
        |attr: &str| ir::reference("aws_appautoscaling_target", &svc.name.ident(), &[attr]);
    Block::resource(
        "aws_appautoscaling_scheduled_action",
        &s.label,
        Body::new()
            .attr("name", ir::str(s.aws.clone()))
            .attr("service_namespace", target("service_namespace"))
            .attr("resource_id", target("resource_id"))
            .attr("scalable_dimension", target("scalable_dimension"))
            .attr("schedule", ir::str(s.schedule.clone()))
            .attr_opt("timezone", s.timezone.clone().map(ir::str))
            .block(Block::new(
                "scalable_target_action",
                &[],
                Body::new()
                    .attr_opt(
                        "min_capacity",
                        s.min_capacity.map(|c| ir::int(i64::from(c))),
                    )
                    .attr_opt(
                        "max_capacity",
                        s.max_capacity.map(|c| ir::int(i64::from(c))),
                    ),
            ))
            .attr_opt("depends_on", after(previous)),
    )
}

/// A policy on the service's scalable target, created after the one before it.
/// Source: https://github.com/hashicorp/terraform-provider-aws/issues/17915
fn scaling_policy(id: &str, p: &Policy, config: Block, previous: Option<Expr>) -> Block {
    let target = |attr: &str| ir::reference("aws_appautoscaling_target", id, &[attr]);
    let names: &PolicyName = p.name();
    Block::resource(
        "aws_appautoscaling_policy",
        &names.label,
        Body::new()
            .attr("name", ir::str(names.aws.clone()))
            .attr("policy_type", ir::str(p.kind().as_str()))
            .attr("resource_id", target("resource_id"))
            .attr("scalable_dimension", target("scalable_dimension"))
            .attr("service_namespace", target("service_namespace"))
            .block(config)
            .attr_opt("depends_on", after(previous)),
    )
}

fn target_tracking(ctx: &mut Ctx<'_>, svc: &Service, t: &TargetTracking) -> Block {
    let metric = match &t.metric {
        TargetMetric::Customized(c) => customized_metric(ctx, svc, c),
        TargetMetric::Predefined {
            metric,
            resource_label,
        } => {
            let label = resource_label.as_ref().map(|l| alb_label(ctx, svc, l));
            Block::new(
                "predefined_metric_specification",
                &[],
                Body::new()
                    .attr("predefined_metric_type", ir::str(metric.as_str()))
                    .attr_opt("resource_label", label),
            )
        }
    };
    let body = Body::new()
        .attr("target_value", ir::num(t.target_value))
        .attr_opt(
            "scale_in_cooldown",
            t.scale_in_cooldown.map(|c| ir::int(i64::from(c))),
        )
        .attr_opt(
            "scale_out_cooldown",
            t.scale_out_cooldown.map(|c| ir::int(i64::from(c))),
        )
        .attr_opt("disable_scale_in", t.disable_scale_in.map(ir::bool))
        .block(metric);
    Block::new("target_tracking_scaling_policy_configuration", &[], body)
}

fn customized_metric(ctx: &mut Ctx<'_>, svc: &Service, c: &CustomizedMetric) -> Block {
    let mut body = Body::new()
        .attr("namespace", ir::str(c.namespace.clone()))
        .attr("metric_name", ir::str(c.metric_name.clone()))
        .attr("statistic", ir::str(c.statistic.as_str()))
        .attr_opt("unit", c.unit.clone().map(ir::str));
    for (k, v) in dimensions(ctx, svc, &c.dimensions) {
        body = body.block(Block::new(
            "dimensions",
            &[],
            Body::new().attr("name", ir::str(k)).attr("value", v),
        ));
    }
    Block::new("customized_metric_specification", &[], body)
}

/// A metric's dimensions as (name, value) pairs: the given ones, or this service's cluster and
/// service name (references, so the alarm follows the resources).
fn dimensions(ctx: &mut Ctx<'_>, svc: &Service, d: &Dimensions) -> Vec<(String, Expr)> {
    match d {
        Dimensions::Given(given) => given
            .iter()
            .map(|(k, v)| (k.clone(), ir::str(v.clone())))
            .collect(),
        Dimensions::Service => vec![
            ("ClusterName".to_owned(), ctx.cluster_name()),
            (
                "ServiceName".to_owned(),
                ir::reference("aws_ecs_service", &svc.name.ident(), &["name"]),
            ),
        ],
    }
}

/// `app/<lb>/<id>/targetgroup/<tg>/<id>`: as given, else from the load balancer's ARN suffixes,
/// with module variables for the parts the stack does not give.
fn alb_label(ctx: &mut Ctx<'_>, svc: &Service, label: &ResourceLabel) -> Expr {
    let (lb_suffix, tg_suffix) = match label {
        ResourceLabel::Given(l) => return ir::str(l.clone()),
        ResourceLabel::Parts {
            load_balancer,
            target_group,
        } => (load_balancer, target_group),
    };
    let (name, id) = (&svc.name, svc.name.ident());
    let lb_part = match lb_suffix {
        Some(s) => Part::Lit(s.as_str()),
        None => Part::Interp(ctx.var(
            &format!("{id}_lb_arn_suffix"),
            VarType::String,
            &format!(
                "Final part of the ARN of the load balancer in front of {name} (app/<name>/<id>), for ALBRequestCountPerTarget scaling."
            ),
        )),
    };
    let tg_part = match tg_suffix {
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

fn step_scaling(s: &StepScaling) -> Block {
    let mut body = Body::new()
        .attr("adjustment_type", ir::str(s.adjustment_type.as_str()))
        .attr_opt("cooldown", s.cooldown.map(|c| ir::int(i64::from(c))))
        .attr_opt(
            "metric_aggregation_type",
            s.metric_aggregation_type.map(|m| ir::str(m.as_str())),
        )
        .attr_opt(
            "min_adjustment_magnitude",
            s.min_adjustment_magnitude.map(ir::int),
        );
    for step in &s.steps {
        body = body.block(Block::new(
            "step_adjustment",
            &[],
            Body::new()
                .attr_opt(
                    "metric_interval_lower_bound",
                    step.metric_interval_lower_bound.map(ir::num),
                )
                .attr_opt(
                    "metric_interval_upper_bound",
                    step.metric_interval_upper_bound.map(ir::num),
                )
                .attr("scaling_adjustment", ir::int(step.scaling_adjustment)),
        ));
    }
    Block::new("step_scaling_policy_configuration", &[], body)
}

/// The description gen-tf writes on a step policy's alarm: which service it scales, which way,
/// with which policy, and when. `gen-tf import` reads it to tell its own from a person's.
pub(crate) fn alarm_description(
    service: &str,
    policy: &str,
    metric: &str,
    op: ComparisonOperator,
    threshold: f64,
) -> String {
    format!(
        "Scales {service} {} with {policy} when {metric} {} {}.",
        if op.is_above() { "out" } else { "in" },
        op.symbol(),
        format_number(threshold)
    )
}

/// The alarm that invokes a step policy: on the service's own metric by default (AWS/ECS,
/// dimensions ClusterName and ServiceName), or on any metric with its own dimensions, such as
/// a queue's depth.
fn alarm(ctx: &mut Ctx<'_>, svc: &Service, s: &StepScaling) -> Block {
    let name = &svc.name;
    let a: &Alarm = &s.alarm;
    let op = a.comparison_operator;
    let description =
        alarm_description(name.as_str(), &s.name.aws, &a.metric_name, op, a.threshold);
    let dims = dimensions(ctx, svc, &a.dimensions);
    Block::resource(
        "aws_cloudwatch_metric_alarm",
        &s.name.label,
        Body::new()
            .attr("alarm_name", ir::str(a.name.clone()))
            .attr("alarm_description", ir::str(description))
            .attr("namespace", ir::str(a.namespace.clone()))
            .attr("metric_name", ir::str(a.metric_name.clone()))
            .attr("statistic", ir::str(a.statistic.as_str()))
            .attr("period", ir::int(i64::from(a.period)))
            .attr(
                "evaluation_periods",
                ir::int(i64::from(a.evaluation_periods)),
            )
            .attr_opt(
                "datapoints_to_alarm",
                a.datapoints_to_alarm.map(|d| ir::int(i64::from(d))),
            )
            .attr("threshold", ir::num(a.threshold))
            .attr("comparison_operator", ir::str(op.as_str()))
            .attr_opt(
                "treat_missing_data",
                a.treat_missing_data.map(|t| ir::str(t.as_str())),
            )
            .attr("dimensions", ir::object(dims))
            .attr(
                "alarm_actions",
                ir::list([ir::reference(
                    "aws_appautoscaling_policy",
                    &s.name.label,
                    &["arn"],
                )]),
            )
            .attr_opt("tags", ctx.tags(Some(svc))),
    )
}
