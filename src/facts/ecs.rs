//! ECS's own defaults: what ECS applies to an argument the task definition or service leaves
//! out.

/// Docker's health check defaults, which ECS applies too. gen-tf writes them, so the task
/// definition says what runs and the timeout can be checked against the interval.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
pub(crate) const HEALTH_CHECK_INTERVAL: u32 = 30;
pub(crate) const HEALTH_CHECK_TIMEOUT: u32 = 5;
pub(crate) const HEALTH_CHECK_RETRIES: u32 = 3;

/// The deployment configuration ECS uses for a rolling update when the service sets none.
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
pub(crate) const DEPLOYMENT_MINIMUM_HEALTHY_PERCENT: u32 = 100;
pub(crate) const DEPLOYMENT_MAXIMUM_PERCENT: u32 = 200;
