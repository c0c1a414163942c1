//! The module-wide files: `versions.tf`, `variables.tf` and `outputs.tf`.

use std::fmt;

use crate::ir::{self, Block, Body, Content, File, Item};

use super::Ctx;

/// A release of the AWS provider, as a version constraint writes it (`6.25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ProviderVersion(u32, u32);

impl fmt::Display for ProviderVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// The oldest AWS provider every module works with: 5.100, the last 5.x release, which
/// `tests/terraform.rs` runs real Terraform against. Everything gen-tf writes by default exists
/// in it and in 6.x alike (docs/provider-majors.md); older 5.x releases are not tested.
const FLOOR: ProviderVersion = ProviderVersion(5, 100);

/// The first major that gen-tf has not been checked against.
const UNTESTED_MAJOR: u32 = 7;

/// An argument or nested block that provider 5.100 lacks, and the first release that has it.
struct Feature {
    /// `resource` or `data`.
    kind: &'static str,
    /// The resource or data source type; `*` for every type.
    ty: &'static str,
    /// The argument or block, after the blocks it is nested in.
    path: &'static [&'static str],
    since: ProviderVersion,
    /// Where the provider's changelog adds it.
    changelog: &'static str,
}

const fn feature(
    kind: &'static str,
    ty: &'static str,
    path: &'static [&'static str],
    since: ProviderVersion,
    changelog: &'static str,
) -> Feature {
    Feature {
        kind,
        ty,
        path,
        since,
        changelog,
    }
}

/// What raises a module's floor above [`FLOOR`]: a module that writes one of these gets its
/// `since` as the floor. They are the 6.x-only options of the types gen-tf writes that a stack
/// could ask for (docs/provider-majors.md, README "Provider versions"); `deployment.strategy`
/// and `advanced_configuration` write the ECS deployment ones (issue 27), so a field that
/// writes one needs no change here. A 6.x-only argument
/// missing from this list shows when the provider-schema self-check checks a module against
/// every major its range admits (schemas/aws-provider-5.100-subset.json), and in
/// `tests/terraform.rs`, which plans every module with provider 5.100.
const NEWER_FEATURES: &[Feature] = &[
    // Enhanced region support: a `region` on each regional resource and data source.
    feature(
        "resource",
        "*",
        &["region"],
        ProviderVersion(6, 0),
        "#43075",
    ),
    feature("data", "*", &["region"], ProviderVersion(6, 0), "#43075"),
    // ECS blue/green deployments and their alternate target group.
    feature(
        "resource",
        "aws_ecs_service",
        &["deployment_configuration"],
        ProviderVersion(6, 4),
        "#43434",
    ),
    feature(
        "resource",
        "aws_ecs_service",
        &["load_balancer", "advanced_configuration"],
        ProviderVersion(6, 4),
        "#43434",
    ),
    // Service Connect test traffic of those deployments.
    feature(
        "resource",
        "aws_ecs_service",
        &[
            "service_connect_configuration",
            "service",
            "client_alias",
            "test_traffic_rules",
        ],
        ProviderVersion(6, 4),
        "#43434",
    ),
    feature(
        "resource",
        "aws_ecs_service",
        &["sigint_rollback"],
        ProviderVersion(6, 11),
        "#43986",
    ),
    // ECS predictive scaling (`policy_type = "PredictiveScaling"`).
    feature(
        "resource",
        "aws_appautoscaling_policy",
        &["predictive_scaling_policy_configuration"],
        ProviderVersion(6, 13),
        "6.13.0",
    ),
    // LINEAR and CANARY deployment strategies.
    feature(
        "resource",
        "aws_ecs_service",
        &["deployment_configuration", "linear_configuration"],
        ProviderVersion(6, 21),
        "#44842",
    ),
    feature(
        "resource",
        "aws_ecs_service",
        &["deployment_configuration", "canary_configuration"],
        ProviderVersion(6, 21),
        "#44842",
    ),
    feature(
        "resource",
        "aws_cloudwatch_log_group",
        &["deletion_protection_enabled"],
        ProviderVersion(6, 25),
        "#45298",
    ),
];

