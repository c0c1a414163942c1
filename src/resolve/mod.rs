//! The resolved stack: what a validated stack means, with every default applied and every derived
//! fact computed once.
//!
//! `validate` runs [`resolve`] and then the rules over its result, and hands lowering a
//! [`Resolved`] or all the diagnostics. Lowering, the module README and `gen-tf cost` read only these types: required
//! values are not `Option`s, policies are an enum of their kinds, ARNs are parsed, the endpoints
//! are the final list, and ports, counts and names are the effective ones. A field that is still
//! an `Option` here is one whose absence is written as absence (an argument left out), or one
//! filled only when the value as written can be resolved (its `written_*` twin says what was
//! written).
//!
//! Resolution runs before the rules, on any stack the model accepts, and the rules read its
//! result, so it takes every service. Where a value cannot be resolved it never writes a
//! default: the resolved type keeps the value as written (`written_*` fields, an `Option`, or
//! `Placement::Unresolved`) beside the derived fact, which it fills only when it can; the rule
//! that rejects the value reads it from there, and lowering never sees such a stack.

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

use crate::model::service::CapacityProvider;
use crate::model::{self, ServiceName, StackName};

pub(crate) use container::Container;
pub(crate) use endpoint::{Endpoint, EndpointKind, EndpointPolicy};
pub(crate) use scaling::Policy;
pub(crate) use service::{Placement, Service};

/// A resolved stack: the rules read it, and lowering gets it when they found no error.
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
    /// `network.vpc_endpoint_security_group_description` as written, for the name rule.
    pub written_endpoint_security_group_description: Option<String>,
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

/// Resolves any stack the model accepts, before the rules run. Every service resolves: a value
/// a rule will reject is kept as written beside the derived fact, never filled in.
pub(crate) fn resolve(stack: &model::Stack, env: Option<&str>) -> Resolved {
    let services: Vec<Service> = stack
        .services()
        .map(|(name, svc)| service::resolve(stack, name, svc, env))
        .collect();
    let cluster = stack.cluster.as_ref().map(|c| Cluster {
        name: c.name.clone(),
        container_insights: c.container_insights,
        capacity_providers: capacity_providers(&services),
    });
    Resolved {
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
        written_endpoint_security_group_description: stack
            .network
            .as_ref()
            .and_then(|n| n.vpc_endpoint_security_group_description.clone()),
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
    }
}

pub(crate) fn capacity_providers(services: &[Service]) -> BTreeSet<CapacityProvider> {
    let mut providers: BTreeSet<CapacityProvider> = services
        .iter()
        .flat_map(|s| match &s.placement {
            Placement::LaunchType | Placement::Unresolved => Vec::new(),
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
        Some(resolve(&stack, Some("prd")))
    }

    /// Resolution runs before the rules, so it takes every service the model accepts: what a
    /// rule rejects it keeps as written, beside a derived fact it fills only when it can, and
    /// it never fills a gap with a default.
    #[test]
    fn an_unchecked_stack_resolves_keeping_what_was_written() {
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
        ] {
            let r = resolve_json(bad.clone()).expect("resolves");
            let [svc] = r.services.as_slice() else {
                panic!("the service is kept: {bad}")
            };
            let scaling = svc.scaling.as_ref().expect("auto scaling");
            // The policy is kept as written, with its names, and not resolved.
            assert!(scaling.policies.is_empty(), "{bad}");
            let [w] = scaling.written.as_slice() else {
                panic!("one policy as written: {bad}")
            };
            assert!(w.name.aws.starts_with("s-prd-api-"), "{}", w.name.aws);
        }
        assert_eq!(
            resolve_json(policy(json!({"policy_type": "StepScaling",
            "alarm": {"threshold": 1},
            "step_adjustments": [{"metric_interval_lower_bound": 0, "scaling_adjustment": 1}]})))
            .and_then(|r| r.services[0].scaling.clone())
            .map(|s| s.policies.len()),
            Some(1)
        );
    }

    /// What the other rules reject is kept as written too.
    #[test]
    fn values_the_rules_reject_are_kept_as_written() {
        // A reservation that is not a number of MiB is kept as written for `memory-minimum`.
        let r = resolve_json(
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
            "memory_reservation": -1}}}),
        )
        .expect("resolves");
        let main = &r.services[0].container;
        assert_eq!(
            (main.written_reservation, main.memory_reservation),
            (Some(-1), None)
        );
        // A load balancer without a container port is kept as written for `lb-port`, and left
        // out of the target groups the service registers with.
        let r = resolve_json(
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
            "load_balancer": {}}}}),
        )
        .expect("resolves");
        assert!(r.services[0].load_balancers.is_empty());
        let [lb] = r.services[0].written_load_balancers.as_slice() else {
            panic!("one load balancer as written")
        };
        assert_eq!((lb.shorthand, lb.container_port), (true, None));
        // An environment file or registry credential that is not an ARN of its kind is kept as
        // written for `environment-file` and `repository-credentials`.
        let r = resolve_json(
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
            "environment_files": ["not-an-arn", "arn:aws:s3:::bucket/app.env"],
            "repository_credentials": "arn:aws:ssm:us-east-1:123456789012:parameter/registry"}}}),
        )
        .expect("resolves");
        let settings = &r.services[0].container.settings;
        assert_eq!(settings.written_environment_files.len(), 2);
        assert_eq!(settings.environment_files.len(), 1);
        assert_eq!(settings.repository_credentials, None);
        assert!(settings.written_credentials.is_some());
        // An egress rule without a destination is kept as written for `egress`, and left out of
        // the rules the security group gets.
        let r = resolve_json(
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
            "egress": [{"port": 443}, {"port": 5432, "cidr_ipv4": "10.0.0.0/16"}]}}}),
        )
        .expect("resolves");
        assert_eq!(r.services[0].written_egress.len(), 2);
        let labels: Vec<&str> = r.services[0]
            .egress
            .iter()
            .map(|e| e.label.as_str())
            .collect();
        assert_eq!(labels, ["egress_1"]);
        // Resolution runs before the rules: a weight no rule has checked yet must not
        // overflow, and the strategy is kept as written for `capacity-range` to report.
        let r = resolve_json(
            json!({"name": "s", "services": {"api": {"cpu": 256, "memory": 512,
            "capacity_provider_strategy": [
                {"capacity_provider": "FARGATE", "weight": 100_000_000},
                {"capacity_provider": "FARGATE_SPOT", "weight": 4_200_000_000_u64, "base": -1}]}}}),
        )
        .expect("resolves");
        assert_eq!(r.services[0].placement, Placement::Unresolved);
        let written: Vec<(i64, i64)> = r.services[0]
            .strategy
            .iter()
            .map(|c| (c.weight, c.base))
            .collect();
        assert_eq!(written, [(100_000_000, 0), (4_200_000_000, -1)]);
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
