//! The platform (docs/platform.md): the networks, clusters and Service Connect namespaces that a
//! project's stacks share, described once in the file that `gen-tf.toml`'s `platform` names,
//! and compiled, per environment, into a `platform` module and a `root` module that calls it and
//! every stack module.
//!
//! A stack joins the platform with `platform: { network, cluster, namespace }`. Before it is
//! compiled, the platform fills in what it owns: `network.nat_gateway`, and, without a NAT
//! gateway, `network.existing_vpc_endpoints` with every endpoint the VPC will have. So a stack
//! module in a platform never creates an endpoint or a cluster; it reads their IDs from
//! variables that the root module wires to the platform module's outputs.

pub(crate) mod catalogue;
pub(crate) mod model;
mod module;
mod rules;
mod shared;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::batch::{Outcome, Target};
use crate::diag::Diagnostic;
use crate::facts::endpoints::ActionNeed;
use crate::load;
use crate::model::endpoint::EndpointType;
use crate::model::stack::PlatformRef;
use crate::model::Stack;
use crate::pipeline::{self, Compiled, Failure, Source};
use crate::resolve::needs::action_uses;
use shared::VpcUse;

pub use model::PlatformFile;
pub(crate) use rules::across;
pub use rules::RULES;

/// The name of the platform module's directory (and the name no stack may take).
pub(crate) const PLATFORM_MODULE: &str = "platform";
/// The name of the root module's directory.
pub(crate) const ROOT_MODULE: &str = "root";

/// Everything a project with a platform compiles into: every stack's outcome, then, per
/// environment, the platform and root modules (as outcomes of their own), and the findings
/// that belong to no one stack.
pub(crate) struct Built {
    pub outcomes: Vec<Outcome>,
    /// Project-wide findings, each with its target.
    pub diagnostics: Vec<(usize, Diagnostic)>,
}

/// One stack loaded for one target.
struct Loaded {
    target: usize,
    path: PathBuf,
    value: Value,
    text: String,
    inputs: Vec<PathBuf>,
    stack: Option<Stack>,
}

/// A compiled stack, with its target and platform reference.
type Unit = (usize, Compiled, Option<PlatformRef>);

/// The state of one platform build, shared by its steps.
struct Build<'a> {
    file: &'a Path,
    label: String,
    targets: &'a [Target],
    outcomes: Vec<Outcome>,
    diagnostics: Vec<(usize, Diagnostic)>,
    /// The platform file per target; `None` where it has errors.
    platforms: Vec<Option<PlatformFile>>,
    vpcs: BTreeMap<String, VpcUse>,
    /// VPC ID -> the target whose platform module creates its endpoints.
    owners: BTreeMap<String, usize>,
}

/// Compiles every stack of every target with the platform file `file`.
///
/// `envs` are all the project's environments: a VPC whose `endpoints_owner` is an environment
/// not being built gets no endpoints from this build (the owner's build creates them).
pub(crate) fn compile(
    file: &Path,
    stacks: &[PathBuf],
    targets: &[Target],
    envs: &[String],
) -> Built {
    let mut b = Build {
        file,
        label: file.display().to_string(),
        targets,
        outcomes: Vec::new(),
        diagnostics: Vec::new(),
        platforms: Vec::new(),
        vpcs: BTreeMap::new(),
        owners: BTreeMap::new(),
    };
    b.load_platforms();
    let loaded = b.load_stacks(stacks);
    b.union_needs(&loaded);
    b.decide_owners(envs);
    let (no_server, after) = rules::service_connect(&b.connects(&loaded));
    let units = b.compile_stacks(loaded, &no_server);
    let refs: Vec<(usize, &Compiled, Option<&PlatformRef>)> =
        units.iter().map(|(t, c, r)| (*t, c, r.as_ref())).collect();
    let across = rules::across(&refs, targets);
    b.diagnostics.extend(across);
    b.modules(&units, &after);
    Built {
        outcomes: b.outcomes,
        diagnostics: b.diagnostics,
    }
}

