//! The module-wide files: `versions.tf`, `variables.tf` and `outputs.tf`.

use crate::ir::{self, Block, Body};

use super::Ctx;

/// Terraform >= 1.5 and the AWS provider `~> 6.0`: 6.x is the first major whose
/// `aws_ecs_service` takes `force_new_deployment` with capacity provider strategy changes.
pub fn versions() -> Body {
    Body::new().block(Block::new(
        "terraform",
        &[],
        Body::new()
            .attr("required_version", ir::str(">= 1.5"))
            .block(Block::new(
                "required_providers",
                &[],
                Body::new().attr(
                    "aws",
                    ir::object([
                        ("source", ir::str("hashicorp/aws")),
                        ("version", ir::str("~> 6.0")),
                    ]),
                ),
            )),
    ))
}

/// `data.tf`: the data sources lowering read, or `None` when it read none.
pub fn data(ctx: &Ctx<'_>) -> Option<Body> {
    let mut body = Body::new();
    for ty in ctx.data_sources() {
        body.push_block(Block::data(ty, "current", Body::new()));
    }
    (!body.is_empty()).then_some(body)
}

pub fn variables(ctx: &Ctx<'_>) -> Body {
    let mut body = Body::new();
    for (name, decl) in ctx.variables() {
        body.push_block(Block::new(
            "variable",
            &[name],
            Body::new()
                .attr("type", decl.ty.clone())
                .attr("description", ir::str(decl.description.clone()))
                .attr_opt("default", decl.default.clone()),
        ));
    }
    body
}

pub fn outputs(ctx: &Ctx<'_>) -> Body {
    let mut body = Body::new();
    for out in ctx.outputs() {
        body.push_block(Block::new(
            "output",
            &[&out.name],
            Body::new()
                .attr("description", ir::str(out.description.clone()))
                .attr("value", out.value.clone()),
        ));
    }
    body
}
