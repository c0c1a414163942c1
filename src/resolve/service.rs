//! A resolved service: the task, its containers, where it runs and what it may reach.

use super::derived;
use std::collections::BTreeMap;

use crate::facts::rds::{connection_limit, ConnectionLimit, DEFAULT_BUFFER};
/// The model's value types that the resolved service keeps as they are.
pub(crate) use crate::model::service::{CapacityProvider, CpuArchitecture, OperatingSystemFamily};
use crate::model::{self, ServiceName};

pub(crate) use super::egress::{Destination, Egress, EgressRule, IpProtocol};
pub(crate) use super::names::{NameOverrides, Names};

use super::container::{self, Container};
use super::defaults;
use super::deployment::{self, Deployment};
use super::iam::{self, Roles};
pub(crate) use super::network::WrittenTarget;
use super::network::{self, Ingress, LoadBalancer, Network, ServiceConnect};
use super::scaling::{self, Scaling};
use super::volume::{self, Volume};

/// CloudWatch Logs retention when the stack sets none.
pub(crate) const DEFAULT_LOG_RETENTION_DAYS: u32 = 30;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Service {
    pub name: ServiceName,
    /// Where the service is written (`services.<name>`): the diagnostics' path prefix.
    pub path: String,
    pub names: Names,
    /// The AWS names the stack gives in `names`, as written (`names` has them applied).
    pub given_names: Option<NameOverrides>,
    pub task: Task,
    pub placement: Placement,
    /// The capacity provider strategy as written, in the stack's order (`placement` is what
    /// it resolves to).
    pub strategy: Vec<StrategyItem>,
    /// Whether the stack writes `launch_type`.
    pub written_launch_type: bool,
    /// The desired count written on the ECS service: the user's, else `min_capacity` with auto
    /// scaling, else 1.
    pub desired_count: u32,
    /// `desired_count` as written.
    pub written_desired_count: Option<u32>,
    /// The fewest tasks the service runs while it runs any (at least 1): what a deployment or a
    /// Spot interruption has to work with.
    pub min_running_tasks: u32,
    /// The service's own container, named after the service.
    pub container: Container,
    pub sidecars: Vec<Container>,
    pub logs: Logs,
    /// The target groups the tasks register with: the `load_balancer` shorthand's one, or the
    /// `load_balancers` entries.
    pub load_balancers: Vec<LoadBalancer>,
    /// The target group entries as written, also those `load_balancers` leaves out.
    pub written_load_balancers: Vec<WrittenTarget>,
    /// `observability.xray_daemon_image` as written.
    pub written_xray_image: Option<String>,
    /// `observability.xray_sampling_rate` as written.
    pub written_sampling_rate: Option<f64>,
    /// What the task security group lets the tasks reach besides AWS's APIs (which
    /// `resolve::endpoint` and the NAT gateway cover): the database, file systems, the stack's
    /// own destinations.
    pub egress: Vec<Egress>,
    /// The stack's `egress` rules as written (`egress` has those that resolve).
    pub written_egress: Vec<EgressRule>,
    /// What the execution and task roles may do.
    pub roles: Roles,
    /// The connection budget of the service's database, if it has one.
    pub database: Option<Database>,
    pub scaling: Option<Scaling>,
    /// The stack's tags with the service's merged over them.
    pub tags: BTreeMap<String, String>,
    /// The service's own tags, as written (`services.<name>.tags`).
    pub own_tags: BTreeMap<String, String>,
    /// ECS Exec.
    pub execute_command: bool,
    /// Availability Zone rebalancing, written as ENABLED or DISABLED on every service.
    pub az_rebalancing: bool,
    /// Seconds the scheduler ignores load balancer health checks after a task starts; `None`
    /// without a load balancer.
    pub grace_period_seconds: Option<u32>,
    /// What the task security group admits: the load balancers, Service Connect clients.
    pub ingress: Vec<Ingress>,
    pub service_connect: Option<ServiceConnect>,
    /// The main container's port mapping name (the stack's `port_name`, else `http`), also when
    /// the container has no port to name (`container.port_name` is then `None`).
    pub port_name: String,
    /// Whether the stack writes `port_name`.
    pub written_port_name: bool,
    pub deployment: Deployment,
    pub network: Network,
    /// The EBS volume ECS creates for each task.
    pub ebs: Option<super::ebs::Ebs>,
    /// The infrastructure role gen-tf writes, when the EBS volume or a load balancer's
    /// advanced configuration names none.
    pub infrastructure: Option<super::ebs::Infrastructure>,
}

impl Service {
    /// The main container, then the sidecars.
    pub(crate) fn containers(&self) -> impl Iterator<Item = &Container> {
        std::iter::once(&self.container).chain(&self.sidecars)
    }
}

