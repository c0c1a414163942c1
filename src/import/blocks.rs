//! Import blocks: for every resource of a stack's generated module that an adopted AWS resource
//! stands for, `import { to = module.<stack>.<address> id = ... }` with the ID format the AWS
//! provider documents for its type. They come from the lowered module itself, so an address is
//! always one the module has.

use std::collections::BTreeMap;

use super::module::{attr, literal, referenced, resources};
use super::read::Described;
use super::stack::{Finding, Imported, Kind};
use crate::ir::{Block, Expr, Module, Step};

/// One import block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportBlock {
    /// `module.<stack>.<type>.<label>`.
    pub to: String,
    pub id: String,
}

/// The scalable dimension of an ECS service's desired count.
const DIMENSION: &str = "ecs:service:DesiredCount";

/// IDs by resource type, as the AWS provider's import documentation gives them:
/// - `aws_ecs_service`: `<cluster>/<service>`;
/// - `aws_ecs_task_definition`: the task definition's ARN;
/// - `aws_appautoscaling_target`: `<namespace>/<resource id>/<dimension>`;
/// - `aws_appautoscaling_policy`: `<namespace>/<resource id>/<dimension>/<policy name>`;
/// - `aws_cloudwatch_metric_alarm`: the alarm name;
/// - `aws_iam_role`: the role name;
/// - `aws_iam_role_policy`: `<role>:<policy>`;
/// - `aws_iam_role_policy_attachment`: `<role>/<policy ARN>`;
/// - `aws_cloudwatch_log_group`: the log group name;
/// - `aws_security_group`: the group ID;
/// - `aws_vpc_security_group_ingress_rule`, `aws_vpc_security_group_egress_rule`: the rule's
///   `sgr-` ID (see `rules`);
/// - `aws_vpc_endpoint`: the endpoint's `vpce-` ID.
///
/// Sources: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_service#import
/// (and the `#import` section of each resource's page).
pub(crate) fn scalable_target_id(cluster: &str, service: &str) -> String {
    format!("ecs/service/{cluster}/{service}/{DIMENSION}")
}

pub(crate) fn scaling_policy_id(cluster: &str, service: &str, policy: &str) -> String {
    format!("{}/{policy}", scalable_target_id(cluster, service))
}

pub(crate) fn ecs_service_id(cluster: &str, service: &str) -> String {
    format!("{cluster}/{service}")
}

pub(crate) fn role_policy_id(role: &str, policy: &str) -> String {
    format!("{role}:{policy}")
}

pub(crate) fn attachment_id(role: &str, policy_arn: &str) -> String {
    format!("{role}/{policy_arn}")
}

/// The import blocks for one stack's module, a finding for each resource of the module that
/// nothing described (the first apply creates it), and the module inputs that the imported
/// resources need (variable name -> value).
pub(crate) fn blocks(
    module: &Module,
    imported: &Imported,
    d: &Described,
) -> (Vec<ImportBlock>, Vec<Finding>, BTreeMap<String, String>) {
    let stack = imported.stack.as_str();
    let mut out = Vec::new();
    let rules = super::rules::matched(module, d);
    let mut findings = super::rules::findings(&rules, imported, &|l| owner(l, imported));
    // Role labels to AWS role names, for the policies and attachments that refer to them.
    let role_names: BTreeMap<String, String> = resources(module)
        .filter(|b| b.labels[0] == "aws_iam_role")
        .filter_map(|b| Some((b.labels[1].clone(), literal(b, "name")?.to_owned())))
        .collect();
    // ECS service labels to (cluster, service name), for the scalable targets.
    let services: BTreeMap<String, (&str, &str)> = resources(module)
        .filter(|b| b.labels[0] == "aws_ecs_service")
        .filter_map(|b| {
            let name = literal(b, "name")?;
            let a = imported.services.iter().find(|s| s.ecs_name == name)?;
            Some((
                b.labels[1].clone(),
                (a.cluster.as_str(), a.ecs_name.as_str()),
            ))
        })
        .collect();
    let lookup = Lookup {
        imported,
        d,
        role_names: &role_names,
        services: &services,
    };
    for b in resources(module) {
        let (ty, label) = (b.labels[0].as_str(), b.labels[1].as_str());
        let to = format!("module.{stack}.{ty}.{label}");
        let key = (ty.to_owned(), label.to_owned());
        let id = lookup.id(ty, b).or_else(|| rules.ids.get(&key).cloned());
        match id {
            Some(id) => out.push(ImportBlock { to, id }),
            // The stack's findings name the running action already.
            None if ty == "aws_appautoscaling_scheduled_action" => {}
            None => findings.push(Finding {
                stack: stack.to_owned(),
                service: owner(label, imported),
                resource: format!("{ty}.{label}"),
                kind: Kind::CreatedAnew,
                message: rules
                    .anew
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| created_anew(ty).to_owned()),
            }),
        }
    }
    let mut inputs = rules.inputs;
    inputs.extend(vpc_inputs(module, &out, d));
    (out, findings, inputs)
}

