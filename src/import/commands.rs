//! `gen-tf import --commands`: the AWS CLI calls, in order, whose output `gen-tf import` reads.
//! The calls after the first two need what the first two print (the task definition's roles
//! and log group, the service's security groups), so they are written with shell command
//! substitutions over the saved files.

/// The commands for the services of one cluster, saving each output under `dir`.
pub(crate) fn commands(
    cluster: &str,
    services: &[String],
    dir: Option<&std::path::Path>,
) -> String {
    let dir = dir.map_or_else(|| "describe".to_owned(), |d| d.display().to_string());
    let q = |s: &str| shell_quote(s);
    let d = q(&dir);
    let c = q(cluster);
    let mut out = String::new();
    out.push_str("#!/bin/sh\n# The describe output gen-tf import reads. Needs the AWS CLI v2 and jq.\nset -eu\n");
    out.push_str(&format!("mkdir -p {d}\n"));
    out.push_str(&format!(
        "aws ecs describe-services --cluster {c} --services {} --include TAGS --output json > {d}/describe-services.json\n",
        services.iter().map(|s| q(s)).collect::<Vec<_>>().join(" ")
    ));
    out.push_str(&format!(
        "aws application-autoscaling describe-scalable-targets --service-namespace ecs --resource-ids {} --output json > {d}/describe-scalable-targets.json\n",
        services.iter().map(|s| q(&format!("service/{cluster}/{s}"))).collect::<Vec<_>>().join(" ")
    ));
    for s in services {
        let n = file_part(s);
        let rid = q(&format!("service/{cluster}/{s}"));
        out.push_str(&format!("\n# {s}\n"));
        out.push_str(&format!(
            "aws application-autoscaling describe-scaling-policies --service-namespace ecs --resource-id {rid} --output json > {d}/describe-scaling-policies.{n}.json\n"
        ));
        out.push_str(&format!(
            "aws application-autoscaling describe-scheduled-actions --service-namespace ecs --resource-id {rid} --output json > {d}/describe-scheduled-actions.{n}.json\n"
        ));
        out.push_str(&format!(
            "td=$(jq -r '.services[] | select(.serviceName == \"{s}\") | .taskDefinition' {d}/describe-services.json)\n"
        ));
        out.push_str(&format!(
            "aws ecs describe-task-definition --task-definition \"$td\" --include TAGS --output json > {d}/describe-task-definition.{n}.json\n"
        ));
        out.push_str(&format!(
            "alarms=$(jq -r '[.ScalingPolicies[].Alarms[]?.AlarmName] | join(\" \")' {d}/describe-scaling-policies.{n}.json)\n"
        ));
        out.push_str(&format!(
            "[ -z \"$alarms\" ] || aws cloudwatch describe-alarms --alarm-names $alarms --output json > {d}/describe-alarms.{n}.json\n"
        ));
        out.push_str(&format!(
            "for role in $(jq -r '.taskDefinition | .taskRoleArn, .executionRoleArn | select(.) | sub(\".*/\"; \"\")' {d}/describe-task-definition.{n}.json); do\n"
        ));
        out.push_str(&format!(
            "  aws iam get-role --role-name \"$role\" --output json > {d}/get-role.$role.json\n"
        ));
        out.push_str(&format!(
            "  aws iam list-role-policies --role-name \"$role\" --query \"{{RoleName: '$role', PolicyNames: PolicyNames}}\" --output json > {d}/list-role-policies.$role.json\n"
        ));
        out.push_str(&format!(
            "  for policy in $(jq -r '.PolicyNames[]' {d}/list-role-policies.$role.json); do\n    aws iam get-role-policy --role-name \"$role\" --policy-name \"$policy\" --output json > {d}/get-role-policy.$role.$policy.json\n  done\n"
        ));
        out.push_str(&format!(
            "  aws iam list-attached-role-policies --role-name \"$role\" --query \"{{RoleName: '$role', AttachedPolicies: AttachedPolicies}}\" --output json > {d}/list-attached-role-policies.$role.json\ndone\n"
        ));
        out.push_str(&format!(
            "for group in $(jq -r '[.taskDefinition.containerDefinitions[].logConfiguration.options.\"awslogs-group\" // empty] | unique | .[]' {d}/describe-task-definition.{n}.json); do\n  aws logs describe-log-groups --log-group-name-prefix \"$group\" --output json > {d}/describe-log-groups.$(echo \"$group\" | tr / _).json\ndone\n"
        ));
        out.push_str(&format!(
            "aws ec2 describe-security-groups --group-ids $(jq -r '.services[] | select(.serviceName == \"{s}\") | .networkConfiguration.awsvpcConfiguration.securityGroups[]' {d}/describe-services.json) --output json > {d}/describe-security-groups.{n}.json\n"
        ));
        out.push_str(&format!(
            "aws ec2 describe-security-group-rules --filters \"Name=group-id,Values=$(jq -r '[.services[] | select(.serviceName == \"{s}\") | .networkConfiguration.awsvpcConfiguration.securityGroups[]] | join(\",\")' {d}/describe-services.json)\" --output json > {d}/describe-security-group-rules.{n}.json\n"
        ));
    }
    out.push_str(&format!(
        "\n# The VPC's endpoints, which the stack counts as existing.\nvpc=$(jq -r '.SecurityGroups[0].VpcId' $(ls {d}/describe-security-groups.*.json | head -n 1))\naws ec2 describe-vpc-endpoints --filters \"Name=vpc-id,Values=$vpc\" --output json > {d}/describe-vpc-endpoints.json\n"
    ));
    out.push_str(&format!(
        "# Their security groups and rules, which --manage-endpoints adopts with them.\ngroups=$(jq -r '[.VpcEndpoints[].Groups[].GroupId] | unique | join(\" \")' {d}/describe-vpc-endpoints.json)\nif [ -n \"$groups\" ]; then\n  aws ec2 describe-security-groups --group-ids $groups --output json > {d}/describe-security-groups.vpc-endpoints.json\n  aws ec2 describe-security-group-rules --filters \"Name=group-id,Values=$(echo $groups | tr ' ' ,)\" --output json > {d}/describe-security-group-rules.vpc-endpoints.json\nfi\n"
    ));
    out.push_str(&format!("\n# Then: gen-tf import {d} -o stacks\n"));
    out
}

/// A service name as part of a file name.
fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `s` as one POSIX shell word.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
