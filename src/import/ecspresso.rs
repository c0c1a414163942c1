//! An ecspresso directory as input: `ecspresso.yml` names the region, cluster and service and
//! the service and task definition files, which hold what `CreateService` and
//! `RegisterTaskDefinition` take (ecspresso's own format, the ECS API's field names). They
//! become one described service and its task definition, as `describe-services` and
//! `describe-task-definition` would print them.
//! Source: https://github.com/kayac/ecspresso#configuration-file

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::aws::{EcsService, TaskDefinition};
use super::read::{text_of, Described, ReadError};

#[derive(Debug, Deserialize)]
struct Config {
    region: Option<String>,
    cluster: String,
    service: String,
    service_definition: String,
    task_definition: String,
}

/// The account ID of ARNs ecspresso's files do not carry: a placeholder the report names.
const ACCOUNT: &str = "000000000000";

/// Reads the configuration and its two definitions into `d`; returns the definitions' paths.
pub(crate) fn read(config: &Path, d: &mut Described) -> Result<Vec<PathBuf>, ReadError> {
    let err = |file: &Path, message: String| ReadError {
        file: file.to_owned(),
        message,
    };
    let text = text_of(config)?;
    let c: Config = serde_yaml::from_str(&text).map_err(|e| {
        err(
            config,
            format!("is not an ecspresso configuration gen-tf reads ({e}): it needs cluster, service, service_definition and task_definition"),
        )
    })?;
    let dir = config.parent().unwrap_or_else(|| Path::new("."));
    let load = |name: &str| -> Result<Value, ReadError> {
        let file = dir.join(name);
        if !name.ends_with(".json") {
            return Err(err(&file, "is not a .json file: gen-tf reads ecspresso's JSON definitions; write them out with `ecspresso render servicedef` and `ecspresso render taskdef`".to_owned()));
        }
        let text = text_of(&file)?;
        if text.contains("{{") {
            return Err(err(&file, "holds ecspresso template functions ({{ ... }}), which gen-tf does not expand; save the output of `ecspresso render` instead".to_owned()));
        }
        serde_json::from_str(&text).map_err(|e| err(&file, format!("is not JSON ({e})")))
    };
    let region = c.region.clone().unwrap_or_else(|| "us-east-1".to_owned());
    let mut td_value = load(&c.task_definition)?;
    let td_file = dir.join(&c.task_definition);
    let family = td_value["family"].as_str().unwrap_or(&c.service).to_owned();
    // ecspresso registers a new revision on each deploy; the running one's number is unknown.
    let arn = format!("arn:aws:ecs:{region}:{ACCOUNT}:task-definition/{family}");
    td_value["taskDefinitionArn"] = Value::from(arn.clone());
    let tags = td_value
        .get("tags")
        .cloned()
        .and_then(|t| serde_json::from_value(t).ok())
        .unwrap_or_default();
    let td: TaskDefinition = serde_json::from_value(td_value)
        .map_err(|e| err(&td_file, format!("does not read as a task definition: {e}")))?;
    let mut sv_value = load(&c.service_definition)?;
    let sv_file = dir.join(&c.service_definition);
    sv_value["serviceName"] = Value::from(c.service.clone());
    // No ARN: the stack's comment names the file instead.
    sv_value["serviceArn"] = Value::from("");
    sv_value["clusterArn"] = Value::from(format!(
        "arn:aws:ecs:{region}:{ACCOUNT}:cluster/{}",
        c.cluster
    ));
    sv_value["taskDefinition"] = Value::from(arn.clone());
    let sv: EcsService = serde_json::from_value(sv_value).map_err(|e| {
        err(
            &sv_file,
            format!("does not read as a service definition: {e}"),
        )
    })?;
    d.task_definitions.insert(arn, (td, tags));
    d.services.push((sv_file.clone(), sv));
    d.from_ecspresso = true;
    Ok(vec![td_file, sv_file])
}
