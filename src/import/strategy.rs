//! A service's deployment strategy as ECS holds it (`deploymentConfiguration.strategy`, its
//! bake time, linear or canary steps and lifecycle hooks), the load balancers'
//! `advancedConfiguration`, Service Connect's `testTrafficRules` and the EBS volume a service
//! configures at launch, written as gen-tf's `deployment`, `advanced_configuration`,
//! `test_traffic_header` and `volume_configuration`.
//!
//! An advanced configuration's (and an EBS volume's) infrastructure role is written as its ARN (`role_arn`): the
//! running role is kept as it is, where leaving it out would make gen-tf create a role of its
//! own (`<stack>-<service>-ecs-infra`) and move the listener rules to it.

use serde_json::{json, Map, Value};

use super::aws::{ClientAlias, DeploymentConfiguration, EcsLoadBalancer, EcsService};

/// The strategy's settings, into `deployment` (`v`).
pub(super) fn strategy(kind: &str, dc: &DeploymentConfiguration, v: &mut Map<String, Value>) {
    v.insert("strategy".into(), kind.into());
    if let Some(b) = dc.bake_time_in_minutes {
        v.insert("bake_time_in_minutes".into(), b.into());
    }
    if let Some(l) = dc
        .linear_configuration
        .as_ref()
        .filter(|_| kind == "LINEAR")
    {
        let mut x = Map::new();
        x.insert("step_percent".into(), json!(l.step_percent));
        if let Some(b) = l.step_bake_time_in_minutes {
            x.insert("step_bake_time_in_minutes".into(), b.into());
        }
        v.insert("linear".into(), Value::Object(x));
    }
    if let Some(c) = dc
        .canary_configuration
        .as_ref()
        .filter(|_| kind == "CANARY")
    {
        let mut x = Map::new();
        x.insert("percent".into(), json!(c.canary_percent));
        if let Some(b) = c.canary_bake_time_in_minutes {
            x.insert("bake_time_in_minutes".into(), b.into());
        }
        v.insert("canary".into(), Value::Object(x));
    }
    let hooks: Vec<Value> = dc
        .lifecycle_hooks
        .iter()
        .map(|h| {
            json!({
                "function_arn": h.hook_target_arn,
                "role_arn": h.role_arn,
                "stages": h.lifecycle_stages,
            })
        })
        .collect();
    if !hooks.is_empty() {
        v.insert("lifecycle_hooks".into(), Value::Array(hooks));
    }
}

/// A load balancer's `advanced_configuration`, with its infrastructure role by ARN.
pub(super) fn advanced(lb: &EcsLoadBalancer) -> Option<Value> {
    let a = lb.advanced_configuration.as_ref()?;
    let mut x = Map::new();
    x.insert(
        "alternate_target_group_arn".into(),
        a.alternate_target_group_arn.as_str().into(),
    );
    x.insert(
        "production_listener_rule".into(),
        a.production_listener_rule.as_str().into(),
    );
    if let Some(t) = &a.test_listener_rule {
        x.insert("test_listener_rule".into(), t.as_str().into());
    }
    if let Some(r) = &a.role_arn {
        x.insert("role_arn".into(), r.as_str().into());
    }
    Some(Value::Object(x))
}

/// A client alias's `test_traffic_header`: the header its test traffic rule matches exactly.
pub(super) fn test_traffic_header(a: &ClientAlias) -> Option<Value> {
    let h = &a.test_traffic_rules.as_ref()?.header;
    let value = h.value.as_ref()?;
    Some(json!({ "name": h.name, "value": value.exact }))
}

/// The service's `volume_configuration` from its primary deployment's `volumeConfigurations`:
/// the EBS volume ECS creates for each task, its infrastructure role by ARN.
pub(super) fn volume_configuration(s: &EcsService, o: &mut Map<String, Value>) {
    let Some(c) = s
        .deployments
        .iter()
        .find(|d| d.status == "PRIMARY")
        .and_then(|d| d.volume_configurations.first())
    else {
        return;
    };
    let Some(e) = &c.managed_ebs_volume else {
        return;
    };
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    put("role_arn", e.role_arn.clone().map(Value::from));
    put("size_in_gb", e.size_in_gib.map(Value::from));
    put("volume_type", e.volume_type.clone().map(Value::from));
    put("iops", e.iops.map(Value::from));
    put("throughput", e.throughput.map(Value::from));
    // gen-tf encrypts unless told otherwise.
    put("encrypted", e.encrypted.filter(|x| !x).map(Value::from));
    put("kms_key_id", e.kms_key_id.clone().map(Value::from));
    put(
        "file_system_type",
        e.filesystem_type.clone().map(Value::from),
    );
    put("snapshot_id", e.snapshot_id.clone().map(Value::from));
    if let Some(t) = e
        .tag_specifications
        .iter()
        .find(|t| t.resource_type == "volume")
    {
        if !t.tags.is_empty() {
            let tags: Map<String, Value> = t
                .tags
                .iter()
                .map(|x| (x.key.clone(), x.value.clone().into()))
                .collect();
            put("tags", Some(Value::Object(tags)));
        }
        put("propagate_tags", t.propagate_tags.clone().map(Value::from));
    }
    o.insert(
        "volume_configuration".into(),
        json!({ "name": c.name, "managed_ebs_volume": m }),
    );
}