impl Build<'_> {
    fn fail(&mut self, target: usize, stack: &Path, f: Failure) {
        self.outcomes.push(Outcome {
            target,
            stack: stack.to_owned(),
            result: Err(f),
            cached: false,
        });
    }

    /// The platform file, per environment.
    fn load_platforms(&mut self) {
        for t in 0..self.targets.len() {
            match load_platform(self.file, &self.targets[t]) {
                Ok((p, text)) => {
                    let found = rules::check_file(&p);
                    let ok = found.is_empty();
                    for d in found {
                        self.diagnostics.push((t, locate(d, &self.label, &text)));
                    }
                    self.platforms.push(ok.then_some(p));
                }
                Err(f) => {
                    self.fail(t, self.file, f);
                    self.platforms.push(None);
                }
            }
        }
    }

    fn platform(&self, t: usize) -> Option<&PlatformFile> {
        self.platforms.get(t).and_then(Option::as_ref)
    }

    /// Every stack, loaded and read, for every target.
    fn load_stacks(&mut self, stacks: &[PathBuf]) -> Vec<Loaded> {
        let mut loaded = Vec::new();
        for t in 0..self.targets.len() {
            for path in stacks {
                match load::load(path, &self.targets[t].opts.jsonnet()) {
                    Ok(l) => loaded.push(Loaded {
                        target: t,
                        path: path.clone(),
                        stack: crate::model::parse(&l.value).stack,
                        value: l.value,
                        text: l.source,
                        inputs: l.files,
                    }),
                    Err(e) => self.fail(t, path, Failure::Load(e)),
                }
            }
        }
        loaded
    }

    /// The union of the endpoint needs of every stack in each VPC, over every environment.
    fn union_needs(&mut self, loaded: &[Loaded]) {
        for (t, p) in self.platforms.iter().enumerate() {
            for (name, net) in p.iter().flat_map(|p| &p.networks) {
                let use_ = self.vpcs.entry(net.vpc_id.clone()).or_default();
                use_.envs.insert(t, name.clone());
            }
        }
        for l in loaded {
            let (Some(stack), Some(p)) = (&l.stack, self.platform(l.target)) else {
                continue;
            };
            let Some(net) = stack
                .platform
                .as_ref()
                .and_then(|r| p.networks.get(&r.network))
            else {
                continue;
            };
            if net.nat_gateway {
                continue;
            }
            let vpc = net.vpc_id.clone();
            let who = format!("{} ({})", stack.name, l.path.display());
            let use_ = self.vpcs.entry(vpc).or_default();
            for need in stack_needs(stack) {
                use_.needs.entry(need).or_insert_with(|| who.clone());
            }
        }
    }

    /// Who creates each VPC's endpoints.
    fn decide_owners(&mut self, envs: &[String]) {
        for (vpc, use_) in &self.vpcs {
            match rules::endpoints_owner(vpc, use_, self.targets, &self.platforms, envs) {
                Ok(Some(t)) => {
                    self.owners.insert(vpc.clone(), t);
                }
                Ok(None) => {}
                Err(found) => {
                    let (t, d) = *found;
                    self.diagnostics.push((t, d.with_file(&self.label)));
                }
            }
        }
    }

    /// Every service's part in Service Connect, with its namespace as written or given.
    fn connects(&self, loaded: &[Loaded]) -> Vec<rules::Connect> {
        let mut connects = Vec::new();
        for (i, l) in loaded.iter().enumerate() {
            let (Some(stack), Some(p)) = (&l.stack, self.platform(l.target)) else {
                continue;
            };
            let Some(r) = &stack.platform else { continue };
            let default_ns = r
                .namespace
                .clone()
                .or_else(|| p.clusters.get(&r.cluster).and_then(|c| c.namespace.clone()))
                .and_then(|k| p.namespaces.get(&k).map(|n| n.name.clone()));
            for (name, svc) in stack.services() {
                let Some(sc) = &svc.service_connect else {
                    continue;
                };
                let Some(namespace) = sc.namespace.clone().or_else(|| default_ns.clone()) else {
                    continue;
                };
                connects.push(rules::Connect {
                    target: l.target,
                    stack: i,
                    stack_name: stack.name.to_string(),
                    service: name.to_string(),
                    namespace,
                    serves: sc
                        .services
                        .iter()
                        .map(|s| crate::resolve::defaults::discovery_name(s).to_owned())
                        .collect(),
                });
            }
        }
        connects
    }

    /// Every stack, with what the platform owns filled in, compiled.
    fn compile_stacks(
        &mut self,
        loaded: Vec<Loaded>,
        no_server: &[(usize, Diagnostic)],
    ) -> Vec<Unit> {
        let mut units = Vec::new();
        for (i, l) in loaded.into_iter().enumerate() {
            let platform = self.platform(l.target);
            let mut found = match (&l.stack, platform) {
                (Some(stack), Some(p)) => rules::check_stack(stack, p, &l.value),
                _ => Vec::new(),
            };
            found.extend(
                no_server
                    .iter()
                    .filter(|(s, _)| *s == i)
                    .map(|(_, d)| d.clone()),
            );
            let reference = l.stack.as_ref().and_then(|s| s.platform.clone());
            let label = l.path.display().to_string();
            let result = if found.is_empty() {
                let mut value = l.value.clone();
                if let (Some(r), Some(p)) = (&reference, platform) {
                    self.fill_in(&mut value, r, p);
                }
                let source = Source {
                    value: &value,
                    label: &label,
                    text: Some(&l.text),
                };
                pipeline::compile_value(source, &self.targets[l.target].opts)
                    .map(|mut c| {
                        c.inputs = l.inputs.clone();
                        c
                    })
                    .map_err(Failure::Diagnostics)
            } else {
                let found = found.into_iter().map(|d| locate(d, &label, &l.text));
                Err(Failure::Diagnostics(found.collect()))
            };
            if let Ok(c) = &result {
                units.push((l.target, c.clone(), reference.clone()));
            }
            let result = result.map_err(|f| name_network(f, reference.as_ref(), platform));
            self.outcomes.push(Outcome {
                target: l.target,
                stack: l.path,
                result,
                cached: false,
            });
        }
        units
    }

    /// What the platform owns, written into a stack: the network's facts and endpoints, and a
    /// namespace named by the stack (not the cluster's default) on every service_connect that
    /// names none.
    fn fill_in(&self, value: &mut Value, r: &PlatformRef, p: &PlatformFile) {
        if let Some(net) = p.networks.get(&r.network) {
            let all = self
                .vpcs
                .get(&net.vpc_id)
                .map(|u| present(net, u))
                .unwrap_or_default();
            fill_in(value, net, &all);
        }
        if let Some(ns) = r.namespace.as_ref().and_then(|k| p.namespaces.get(k)) {
            set_namespace(value, &ns.name);
        }
    }

    /// Per environment: the platform module and the root module, as outcomes of their own.
    fn modules(&mut self, units: &[Unit], after: &rules::After) {
        for t in 0..self.platforms.len() {
            let Some(p) = self.platform(t) else { continue };
            let owned: BTreeMap<&str, Vec<(String, EndpointType)>> = p
                .networks
                .iter()
                .filter(|(_, n)| self.owners.get(&n.vpc_id) == Some(&t))
                .map(|(name, n)| {
                    let made = self.vpcs.get(&n.vpc_id).map(|u| created(n, u));
                    (name.as_str(), made.unwrap_or_default())
                })
                .collect();
            let platform = module::platform(p, &owned, &vpcs_interfaces(p, &self.vpcs));
            let members: Vec<(&Compiled, &PlatformRef)> = units
                .iter()
                .filter(|(ut, _, _)| *ut == t)
                .filter_map(|(_, c, r)| r.as_ref().map(|r| (c, r)))
                .collect();
            let root = module::root(p, &members, after, t);
            for (name, module) in [(PLATFORM_MODULE, platform), (ROOT_MODULE, root)] {
                let files = pipeline::render(&module, self.targets[t].opts.format);
                self.outcomes.push(Outcome {
                    target: t,
                    stack: self.file.to_owned(),
                    result: Ok(Compiled {
                        stack_file: self.file.to_owned(),
                        name: name.to_owned(),
                        files,
                        warnings: Vec::new(),
                        inputs: Vec::new(),
                        sha256: Vec::new(),
                    }),
                    cached: false,
                });
            }
        }
    }
}

