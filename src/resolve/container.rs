//! Resolved containers: the service's own and its sidecars, in one shape.

use super::defaults;
use super::derived;
use crate::facts::ecs::{HEALTH_CHECK_INTERVAL, HEALTH_CHECK_RETRIES, HEALTH_CHECK_TIMEOUT};
use crate::model::aws::{secret_suffix, Arn, SecretSuffix};
use crate::model::container::ContainerFields;
/// The model's value types that the resolved container keeps as they are.
pub(crate) use crate::model::container::{ContainerCondition, MountPoint, Ulimit, UlimitName};
use crate::model::service::Sidecar;
use crate::model::{self, ServiceName};

/// One container definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Container {
    pub name: String,
    /// Where its fields are written: `services.<name>` for the main container (its fields sit
    /// on the service), `services.<name>.sidecars[i]` for a sidecar, and
    /// `services.<name>.observability.xray` for the X-Ray daemon.
    pub path: String,
    /// `None` means the module variable `<service>_image` (the main container only).
    pub image: Option<String>,
    pub essential: bool,
    /// Hard limit in MiB.
    pub memory: Option<u32>,
    /// Soft limit in MiB, strategies already applied.
    pub memory_reservation: Option<u32>,
    /// The soft limit as written (strategies applied), also one that is not a number of MiB:
    /// `memory_reservation` is it when it is one (the `memory-minimum` rule reports the rest,
    /// so lowering never sees them).
    pub written_reservation: Option<i64>,
    pub port: Option<u16>,
    /// The container's own `port` as written (the main container's `port` falls back to the
    /// load balancer's `container_port`).
    pub written_port: Option<u16>,
    /// The user's variables, then the ones gen-tf derives.
    pub environment: Vec<(String, String)>,
    /// How many of `environment` the stack wrote; the rest are gen-tf's
    /// (`resolve::derived::generated_env`).
    pub written_environment: usize,
    pub secrets: Vec<Secret>,
    /// The port mapping's name (the main container's, which Service Connect refers to).
    pub port_name: Option<String>,
    /// The other container fields, resolved the same way for every container.
    pub settings: Settings,
}

/// What the stack's container fields set beyond the image, memory, port and environment.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Settings {
    pub read_only_root_filesystem: bool,
    pub health_check: Option<HealthCheck>,
    pub command: Vec<String>,
    pub entry_point: Vec<String>,
    pub working_directory: Option<String>,
    pub user: Option<String>,
    pub stop_timeout: Option<u32>,
    pub depends_on: Vec<Dependency>,
    pub mount_points: Vec<MountPoint>,
    pub ulimits: Vec<Ulimit>,
    pub init_process_enabled: Option<bool>,
    /// `init_process_enabled` as written (ECS Exec turns it on where the stack says nothing).
    pub written_init_process: Option<bool>,
    pub pseudo_terminal: bool,
    /// The environment files that are S3 object ARNs (the `environment-file` rule reports
    /// the rest, so lowering never sees them).
    pub environment_files: Vec<EnvironmentFile>,
    /// `environment_files` as written.
    pub written_environment_files: Vec<String>,
    /// The registry credentials when they are a Secrets Manager secret (the
    /// `repository-credentials` rule reports the rest, so lowering never sees them).
    pub repository_credentials: Option<RepositoryCredentials>,
    /// `repository_credentials` as written.
    pub written_credentials: Option<WrittenCredentials>,
    pub restart_policy: Option<RestartPolicy>,
    /// `None` leaves ECS's default (enabled).
    pub version_consistency: Option<bool>,
}

/// `repository_credentials` as written: an ARN, or `{ credentials_parameter, kms_key_arn }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrittenCredentials {
    pub arn: String,
    pub kms_key_arn: Option<String>,
    /// Written as `{ credentials_parameter, kms_key_arn }` rather than the ARN alone.
    pub with_key: bool,
}

/// A restart policy, `enabled` defaulted to true; ECS's own defaults are left to ECS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RestartPolicy {
    pub enabled: bool,
    pub ignored_exit_codes: Vec<i32>,
    pub restart_attempt_period: Option<u32>,
}

/// A health check with ECS's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HealthCheck {
    pub command: Vec<String>,
    pub interval: u32,
    pub timeout: u32,
    pub retries: u32,
    /// `None`: no grace period.
    pub start_period: Option<u32>,
    /// Whether the stack writes `timeout`.
    pub written_timeout: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dependency {
    pub container: String,
    pub condition: ContainerCondition,
}

/// An environment file in S3, with the bucket the execution role must be allowed to locate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnvironmentFile {
    /// The object's ARN, for `value` and `s3:GetObject`.
    pub arn: String,
    /// `arn:<partition>:s3:::<bucket>`, for `s3:GetBucketLocation`.
    pub bucket_arn: String,
}

