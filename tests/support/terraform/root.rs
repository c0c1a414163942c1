//! The root configuration that calls every module under test of one syntax and one provider
//! version (issue 22): one `module` block per module, with a placeholder for each variable
//! without a default and the AWS provider of the module's region passed in; and the
//! `terraform test` file that overrides, by module path, the data sources that call AWS.
//! Written in the modules' own syntax: `main.tf` for HCL modules, `main.tf.json` for JSON ones.

use std::collections::BTreeSet;

use hcl::expr::{Object, Traversal, Variable};
use hcl::{Block, Body, Expression, Identifier, ObjectKey};
use serde_json::{json, Map, Value};

use super::module_copy::{data_override, hcl_text, placeholder, provider_settings, Declared};

/// Arguments of a `module` block that Terraform reserves: a variable of that name cannot be set.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

/// A module in a root configuration.
pub struct Member {
    /// The module's index in the caller's list.
    pub index: usize,
    /// Its `module` block's name, also the name of its directory: `m007`.
    pub name: String,
    pub declared: Declared,
    /// The region its provider is configured for (the stack's, else `us-east-1`).
    pub region: String,
}

impl Member {
    /// `Err` when a variable cannot be set from a `module` block.
    pub fn check_variables(declared: &Declared) -> Result<(), String> {
        match declared
            .variables
            .iter()
            .find(|(name, _)| META_ARGUMENTS.contains(&name.as_str()))
        {
            Some((name, _)) => Err(format!(
                "variable {name:?} has the name of a module meta-argument; the harness cannot set it"
            )),
            None => Ok(()),
        }
    }

    /// Whether a line of Terraform's output is about this module: a path in its directory or
    /// its module address.
    pub fn named_in(&self, line: &str) -> bool {
        if line.contains(&format!("/{}/", self.name)) {
            return true;
        }
        let address = format!("module.{}", self.name);
        line.match_indices(&address).any(|(at, _)| {
            let next = line[at + address.len()..].chars().next();
            !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
    }

    fn variables(&self) -> Vec<(String, Value)> {
        self.declared
            .variables
            .iter()
            .map(|(name, ty)| (name.clone(), placeholder(name, ty.as_ref(), &self.region)))
            .collect()
    }
}

/// `aws.r_eu_west_1`'s alias for a region.
fn alias(region: &str) -> String {
    format!("r_{}", region.replace('-', "_"))
}

fn regions(members: &[&Member]) -> BTreeSet<String> {
    members.iter().map(|m| m.region.clone()).collect()
}

/// `main.tf`: the provider pinned to `version`, one provider configuration per region (the
/// default one for the first), and a `module` block per member whose source is `../m/<name>`.
pub fn hcl_root(members: &[&Member], version: &str) -> String {
    let aws = json!({ "source": "hashicorp/aws", "version": format!("= {version}") });
    let providers = Block::builder("required_providers")
        .add_attribute(("aws", hcl::to_expression(aws).expect("an object")))
        .build();
    let mut body =
        Body::builder().add_block(Block::builder("terraform").add_block(providers).build());
    let regions = regions(members);
    let default = regions.iter().next().cloned();
    let configs = default.iter().map(|r| provider_settings(r, None)).chain(
        regions
            .iter()
            .map(|r| provider_settings(r, Some(&alias(r)))),
    );
    for settings in configs {
        let mut provider = Block::builder("provider").add_label("aws");
        for (key, value) in settings {
            provider = provider.add_attribute((key, hcl::to_expression(value).expect("a value")));
        }
        body = body.add_block(provider.build());
    }
    for m in members {
        let reference = Traversal::builder(Variable::unchecked("aws"))
            .attr(alias(&m.region))
            .build();
        let passed = Object::from([(
            ObjectKey::Identifier(Identifier::unchecked("aws")),
            Expression::from(reference),
        )]);
        let mut call = Block::builder("module")
            .add_label(m.name.as_str())
            .add_attribute(("source", format!("../m/{}", m.name)))
            .add_attribute(("providers", Expression::Object(passed)));
        for (name, value) in m.variables() {
            call = call.add_attribute((name, hcl::to_expression(value).expect("a value")));
        }
        body = body.add_block(call.build());
    }
    hcl_text(&body.build())
}

/// `main.tf.json`: the same root as [`hcl_root`], in JSON syntax.
pub fn json_root(members: &[&Member], version: &str) -> String {
    let regions = regions(members);
    let default = regions.iter().next().cloned();
    let providers: Vec<Value> = default
        .iter()
        .map(|r| provider_settings(r, None))
        .chain(
            regions
                .iter()
                .map(|r| provider_settings(r, Some(&alias(r)))),
        )
        .map(Value::Object)
        .collect();
    let modules: Map<String, Value> = members
        .iter()
        .map(|m| {
            let mut call = Map::new();
            call.insert("source".to_owned(), format!("../m/{}", m.name).into());
            call.insert(
                "providers".to_owned(),
                json!({ "aws": format!("aws.{}", alias(&m.region)) }),
            );
            call.extend(m.variables());
            (m.name.clone(), Value::Object(call))
        })
        .collect();
    let root = json!({
        "terraform": { "required_providers": { "aws": {
            "source": "hashicorp/aws",
            "version": format!("= {version}"),
        } } },
        "provider": { "aws": providers },
        "module": modules,
    });
    serde_json::to_string_pretty(&root).expect("JSON")
}

/// A `terraform test` file: one plan of the whole root, by the real provider, with every data
/// source that calls AWS overridden by its module path (`module.m007.data.aws_caller_identity.x`).
pub fn test_file(members: &[&Member]) -> String {
    let mut body = Body::builder();
    for m in members {
        for data in m.declared.remote_data() {
            let (ty, name, _) = data;
            let target = Traversal::builder(Variable::unchecked("module"))
                .attr(m.name.as_str())
                .attr("data")
                .attr(ty.as_str())
                .attr(name.as_str())
                .build();
            let values = hcl::to_expression(data_override(data, &m.region)).expect("an object");
            body = body.add_block(
                Block::builder("override_data")
                    .add_attribute(("target", Expression::from(target)))
                    .add_attribute(("values", values))
                    .build(),
            );
        }
    }
    let plan_options = Block::builder("plan_options")
        .add_attribute(("refresh", false))
        .build();
    let run = Block::builder("run")
        .add_label("plan")
        .add_attribute(("command", Expression::from(Variable::unchecked("plan"))))
        .add_block(plan_options)
        .build();
    hcl_text(&body.add_block(run).build())
}

/// Terraform's error diagnostics in a command's output, one list of lines each (the frame
/// characters of its boxes removed), at most 60 lines each.
pub fn error_blocks(text: &str) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let bare = line
            .trim_start_matches(['│', '╷', '╵'])
            .trim_end()
            .strip_prefix(' ')
            .unwrap_or_else(|| line.trim_start_matches(['│', '╷', '╵']).trim_end());
        let head = bare.trim_start();
        if head.starts_with("Error:") {
            blocks.push(Vec::new());
            open = true;
        } else if head.starts_with("Warning:") || line.starts_with('╵') {
            open = false;
        }
        if open {
            let block = blocks.last_mut().expect("a block is open");
            if block.len() < 60 {
                block.push(bare.to_owned());
            }
        }
    }
    blocks
}