/// The seed guide's connection arithmetic: `max_tasks x connections_per_task + buffer` against
/// the database's `max_connections`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Database {
    /// `pool.max`, the connections each task may open; `None` without a pool.
    pub connections_per_task: Option<u32>,
    /// The database's port, the engine's default applied.
    pub port: u16,
    /// `pool.min`, the connections each task keeps open; `None` without a pool.
    pub pool_min: Option<u32>,
    /// The instance class, when the stack names both it and the engine (the connection limit
    /// is then read from what gen-tf knows of the class).
    pub engine_class: Option<String>,
    /// Connections kept free for admin sessions and migrations.
    pub buffer: u32,
    /// The most tasks the service runs: `max_capacity`, else `desired_count`.
    pub max_tasks: u32,
    /// `None` when neither max_connections nor a known engine and instance class is given.
    pub limit: Option<ConnectionLimit>,
}

impl Database {
    /// `max_tasks x connections_per_task + buffer`, with a pool.
    pub(crate) fn needed(&self) -> Option<u64> {
        self.connections_per_task
            .map(|c| u64::from(self.max_tasks) * u64::from(c) + u64::from(self.buffer))
    }
}

/// The task definition's size and platform.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Task {
    /// CPU units and MiB: a valid Fargate size.
    pub cpu: u32,
    pub memory: u32,
    pub architecture: CpuArchitecture,
    pub os: OperatingSystemFamily,
    pub platform_version: String,
    /// `None` means Fargate's default of 20 GiB.
    pub ephemeral_storage_gib: Option<u32>,
    /// The task's volumes, in name order.
    pub volumes: Vec<Volume>,
}

/// Where the tasks run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Placement {
    /// `launch_type = "FARGATE"`.
    LaunchType,
    /// A capacity provider strategy, in the stack's order.
    Strategy(Vec<CapacityShare>),
    /// A strategy with a weight or base out of its range, or no weight above 0: the
    /// `capacity-range` and `capacity-weight` rules report it (from [`Service::strategy`]), so
    /// lowering never sees it.
    Unresolved,
}