/// A private registry's credentials in Secrets Manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepositoryCredentials {
    /// The ARN as the stack gives it, for `credentialsParameter`.
    pub arn: String,
    /// The secret the execution role reads (a partial ARN completed as for `secrets`).
    pub secret: SecretSource,
    pub kms_key_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Secret {
    /// The variable name inside the container.
    pub name: String,
    /// The ARN as the stack gives it, for `valueFrom`.
    pub value_from: String,
    pub source: SecretSource,
    /// The customer-managed key that encrypts it, if any.
    pub kms_key_arn: Option<String>,
}

/// Where a secret is read from, with the resource the execution role must be allowed to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SecretSource {
    /// The secret's ARN without a `:json-key:version-stage:version-id` suffix: IAM matches the
    /// secret, not the key.
    SecretsManager {
        arn: String,
        /// The same ARN read as partial (`-??????` appended), when the name ends in a `-` and
        /// six characters that may or may not be Secrets Manager's suffix.
        partial: Option<String>,
    },
    Parameter {
        arn: String,
    },
}

pub(super) fn main(name: &ServiceName, svc: &model::Service, env: Option<&str>) -> Container {
    let mut environment: Vec<(String, String)> = svc
        .container
        .environment
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    let written_environment = environment.len();
    environment.extend(derived::generated_env(svc));
    Container {
        name: name.to_string(),
        path: crate::diag::join("services", name.as_str()),
        image: svc.image.clone(),
        essential: true,
        memory: svc.container_memory,
        memory_reservation: mib(defaults::reservation_mib(svc, env)),
        written_reservation: defaults::reservation_mib(svc, env),
        port: derived::container_port(svc),
        written_port: svc.container.port,
        environment,
        written_environment,
        secrets: svc.container.secrets.iter().map(secret).collect(),
        port_name: derived::container_port(svc).map(|_| defaults::port_name(svc).to_owned()),
        settings: settings(svc, &svc.container),
    }
}

/// ECS Exec on Linux gets an init process in every container (Windows has no linuxParameters).
/// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
fn init_process(svc: &model::Service) -> bool {
    derived::execute_command(svc) && !derived::platform(svc).operating_system_family.is_windows()
}

pub(super) fn sidecar(svc: &model::Service, s: &Sidecar, path: String) -> Container {
    Container {
        name: s.name.clone(),
        path,
        image: Some(s.image.clone()),
        essential: s.essential,
        memory: s.memory,
        memory_reservation: mib(s.memory_reservation),
        written_reservation: s.memory_reservation,
        port: s.container.port,
        written_port: s.container.port,
        environment: s
            .container
            .environment
            .iter()
            .map(|e| (e.name.clone(), e.value.clone()))
            .collect(),
        written_environment: s.container.environment.len(),
        secrets: s.container.secrets.iter().map(secret).collect(),
        port_name: None,
        settings: settings(svc, &s.container),
    }
}

/// The container fields every container takes.
fn settings(svc: &model::Service, f: &ContainerFields) -> Settings {
    Settings {
        read_only_root_filesystem: f.read_only_root_filesystem.unwrap_or(false),
        health_check: f.health_check.as_ref().map(|h| HealthCheck {
            command: h.command.clone(),
            interval: h.interval.unwrap_or(HEALTH_CHECK_INTERVAL),
            timeout: h.timeout.unwrap_or(HEALTH_CHECK_TIMEOUT),
            retries: h.retries.unwrap_or(HEALTH_CHECK_RETRIES),
            start_period: h.start_period,
            written_timeout: h.timeout.is_some(),
        }),
        command: f.command.clone(),
        entry_point: f.entry_point.clone(),
        working_directory: f.working_directory.clone(),
        user: f.user.clone(),
        stop_timeout: f.stop_timeout,
        depends_on: f
            .depends_on
            .iter()
            .map(|d| Dependency {
                container: d.container.clone(),
                condition: d.condition,
            })
            .collect(),
        mount_points: f.mount_points.clone(),
        ulimits: f.ulimits.clone(),
        // The container's own choice, else on with ECS Exec.
        init_process_enabled: f
            .init_process_enabled
            .or_else(|| init_process(svc).then_some(true)),
        written_init_process: f.init_process_enabled,
        pseudo_terminal: f.pseudo_terminal.unwrap_or(false),
        environment_files: f
            .environment_files
            .iter()
            .filter_map(|arn| environment_file(arn))
            .collect(),
        written_environment_files: f.environment_files.clone(),
        repository_credentials: f
            .repository_credentials
            .as_ref()
            .and_then(repository_credentials),
        written_credentials: f
            .repository_credentials
            .as_ref()
            .map(|r| WrittenCredentials {
                arn: r.secret_arn().to_owned(),
                kms_key_arn: r.kms_key_arn().map(str::to_owned),
                with_key: matches!(r, model::container::RepositoryCredentials::WithKey(_)),
            }),
        restart_policy: f.restart_policy.as_ref().map(|r| RestartPolicy {
            enabled: r.enabled.unwrap_or(true),
            ignored_exit_codes: r.ignored_exit_codes.clone(),
            restart_attempt_period: r.restart_attempt_period,
        }),
        version_consistency: f.version_consistency,
    }
}