/// The VPC of each imported security group and endpoint, where the module takes it from a
/// variable: a group or an endpoint in another VPC would be replaced.
fn vpc_inputs(module: &Module, imports: &[ImportBlock], d: &Described) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for b in resources(module) {
        let ty = b.labels[0].as_str();
        let Some(id) = imports
            .iter()
            .find(|i| i.to.ends_with(&format!(".{ty}.{}", b.labels[1])))
            .map(|i| i.id.as_str())
        else {
            continue;
        };
        let vpc = match ty {
            "aws_security_group" => d.security_groups.get(id).and_then(|g| g.vpc_id.clone()),
            "aws_vpc_endpoint" => d
                .endpoints
                .iter()
                .find(|e| e.vpc_endpoint_id == id)
                .map(|e| e.vpc_id.clone()),
            _ => None,
        };
        let var = match attr(b, "vpc_id") {
            Some(Expr::Traversal(root, steps)) if matches!(root.as_ref(), Expr::Ident(r) if r == "var") => {
                match steps.first() {
                    Some(Step::Attr(v)) => Some(v.clone()),
                    _ => None,
                }
            }
            _ => None,
        };
        if let (Some(var), Some(vpc)) = (var, vpc) {
            out.insert(var, vpc);
        }
    }
    out
}

/// What the import IDs are looked up in.
struct Lookup<'a> {
    imported: &'a Imported,
    d: &'a Described,
    /// Role labels to AWS role names, for the policies and attachments that refer to them.
    role_names: &'a BTreeMap<String, String>,
    /// ECS service labels to (cluster, service name), for the scalable targets.
    services: &'a BTreeMap<String, (&'a str, &'a str)>,
}

impl Lookup<'_> {
    /// The ECS service a scalable target (by its label) or a policy (by its reference) scales.
    fn scaled_service(&self, b: &Block) -> Option<(&str, &str)> {
        let label = referenced(b, "resource_id").unwrap_or_else(|| b.labels[1].clone());
        self.services.get(&label).copied()
    }

    /// The ID of the AWS object the resource stands for, when one was described.
    fn id(&self, ty: &str, b: &Block) -> Option<String> {
        let (imported, d, role_names, services) =
            (self.imported, self.d, self.role_names, self.services);
        match ty {
            "aws_ecs_service" => literal(b, "name")
                .and_then(|n| imported.services.iter().find(|s| s.ecs_name == n))
                .map(|s| ecs_service_id(&s.cluster, &s.ecs_name)),
            // ecspresso's files name no revision: the first apply registers the next one.
            "aws_ecs_task_definition" if d.from_ecspresso => None,
            "aws_ecs_task_definition" => literal(b, "family").and_then(|f| {
                imported
                    .services
                    .iter()
                    .find(|s| {
                        d.task_definitions
                            .get(&s.task_definition_arn)
                            .is_some_and(|t| t.0.family == f)
                    })
                    .map(|s| s.task_definition_arn.clone())
            }),
            "aws_cloudwatch_log_group" => literal(b, "name")
                .filter(|n| d.log_groups.contains_key(*n))
                .map(str::to_owned),
            "aws_iam_role" => literal(b, "name")
                .filter(|n| d.roles.contains_key(*n))
                .map(str::to_owned),
            "aws_iam_role_policy" => {
                let role = referenced(b, "role").and_then(|l| role_names.get(&l));
                match (role, literal(b, "name")) {
                    (Some(r), Some(p)) if d.inline.contains_key(&(r.clone(), p.to_owned())) => {
                        Some(role_policy_id(r, p))
                    }
                    _ => None,
                }
            }
            "aws_iam_role_policy_attachment" => {
                let role = referenced(b, "role").and_then(|l| role_names.get(&l));
                match (role, literal(b, "policy_arn")) {
                    (Some(r), Some(arn))
                        if d.attached
                            .get(r)
                            .is_some_and(|a| a.iter().any(|p| p.policy_arn == arn)) =>
                    {
                        Some(attachment_id(r, arn))
                    }
                    _ => None,
                }
            }
            "aws_security_group" => literal(b, "name").and_then(|n| {
                d.security_groups
                    .values()
                    .find(|g| g.group_name == n)
                    .map(|g| g.group_id.clone())
            }),
            "aws_appautoscaling_target" => self
                .scaled_service(b)
                .filter(|(c, s)| d.targets.contains_key(&format!("service/{c}/{s}")))
                .map(|(c, s)| scalable_target_id(c, s)),
            "aws_appautoscaling_policy" => {
                let target = referenced(b, "resource_id").and_then(|l| services.get(&l).copied());
                match (target, literal(b, "name")) {
                    (Some((c, s)), Some(name))
                        if d.policies.iter().any(|p| {
                            p.policy_name == name && p.resource_id == format!("service/{c}/{s}")
                        }) =>
                    {
                        Some(scaling_policy_id(c, s, name))
                    }
                    _ => None,
                }
            }
            "aws_vpc_endpoint" => literal(b, "service_name").and_then(|n| {
                d.endpoints
                    .iter()
                    .find(|e| {
                        e.service_name == n && imported.endpoints.contains(&e.vpc_endpoint_id)
                    })
                    .map(|e| e.vpc_endpoint_id.clone())
            }),
            "aws_cloudwatch_metric_alarm" => literal(b, "alarm_name")
                .filter(|n| d.alarms.contains_key(*n))
                .map(str::to_owned),
            _ => None,
        }
    }
}

