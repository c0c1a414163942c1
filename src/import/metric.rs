//! A scaling metric's dimensions and a target tracking policy's customized metric as the stack
//! writes them. In AWS/ECS and ECS/ContainerInsights gen-tf fills in the service's own
//! dimensions (ClusterName and ServiceName, as references) when a metric names none: written
//! out, they would become fixed strings in the module, so they are left out.

use serde_json::{Map, Value};

use crate::model::scaling::SERVICE_NAMESPACES;

/// The `dimensions` to write for a metric of `namespace` (none: AWS/ECS) on the scalable target
/// `service/<cluster>/<service>`, or none when gen-tf fills them in.
pub(super) fn dimensions(
    namespace: Option<&str>,
    dims: &[(String, String)],
    resource_id: &str,
) -> Option<Value> {
    let mut parts = resource_id.split('/');
    let own = match (parts.next(), parts.next(), parts.next()) {
        (Some("service"), Some(cluster), Some(service)) => vec![
            ("ClusterName".to_owned(), cluster.to_owned()),
            ("ServiceName".to_owned(), service.to_owned()),
        ],
        _ => Vec::new(),
    };
    let mut sorted = dims.to_vec();
    sorted.sort();
    let in_service_namespace = SERVICE_NAMESPACES.contains(&namespace.unwrap_or("AWS/ECS"));
    if in_service_namespace && sorted == own {
        return None;
    }
    if dims.is_empty() {
        return None;
    }
    let o: Map<String, Value> = dims
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
        .collect();
    Some(Value::Object(o))
}

/// `customized_metric` from the AWS CLI's `CustomizedMetricSpecification`, or none when it is
/// a metric math expression (`Metrics`), which gen-tf does not write.
pub(super) fn customized(spec: &Value, resource_id: &str) -> Option<Value> {
    let namespace = spec["Namespace"].as_str()?;
    let mut m = Map::new();
    m.insert("namespace".into(), namespace.into());
    m.insert("metric_name".into(), spec["MetricName"].as_str()?.into());
    m.insert("statistic".into(), spec["Statistic"].as_str()?.into());
    if let Some(u) = spec["Unit"].as_str() {
        m.insert("unit".into(), u.into());
    }
    let dims: Vec<(String, String)> = spec["Dimensions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d["Name"].as_str()?.to_owned(),
                d["Value"].as_str()?.to_owned(),
            ))
        })
        .collect();
    if let Some(d) = dimensions(Some(namespace), &dims, resource_id) {
        m.insert("dimensions".into(), d);
    }
    Some(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TARGET: &str = "service/prod/shop-web";

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_services_own_dimensions_are_left_to_gen_tf() {
        let own = pairs(&[("ServiceName", "shop-web"), ("ClusterName", "prod")]);
        assert_eq!(dimensions(None, &own, TARGET), None);
        assert_eq!(
            dimensions(Some("ECS/ContainerInsights"), &own, TARGET),
            None
        );
        // Another service's, or another namespace's, are written.
        assert_eq!(
            dimensions(Some("Custom/App"), &own, TARGET),
            Some(json!({ "ServiceName": "shop-web", "ClusterName": "prod" }))
        );
        let other = pairs(&[("ClusterName", "prod"), ("ServiceName", "shop-api")]);
        assert!(dimensions(Some("AWS/ECS"), &other, TARGET).is_some());
    }

    #[test]
    fn a_customized_metric_is_written_and_metric_math_is_not() {
        let spec = json!({
            "MetricName": "QueueDepth",
            "Namespace": "Custom/App",
            "Dimensions": [{ "Name": "QueueName", "Value": "jobs" }],
            "Statistic": "Average",
            "Unit": "Count",
        });
        assert_eq!(
            customized(&spec, TARGET),
            Some(json!({
                "namespace": "Custom/App",
                "metric_name": "QueueDepth",
                "statistic": "Average",
                "unit": "Count",
                "dimensions": { "QueueName": "jobs" },
            }))
        );
        let math = json!({ "Metrics": [{ "Id": "m1", "Expression": "a / b" }] });
        assert_eq!(customized(&math, TARGET), None);
    }
}