/// An S3 object ARN, `arn:<partition>:s3:::<bucket>/<key>`, and its bucket's ARN.
pub(crate) fn environment_file(arn: &str) -> Option<EnvironmentFile> {
    let a = Arn::parse(arn).ok().filter(|a| a.service == "s3")?;
    let (bucket, key) = a.resource.split_once('/')?;
    (!bucket.is_empty() && !key.is_empty()).then(|| EnvironmentFile {
        arn: arn.to_owned(),
        bucket_arn: format!("arn:{}:s3:::{bucket}", a.partition),
    })
}

fn repository_credentials(
    r: &model::container::RepositoryCredentials,
) -> Option<RepositoryCredentials> {
    match secret_source(r.secret_arn()) {
        secret @ SecretSource::SecretsManager { .. } => Some(RepositoryCredentials {
            arn: r.secret_arn().to_owned(),
            secret,
            kms_key_arn: r.kms_key_arn().map(str::to_owned),
        }),
        SecretSource::Parameter { .. } => None,
    }
}

/// A reservation the memory rules have accepted (positive, and below the limits) as MiB;
/// `Some(None)` when there is none, `None` when a rule let a bad one through.
fn mib(reservation: Option<i64>) -> Option<u32> {
    reservation.and_then(|r| u32::try_from(r).ok())
}

fn secret(s: &model::container::Secret) -> Secret {
    Secret {
        name: s.name.clone(),
        value_from: s.value_from.clone(),
        source: secret_source(&s.value_from),
        kms_key_arn: s.kms_key_arn.clone(),
    }
}

/// The resource a `valueFrom` grants. A Secrets Manager ARN loses its
/// `:json-key:version-stage:version-id` suffix (IAM matches the secret, not the key), and a
/// partial ARN, without the `-` and six characters Secrets Manager appends to the name, gets
/// `-??????`: IAM compares the full ARN, so the partial one alone would be denied and the task
/// would fail to start. The `secret-arn` rule has checked the shape.
/// Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html#auth-and-access_examples_wildcard
impl SecretSource {
    /// The resources IAM must allow: one, or both readings of an ambiguous name.
    pub(crate) fn grants(&self) -> Vec<String> {
        match self {
            Self::SecretsManager { arn, partial } => std::iter::once(arn.clone())
                .chain(partial.clone())
                .collect(),
            Self::Parameter { arn } => vec![arn.clone()],
        }
    }
}

pub(crate) fn secret_source(value_from: &str) -> SecretSource {
    match Arn::parse(value_from) {
        Ok(a) if a.service == "secretsmanager" => {
            // `secret:<name>`, then the optional `:<json-key>:<version-stage>:<version-id>`.
            let name = a.resource.split(':').nth(1).unwrap_or_default();
            let arn = |suffix: &str| {
                format!(
                    "arn:{}:secretsmanager:{}:{}:secret:{name}{suffix}",
                    a.partition, a.region, a.account
                )
            };
            // An ambiguous name (`db-master`) may be complete or partial: both are granted,
            // and the `secret-arn-ambiguous` warning says so.
            match secret_suffix(name) {
                SecretSuffix::Random => SecretSource::SecretsManager {
                    arn: arn(""),
                    partial: None,
                },
                SecretSuffix::None => SecretSource::SecretsManager {
                    arn: arn("-??????"),
                    partial: None,
                },
                SecretSuffix::Ambiguous => SecretSource::SecretsManager {
                    arn: arn(""),
                    partial: Some(arn("-??????")),
                },
            }
        }
        _ => SecretSource::Parameter {
            arn: value_from.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_sources() {
        assert_eq!(
            secret_source(
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::"
            ),
            SecretSource::SecretsManager {
                arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf".to_owned(),
                partial: None
            }
        );
        assert_eq!(
            secret_source("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/jwt"),
            SecretSource::SecretsManager {
                arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/jwt-??????"
                    .to_owned(),
                partial: None
            }
        );
        assert_eq!(
            secret_source("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/jwt:key::"),
            SecretSource::SecretsManager {
                arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/jwt-??????"
                    .to_owned(),
                partial: None
            }
        );
        assert_eq!(
            secret_source("arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog/db-master")
                .grants(),
            [
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog/db-master",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog/db-master-??????"
            ]
        );
        assert_eq!(
            secret_source("arn:aws:ssm:eu-west-1:123456789012:parameter/x"),
            SecretSource::Parameter {
                arn: "arn:aws:ssm:eu-west-1:123456789012:parameter/x".to_owned()
            }
        );
    }
}
