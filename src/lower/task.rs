//! A service's task definition: size, platform, roles and container definitions.

use crate::ir::{self, Block, Body};
use crate::resolve::Service;

use super::{container, Ctx};

pub fn task_definition(ctx: &mut Ctx<'_>, svc: &Service) -> Block {
    let (name, id) = (&svc.name, svc.name.ident());
    let mut containers = vec![container::definition(ctx, svc, &svc.container)];
    containers.extend(
        svc.sidecars
            .iter()
            .map(|c| container::definition(ctx, svc, c)),
    );
    let mut body = Body::new();
    if !svc.container.read_only_root_filesystem {
        body = body.comment(format!(
            "checkov:skip=CKV_AWS_336:{name} writes to its root filesystem (read_only_root_filesystem is not set)"
        ));
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
        .block(Block::new(
            "runtime_platform",
            &[],
            Body::new()
                .attr("operating_system_family", ir::str(svc.task.os.as_str()))
                .attr("cpu_architecture", ir::str(svc.task.architecture.as_str())),
        ));
    Block::resource("aws_ecs_task_definition", &id, body)
}