/// Each feature of [`NEWER_FEATURES`] that a module's files write, with the first block (as
/// `resource.TYPE.NAME`) that writes it.
fn features_used(files: &[File]) -> Vec<(&'static Feature, String)> {
    let blocks: Vec<&Block> = files
        .iter()
        .filter_map(|f| match &f.content {
            Content::Terraform(body) => Some(body),
            Content::Text(_) => None,
        })
        .flat_map(|body| &body.items)
        .filter_map(|item| match item {
            Item::Block(b) => Some(b),
            _ => None,
        })
        .collect();
    let uses = |f: &Feature, b: &Block| match b.labels.as_slice() {
        [ty, _] => {
            b.ident.as_str() == f.kind && (f.ty == "*" || f.ty == ty) && writes(&b.body, f.path)
        }
        _ => false,
    };
    NEWER_FEATURES
        .iter()
        .filter_map(|f| {
            let b = blocks.iter().find(|b| uses(f, b))?;
            Some((f, format!("{}.{}", b.ident, b.labels.join("."))))
        })
        .collect()
}

/// Whether `body` sets the argument or has the block at `path`, directly or in the `content`
/// of a `dynamic` block.
fn writes(body: &Body, path: &[&str]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return true;
    };
    body.items.iter().any(|item| match item {
        Item::Attribute(a) => rest.is_empty() && a.key.as_str() == *first,
        Item::Block(b) if b.ident.as_str() == *first => writes(&b.body, rest),
        Item::Block(b) if b.ident.as_str() == "dynamic" && b.labels == [*first] => {
            b.body.items.iter().any(|i| match i {
                Item::Block(c) => c.ident.as_str() == "content" && writes(&c.body, rest),
                _ => false,
            })
        }
        _ => false,
    })
}

/// Terraform >= 1.5 and the AWS provider range that the module's files need: [`FLOOR`], raised
/// by each feature of [`NEWER_FEATURES`] they write (each named in a comment), up to the next
/// untested major.
pub(crate) fn versions(files: &[File]) -> Body {
    let used = features_used(files);
    let floor = used.iter().map(|(f, _)| f.since).fold(FLOOR, Ord::max);
    let mut providers = Body::new();
    for (f, block) in &used {
        let what = format!("{block}.{}", f.path.join("."));
        let why = format!(
            "aws >= {}: {what} (provider changelog {})",
            f.since, f.changelog
        );
        providers = providers.comment(why);
    }
    let range = format!(">= {floor}, < {UNTESTED_MAJOR}.0");
    Body::new().block(Block::new(
        "terraform",
        &[],
        Body::new()
            .attr("required_version", ir::str(">= 1.5"))
            .block(Block::new(
                "required_providers",
                &[],
                providers.attr(
                    "aws",
                    ir::object([
                        ("source", ir::str("hashicorp/aws")),
                        ("version", ir::str(range)),
                    ]),
                ),
            )),
    ))
}

/// `data.tf`: the data sources lowering read, or `None` when it read none.
pub(crate) fn data(ctx: &Ctx<'_>) -> Option<Body> {
    let mut body = Body::new();
    for ty in ctx.data_sources() {
        body.push_block(Block::data(ty, "current", Body::new()));
    }
    (!body.is_empty()).then_some(body)
}