fn locate(mut d: Diagnostic, label: &str, text: &str) -> Diagnostic {
    d.file = label.to_owned();
    if let Some((line, column)) = load::line_col_of(text, &d.path) {
        d.line = Some(line);
        d.column = Some(column);
    }
    d
}

trait WithFile {
    fn with_file(self, file: &str) -> Self;
}

impl WithFile for Diagnostic {
    fn with_file(mut self, file: &str) -> Self {
        self.file = file.to_owned();
        self
    }
}

/// Reads the platform file for one target, reporting its structural problems with their paths.
fn load_platform(file: &Path, target: &Target) -> Result<(PlatformFile, String), Failure> {
    let loaded = load::load(file, &target.opts.jsonnet()).map_err(Failure::Load)?;
    let parsed =
        serde_path_to_error::deserialize::<_, PlatformFile>(&loaded.value).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let mut d = Diagnostic::new(&rules::PLATFORM_FILE, path, e.inner().to_string())
                .help("see docs/platform.md for the platform file's fields");
            d = locate(d, &file.display().to_string(), &loaded.source);
            Failure::Diagnostics(vec![d])
        })?;
    Ok((parsed, loaded.source))
}

/// Every endpoint one stack's tasks need without a NAT gateway: the agent's (images, logs,
/// secrets, Exec, Service Connect, X-Ray) and the task roles' (the services their statements
/// call). Services without an endpoint are the stack's own `task-role-no-endpoint` errors.
fn stack_needs(stack: &Stack) -> BTreeSet<(String, EndpointType)> {
    let mut out: BTreeSet<(String, EndpointType)> = crate::resolve::endpoint::needs(stack)
        .into_iter()
        .map(|n| (n.service.to_owned(), n.ty))
        .collect();
    for u in action_uses(stack) {
        if let ActionNeed::Endpoint(service, ty) = u.need {
            out.insert((service.to_owned(), ty));
        }
    }
    out
}

