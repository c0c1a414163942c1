//! Every kind of ARN gen-tf reads from a stack, with its documented form: the one table that
//! the rules check ARNs against and that `gen-tf explain` prints, so the two cannot disagree.
//!
//! A form's resource part is `/`-separated segments: a literal, `<name>` (one segment) or, last,
//! `<path>` (one or more). Kinds whose resource part has more structure (a secret's optional
//! `:<json-key>:<version-stage>:<version-id>`) are checked by their rule, which names the form
//! from this table.

use crate::model::aws::Arn;

/// One kind of ARN.
#[derive(Debug)]
pub(crate) struct ArnForm {
    /// What it names, as the messages say it: "target group".
    pub kind: &'static str,
    /// The ARN's service field.
    pub service: &'static str,
    /// The resource part, in the AWS documentation's notation.
    pub resource: &'static str,
    /// The region field is empty (IAM), and the account may be `aws` (AWS managed policies).
    pub global: bool,
    /// The rule code that reports a malformed one.
    pub rule: &'static str,
    /// Where the stack takes it.
    pub fields: &'static str,
    /// An ARN of this form, for the help text.
    pub example: &'static str,
    /// The AWS page that documents the form.
    pub source: &'static str,
}

pub(crate) static KMS_KEY: ArnForm = ArnForm {
    kind: "KMS key",
    service: "kms",
    resource: "key/<key-id>",
    global: false,
    rule: "arn-format",
    fields: "secrets[].kms_key_arn, observability.log_kms_key_arn, repository_credentials.kms_key_arn",
    example: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html#awskeymanagementservice-resources-for-iam-policies",
};

pub(crate) static TARGET_GROUP: ArnForm = ArnForm {
    kind: "target group",
    service: "elasticloadbalancing",
    resource: "targetgroup/<name>/<id>",
    global: false,
    rule: "arn-format",
    fields: "load_balancer.target_group_arn, load_balancers[].target_group_arn",
    example: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/6d0ecf831eec9f09",
    source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html#awselasticloadbalancingv2-resources-for-iam-policies",
};

pub(crate) static MANAGED_POLICY: ArnForm = ArnForm {
    kind: "managed policy",
    service: "iam",
    resource: "policy/<path>",
    global: true,
    rule: "arn-format",
    fields: "iam.permissions_boundary, a task role's managed_policy_arns[]",
    example: "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess",
    source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns",
};

pub(crate) static SECRET: ArnForm = ArnForm {
    kind: "Secrets Manager secret",
    service: "secretsmanager",
    resource: "secret:<name>[:<json-key>:<version-stage>:<version-id>]",
    global: false,
    rule: "secret-arn",
    fields: "secrets[].value_from, repository_credentials(.credentials_parameter)",
    example: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbCdEf",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
};

pub(crate) static SSM_PARAMETER: ArnForm = ArnForm {
    kind: "SSM parameter",
    service: "ssm",
    resource: "parameter/<path>",
    global: false,
    rule: "secret-arn",
    fields: "secrets[].value_from",
    example: "arn:aws:ssm:us-east-1:123456789012:parameter/app/api-key",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html",
};

pub(crate) static NAMESPACE: ArnForm = ArnForm {
    kind: "Cloud Map namespace",
    service: "servicediscovery",
    resource: "namespace/<namespace-id>",
    global: false,
    rule: "service-connect",
    fields: "service_connect.namespace",
    example: "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abcdefgh12345678",
    source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudmap.html#awscloudmap-resources-for-iam-policies",
};

/// The table, in the order `explain` prints it.
pub(crate) static ALL: &[&ArnForm] = &[
    &KMS_KEY,
    &TARGET_GROUP,
    &MANAGED_POLICY,
    &SECRET,
    &SSM_PARAMETER,
    &NAMESPACE,
];

/// Characters of one resource segment: names and IDs.
fn segment_chars(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.+=@".contains(&b))
}

impl ArnForm {
    /// The whole form: `arn:<partition>:kms:<region>:<account>:key/<key-id>`.
    pub(crate) fn form(&self) -> String {
        let region = if self.global { "" } else { "<region>" };
        format!(
            "arn:<partition>:{}:{region}:<account>:{}",
            self.service, self.resource
        )
    }

    /// Whether `resource` matches the form's `/`-separated resource part.
    fn resource_matches(&self, resource: &str) -> bool {
        let want: Vec<&str> = self.resource.split('/').collect();
        let have: Vec<&str> = resource.split('/').collect();
        let path = want.last() == Some(&"<path>");
        let fixed = if path { want.len() - 1 } else { want.len() };
        if have.len() < want.len() || (!path && have.len() != want.len()) {
            return false;
        }
        let fixed_ok = want[..fixed].iter().zip(&have).all(|(w, h)| {
            if w.starts_with('<') {
                segment_chars(h)
            } else {
                w == h
            }
        });
        fixed_ok && have[fixed..].iter().all(|h| segment_chars(h))
    }

    /// Why `value` is not an ARN of this form, if it is not. Forms whose resource part is not
    /// `/`-separated segments are checked by their own rule; this checks only the rest.
    pub(crate) fn problem(&self, value: &str) -> Option<String> {
        let a = match Arn::parse(value) {
            Err(e) => return Some(e),
            Ok(a) => a,
        };
        if a.service != self.service {
            return Some(format!(
                "it is an ARN of `{}`, not `{}`",
                a.service, self.service
            ));
        }
        if self.resource.contains(':') || self.resource.contains('[') {
            return None;
        }
        if !self.resource_matches(a.resource) {
            return Some(format!(
                "the resource part `{}` is not {}",
                a.resource, self.resource
            ));
        }
        if self.global {
            let account_ok = a.account == "aws"
                || a.account.len() == 12 && a.account.bytes().all(|b| b.is_ascii_digit());
            if !crate::model::aws::is_partition(a.partition) || !a.region.is_empty() || !account_ok
            {
                return Some(format!(
                    "it is not {} (no region; the account is `aws` or 12 digits)",
                    self.form()
                ));
            }
            return None;
        }
        // The partition, region and account too: the AWS provider's own ARN check refuses the
        // module at `terraform validate` otherwise.
        a.location_problem()
    }
}

/// The forms `rule` checks, one a line, for `gen-tf explain`; empty when it checks none.
pub(crate) fn explain(rule: &str) -> String {
    ALL.iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            format!(
                "  {}: {}\n    in {}\n    for example {}\n    source: {}\n",
                f.kind,
                f.form(),
                f.fields,
                f.example,
                f.source
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_matches_its_form_and_malformed_ones_do_not() {
        for f in ALL {
            assert_eq!(f.problem(f.example), None, "{}", f.kind);
        }
        for bad in [
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/payments-api",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/a/b/c",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188",
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup//1",
        ] {
            assert!(TARGET_GROUP.problem(bad).is_some(), "{bad}");
        }
        assert!(KMS_KEY
            .problem("arn:aws:kms:us-east-1:123456789012:alias/x")
            .is_some());
        assert!(MANAGED_POLICY
            .problem("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
            .is_none());
        assert!(MANAGED_POLICY
            .problem("arn:aws:iam:us-east-1:aws:policy/x")
            .is_some());
        assert!(MANAGED_POLICY.problem("arn:aws:iam::aws:policy/").is_some());
    }
}
