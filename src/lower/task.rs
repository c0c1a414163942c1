//! A service's task definition: size, platform, roles and container definitions.

use crate::ir::{self, Block, Body};
use crate::resolve::volume::Volume;
use crate::resolve::Service;

use super::{container, Ctx};

pub(super) fn task_definition(ctx: &mut Ctx<'_>, svc: &Service) -> Block {
    let id = svc.name.ident();
    let mut containers = vec![container::definition(ctx, svc, &svc.container)];
    containers.extend(
        svc.sidecars
            .iter()
            .map(|c| container::definition(ctx, svc, c)),
    );
    let mut body = Body::new();
    // checkov reads every container definition, sidecars included.
    let writable: Vec<&str> = svc
        .containers()
        .filter(|c| !c.settings.read_only_root_filesystem)
        .map(|c| c.name.as_str())
        .collect();
    if !writable.is_empty() {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_336:{} writes to its root filesystem (read_only_root_filesystem is not set)",
            writable.join(", ")
        ));
    }
    for v in &svc.task.volumes {
        if v.efs.as_ref().is_some_and(|e| !e.transit_encryption) {
            body = body.comment(format!(
                "checkov:skip=CKV_AWS_97:volume {} sets transit_encryption: 'DISABLED'",
                v.name
            ));
        }
    }
    body = body
        .attr("family", ir::str(svc.names.family.clone()))
        .attr("requires_compatibilities", ir::list([ir::str("FARGATE")]))
        .attr("network_mode", ir::str("awsvpc"))
        .attr("cpu", ir::str(svc.task.cpu.to_string()))
        .attr("memory", ir::str(svc.task.memory.to_string()))
        .attr(
            "execution_role_arn",
            ir::reference("aws_iam_role", &format!("{id}_execution"), &["arn"]),
        )
        .attr(
            "task_role_arn",
            ir::reference("aws_iam_role", &format!("{id}_task"), &["arn"]),
        )
        .attr(
            "container_definitions",
            ir::call("jsonencode", vec![ir::list(containers)]),
        )
        .attr_opt("tags", ctx.tags(Some(svc)))
        .blocks(svc.task.ephemeral_storage_gib.map(|gib| {
            Block::new(
                "ephemeral_storage",
                &[],
                Body::new().attr("size_in_gib", ir::int(i64::from(gib))),
            )
        }))
        .blocks(svc.task.volumes.iter().map(volume))
        .block(Block::new(
            "runtime_platform",
            &[],
            Body::new()
                .attr("operating_system_family", ir::str(svc.task.os.as_str()))
                .attr("cpu_architecture", ir::str(svc.task.architecture.as_str())),
        ));
    Block::resource("aws_ecs_task_definition", &id, body)
}

/// A `volume` block: a bind volume (a name only) or an EFS file system.
fn volume(v: &Volume) -> Block {
    let toggle = |on: bool| ir::str(if on { "ENABLED" } else { "DISABLED" });
    let efs = v.efs.as_ref().map(|e| {
        let authorization = (e.access_point_id.is_some() || e.iam).then(|| {
            Block::new(
                "authorization_config",
                &[],
                Body::new()
                    .attr_opt("access_point_id", e.access_point_id.clone().map(ir::str))
                    .attr_opt("iam", e.iam.then(|| toggle(true))),
            )
        });
        Block::new(
            "efs_volume_configuration",
            &[],
            Body::new()
                .attr("file_system_id", ir::str(e.file_system_id.clone()))
                .attr_opt("root_directory", e.root_directory.clone().map(ir::str))
                .attr("transit_encryption", toggle(e.transit_encryption))
                .blocks(authorization),
        )
    });
    Block::new(
        "volume",
        &[],
        Body::new()
            .attr("name", ir::str(v.name.clone()))
            .attr_opt(
                "configure_at_launch",
                v.configure_at_launch.then(|| ir::bool(true)),
            )
            .blocks(efs),
    )
}
