//! The resolved stack: what a validated stack means, with every default applied and every derived
//! fact computed once.
//!
//! `validate` runs [`resolve`] and then the rules over its result, and hands lowering a
//! [`Resolved`] or all the diagnostics. Lowering, the module README and `gen-tf cost` read only these types: required
//! values are not `Option`s, policies are an enum of their kinds, ARNs are parsed, the endpoints
//! are the final list, and ports, counts and names are the effective ones. A field that is still
//! an `Option` here is one whose absence is written as absence (an argument left out).
//!
//! Resolution runs before the rules, on any stack the model accepts, and the rules read its
//! result. Where a value cannot be resolved it never writes a default: the service is left out
//! and reported ([`Resolution::unresolved`]); `validate` drops that report when a rule explains
//! the problem, and shows it as a gen-tf bug when none does.

pub(crate) mod container;
pub(crate) mod defaults;
pub(crate) mod deployment;
pub(crate) mod derived;
pub(crate) mod ebs;
pub(crate) mod egress;
pub(crate) mod endpoint;
pub(crate) mod iam;
pub(crate) mod names;
pub(crate) mod needs;
pub(crate) mod network;
pub(crate) mod scaling;
pub(crate) mod service;
pub(crate) mod volume;

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostic;
use crate::model::service::CapacityProvider;
use crate::model::{self, ServiceName, StackName};

pub(crate) use container::Container;
pub(crate) use endpoint::{Endpoint, EndpointKind, EndpointPolicy};
pub(crate) use scaling::Policy;
pub(crate) use service::{Placement, Service};

/// A validated stack, ready to lower.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resolved {
    pub name: StackName,
    /// The environment the stack was built for (`ENV`), if any.
    pub env: Option<String>,
    /// `<stack>-<env>` or `<stack>`: the prefix of the stack-wide AWS names.
    pub prefix: String,
    /// The stack's region; `None` means the module variable `region`.
    pub region: Option<String>,
    /// The stack's own tags (services merge theirs over these).
    pub tags: BTreeMap<String, String>,
    pub cluster: Option<Cluster>,
    /// Whether the private subnets route to a NAT gateway.
    pub nat_gateway: bool,
    /// The VPC endpoints to create, in output order.
    pub endpoints: Vec<Endpoint>,
    /// The VPC's own endpoints, which the tasks reach but the stack does not create.
    pub existing_endpoints: Vec<endpoint::Existing>,
    /// Whether the stack writes `vpc_endpoints`.
    pub written_vpc_endpoints: bool,
    /// The Interface endpoints' security group: its exact name
    /// (`network.vpc_endpoint_security_group`, else a name prefix), and its description.
    pub endpoint_security_group: (Option<String>, String),
    /// The endpoints the tasks need without a NAT gateway, read from every service as written
    /// (also one that did not resolve).
    pub needs: Vec<endpoint::Need>,
    /// The images that tasks in private subnets pull, by service, read from every service as
    /// written: without a NAT gateway, only the region's ECR serves them.
    pub private_images: Vec<(ServiceName, needs::ImageRef)>,
    /// Every allowed action of the private services' task roles, with the endpoint it needs
    /// without a NAT gateway, read from every service as written.
    pub action_uses: Vec<needs::ActionUse>,
    /// The services, in name order.
    pub services: Vec<Service>,
    /// The platform's network, cluster and namespace the stack runs in, by name.
    pub platform: Option<model::stack::PlatformRef>,
    /// `iam.permissions_boundary`: the managed policy that bounds every role of the stack
    /// (each service's `roles` carries it too).
    pub permissions_boundary: Option<String>,
    /// `iam.path`: the IAM path of every role of the stack (each service's `roles` carries it
    /// too).
    pub iam_path: Option<String>,
}

/// A cluster the stack owns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cluster {
    pub name: String,
    pub container_insights: bool,
    /// The capacity providers its services use (FARGATE when none names one): an ECS service
    /// whose strategy names a provider the cluster does not have fails at apply time.
    pub capacity_providers: BTreeSet<CapacityProvider>,
}

impl Resolved {
    /// Whether the tasks reach Interface endpoints the VPC already has.
    pub(crate) fn has_existing_interface_endpoints(&self) -> bool {
        self.existing_endpoints
            .iter()
            .any(|e| e.ty == crate::model::endpoint::EndpointType::Interface)
    }

