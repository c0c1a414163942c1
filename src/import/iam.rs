//! The stack's `iam` settings from the roles the cluster's task definitions name: gen-tf writes
//! one role path and one permissions boundary per stack, so they are kept when every described
//! role shares them, and reported otherwise (the first apply would change the roles).

use serde_json::{json, Map, Value};

use super::aws::TaskDefinition;
use super::read::Described;

/// A role's path and permissions boundary ARN; `/` and none are gen-tf's defaults.
type Settings = (String, Option<String>);

fn settings_of(d: &Described, arn: Option<&str>) -> Option<(String, Settings)> {
    let name = arn?.rsplit('/').next()?;
    let role = d.roles.get(name)?;
    let boundary = role
        .permissions_boundary
        .as_ref()
        .and_then(|b| b["PermissionsBoundaryArn"].as_str())
        .map(str::to_owned);
    Some((name.to_owned(), (role.path.clone(), boundary)))
}

/// The stack's `iam` object (none when the roles keep gen-tf's defaults), or the message that
/// says why the roles' path and boundary cannot be kept.
pub(super) fn stack_iam(d: &Described, tds: &[&TaskDefinition]) -> Result<Option<Value>, String> {
    let mut seen: Vec<(String, Settings)> = Vec::new();
    for td in tds {
        for arn in [&td.task_role_arn, &td.execution_role_arn] {
            if let Some(s) = settings_of(d, arn.as_deref()) {
                seen.push(s);
            }
        }
    }
    let Some((_, first)) = seen.first() else {
        return Ok(None);
    };
    if let Some((name, other)) = seen.iter().find(|(_, s)| s != first) {
        return Err(format!(
            "the roles differ in path or permissions boundary ({} has {:?}, {name} has {:?}): gen-tf gives every role of a stack one iam.path and iam.permissions_boundary, so the first apply changes the roles that differ from the stack's",
            seen[0].0, first, other
        ));
    }
    let (path, boundary) = first;
    let mut iam = Map::new();
    if path != "/" {
        iam.insert("path".into(), json!(path));
    }
    if let Some(b) = boundary {
        iam.insert("permissions_boundary".into(), json!(b));
    }
    Ok((!iam.is_empty()).then_some(Value::Object(iam)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(roles: &[(&str, &str, Option<&str>)]) -> Described {
        let mut d = Described::default();
        for (name, path, boundary) in roles {
            let mut role = json!({
                "Path": path,
                "RoleName": name,
                "Arn": format!("arn:aws:iam::123456789012:role{path}{name}"),
                "AssumeRolePolicyDocument": {},
            });
            if let Some(b) = boundary {
                role["PermissionsBoundary"] = json!({
                    "PermissionsBoundaryType": "Policy",
                    "PermissionsBoundaryArn": b,
                });
            }
            d.roles
                .insert((*name).to_owned(), serde_json::from_value(role).unwrap());
        }
        d
    }

    fn td(task: &str, execution: &str) -> TaskDefinition {
        TaskDefinition {
            task_role_arn: Some(format!("arn:aws:iam::123456789012:role/x/{task}")),
            execution_role_arn: Some(format!("arn:aws:iam::123456789012:role/x/{execution}")),
            ..TaskDefinition::default()
        }
    }

    #[test]
    fn a_shared_path_and_boundary_are_the_stacks() {
        let b = "arn:aws:iam::123456789012:policy/boundary";
        let d = described(&[("t", "/teams/", Some(b)), ("e", "/teams/", Some(b))]);
        let iam = stack_iam(&d, &[&td("t", "e")]).unwrap();
        assert_eq!(
            iam,
            Some(json!({ "path": "/teams/", "permissions_boundary": b }))
        );
        let d = described(&[("t", "/", None), ("e", "/", None)]);
        assert_eq!(stack_iam(&d, &[&td("t", "e")]).unwrap(), None);
    }

    #[test]
    fn roles_that_differ_are_reported() {
        let d = described(&[("t", "/teams/", None), ("e", "/", None)]);
        let why = stack_iam(&d, &[&td("t", "e")]).unwrap_err();
        assert!(why.contains("one iam.path"), "{why}");
    }
}
