//! Resolved stack -> Terraform IR. Runs only on resolved stacks, so nothing here fails on user
//! input, and nothing here picks a default: every value comes from [`crate::resolve`].
//!
//! Variables are declared on demand through [`Ctx::var`], so every declared variable is used and
//! every used variable is declared. Output order is fixed: files in the order they are pushed,
//! services in name order.

mod caller;
mod cluster;
mod container;
mod deployment;
mod ebs;
mod endpoints;
mod iam;
mod markdown;
pub(crate) mod module_files;
mod network;
pub(crate) mod readme;
pub(crate) mod scaling;
mod service;
mod task;
mod traffic;

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::Expr;

use crate::ir::{self, Block, Body, Content, File, Module};
use crate::resolve::{Resolved, Service};

/// A module variable, declared the first time lowering refers to it.
#[derive(Debug, Clone)]
pub(crate) struct VarDecl {
    pub ty: Expr,
    pub type_text: &'static str,
    pub description: String,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone)]
pub(crate) struct OutputDecl {
    pub name: String,
    pub description: String,
    pub value: Expr,
}

/// Lowering state for one stack.
pub(crate) struct Ctx<'a> {
    pub stack: &'a Resolved,
    variables: BTreeMap<String, VarDecl>,
    outputs: Vec<OutputDecl>,
    /// The data sources lowering has read, each declared once as `data "<type>" "current"`.
    data: BTreeSet<&'static str>,
}

/// Type constraints gen-tf uses for variables.
#[derive(Debug, Clone, Copy)]
pub(crate) enum VarType {
    String,
    ListOfString,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(stack: &'a Resolved) -> Self {
        Self {
            stack,
            variables: BTreeMap::new(),
            outputs: Vec::new(),
            data: BTreeSet::new(),
        }
    }

    /// `var.NAME`, declaring the variable if this is its first use.
    pub(crate) fn var(&mut self, name: &str, ty: VarType, description: &str) -> Expr {
        self.variables.entry(name.to_owned()).or_insert_with(|| {
            let (ty, type_text) = match ty {
                VarType::String => (ir::ident("string"), "string"),
                VarType::ListOfString => {
                    (ir::call("list", vec![ir::ident("string")]), "list(string)")
                }
            };
            VarDecl {
                ty,
                type_text,
                description: description.to_owned(),
                default: None,
            }
        });
        ir::var(name)
    }

    /// `data.TYPE.current.ATTR...`, declaring the data source (which takes no arguments) the first
    /// time it is read.
    pub(crate) fn data(&mut self, ty: &'static str, attrs: &[&str]) -> Expr {
        self.data.insert(ty);
        let mut path = vec![ty, "current"];
        path.extend_from_slice(attrs);
        ir::traversal("data", &path)
    }

    pub(crate) fn data_sources(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.data.iter().copied()
    }

    pub(crate) fn output(&mut self, name: String, description: String, value: Expr) {
        self.outputs.push(OutputDecl {
            name,
            description,
            value,
        });
    }

    pub(crate) fn variables(&self) -> &BTreeMap<String, VarDecl> {
        &self.variables
    }

    pub(crate) fn outputs(&self) -> &[OutputDecl] {
        &self.outputs
    }

    /// The region: the stack's literal, else `var.region`.
    pub(crate) fn region(&mut self) -> Expr {
        match &self.stack.region {
            Some(r) => ir::str(r.clone()),
            None => self.var("region", VarType::String, "AWS region the stack runs in."),
        }
    }

    /// The cluster name: the owned cluster's, else `var.cluster_name`.
    pub(crate) fn cluster_name(&mut self) -> Expr {
        match &self.stack.cluster {
            Some(_) => ir::reference("aws_ecs_cluster", "this", &["name"]),
            None => self.var(
                "cluster_name",
                VarType::String,
                "Name of the existing ECS cluster the services run in.",
            ),
        }
    }

    pub(crate) fn vpc_id(&mut self) -> Expr {
        self.var("vpc_id", VarType::String, "ID of the VPC the tasks run in.")
    }

    pub(crate) fn private_subnet_ids(&mut self) -> Expr {
        self.var(
            "private_subnet_ids",
            VarType::ListOfString,
            "IDs of the private subnets the tasks run in.",
        )
    }

    pub(crate) fn public_subnet_ids(&mut self) -> Expr {
        self.var(
            "public_subnet_ids",
            VarType::ListOfString,
            "IDs of the public subnets (routed to an internet gateway) that services with network.subnets 'public' run in.",
        )
    }

    /// Tags for a resource: the service's (merged over the stack's), else the stack's. `None`
    /// when there are none.
    pub(crate) fn tags(&self, service: Option<&Service>) -> Option<Expr> {
        let tags = service.map_or(&self.stack.tags, |s| &s.tags);
        (!tags.is_empty()).then(|| ir::object(tags.iter().map(|(k, v)| (k, ir::str(v.clone())))))
    }
}

/// Lowers a resolved stack into a module.
pub(crate) fn lower(stack: &Resolved) -> Module {
    let mut ctx = Ctx::new(stack);
    let mut files = Vec::new();

    if let Some(cluster) = &stack.cluster {
        files.push(tf("cluster.tf", cluster::lower(&mut ctx, cluster)));
    }
    for svc in &stack.services {
        let body = service::lower(&mut ctx, svc);
        files.push(tf(&format!("{}.tf", svc.name), body));
    }
    if let Some(body) = endpoints::file(&mut ctx) {
        files.push(tf("vpc_endpoints.tf", body));
    }

    if let Some(body) = module_files::data(&ctx) {
        files.push(tf("data.tf", body));
    }
    let outputs = module_files::outputs(&ctx);
    let variables = module_files::variables(&ctx);
    let readme = readme::render(&ctx);
    let mut all = vec![tf("versions.tf", module_files::versions(&files))];
    all.push(tf("variables.tf", variables));
    all.extend(files);
    all.push(tf("outputs.tf", outputs));
    all.push(File {
        name: "README.md".to_owned(),
        content: Content::Text(readme),
    });
    Module { files: all }
}

/// A security group attached to running tasks or endpoints cannot be deleted, so a replacement
/// (a changed description or VPC) must exist first; with a `name_prefix` the two can coexist.
pub(crate) fn create_before_destroy() -> Block {
    Block::new(
        "lifecycle",
        &[],
        Body::new().attr("create_before_destroy", ir::bool(true)),
    )
}

fn tf(name: &str, body: Body) -> File {
    File {
        name: name.to_owned(),
        content: Content::Terraform(body),
    }
}

/// Lowers a stack given as JSON, through the model, the rules and resolution, for unit tests.
#[cfg(test)]
pub(crate) fn lower_json(v: &serde_json::Value, env: Option<&str>) -> Module {
    let stack = crate::model::from_value(v).expect("a structurally valid stack");
    let cx = crate::validate::Context {
        env: env.map(str::to_owned),
    };
    match crate::validate::validate(&stack, &cx) {
        Ok(valid) => lower(&valid.resolved),
        Err(ds) => panic!("the stack does not validate: {ds:?}"),
    }
}
