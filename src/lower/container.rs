//! Container definitions, for the `jsonencode` of a task definition. The main container and the
//! sidecars are written by the same code.

use crate::ir::Expr;

use crate::ir;
use crate::resolve::{Container, Service};

use super::{Ctx, VarType};

/// One container definition, in the field order of ECS's own documentation.
pub fn definition(ctx: &mut Ctx<'_>, svc: &Service, c: &Container) -> Expr {
    let image = match &c.image {
        Some(i) => ir::str(i.clone()),
        None => ctx.var(
            &format!("{}_image", svc.name.ident()),
            VarType::String,
            &format!(
                "Container image of {}, for example an ECR URI with a tag.",
                svc.name
            ),
        ),
    };
    let mut fields: Vec<(&str, Expr)> = vec![
        ("name", ir::str(c.name.clone())),
        ("image", image),
        ("essential", ir::bool(c.essential)),
    ];
    if let Some(m) = c.memory {
        fields.push(("memory", ir::int(i64::from(m))));
    }
    if let Some(r) = c.memory_reservation {
        fields.push(("memoryReservation", ir::int(i64::from(r))));
    }
    if let Some(p) = c.port {
        let mut mapping = Vec::new();
        if let Some(name) = &c.port_name {
            mapping.push(("name", ir::str(name.clone())));
        }
        mapping.push(("containerPort", ir::int(i64::from(p))));
        mapping.push(("protocol", ir::str("tcp")));
        fields.push(("portMappings", ir::list([ir::object(mapping)])));
    }
    if !c.environment.is_empty() {
        fields.push((
            "environment",
            ir::list(c.environment.iter().map(|(k, v)| {
                ir::object([("name", ir::str(k.clone())), ("value", ir::str(v.clone()))])
            })),
        ));
    }
    if !c.secrets.is_empty() {
        fields.push((
            "secrets",
            ir::list(c.secrets.iter().map(|s| {
                ir::object([
                    ("name", ir::str(s.name.clone())),
                    ("valueFrom", ir::str(s.value_from.clone())),
                ])
            })),
        ));
    }
    if c.read_only_root_filesystem {
        fields.push(("readonlyRootFilesystem", ir::bool(true)));
    }
    if c.init_process_enabled {
        fields.push((
            "linuxParameters",
            ir::object([("initProcessEnabled", ir::bool(true))]),
        ));
    }
    fields.push(("logConfiguration", log_configuration(ctx, svc, &c.name)));
    ir::object(fields)
}

fn log_configuration(ctx: &mut Ctx<'_>, svc: &Service, stream_prefix: &str) -> Expr {
    let region = ctx.region();
    ir::object([
        ("logDriver", ir::str("awslogs")),
        (
            "options",
            ir::object([
                (
                    "awslogs-group",
                    ir::reference("aws_cloudwatch_log_group", &svc.name.ident(), &["name"]),
                ),
                ("awslogs-region", region),
                ("awslogs-stream-prefix", ir::str(stream_prefix)),
            ]),
        ),
    ])
}