    pub(crate) fn has_interface_endpoints(&self) -> bool {
        self.endpoints
            .iter()
            .any(|e| matches!(e.kind, EndpointKind::Interface { .. }))
    }
}

/// A resolved stack, and what resolution could not make sense of.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Resolution {
    /// The stack, with every service that could be resolved.
    pub resolved: Resolved,
    /// One `internal` diagnostic per service that could not be resolved, at the path of what
    /// stopped it. A rule explains each to the user; when none does, it is a gen-tf bug.
    pub unresolved: Vec<Diagnostic>,
}

/// Resolves any stack the model accepts, before the rules run. A service with a value that
/// cannot be resolved (an ARN that does not parse, a policy without its target) is left out of
/// [`Resolution::resolved`] and reported in [`Resolution::unresolved`]; nothing is filled in.
pub(crate) fn resolve(stack: &model::Stack, env: Option<&str>) -> Resolution {
    let mut services = Vec::new();
    let mut unresolved = Vec::new();
    for (name, svc) in stack.services() {
        match service::resolve(stack, name, svc, env) {
            Ok(s) => services.push(s),
            Err(d) => unresolved.push(*d),
        }
    }
    let cluster = stack.cluster.as_ref().map(|c| Cluster {
        name: c.name.clone(),
        container_insights: c.container_insights,
        capacity_providers: capacity_providers(&services),
    });
    let resolved = Resolved {
        name: stack.name.clone(),
        env: env.map(str::to_owned),
        prefix: names::stack_prefix(&stack.name, env),
        region: stack.region.clone(),
        tags: stack.tags.clone(),
        cluster,
        nat_gateway: derived::nat_gateway(stack),
        endpoints: endpoint::resolve(stack),
        existing_endpoints: endpoint::existing(stack),
        written_vpc_endpoints: stack.vpc_endpoints.is_some(),
        endpoint_security_group: endpoint::security_group(stack),
        needs: endpoint::needs(stack),
        private_images: stack
            .services()
            .filter(|(_, s)| !derived::is_public(s))
            .flat_map(|(name, s)| needs::images(s).into_iter().map(|i| (name.clone(), i)))
            .collect(),
        action_uses: needs::action_uses(stack),
        services,
        platform: stack.platform.clone(),
        permissions_boundary: stack
            .iam
            .as_ref()
            .and_then(|i| i.permissions_boundary.clone()),
        iam_path: stack.iam.as_ref().and_then(|i| i.path.clone()),
    };
    Resolution {
        resolved,
        unresolved,
    }
}

