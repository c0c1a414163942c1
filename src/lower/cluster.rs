//! A cluster the stack owns: `aws_ecs_cluster` with Container Insights and the capacity
//! providers its services use.

use crate::ir::{self, Block, Body};
use crate::resolve::Cluster;

use super::Ctx;

pub(super) fn lower(ctx: &mut Ctx<'_>, cluster: &Cluster) -> Body {
    let mut cluster_body = Body::new();
    if !cluster.container_insights {
        cluster_body = cluster_body.comment(
            "checkov:skip=CKV_AWS_65:Container Insights turned off by cluster.container_insights = false in the stack",
        );
    }
    cluster_body = cluster_body
        .attr("name", ir::str(cluster.name.clone()))
        .attr_opt("tags", ctx.tags(None))
        .block(Block::new(
            "setting",
            &[],
            Body::new().attr("name", ir::str("containerInsights")).attr(
                "value",
                ir::str(if cluster.container_insights {
                    "enabled"
                } else {
                    "disabled"
                }),
            ),
        ));

    let providers_body = Body::new()
        .attr(
            "cluster_name",
            ir::reference("aws_ecs_cluster", "this", &["name"]),
        )
        .attr(
            "capacity_providers",
            ir::list(
                cluster
                    .capacity_providers
                    .iter()
                    .map(|p| ir::str(p.as_str())),
            ),
        );

    ctx.output(
        "cluster_name".to_owned(),
        "Name of the ECS cluster.".to_owned(),
        ir::reference("aws_ecs_cluster", "this", &["name"]),
    );
    ctx.output(
        "cluster_arn".to_owned(),
        "ARN of the ECS cluster.".to_owned(),
        ir::reference("aws_ecs_cluster", "this", &["arn"]),
    );

    Body::new()
        .block(Block::resource("aws_ecs_cluster", "this", cluster_body))
        .block(Block::resource(
            "aws_ecs_cluster_capacity_providers",
            "this",
            providers_body,
        ))
}
