//! `names`: each override replaces its derived AWS name in the generated module, through the
//! real pipeline.

use gen_tf::pipeline::{compile_value, Options, Source};
use serde_json::json;

fn compile(names: serde_json::Value) -> String {
    let value = json!({
        "name": "shop",
        "region": "eu-west-1",
        "services": {"api": {
            "cpu": 256,
            "memory": 512,
            "port": 8080,
            "names": names,
            "auto_scaling": {
                "min_capacity": 1,
                "max_capacity": 4,
                "policies": [{ "name": "cpu", "predefined_metric_type": "ECSServiceAverageCPUUtilization", "target_value": 60 }],
                "scheduled": [{ "name": "night", "schedule": "cron(0 20 * * ? *)", "min_capacity": 1, "max_capacity": 4 }],
            },
        }}
    });
    let source = Source {
        value: &value,
        label: "<memory>",
        text: None,
    };
    let opts = Options {
        env: Some("prd".to_owned()),
        ..Options::default()
    };
    let files = compile_value(source, &opts).expect("compiles").files;
    files
        .iter()
        .filter(|(n, _)| n.ends_with(".tf"))
        .map(|(_, t)| t.as_str())
        .collect()
}

#[test]
fn every_override_replaces_its_derived_name() {
    let derived = compile(json!({}));
    for name in [
        "\"shop-prd-api\"",
        "\"shop-prd-api-task\"",
        "\"shop-prd-api-execution\"",
        "\"/ecs/shop/prd/api\"",
        "name_prefix = \"shop-prd-api-tasks-\"",
        "\"shop-prd-api-cpu\"",
        "\"shop-prd-api-night\"",
        "\"Tasks of the api ECS service.\"",
        "create_before_destroy = true",
    ] {
        assert!(derived.contains(name), "derived output lacks {name}");
    }
    let given = compile(json!({
        "service": "legacy-api",
        "family": "legacy_api_td",
        "task_role": "LegacyApiTaskRole",
        "execution_role": "ecsTaskExecutionRole",
        "log_group": "/aws/ecs/legacy-api",
        "security_group": "legacy-api-tasks",
        "security_group_description": "legacy api tasks",
        "scaling_prefix": "legacy-api",
    }));
    for name in [
        "\"legacy-api\"",
        "family                   = \"legacy_api_td\"",
        "\"LegacyApiTaskRole\"",
        "\"ecsTaskExecutionRole\"",
        "\"/aws/ecs/legacy-api\"",
        "name        = \"legacy-api-tasks\"",
        "description = \"legacy api tasks\"",
        "\"legacy-api-cpu\"",
        "\"legacy-api-night\"",
    ] {
        assert!(
            given.contains(name),
            "overridden output lacks {name}:\n{given}"
        );
    }
    for gone in [
        "shop-prd-api",
        "/ecs/shop/prd/api",
        "name_prefix",
        "Tasks of the api ECS service.",
    ] {
        assert!(!given.contains(gone), "overridden output still has {gone}");
    }
}