pub(crate) fn capacity_providers(services: &[Service]) -> BTreeSet<CapacityProvider> {
    let mut providers: BTreeSet<CapacityProvider> = services
        .iter()
        .flat_map(|s| match &s.placement {
            Placement::LaunchType => Vec::new(),
            Placement::Strategy(items) => items.iter().map(|c| c.provider).collect(),
        })
        .collect();
    if providers.is_empty() {
        providers.insert(CapacityProvider::Fargate);
    }
    providers
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resolve_json(v: serde_json::Value) -> Option<Resolved> {
        let stack = model::from_value(&v).expect("structurally valid");
        let r = resolve(&stack, Some("prd"));
        r.unresolved.is_empty().then_some(r.resolved)
    }

    /// What a rule rejects, resolution refuses too: it never fills a gap with a default, and it
    /// reports where it stopped instead of failing the whole stack.
    #[test]
    fn an_unchecked_stack_does_not_resolve() {
        let policy = |p: serde_json::Value| {
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
                "auto_scaling": {"min_capacity": 1, "max_capacity": 2, "policies": [p]}}}})
        };
        for bad in [
            policy(json!({"predefined_metric_type": "ECSServiceAverageCPUUtilization"})),
            policy(json!({"target_value": 50})),
            policy(json!({"policy_type": "StepScaling",
                "step_adjustments": [{"metric_interval_lower_bound": 0, "scaling_adjustment": 1}]})),
            policy(json!({"policy_type": "StepScaling", "alarm": {},
                "step_adjustments": [{"metric_interval_lower_bound": 0, "scaling_adjustment": 1}]})),
            policy(json!({"policy_type": "StepScaling", "alarm": {"threshold": 1}})),
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
                "load_balancer": {}}}}),
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
                "memory_reservation": -1}}}),
            // Resolution runs before the rules: a weight no rule has checked yet must not
            // overflow (`capacity-range` reports it).
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
                "capacity_provider_strategy": [
                    {"capacity_provider": "FARGATE", "weight": 100_000_000},
                    {"capacity_provider": "FARGATE_SPOT", "weight": 4_200_000_000_u64}]}}}),
        ] {
            assert_eq!(resolve_json(bad.clone()), None, "{bad}");
            // Resolution still returns the stack, without the service, and says where it stopped.
            let stack = model::from_value(&bad).expect("structurally valid");
            let r = resolve(&stack, Some("prd"));
            assert!(r.resolved.services.is_empty(), "{bad}");
            assert_eq!(r.resolved.prefix, "s-prd");
            let [d] = r.unresolved.as_slice() else {
                panic!("one diagnostic for {bad}: {:?}", r.unresolved)
            };
            assert_eq!(d.code, "internal");
            assert!(d.path.starts_with("services.api"), "{}", d.path);
            assert!(
                d.message.starts_with("gen-tf could not resolve api's "),
                "{}",
                d.message
            );
        }
        assert!(resolve_json(policy(json!({"policy_type": "StepScaling",
            "alarm": {"threshold": 1},
            "step_adjustments": [{"metric_interval_lower_bound": 0, "scaling_adjustment": 1}]})))
        .is_some());
    }

    /// Target groups, Service Connect peers and ECS Exec become the rules, roles and container
    /// settings that lowering writes as they are.
    #[test]
    fn traffic_is_resolved_once() {
        let tg = |n: &str| {
            format!("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/{n}/1")
        };
        let r = resolve_json(json!({"name": "shop", "services": {
            "api": {"cpu": 256, "memory": 512, "port": 8080, "enable_execute_command": true,
                "load_balancers": [
                    {"target_group_arn": tg("a")},
                    {"target_group_arn": tg("b"), "security_group_id": "sg-0123456789abcdef0"},
                    {"target_group_arn": tg("c")}],
                "service_connect": {"namespace": "ns", "services": [{"port_name": "http"}]}},
            "other": {"cpu": 256, "memory": 512, "service_connect": {"namespace": "elsewhere"}},
            "worker": {"cpu": 256, "memory": 512, "service_connect": {"namespace": "ns"}},
        }}))
        .expect("resolves");
        let (api, other, worker) = (&r.services[0], &r.services[1], &r.services[2]);
        let labels = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
        assert_eq!(
            labels(api.ingress.iter().map(|i| &i.label).collect()),
            ["from_lb_1", "from_lb_2", "sc_from_worker"]
        );
        assert_eq!(api.grace_period_seconds, Some(60));
        assert_eq!(api.container.port_name.as_deref(), Some("http"));
        assert_eq!(api.container.settings.init_process_enabled, Some(true));
        assert_eq!(
            api.roles.task.last().and_then(|s| s.sid.as_deref()),
            Some("EcsExec")
        );
        assert_eq!(
            labels(worker.egress.iter().map(|e| &e.label).collect()),
            ["sc_to_api"]
        );
        assert!(other.egress.is_empty() && other.ingress.is_empty());
        assert_eq!(worker.container.settings.init_process_enabled, None);
    }

    #[test]
    fn defaults_and_derived_values_are_resolved_once() {
        let r = resolve_json(json!({"name": "shop", "services": {"api": {
            "cpu": 512, "memory": 1024,
            "memory_reservation": {"strategy": "dynamic"},
            "load_balancer": {"container_port": 8080},
            "auto_scaling": {"min_capacity": 2, "max_capacity": 4},
        }}}))
        .expect("resolves");
        let api = &r.services[0];
        assert_eq!(api.task.platform_version, "LATEST");
        assert_eq!(api.desired_count, 2);
        assert_eq!(api.container.port, Some(8080));
        assert_eq!(api.container.memory_reservation, Some(716));
        assert_eq!(
            api.load_balancers
                .iter()
                .map(|l| l.container_port)
                .collect::<Vec<_>>(),
            [8080]
        );
        assert_eq!(api.grace_period_seconds, Some(60));
        assert_eq!(api.logs.retention_days, 30);
        assert_eq!(api.names.execution_role, "shop-prd-api-execution");
        assert_eq!(api.names.ecs_service, "shop-prd-api");
        assert_eq!(api.placement, Placement::LaunchType);
    }
}
