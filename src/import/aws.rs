//! The AWS CLI's JSON output for the calls `gen-tf import` reads, as serde types: the fields
//! gen-tf reads, in the botocore shapes (field names as the CLI prints them). Fields gen-tf does
//! not read are ignored, so a newer CLI that prints more still reads.

use std::collections::BTreeMap;

use serde::Deserialize;

// ---- ecs describe-services -------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeServices {
    pub services: Vec<EcsService>,
    #[serde(default)]
    pub failures: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EcsService {
    pub service_arn: String,
    pub service_name: String,
    pub cluster_arn: String,
    pub load_balancers: Vec<EcsLoadBalancer>,
    pub service_registries: Vec<serde_json::Value>,
    pub status: String,
    pub desired_count: u32,
    pub launch_type: Option<String>,
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    pub platform_version: Option<String>,
    pub task_definition: String,
    pub deployment_configuration: Option<DeploymentConfiguration>,
    pub deployments: Vec<EcsDeployment>,
    pub network_configuration: Option<NetworkConfiguration>,
    pub health_check_grace_period_seconds: Option<u32>,
    pub scheduling_strategy: Option<String>,
    pub deployment_controller: Option<DeploymentController>,
    pub tags: Vec<LowerTag>,
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: Option<bool>,
    pub propagate_tags: Option<String>,
    pub enable_execute_command: Option<bool>,
    pub availability_zone_rebalancing: Option<String>,
    pub placement_constraints: Vec<serde_json::Value>,
    pub placement_strategy: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsLoadBalancer {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: String,
    pub container_port: u16,
    #[serde(default)]
    pub advanced_configuration: Option<AdvancedConfiguration>,
}

/// A load balancer's blue/green settings (`advancedConfiguration`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvancedConfiguration {
    pub alternate_target_group_arn: String,
    pub production_listener_rule: String,
    #[serde(default)]
    pub test_listener_rule: Option<String>,
    #[serde(default)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapacityProviderItem {
    pub capacity_provider: String,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub base: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentConfiguration {
    pub deployment_circuit_breaker: Option<CircuitBreaker>,
    pub maximum_percent: Option<u32>,
    pub minimum_healthy_percent: Option<u32>,
    pub alarms: Option<DeploymentAlarms>,
    pub strategy: Option<String>,
    pub bake_time_in_minutes: Option<u32>,
    pub lifecycle_hooks: Vec<LifecycleHook>,
    pub linear_configuration: Option<LinearConfiguration>,
    pub canary_configuration: Option<CanaryConfiguration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleHook {
    pub hook_target_arn: String,
    pub role_arn: String,
    #[serde(default)]
    pub lifecycle_stages: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinearConfiguration {
    pub step_percent: f64,
    #[serde(default)]
    pub step_bake_time_in_minutes: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryConfiguration {
    pub canary_percent: f64,
    #[serde(default)]
    pub canary_bake_time_in_minutes: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentAlarms {
    #[serde(default)]
    pub alarm_names: Vec<String>,
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeploymentController {
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EcsDeployment {
    pub status: String,
    pub task_definition: String,
    pub service_connect_configuration: Option<ServiceConnectConfiguration>,
    pub volume_configurations: Vec<ServiceVolumeConfiguration>,
}

/// A volume configured at launch (`volumeConfigurations` of a deployment).
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceVolumeConfiguration {
    pub name: String,
    #[serde(rename = "managedEBSVolume")]
    pub managed_ebs_volume: Option<ManagedEbsVolume>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ManagedEbsVolume {
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub volume_type: Option<String>,
    #[serde(rename = "sizeInGiB")]
    pub size_in_gib: Option<u32>,
    pub snapshot_id: Option<String>,
    pub iops: Option<u32>,
    pub throughput: Option<u32>,
    pub tag_specifications: Vec<EbsTagSpecification>,
    pub role_arn: Option<String>,
    pub filesystem_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EbsTagSpecification {
    pub resource_type: String,
    pub tags: Vec<LowerTag>,
    pub propagate_tags: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConnectConfiguration {
    pub enabled: bool,
    pub namespace: Option<String>,
    pub services: Vec<ServiceConnectService>,
    pub log_configuration: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConnectService {
    pub port_name: String,
    pub discovery_name: Option<String>,
    pub client_aliases: Vec<ClientAlias>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientAlias {
    pub port: u16,
    pub dns_name: Option<String>,
    #[serde(default)]
    pub test_traffic_rules: Option<TestTrafficRules>,
}

/// `testTrafficRules` of a client alias: the header that marks test traffic.
#[derive(Debug, Clone, Deserialize)]
pub struct TestTrafficRules {
    pub header: TestTrafficHeader,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TestTrafficHeader {
    pub name: String,
    #[serde(default)]
    pub value: Option<HeaderValue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HeaderValue {
    pub exact: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfiguration {
    pub awsvpc_configuration: AwsVpcConfiguration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsVpcConfiguration {
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    pub assign_public_ip: Option<String>,
}

/// ECS's tags: `key` and `value`.
#[derive(Debug, Clone, Deserialize)]
pub struct LowerTag {
    pub key: String,
    pub value: String,
}

// ---- ecs describe-task-definition --include TAGS ---------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeTaskDefinition {
    pub task_definition: TaskDefinition,
    #[serde(default)]
    pub tags: Vec<LowerTag>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskDefinition {
    pub task_definition_arn: String,
    pub container_definitions: Vec<ContainerDefinition>,
    pub family: String,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    pub network_mode: Option<String>,
    pub revision: u32,
    pub volumes: Vec<TaskVolume>,
    pub requires_compatibilities: Vec<String>,
    pub runtime_platform: Option<TaskRuntimePlatform>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub ephemeral_storage: Option<EphemeralStorage>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRuntimePlatform {
    pub cpu_architecture: Option<String>,
    pub operating_system_family: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EphemeralStorage {
    pub size_in_gi_b: u32,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TaskVolume {
    pub name: String,
    pub host: Option<serde_json::Value>,
    pub efs_volume_configuration: Option<EfsVolumeConfiguration>,
    pub configured_at_launch: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EfsVolumeConfiguration {
    pub file_system_id: String,
    pub root_directory: Option<String>,
    pub transit_encryption: Option<String>,
    pub authorization_config: Option<EfsAuthorization>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EfsAuthorization {
    pub access_point_id: Option<String>,
    pub iam: Option<String>,
}

/// A container definition, with everything gen-tf does not model kept in `rest`, so the report
/// can name it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    pub cpu: Option<u32>,
    pub memory: Option<u32>,
    pub memory_reservation: Option<i64>,
    pub port_mappings: Vec<PortMapping>,
    pub essential: Option<bool>,
    pub environment: Vec<KeyValue>,
    pub secrets: Vec<SecretRef>,
    pub mount_points: Vec<ContainerMount>,
    pub volumes_from: Vec<serde_json::Value>,
    pub log_configuration: Option<LogConfiguration>,
    pub readonly_root_filesystem: Option<bool>,
    pub command: Vec<String>,
    pub entry_point: Vec<String>,
    pub working_directory: Option<String>,
    pub user: Option<String>,
    pub stop_timeout: Option<u32>,
    pub health_check: Option<ContainerHealthCheck>,
    pub system_controls: Vec<serde_json::Value>,
    #[serde(flatten)]
    pub rest: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortMapping {
    pub container_port: u16,
    pub host_port: Option<u16>,
    pub protocol: Option<String>,
    pub name: Option<String>,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KeyValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    pub name: String,
    pub value_from: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerMount {
    pub source_volume: String,
    pub container_path: String,
    #[serde(default)]
    pub read_only: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogConfiguration {
    pub log_driver: String,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerHealthCheck {
    pub command: Vec<String>,
    pub interval: Option<u32>,
    pub timeout: Option<u32>,
    pub retries: Option<u32>,
    pub start_period: Option<u32>,
}

// ---- application-autoscaling ------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeScalableTargets {
    pub scalable_targets: Vec<ScalableTarget>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalableTarget {
    pub service_namespace: String,
    pub resource_id: String,
    pub scalable_dimension: String,
    pub min_capacity: u32,
    pub max_capacity: u32,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    #[serde(rename = "ScalableTargetARN")]
    pub scalable_target_arn: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeScalingPolicies {
    pub scaling_policies: Vec<ScalingPolicy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingPolicy {
    #[serde(rename = "PolicyARN")]
    pub policy_arn: String,
    pub policy_name: String,
    pub service_namespace: String,
    pub resource_id: String,
    pub scalable_dimension: String,
    pub policy_type: String,
    pub step_scaling_policy_configuration: Option<StepScalingConfiguration>,
    pub target_tracking_scaling_policy_configuration: Option<TargetTrackingConfiguration>,
    #[serde(default)]
    pub alarms: Vec<PolicyAlarm>,
    /// ISO 8601, as the CLI prints it.
    pub creation_time: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyAlarm {
    pub alarm_name: String,
    #[serde(rename = "AlarmARN")]
    pub alarm_arn: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepScalingConfiguration {
    pub adjustment_type: Option<String>,
    #[serde(default)]
    pub step_adjustments: Vec<StepAdjustment>,
    pub min_adjustment_magnitude: Option<i64>,
    pub cooldown: Option<u32>,
    pub metric_aggregation_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StepAdjustment {
    pub metric_interval_lower_bound: Option<f64>,
    pub metric_interval_upper_bound: Option<f64>,
    pub scaling_adjustment: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetTrackingConfiguration {
    pub target_value: f64,
    pub predefined_metric_specification: Option<PredefinedMetric>,
    pub customized_metric_specification: Option<serde_json::Value>,
    pub scale_out_cooldown: Option<u32>,
    pub scale_in_cooldown: Option<u32>,
    pub disable_scale_in: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PredefinedMetric {
    pub predefined_metric_type: String,
    pub resource_label: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeScheduledActions {
    pub scheduled_actions: Vec<ScheduledAction>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduledAction {
    pub scheduled_action_name: String,
    pub service_namespace: String,
    pub schedule: String,
    pub timezone: Option<String>,
    pub resource_id: String,
    pub scalable_dimension: Option<String>,
    pub scalable_target_action: Option<ScalableTargetAction>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalableTargetAction {
    pub min_capacity: Option<u32>,
    pub max_capacity: Option<u32>,
}

// ---- cloudwatch describe-alarms ---------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAlarms {
    #[serde(default)]
    pub metric_alarms: Vec<MetricAlarm>,
    #[serde(default)]
    pub composite_alarms: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricAlarm {
    pub alarm_name: String,
    #[serde(rename = "AlarmArn")]
    pub alarm_arn: String,
    pub alarm_description: Option<String>,
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    #[serde(default)]
    pub ok_actions: Vec<String>,
    pub metric_name: Option<String>,
    pub namespace: Option<String>,
    pub statistic: Option<String>,
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
    pub period: Option<u32>,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: Option<u32>,
    pub threshold: Option<f64>,
    pub comparison_operator: String,
    pub treat_missing_data: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

// ---- iam --------------------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRole {
    pub role: Role,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    pub path: String,
    pub role_name: String,
    pub role_id: Option<String>,
    pub arn: String,
    pub assume_role_policy_document: serde_json::Value,
    pub description: Option<String>,
    pub max_session_duration: Option<u32>,
    pub permissions_boundary: Option<serde_json::Value>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// The policy names of one role. The CLI prints no role name, so `gen-tf import --commands`
/// adds it with `--query`; without it the file cannot be attributed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolePolicies {
    pub policy_names: Vec<String>,
    pub role_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRolePolicy {
    pub role_name: String,
    pub policy_name: String,
    pub policy_document: serde_json::Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedRolePolicies {
    pub attached_policies: Vec<AttachedPolicy>,
    pub role_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicy {
    pub policy_name: String,
    pub policy_arn: String,
}

/// IAM's, EC2's and Application Auto Scaling's tags: `Key` and `Value`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

// ---- logs describe-log-groups -----------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogGroups {
    pub log_groups: Vec<LogGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    pub log_group_name: String,
    pub retention_in_days: Option<u32>,
    pub kms_key_id: Option<String>,
    pub arn: Option<String>,
    pub log_group_class: Option<String>,
}

// ---- ec2 --------------------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecurityGroups {
    pub security_groups: Vec<SecurityGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub description: String,
    pub group_name: String,
    pub group_id: String,
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub ip_permissions: Vec<IpPermission>,
    #[serde(default)]
    pub ip_permissions_egress: Vec<IpPermission>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpPermission {
    pub ip_protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    #[serde(default)]
    pub ip_ranges: Vec<IpRange>,
    #[serde(default)]
    pub prefix_list_ids: Vec<PrefixListId>,
    #[serde(default)]
    pub user_id_group_pairs: Vec<GroupPair>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    pub cidr_ip: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListId {
    pub prefix_list_id: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupPair {
    pub group_id: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVpcEndpoints {
    pub vpc_endpoints: Vec<VpcEndpoint>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    pub vpc_endpoint_type: String,
    pub vpc_id: String,
    pub service_name: String,
    pub private_dns_enabled: Option<bool>,
    /// The endpoint policy, as a JSON string.
    pub policy_document: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub route_table_ids: Vec<String>,
    #[serde(default)]
    pub groups: Vec<EndpointGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointGroup {
    pub group_id: String,
}

// ---- ec2 describe-security-group-rules --------------------------------------------------------

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecurityGroupRules {
    pub security_group_rules: Vec<SecurityGroupRule>,
}

/// One rule of a security group, with the `sgr-` ID that the provider imports
/// `aws_vpc_security_group_ingress_rule` and `_egress_rule` by.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupRule {
    pub security_group_rule_id: String,
    pub group_id: String,
    pub is_egress: bool,
    pub ip_protocol: String,
    /// -1 (or absent) for every port.
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub cidr_ipv4: Option<String>,
    pub cidr_ipv6: Option<String>,
    pub prefix_list_id: Option<String>,
    pub referenced_group_info: Option<ReferencedGroup>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReferencedGroup {
    pub group_id: String,
}