/// The adopted service a resource label belongs to (labels start with the service's ident).
fn owner(label: &str, imported: &Imported) -> String {
    imported
        .services
        .iter()
        .filter(|s| label.starts_with(&s.name.ident()))
        .max_by_key(|s| s.name.as_str().len())
        .map(|s| s.name.to_string())
        .unwrap_or_default()
}

fn created_anew(ty: &str) -> &'static str {
    match ty {
        "aws_ecs_task_definition" => {
            "ecspresso's task definition names no revision: the first apply registers the next revision, and the service rolls onto it"
        }
        _ => "nothing described matches it: the first apply creates it (when AWS has one by this name already, add its describe output so it is imported instead)",
    }
}

/// `imports.tf`: the blocks of every stack, for the root module that calls each stack as
/// `module "<stack>"`.
pub(crate) fn imports_tf(
    stacks: &[(String, Vec<ImportBlock>, BTreeMap<String, String>)],
) -> String {
    let mut out = String::from(
        "# Written by gen-tf import. Import blocks belong in the root module: put this file\n# beside the `module \"<stack>\"` blocks that call the generated modules, plan, apply,\n# and then delete it.\n",
    );
    for (stack, blocks, inputs) in stacks {
        out.push_str(&format!("\n# {stack}\n"));
        if !inputs.is_empty() {
            out.push_str(&format!(
                "# Give module \"{stack}\" these inputs, as the imported resources have them (their VPC,\n# the groups their rules name), or the first apply changes them:\n"
            ));
            for (name, value) in inputs {
                out.push_str(&format!("#   {name} = \"{}\"\n", escape(value)));
            }
        }
        for b in blocks {
            out.push_str(&format!(
                "import {{\n  to = {}\n  id = \"{}\"\n}}\n\n",
                b.to,
                escape(&b.id)
            ));
        }
        if out.ends_with("\n\n") {
            out.pop();
        }
    }
    out
}

/// An HCL string's content: quotes, backslashes and template openers escaped.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace("${", "$${")
        .replace("%{", "%%{")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::stack::last_segment;

    /// One test per type's documented ID format.
    #[test]
    fn ids_follow_the_provider_documentation() {
        assert_eq!(ecs_service_id("shop-prd", "web"), "shop-prd/web");
        assert_eq!(
            scalable_target_id("shop-prd", "web"),
            "ecs/service/shop-prd/web/ecs:service:DesiredCount"
        );
        assert_eq!(
            scaling_policy_id("shop-prd", "web", "shop-web-cpu"),
            "ecs/service/shop-prd/web/ecs:service:DesiredCount/shop-web-cpu"
        );
        assert_eq!(
            role_policy_id("web-task", "application"),
            "web-task:application"
        );
        assert_eq!(
            attachment_id(
                "web-execution",
                "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
            ),
            "web-execution/arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
        );
        assert_eq!(
            last_segment("arn:aws:ecs:eu-west-1:1:cluster/shop-prd"),
            "shop-prd"
        );
    }
}
