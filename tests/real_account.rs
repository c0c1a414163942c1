//! Issue 24, "works in a real account, round 3": what the generated modules and their READMEs
//! must hold for the points that pass `terraform plan` and fail at apply, at task start or in
//! review. `examples/media-library` is the realistic stack behind most of them; the rules (1, 2,
//! 4, 5) have their fixtures in `tests/fixtures/validate/`.

use std::fs;
use std::path::{Path, PathBuf};

use gen_tf::pipeline::{self, Options};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The committed module directories (`tests/examples.rs` holds them to `examples/`).
fn modules() -> Vec<PathBuf> {
    // Every module directory under modules/, including the platform project's per-environment
    // stack modules (modules/platform/<env>/<stack>).
    let mut dirs: Vec<PathBuf> = walkdir::WalkDir::new(root().join("modules"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_dir() && p.join("versions.tf").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Stack modules: every module but a platform project's own `platform` and `root` modules,
/// which describe the shared infrastructure and have no caller section.
fn stack_modules() -> Vec<PathBuf> {
    modules()
        .into_iter()
        .filter(|d| !d.ends_with("platform") && !d.ends_with("root"))
        .collect()
}

/// The resource block `<kind> "<label>"` of an HCL text, up to its closing brace.
fn block<'t>(text: &'t str, kind: &str, label: &str) -> &'t str {
    let head = format!("resource \"{kind}\" \"{label}\" {{");
    let start = text.find(&head).unwrap_or_else(|| panic!("no {head}"));
    let end = text[start..].find("\n}\n").unwrap() + start;
    &text[start..end]
}

/// Point 10: every module README has the caller section, even when it says "Nothing".
#[test]
fn every_module_readme_says_what_the_caller_must_provide() {
    for dir in stack_modules() {
        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(
            readme.contains("\n## What the caller must provide\n"),
            "{}",
            dir.display()
        );
    }
    let minimal = read("modules/minimal/README.md");
    assert!(
        minimal.contains("Nothing beyond the inputs below"),
        "{minimal}"
    );
}

/// Points 3 and 10: the EFS mount targets' group (named by one of two volumes on one file
/// system), the Service Connect namespace and the log key's policy are the caller's.
#[test]
fn media_library_readme_names_every_group_the_namespace_and_the_key_policy() {
    let readme = read("modules/media-library/README.md");
    for want in [
        "Ingress on `sg-0a1b2c3d4e5f60718` from the `web` tasks (output `web_security_group_id`) on TCP port 2049",
        "The Cloud Map namespace `media.internal` in eu-west-1",
        "allows the principal `logs.eu-west-1.amazonaws.com`",
        "egress from `var.web_lb_security_group_id` to the tasks",
    ] {
        assert!(readme.contains(want), "{want}\n{readme}");
    }
}

/// Point 10: a worker scaled on its SQS queue, on a cluster the stack does not own.
#[test]
fn queue_worker_readme_names_the_capacity_providers_and_the_queue_metric() {
    let readme = read("modules/queue-worker/README.md");
    for want in [
        "The capacity providers `FARGATE` and `FARGATE_SPOT` associated with the cluster `var.cluster_name`",
        "publishes `AWS/SQS` `ApproximateNumberOfMessagesVisible` (QueueName=invoices-prd)",
    ] {
        assert!(readme.contains(want), "{want}\n{readme}");
    }
}

/// Point 3: two volumes on one file system give one NFS rule, to the group one of them names,
/// and no variable that the caller would pass as the same group.
#[test]
fn two_volumes_on_one_file_system_give_one_nfs_rule() {
    let web = read("modules/media-library/web.tf");
    assert_eq!(
        web.matches("from_port                    = 2049").count(),
        1,
        "{web}"
    );
    assert!(!read("modules/media-library/variables.tf").contains("efs_security_group_id"));
}

/// Point 6: the policies and the scheduled actions of one scalable target are created one after
/// the other.
#[test]
fn scaling_policies_and_actions_are_chained() {
    let web = read("modules/media-library/web.tf");
    let first = block(&web, "aws_appautoscaling_policy", "web_cpu");
    assert!(!first.contains("depends_on"), "{first}");
    for (kind, label, after) in [
        (
            "aws_appautoscaling_policy",
            "web_memory",
            "aws_appautoscaling_policy.web_cpu",
        ),
        (
            "aws_appautoscaling_scheduled_action",
            "web_evenings",
            "aws_appautoscaling_policy.web_memory",
        ),
        (
            "aws_appautoscaling_scheduled_action",
            "web_nights",
            "aws_appautoscaling_scheduled_action.web_evenings",
        ),
    ] {
        let b = block(&web, kind, label);
        assert!(b.contains(&format!("depends_on = [{after}]")), "{b}");
    }
}

/// Point 7: ClientMount and ClientWrite hold only through the access point.
#[test]
fn efs_grants_are_held_to_the_access_point() {
    let web = read("modules/media-library/web.tf");
    let condition = "\"elasticfilesystem:AccessPointArn\" = \"arn:${data.aws_partition.current.partition}:elasticfilesystem:eu-west-1:${data.aws_caller_identity.current.account_id}:access-point/fsap-0123456789abcdef0\"";
    assert_eq!(web.matches(condition).count(), 2, "{web}");
    for action in ["ClientMount", "ClientWrite"] {
        assert!(
            web.contains(&format!("\"elasticfilesystem:{action}\"")),
            "{web}"
        );
    }
}

/// Point 8: reasoned skips for what the stack decided, naming the setting.
#[test]
fn checkov_skips_name_the_stack_setting() {
    let web = read("modules/media-library/web.tf");
    assert!(web.contains("#checkov:skip=CKV_AWS_332:web pins its Fargate platform version (platform_version: '1.4.0' in the stack)"));
    assert!(web.contains("#checkov:skip=CKV_AWS_260:admits port 80 only from a security group"));
    // A stack that decides neither gets neither skip.
    let minimal = read("modules/minimal/web.tf");
    assert!(!minimal.contains("CKV_AWS_332") && !minimal.contains("CKV_AWS_260"));
}

/// Point 9: no module reads what provider 6 deprecates.
#[test]
fn no_module_reads_a_deprecated_attribute() {
    for dir in modules() {
        for e in fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                continue;
            }
            let text = fs::read_to_string(path).unwrap();
            for (ty, attr, ..) in gen_tf::provider_schema::DEPRECATED {
                let read = format!("data.{ty}.current.{attr}");
                assert!(!text.contains(&read), "{}: {read}", dir.display());
            }
        }
    }
    // The region is read with lookup on the whole data source: `region` in provider 6, `name`
    // in 5.100, with neither named statically (so no major rejects or warns on it).
    assert!(read("modules/media-library/web.tf").contains(
        r#"lookup(data.aws_region.current, "region", lookup(data.aws_region.current, "name", null))"#
    ));
}