/// The endpoints the platform creates in a network: every need not already there, in a fixed
/// order (the agent's order, then by name).
fn created(net: &model::Network, use_: &VpcUse) -> Vec<(String, EndpointType)> {
    if net.nat_gateway {
        return Vec::new();
    }
    let mut out: Vec<(String, EndpointType)> = use_
        .needs
        .keys()
        .filter(|(s, _)| !net.existing_endpoints.contains(s))
        .cloned()
        .collect();
    let rank = |s: &str| {
        crate::facts::endpoints::NEED_ORDER
            .iter()
            .position(|o| *o == s)
            .unwrap_or(crate::facts::endpoints::NEED_ORDER.len())
    };
    out.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then(a.cmp(b)));
    out
}

/// Every endpoint the VPC has once the platform is applied: created and existing, by name.
fn present(net: &model::Network, use_: &VpcUse) -> Vec<String> {
    let mut all: Vec<String> = created(net, use_).into_iter().map(|(s, _)| s).collect();
    all.extend(net.existing_endpoints.iter().cloned());
    all.sort();
    all.dedup();
    all
}

/// For each network: whether it has Interface endpoints that the platform creates (in this
/// environment or in the owner's), so that its security group exists.
fn vpcs_interfaces(p: &PlatformFile, vpcs: &BTreeMap<String, VpcUse>) -> BTreeMap<String, bool> {
    p.networks
        .iter()
        .map(|(name, n)| {
            let any = vpcs.get(&n.vpc_id).is_some_and(|u| {
                created(n, u)
                    .iter()
                    .any(|(_, ty)| *ty == EndpointType::Interface)
            });
            (name.clone(), any)
        })
        .collect()
}

/// What the platform owns, written into a stack before it is compiled: the NAT gateway fact and,
/// without one, every endpoint the VPC has, so the stack creates none and reaches them all.
fn fill_in(value: &mut Value, net: &model::Network, present: &[String]) {
    let Some(obj) = value.as_object_mut() else {
        return;
    };
    let network = obj
        .entry("network")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    if let Some(n) = network.as_object_mut() {
        n.insert("nat_gateway".to_owned(), Value::Bool(net.nat_gateway));
        if !net.nat_gateway && !present.is_empty() {
            n.insert(
                "existing_vpc_endpoints".to_owned(),
                Value::Array(present.iter().cloned().map(Value::String).collect()),
            );
        }
    }
}

/// A task role's endpoint findings in a platform stack name the network too.
fn name_network(f: Failure, r: Option<&PlatformRef>, p: Option<&PlatformFile>) -> Failure {
    let (Failure::Diagnostics(ds), Some(r), Some(p)) = (&f, r, p) else {
        return f;
    };
    let Some(net) = p.networks.get(&r.network) else {
        return f;
    };
    Failure::Diagnostics(
        ds.iter()
            .cloned()
            .map(|mut d| {
                if d.code.starts_with("task-role-") {
                    d.message = format!(
                        "{} (platform network `{}`, VPC {}, has no NAT gateway)",
                        d.message, r.network, net.vpc_id
                    );
                }
                d
            })
            .collect(),
    )
}

/// `namespace` on every `services.*.service_connect` that names none.
fn set_namespace(value: &mut Value, namespace: &str) {
    let services = value
        .get_mut("services")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|m| m.values_mut());
    for svc in services {
        if let Some(sc) = svc
            .get_mut("service_connect")
            .and_then(Value::as_object_mut)
        {
            sc.entry("namespace")
                .or_insert_with(|| Value::String(namespace.to_owned()));
        }
    }
}
