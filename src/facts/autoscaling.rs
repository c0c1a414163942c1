//! Application Auto Scaling's and CloudWatch's name limits, as gen-tf's policy and scheduled
//! action names meet them.

/// Longest policy `name` a stack may give. With the longest stack name (40) and service name
/// (64), `<stack>[-<env>]-<service>-<name>` stays within the alarm name limit (255) and the scaling
/// policy name limit (256).
/// Sources: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
/// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
pub(crate) const MAX_POLICY_NAME_LEN: usize = 64;