/// One capacity provider strategy item as written, read as AWS reads it: a weight or base the
/// stack does not give is 0.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StrategyItem {
    pub provider: CapacityProvider,
    pub weight: i64,
    pub base: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CapacityShare {
    pub provider: CapacityProvider,
    pub weight: u32,
    pub base: u32,
    /// The provider's share of the tasks beyond the bases, in whole percent (rounded down).
    pub percent: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Logs {
    pub retention_days: u32,
    pub kms_key_arn: Option<String>,
}

pub(super) fn resolve(
    stack: &model::Stack,
    name: &ServiceName,
    svc: &model::Service,
    env: Option<&str>,
) -> Service {
    let path = crate::diag::join("services", name.as_str());
    let platform = derived::platform(svc);
    let mut tags = stack.tags.clone();
    tags.extend(svc.tags.clone());
    let names =
        Names::new(&stack.name, env, name, stack.cluster.is_some()).overridden(svc.names.as_ref());
    let containers = all_containers(name, svc, env, &path);
    let volumes = volume::resolve(svc, &containers);
    let mut roles = iam::resolve(stack, svc, &containers.iter().collect::<Vec<_>>());
    roles.task.extend(iam::efs(&volumes));
    let ebs = super::ebs::resolve(svc);
    let infrastructure = super::ebs::infrastructure(svc, ebs.as_ref());
    let load_balancers = network::load_balancers(name, svc);
    let mut ingress = network::lb_ingress(name, &load_balancers);
    ingress.extend(network::connect_ingress(stack, name, svc));
    let mut egress = egress(name, svc);
    egress.extend(volume::egress(name, &volumes));
    egress.extend(network::user_egress(name, &svc.egress));
    egress.extend(network::connect_egress(stack, name, svc));
    let placement = placement(svc).unwrap_or(Placement::Unresolved);
    let scaling = svc
        .auto_scaling
        .as_ref()
        .map(|a| scaling::resolve(&names, name, svc, a));
    Service {
        name: name.clone(),
        path: path.clone(),
        names: names.clone(),
        given_names: svc.names.clone(),
        task: Task {
            cpu: svc.cpu,
            memory: svc.memory,
            architecture: platform.cpu_architecture,
            os: platform.operating_system_family,
            platform_version: defaults::platform_version(svc).to_owned(),
            ephemeral_storage_gib: svc.ephemeral_storage_gib,
            volumes: volumes.clone(),
        },
        placement,
        strategy: strategy(svc),
        written_launch_type: svc.launch_type.is_some(),
        desired_count: derived::desired_count(svc),
        written_desired_count: svc.desired_count,
        min_running_tasks: derived::min_running_tasks(svc),
        container: containers[0].clone(),
        sidecars: containers[1..].to_vec(),
        logs: logs(svc),
        grace_period_seconds: network::grace_period(svc, &load_balancers),
        load_balancers,
        written_load_balancers: network::written_targets(name, svc),
        written_xray_image: svc
            .observability
            .as_ref()
            .and_then(|o| o.xray_daemon_image.clone()),
        written_sampling_rate: svc
            .observability
            .as_ref()
            .and_then(|o| o.xray_sampling_rate),
        egress,
        written_egress: svc.egress.clone(),
        roles,
        database: database(svc),
        scaling,
        tags,
        own_tags: svc.tags.clone(),
        execute_command: derived::execute_command(svc),
        az_rebalancing: svc.availability_zone_rebalancing.unwrap_or(true),
        ingress,
        service_connect: network::service_connect(svc),
        port_name: defaults::port_name(svc).to_owned(),
        written_port_name: svc.port_name.is_some(),
        deployment: deployment::resolve(svc),
        network: network::network(svc),
        ebs,
        infrastructure,
    }
}

/// The service's database connection budget.
fn database(svc: &model::Service) -> Option<Database> {
    svc.database.as_ref().map(|db| Database {
        connections_per_task: db.pool.as_ref().map(|p| p.max),
        pool_min: db.pool.as_ref().map(|p| p.min),
        port: defaults::database_port(db),
        engine_class: db.engine.and(db.instance_class.clone()),
        buffer: db.buffer.unwrap_or(DEFAULT_BUFFER),
        max_tasks: derived::max_tasks(svc),
        limit: connection_limit(db),
    })
}

/// The main container, the sidecars and the X-Ray daemon, in task order.
fn all_containers(
    name: &ServiceName,
    svc: &model::Service,
    env: Option<&str>,
    path: &str,
) -> Vec<Container> {
    let mut containers = vec![container::main(name, svc, env)];
    for (i, s) in svc.sidecars.iter().enumerate() {
        containers.push(container::sidecar(svc, s, format!("{path}.sidecars[{i}]")));
    }
    if let Some(s) = derived::xray_daemon(svc) {
        containers.push(container::sidecar(
            svc,
            &s,
            format!("{path}.observability.xray"),
        ));
    }
    containers
}

/// The egress rules to destinations the stack names: the database (without this the tasks
/// start, then cannot reach it: the task security group only allows what it names).
fn egress(name: &ServiceName, svc: &model::Service) -> Vec<Egress> {
    let mut out = Vec::new();
    if let Some(db) = &svc.database {
        let port = defaults::database_port(db);
        out.push(Egress {
            label: "to_database".to_owned(),
            description: format!("{name} to its database on {port}"),
            protocol: IpProtocol::Tcp,
            ports: Some((port, port)),
            to: Destination::Variable {
                name: format!("{}_database_security_group_id", name.ident()),
                description: format!("Security group of the database that {name} connects to."),
            },
        });
    }
    out
}

/// The capacity provider strategy as written.
fn strategy(svc: &model::Service) -> Vec<StrategyItem> {
    svc.capacity_provider_strategy
        .iter()
        .map(|c| StrategyItem {
            provider: c.capacity_provider,
            // AWS reads a weight or base that is not given as 0.
            weight: c.weight.unwrap_or(0),
            base: c.base.unwrap_or(0),
        })
        .collect()
}

fn placement(svc: &model::Service) -> Option<Placement> {
    if svc.capacity_provider_strategy.is_empty() {
        return Some(Placement::LaunchType);
    }
    // AWS reads a weight or base that is not given as 0.
    let weight =
        |c: &model::service::CapacityProviderItem| u32::try_from(c.weight.unwrap_or(0)).ok();
    // Resolution runs before the rules: a weight out of range is left to `capacity-range`,
    // never an overflow here.
    let total = svc
        .capacity_provider_strategy
        .iter()
        .try_fold(0u32, |sum, c| sum.checked_add(weight(c)?))?;
    svc.capacity_provider_strategy
        .iter()
        .map(|c| {
            let weight = weight(c)?;
            Some(CapacityShare {
                provider: c.capacity_provider,
                weight,
                base: u32::try_from(c.base.unwrap_or(0)).ok()?,
                // The `capacity-weight` rule guarantees a positive total.
                percent: weight.checked_mul(100)?.checked_div(total)?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .map(Placement::Strategy)
}

fn logs(svc: &model::Service) -> Logs {
    let obs = svc.observability.as_ref();
    Logs {
        retention_days: obs
            .and_then(|o| o.log_retention_days)
            .unwrap_or(DEFAULT_LOG_RETENTION_DAYS),
        kms_key_arn: obs.and_then(|o| o.log_kms_key_arn.clone()),
    }
}
