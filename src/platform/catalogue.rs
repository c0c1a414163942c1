//! The platform's rules, as data: the rule catalogue (`validate::rules::all`) reads them
//! here, below everything that checks them.

use crate::diag::{Rule, Severity};

pub(crate) static PLATFORM_FILE: Rule = Rule {
    code: "platform-file",
    severity: Severity::Error,
    summary: "The platform file has an unknown field, a wrong type or a missing field.",
    fact: "The platform file describes the networks, clusters and namespaces every stack shares; a typo there would change what every stack runs on.",
    source: "gen-tf platform format (docs/platform.md)",
};

pub(crate) static PLATFORM_NAME: Rule = Rule {
    code: "platform-name",
    severity: Severity::Error,
    summary: "A stack (or a cluster) names a network, cluster or namespace that the platform does not define.",
    fact: "Stacks refer to the platform's shared resources by name; an unknown name has nothing to run on.",
    source: "gen-tf platform format (docs/platform.md)",
};

pub(crate) static PLATFORM_OWNED: Rule = Rule {
    code: "platform-owned",
    severity: Severity::Error,
    summary: "A stack in a platform sets something the platform owns: its own cluster, VPC endpoints or NAT gateway fact.",
    fact: "One cluster's capacity providers are one aws_ecs_cluster_capacity_providers resource, and one VPC can hold one private-DNS Interface endpoint per service; a second owner overwrites the first or fails to apply.",
    source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_cluster_capacity_providers, https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
};

pub(crate) static CAPACITY_PROVIDER_MISSING: Rule = Rule {
    code: "capacity-provider-missing",
    severity: Severity::Error,
    summary: "A service uses a capacity provider that its platform cluster does not have.",
    fact: "ECS refuses a capacity provider strategy that names a provider not associated with the cluster.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-capacity-providers.html",
};

pub(crate) static ENDPOINTS_OWNER: Rule = Rule {
    code: "endpoints-owner",
    severity: Severity::Error,
    summary: "Several environments share a VPC and the platform does not say which one creates its endpoints.",
    fact: "A VPC can hold one Interface endpoint with private DNS per service: the second environment's apply would fail with a conflicting DNS domain.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
};

pub(crate) static ENDPOINT_OWNED_TWICE: Rule = Rule {
    code: "endpoint-owned-twice",
    severity: Severity::Error,
    summary: "Two modules of one project create the same private-DNS VPC endpoint.",
    fact: "A VPC holds one Interface endpoint with private DNS per service; the second fails with \"conflicting DNS domain\", and the first answers for the whole VPC while admitting only its own stack's tasks.",
    source: "https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
};

pub(crate) static CLUSTER_OWNED_TWICE: Rule = Rule {
    code: "cluster-owned-twice",
    severity: Severity::Error,
    summary: "Two modules of one project create the same ECS cluster and its capacity providers.",
    fact: "aws_ecs_cluster_capacity_providers is one resource per cluster: a second module that writes it overwrites the first one's association.",
    source: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecs_cluster_capacity_providers",
};

pub(crate) static NAME_TWICE: Rule = Rule {
    code: "name-twice",
    severity: Severity::Error,
    summary: "Two modules of one project use one ECS service name in a cluster, one IAM role name, one log group name, one CloudWatch alarm name, or one security group name in a platform network.",
    fact: "ECS service names are unique per cluster, IAM role names per account, CloudWatch log group names per region; the second create fails. A CloudWatch alarm name is unique per region too, and PutMetricAlarm with a taken name replaces that alarm, so two modules would overwrite each other's alarm. Security group names are unique per VPC.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
};

pub(crate) static SERVICE_CONNECT_NO_SERVER: Rule = Rule {
    code: "service-connect-no-server",
    severity: Severity::Error,
    summary: "A Service Connect client's namespace has no service that serves anything, in any stack of the environment.",
    fact: "A Service Connect client reaches only the discovery names that services of its namespace offer; with none, every call fails.",
    source: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts.html",
};

pub static RULES: &[&Rule] = &[
    &SERVICE_CONNECT_NO_SERVER,
    &PLATFORM_FILE,
    &PLATFORM_NAME,
    &PLATFORM_OWNED,
    &CAPACITY_PROVIDER_MISSING,
    &ENDPOINTS_OWNER,
    &ENDPOINT_OWNED_TWICE,
    &CLUSTER_OWNED_TWICE,
    &NAME_TWICE,
];