/// Point 5: an ambiguous secret name is granted as written and as a partial ARN.
#[test]
fn an_ambiguous_secret_name_is_granted_both_ways() {
    let opts = Options {
        env: Some("prd".to_owned()),
        ..Default::default()
    };
    let path = root().join("tests/fixtures/validate/warn_secret_arn_ambiguous.jsonnet");
    let compiled = pipeline::compile(&path, &opts).unwrap_or_else(|e| panic!("{e:?}"));
    let api = &compiled
        .files
        .iter()
        .find(|(n, _)| n.ends_with("api.tf"))
        .unwrap()
        .1;
    for arn in [
        "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog/db-master\"",
        "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:catalog/db-master-??????\"",
        // RDS-managed secrets, as RDS names them.
        "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-8c2b1f04-5b1e-4f0e-9d57-0a1b2c3d4e5f-Zx12Yw\"",
        "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f-??????\"",
    ] {
        assert!(api.contains(arn), "{arn}\n{api}");
    }
    assert!(
        api.contains(
            "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry/docker-mirror-??????\""
        ),
        "{api}"
    );
    let codes: Vec<&str> = compiled.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["secret-arn-ambiguous", "secret-arn-ambiguous"]);
}

/// Point 11: what the docs say about the output is what the output is.
#[test]
fn docs_state_what_the_code_decides() {
    let majors = read("docs/provider-majors.md");
    let data = read("modules/media-library/data.tf");
    assert!(data.contains("data \"aws_region\" \"current\""), "{data}");
    assert!(
        !majors.contains("no `aws_region` data source emitted"),
        "{majors}"
    );
    assert!(majors.contains(
        r#"read by every log group's region precondition as `lookup(data.aws_region.current, "region", lookup(data.aws_region.current, "name", null))`"#
    ));
    assert!(read("modules/media-library/web.tf").contains("service_connect_configuration {"));
    assert!(!majors.contains("Service Connect not emitted"), "{majors}");

    // Policy and scheduled-action names: `<stack>[-<env>]-<service>-<name>`, as README and the
    // schema say.
    let web = read("modules/media-library/web.tf");
    for (kind, label, name) in [
        (
            "aws_appautoscaling_policy",
            "web_cpu",
            "media-library-prd-web-cpu",
        ),
        (
            "aws_appautoscaling_scheduled_action",
            "web_nights",
            "media-library-prd-web-nights",
        ),
    ] {
        let b = block(&web, kind, label);
        assert!(
            b.contains(&format!("name = \"{name}\"")) || b.contains(&format!("= \"{name}\"")),
            "{b}"
        );
    }
    let pattern = "`<stack>[-<env>]-<service>-<name>`";
    assert!(read("README.md").contains(pattern));
    assert_eq!(
        read("schemas/stack.schema.json").matches(pattern).count(),
        2
    );
    assert!(!read("README.md").contains("`<stack>-<service>-<name>`"));
}
