//! Model -> Terraform IR. Runs only on validated stacks, so nothing here fails on user input.
//!
//! Variables are declared on demand through [`Ctx::var`], so every declared variable is used and
//! every used variable is declared. Output order is fixed: files in the order they are pushed,
//! services in name order (the model keeps them in a `BTreeMap`).

mod cluster;
mod endpoints;
mod iam;
mod module_files;
pub mod readme;
mod scaling;
mod service;

use std::collections::BTreeMap;

use hcl::Expression;

use crate::ir::{self, Body, Content, File, Module};
use crate::model::{Service, ServiceName, Stack};

/// What lowering needs besides the stack.
#[derive(Debug, Clone, Default)]
pub struct LowerOptions {
    /// The environment name (`-V ENV=...` or the project's environment), used by the `dynamic`
    /// memory reservation strategy.
    pub env: Option<String>,
}

/// A module variable, declared the first time lowering refers to it.
#[derive(Debug, Clone)]
pub struct VarDecl {
    pub ty: Expression,
    pub type_text: &'static str,
    pub description: String,
    pub default: Option<Expression>,
}

#[derive(Debug, Clone)]
pub struct OutputDecl {
    pub name: String,
    pub description: String,
    pub value: Expression,
}

/// Lowering state for one stack.
pub struct Ctx<'a> {
    pub stack: &'a Stack,
    pub opts: &'a LowerOptions,
    variables: BTreeMap<String, VarDecl>,
    outputs: Vec<OutputDecl>,
}

/// Type constraints gen-tf uses for variables.
#[derive(Debug, Clone, Copy)]
pub enum VarType {
    String,
    ListOfString,
}

impl<'a> Ctx<'a> {
    pub fn new(stack: &'a Stack, opts: &'a LowerOptions) -> Self {
        Self {
            stack,
            opts,
            variables: BTreeMap::new(),
            outputs: Vec::new(),
        }
    }

    /// `var.NAME`, declaring the variable if this is its first use.
    pub fn var(&mut self, name: &str, ty: VarType, description: &str) -> Expression {
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

    pub fn output(&mut self, name: String, description: String, value: Expression) {
        self.outputs.push(OutputDecl {
            name,
            description,
            value,
        });
    }

    pub fn variables(&self) -> &BTreeMap<String, VarDecl> {
        &self.variables
    }

    pub fn outputs(&self) -> &[OutputDecl] {
        &self.outputs
    }

    /// The region: the stack's literal, else `var.region`.
    pub fn region(&mut self) -> Expression {
        match &self.stack.region {
            Some(r) => ir::str(r.clone()),
            None => self.var("region", VarType::String, "AWS region the stack runs in."),
        }
    }

    /// The cluster name: the owned cluster's, else `var.cluster_name`.
    pub fn cluster_name(&mut self) -> Expression {
        match &self.stack.cluster {
            Some(_) => ir::reference("aws_ecs_cluster", "this", &["name"]),
            None => self.var(
                "cluster_name",
                VarType::String,
                "Name of the existing ECS cluster the services run in.",
            ),
        }
    }

    pub fn vpc_id(&mut self) -> Expression {
        self.var("vpc_id", VarType::String, "ID of the VPC the tasks run in.")
    }

    pub fn private_subnet_ids(&mut self) -> Expression {
        self.var(
            "private_subnet_ids",
            VarType::ListOfString,
            "IDs of the private subnets the tasks run in.",
        )
    }

    /// Tags for a resource: the stack's, overridden by the service's. `None` when empty.
    pub fn tags(&self, service: Option<&Service>) -> Option<Expression> {
        let mut tags = self.stack.tags.clone();
        if let Some(s) = service {
            tags.extend(s.tags.clone());
        }
        (!tags.is_empty()).then(|| ir::object(tags.into_iter().map(|(k, v)| (k, ir::str(v)))))
    }

    /// `<stack>-<service>`: the prefix of account-wide AWS names.
    pub fn prefix(&self, name: &ServiceName) -> String {
        format!("{}-{}", self.stack.name, name)
    }
}

/// Lowers a validated stack into a module.
pub fn lower(stack: &Stack, opts: &LowerOptions) -> Module {
    let mut ctx = Ctx::new(stack, opts);
    let mut files = Vec::new();

    if let Some(cluster) = &stack.cluster {
        files.push(tf("cluster.tf", cluster::lower(&mut ctx, cluster)));
    }
    for (name, svc) in stack.services() {
        let body = service::lower(&mut ctx, name, svc);
        files.push(tf(&format!("{}.tf", name), body));
    }
    if let Some(body) = endpoints::file(&mut ctx) {
        files.push(tf("vpc_endpoints.tf", body));
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

fn tf(name: &str, body: Body) -> File {
    File {
        name: name.to_owned(),
        content: Content::Terraform(body),
    }
}