pub(crate) fn variables(ctx: &Ctx<'_>) -> Body {
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

pub(crate) fn outputs(ctx: &Ctx<'_>) -> Body {
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::emit::hcl::print_file;

    fn module(items: Vec<Block>) -> Vec<File> {
        vec![File {
            name: "api.tf".to_owned(),
            content: Content::Terraform(Body::new().blocks(items)),
        }]
    }

    fn log_group(body: Body) -> Block {
        Block::resource(
            "aws_cloudwatch_log_group",
            "api",
            body.attr("name", ir::str("/ecs/api")),
        )
    }

    #[test]
    fn modules_admit_provider_5_100_and_6() {
        let text = print_file(&versions(&module(vec![log_group(Body::new())])));
        assert!(text.contains("version = \">= 5.100, < 7.0\""), "{text}");
        assert!(!text.contains("# aws"), "{text}");
    }

    #[test]
    fn a_6x_only_feature_raises_the_floor_and_says_why() {
        let protected = log_group(Body::new().attr("deletion_protection_enabled", ir::bool(true)));
        let files = module(vec![protected]);
        let text = print_file(&versions(&files));
        assert!(text.contains("version = \">= 6.25, < 7.0\""), "{text}");
        let json = crate::emit::json::print_file(&versions(&files));
        assert!(json.contains("\"version\": \">= 6.25, < 7.0\""), "{json}");
        assert!(
            text.contains(
                "# aws >= 6.25: resource.aws_cloudwatch_log_group.api.deletion_protection_enabled"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_newest_feature_sets_the_floor_also_in_nested_and_dynamic_blocks() {
        let linear = Block::new(
            "dynamic",
            &["linear_configuration"],
            Body::new().block(Block::new(
                "content",
                &[],
                Body::new().attr("step_percent", ir::int(10)),
            )),
        );
        let service = Block::resource(
            "aws_ecs_service",
            "api",
            Body::new().attr("name", ir::str("api")).block(Block::new(
                "deployment_configuration",
                &[],
                Body::new().block(linear),
            )),
        );
        let text = print_file(&versions(&module(vec![service])));
        assert!(text.contains("version = \">= 6.21, < 7.0\""), "{text}");
        assert_eq!(text.matches("# aws >= ").count(), 2, "6.4 and 6.21: {text}");
    }

    /// The self-check holds a module to the 5.100 schema exactly while its range admits 5.x:
    /// a 6.x-only argument under the default range fails it, naming provider 5.100.0; with the
    /// floor that lowering computes for the same argument, it passes.
    #[test]
    fn a_6x_only_argument_fails_the_self_check_while_the_range_admits_5x() {
        use crate::ir::Module;
        use crate::provider_schema::check_module;
        let service = Block::resource(
            "aws_ecs_service",
            "api",
            Body::new()
                .attr("name", ir::str("api"))
                .attr("sigint_rollback", ir::bool(true)),
        );
        let with_versions = |versions: Body| {
            let mut files = module(vec![service.clone()]);
            files.push(File {
                name: "versions.tf".to_owned(),
                content: Content::Terraform(versions),
            });
            Module { files }
        };
        // As if NEWER_FEATURES lacked sigint_rollback: the default range, which admits 5.100.
        let default_range = with_versions(versions(&module(vec![])));
        let problems = check_module(&default_range);
        let found: Vec<(String, String)> = problems
            .iter()
            .map(|p| (p.provider.clone(), p.to_string()))
            .collect();
        assert_eq!(
            found,
            [(
                "5.100.0".to_owned(),
                "api.tf: resource.aws_ecs_service.api: sigint_rollback: unsupported argument \
                 \"sigint_rollback\""
                    .to_owned()
            )]
        );
        // As lowering writes it: the feature raises the floor to 6.11, so 5.100 is not checked.
        let computed = with_versions(versions(&module(vec![service.clone()])));
        assert_eq!(check_module(&computed), []);
    }

    /// Whether a provider schema subset has the feature on `ty`.
    fn has(schema: &Value, f: &Feature, ty: &str) -> bool {
        let table = if f.kind == "resource" {
            "resources"
        } else {
            "data"
        };
        let (last, outer) = f.path.split_last().expect("a path");
        let at = outer
            .iter()
            .fold(&schema[table][ty], |at, b| &at["blocks"][b]["schema"]);
        at["arguments"].get(last).is_some() || at["blocks"].get(last).is_some()
    }

    /// Each entry of [`NEWER_FEATURES`] is what it claims: missing from the provider 5.100
    /// schema and present in the 6.25 one (both written by scripts/extract-provider-schema*).
    #[test]
    fn newer_features_are_6x_only_in_the_provider_schemas() {
        let v5 = include_str!("../../schemas/aws-provider-5.100-subset.json");
        let v6 = include_str!("../../schemas/aws-provider-subset.json");
        let v5: Value = serde_json::from_str(v5).expect("the 5.100 subset is JSON");
        let v6: Value = serde_json::from_str(v6).expect("the 6.25 subset is JSON");
        for f in NEWER_FEATURES {
            // A feature of every type is checked on one type of its kind.
            let ty = match (f.ty, f.kind) {
                ("*", "resource") => "aws_ecs_service",
                ("*", _) => "aws_region",
                (ty, _) => ty,
            };
            let what = format!("{} {ty} {}", f.kind, f.path.join("."));
            assert!(has(&v6, f, ty), "6.25 has {what}");
            assert!(!has(&v5, f, ty), "5.100 lacks {what}");
            assert!(
                f.since > FLOOR && f.since <= ProviderVersion(6, 25),
                "{what}"
            );
        }
    }
}
