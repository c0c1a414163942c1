//! Real Terraform on generated modules, offline (issue 12).
//!
//! [`Terraform::find`] looks for `terraform` (`$TERRAFORM`, else on `PATH`) and for a filesystem
//! mirror that holds the AWS provider (`$TF_MIRROR`, else found on disk the way the issue says:
//! the root of the `<host>/hashicorp/aws/<version>/<platform>/` tree that holds a
//! `terraform-provider-aws_*` binary), writes a CLI config that installs providers from that
//! mirror only into a temporary directory, and runs one `terraform init` against it to prove
//! that the mirror works.
//!
//! [`Terraform::check_all`] then works on a copy of each module (the module itself is never
//! touched): the module's AWS provider constraint must admit a version the mirror holds, and its
//! HCL must pass `terraform fmt -check`. Then every module of one syntax goes into one root
//! configuration per syntax (and per newest admitted mirror version, when the mirror holds
//! several) that calls each of them with placeholder variables and the provider of its region:
//! one `init -backend=false`, one `validate`, and one `plan -refresh=false -lock=false`, or, when
//! a module reads data sources that call AWS, one `terraform test` with the real provider and
//! those data sources overridden by module path. A failure names the module and shows
//! Terraform's error; the step then runs again without it. What the root gives each module
//! (provider settings with fake credentials, placeholder variables, overrides) is in
//! `module_copy.rs`, and the root itself in `root.rs`: test support, never part of a generated
//! module.

#[path = "terraform/module_copy.rs"]
mod module_copy;
#[path = "terraform/root.rs"]
mod root;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hcl::{Block, Body};
use serde_json::{json, Value};

use module_copy::{hcl_text, Declared};
use root::Member;

/// At most this many modules run at once: the machines this runs on have two cores.
pub const MAX_JOBS: usize = 2;

/// Longest any one Terraform command may take before it counts as hung.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(600);

/// Where the region comes from when the stack names none (the module's `var.region`).
const DEFAULT_REGION: &str = "us-east-1";

/// Terraform, the mirror's AWS provider versions, and a working directory with the CLI config.
pub struct Terraform {
    bin: PathBuf,
    version: String,
    mirror: PathBuf,
    mirror_versions: Vec<Version>,
    cli_config: PathBuf,
    work: PathBuf,
    /// Removes `work` when dropped; `None` once kept for inspection.
    tmp: Option<tempfile::TempDir>,
}

impl Terraform {
    /// Terraform and the mirror, ready for [`Terraform::check_all`]; `Err` says what is missing.
    pub fn find() -> Result<Terraform, String> {
        let bin = std::env::var_os("TERRAFORM").map_or_else(|| "terraform".into(), PathBuf::from);
        let out = Command::new(&bin)
            .args(["version", "-json"])
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .map_err(|e| format!("`{}` cannot run ({e}); install Terraform", bin.display()))?;
        let version: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("`{} version -json` printed no JSON: {e}", bin.display()))?;
        let version = version["terraform_version"]
            .as_str()
            .unwrap_or("?")
            .to_owned();
        let mirror = match std::env::var_os("TF_MIRROR") {
            Some(dir) => PathBuf::from(dir),
            None => search_mirror().ok_or(
                "no AWS provider in a filesystem mirror on this machine (no \
                 <host>/hashicorp/aws/<version>/<platform>/terraform-provider-aws_*); set \
                 TF_MIRROR to the mirror's root",
            )?,
        };
        let mirror_versions = mirror_versions(&mirror);
        if mirror_versions.is_empty() {
            return Err(format!(
                "{} holds no hashicorp/aws provider",
                mirror.display()
            ));
        }
        let tmp = tempfile::Builder::new()
            .prefix("gen-tf-terraform-")
            .tempdir()
            .map_err(|e| format!("no temporary directory: {e}"))?;
        let work = tmp.path().to_owned();
        let cli_config = work.join("terraformrc");
        write(&cli_config, &cli_config_text(&mirror)).map_err(|e| e.to_string())?;
        let tf = Terraform {
            bin,
            version,
            mirror,
            mirror_versions,
            cli_config,
            work,
            tmp: Some(tmp),
        };
        tf.warm_up()?;
        Ok(tf)
    }

    /// `terraform init` of a module that requires the mirror's oldest AWS provider.
    fn warm_up(&self) -> Result<(), String> {
        let dir = self.work.join("warm-up");
        let version = self.mirror_versions[0].to_string();
        let aws = json!({ "source": "hashicorp/aws", "version": version });
        let providers = Block::builder("required_providers")
            .add_attribute(("aws", hcl::to_expression(aws).expect("an object")))
            .build();
        let terraform = Block::builder("terraform").add_block(providers).build();
        let main = hcl_text(&Body::builder().add_block(terraform).build());
        write(&dir.join("main.tf"), &main).map_err(|e| e.to_string())?;
        let init = self.run(
            &dir,
            &["init", "-backend=false", "-input=false", "-no-color"],
        );
        init.map(drop).map_err(|lines| {
            let mirror = self.mirror.display();
            format!(
                "`terraform init` against the mirror {mirror} failed:\n{}",
                lines.join("\n")
            )
        })
    }

    /// What the run uses, for the test's log.
    pub fn describe(&self) -> String {
        let versions: Vec<String> = self
            .mirror_versions
            .iter()
            .map(ToString::to_string)
            .collect();
        format!(
            "terraform {} ({}), AWS provider {} from the mirror {}",
            self.version,
            self.bin.display(),
            versions.join(", "),
            self.mirror.display()
        )
    }

    /// The CLI config that installs providers from the mirror only, for `TF_CLI_CONFIG_FILE`.
    #[allow(dead_code)] // tests/verify.rs reads it; tests/terraform.rs runs Terraform itself.
    pub fn cli_config(&self) -> &Path {
        &self.cli_config
    }

    /// Keeps the working directory (module copies and Terraform's output) and says where.
    pub fn keep(&mut self) -> &Path {
        if let Some(tmp) = self.tmp.take() {
            let _ = tmp.keep();
        }
        &self.work
    }
}

/// Providers come from the mirror only: it is the one installation method (no `direct`), so
/// nothing reaches the network. There is no `plugin_cache_dir` either: from an unpacked mirror,
/// `init` links each module's `.terraform/providers` straight to the mirror, so a cache saves
/// nothing; and with one, every `init` re-links the shared cache entry, which broke other
/// modules' concurrent `validate` ("there is no package for .../hashicorp/aws 5.100.0 cached in
/// .terraform/providers").
fn cli_config_text(mirror: &Path) -> String {
    let filesystem_mirror = Block::builder("filesystem_mirror")
        .add_attribute(("path", mirror.display().to_string()))
        .build();
    let installation = Block::builder("provider_installation")
        .add_block(filesystem_mirror)
        .build();
    hcl_text(&Body::builder().add_block(installation).build())
}

/// The root of the first mirror on disk, in name order, with a
/// `<host>/hashicorp/aws/<version>/<platform>/terraform-provider-aws_*`: six levels above that
/// binary. The temporary directory is left out (other runs' module copies link to mirrors).
fn search_mirror() -> Option<PathBuf> {
    let skip = [
        "/proc".into(),
        "/sys".into(),
        "/dev".into(),
        std::env::temp_dir(),
    ];
    let hit = walkdir::WalkDir::new("/")
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !skip.iter().any(|s: &PathBuf| e.path() == s))
        .filter_map(Result::ok)
        .find(|e| {
            let name = e.file_name().to_string_lossy();
            e.file_type().is_file()
                && name.starts_with("terraform-provider-aws_")
                && mirror_root(e.path()).is_some()
        })?;
    mirror_root(hit.path())
}

/// `<root>` of `<root>/<host>/hashicorp/aws/<version>/<platform>/<binary>`.
fn mirror_root(binary: &Path) -> Option<PathBuf> {
    let up: Vec<&Path> = binary.ancestors().collect();
    let named = |i: usize, name: &str| up.get(i).and_then(|p| p.file_name()) == Some(name.as_ref());
    if !(named(3, "aws") && named(4, "hashicorp")) {
        return None;
    }
    up.get(6).map(|root| root.to_path_buf())
}

/// The AWS provider versions in a mirror (`<host>/hashicorp/aws/<version>/<platform>/`), oldest
/// first.
fn mirror_versions(mirror: &Path) -> Vec<Version> {
    let list = |dir: &Path| -> Vec<fs::DirEntry> {
        fs::read_dir(dir).into_iter().flatten().flatten().collect()
    };
    let mut out: Vec<Version> = list(mirror)
        .iter()
        .flat_map(|host| list(&host.path().join("hashicorp/aws")))
        .filter_map(|v| v.file_name().to_str()?.parse().ok())
        .collect();
    out.sort();
    out.dedup();
    out
}

// ------------------------------------------------------------------------------------------
// Versions and constraints

/// A provider release, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version([u64; 3]);

impl Version {
    /// The version and how many of its parts were written (`5.100` has two).
    fn parse_partial(s: &str) -> Option<(Version, usize)> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        if parts.len() > 3 {
            return None;
        }
        let mut v = [0; 3];
        for (slot, part) in v.iter_mut().zip(&parts) {
            *slot = part.parse().ok()?;
        }
        Some((Version(v), parts.len()))
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (v, _) = Version::parse_partial(s).ok_or_else(|| format!("not a version: {s:?}"))?;
        Ok(v)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c] = self.0;
        write!(f, "{a}.{b}.{c}")
    }
}

/// Whether a Terraform version constraint (`">= 5.100, < 7.0"`, `"~> 6.0"`) admits `v`: gen-tf's
/// own reading, which `version_constraints_are_read_the_way_terraform_reads_them` holds to
/// Terraform's.
pub fn admits(constraint: &str, v: Version) -> Result<bool, String> {
    gen_tf::provider_schema::constraint_admits(constraint, &v.to_string())
}

// ------------------------------------------------------------------------------------------
// Checking modules

/// The step of a module that needs a newer AWS provider than the mirror holds, for a reason its
/// versions.tf names: not planned, and not a failure.
pub const NEWER_PROVIDER: &str = "newer-provider";

/// The `aws >= X: ...` comments of a module's versions.tf (or the `//` entries of its
/// versions.tf.json), which name the features that raised its provider floor; `None` when it
/// has none.
fn newer_features(dir: &Path) -> Option<Vec<String>> {
    let text = ["versions.tf", "versions.tf.json"]
        .iter()
        .find_map(|f| fs::read_to_string(dir.join(f)).ok())?;
    let lines: Vec<String> = text
        .lines()
        .filter_map(|l| l.find("aws >= ").map(|i| &l[i..]))
        .map(|l| l.trim_end_matches([',', '"']).to_owned())
        .collect();
    (!lines.is_empty()).then_some(lines)
}

/// A module to check: a label for the report and its directory.
pub struct Module {
    pub label: String,
    pub dir: PathBuf,
    /// Modules of one group share root configurations (one per syntax and provider version);
    /// the fixtures that must fail have their own, so that their failures and the retries they
    /// cause stay small.
    pub group: &'static str,
}

/// A module that passed every step.
pub struct Passed {
    pub label: String,
    /// What the plan did, for example `plan: 8 to add, 0 to change, 0 to destroy`.
    pub summary: String,
}

/// The step that failed and what Terraform (or the harness) said.
#[derive(Debug)]
pub struct Failure {
    pub label: String,
    /// `copy`, `read`, `constraint`, `fmt -check`, `init`, `validate`, `plan` or `test`.
    pub step: &'static str,
    pub lines: Vec<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {} failed", self.label, self.step)?;
        self.lines
            .iter()
            .try_for_each(|line| writeln!(f, "    {line}"))
    }
}

/// A root configuration's group, syntax (`true` for HCL) and AWS provider version.
type RootKey = (&'static str, bool, Version);

/// A failed command: the lines that explain it, then all of its stderr and stdout.
type RunError = (Vec<String>, String, String);

/// A module's index in the caller's list and its result.
type Outcome = (usize, Result<Passed, Failure>);

impl Terraform {
    /// Every module, in as few Terraform runs as possible; results in the input order.
    ///
    /// Each module is copied and read; its constraint must admit a version of the mirror, and
    /// its HCL must be formatted (one `terraform fmt -check` over every copy). The rest go into
    /// one root configuration per syntax and newest admitted mirror version, which gets one
    /// `init`, one `validate` and one `plan` (or, when a module reads data sources that call
    /// AWS, one `terraform test` that overrides them by module path); the roots run on at most
    /// `jobs` (and [`MAX_JOBS`]) threads. When a step fails, each error is laid at the door of
    /// the module it names, those modules fail with Terraform's error, and the step runs again
    /// without them; an error that names no module fails every module of its root.
    pub fn check_all(&self, modules: &[Module], jobs: usize) -> Vec<Result<Passed, Failure>> {
        let start = Instant::now();
        let mut results: Vec<Option<Result<Passed, Failure>>> =
            modules.iter().map(|_| None).collect();
        let copies = self.work.join("m");
        let mut groups: BTreeMap<RootKey, Vec<Member>> = BTreeMap::new();
        for (index, module) in modules.iter().enumerate() {
            match self.prepare(index, module, &copies) {
                Ok((key, member)) => groups.entry(key).or_default().push(member),
                Err(failure) => results[index] = Some(Err(failure)),
            }
        }
        self.fmt_check(modules, &copies, &mut groups, &mut results);

        // The largest roots first, so that the small one of the fixtures fills in after one.
        let mut groups: Vec<(RootKey, Vec<Member>)> = groups.into_iter().collect();
        groups.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
        let next = AtomicUsize::new(0);
        let outcomes: Vec<Mutex<Vec<Outcome>>> =
            groups.iter().map(|_| Mutex::new(Vec::new())).collect();
        std::thread::scope(|s| {
            for _ in 0..jobs.clamp(1, MAX_JOBS) {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((key, members)) = groups.get(i) else {
                        break;
                    };
                    let out = self.check_root(key, members, modules);
                    *outcomes[i].lock().expect("not poisoned") = out;
                });
            }
        });
        for outcome in outcomes {
            for (index, result) in outcome.into_inner().expect("not poisoned") {
                results[index] = Some(result);
            }
        }
        let results: Vec<Result<Passed, Failure>> = results
            .into_iter()
            .map(|r| r.expect("every module has a result"))
            .collect();
        for result in &results {
            match result {
                Ok(p) => eprintln!("ok   {}: {}", p.label, p.summary),
                Err(f) if f.step == NEWER_PROVIDER => eprint!("skip {f}"),
                Err(f) => eprint!("FAIL {f}"),
            }
        }
        eprintln!(
            "terraform: {} root configuration(s) in {:.1} s",
            groups.len(),
            start.elapsed().as_secs_f64()
        );
        results
    }

    /// Copies and reads a module; its root's key (syntax and provider version) and its member.
    fn prepare(
        &self,
        index: usize,
        module: &Module,
        copies: &Path,
    ) -> Result<(RootKey, Member), Failure> {
        let fail = |step, lines| Failure {
            label: module.label.clone(),
            step,
            lines,
        };
        let name = format!("m{index:03}");
        let dir = copies.join(&name);
        copy_module(&module.dir, &dir).map_err(|e| fail("copy", vec![e.to_string()]))?;
        let declared = Declared::read(&dir).map_err(|e| fail("read", vec![e]))?;
        Member::check_variables(&declared).map_err(|e| fail("read", vec![e]))?;
        let version = self.admitted(&declared).map_err(|e| {
            // A module that writes a feature newer than every provider of the mirror says so
            // in versions.tf (`# aws >= 6.4: ... (provider changelog ...)`): it cannot be
            // planned here, which is reported as its own step, not as a failure.
            match newer_features(&dir) {
                Some(why) => fail(NEWER_PROVIDER, why),
                None => fail("constraint", vec![e]),
            }
        })?;
        let region = declared
            .region
            .as_deref()
            .unwrap_or(DEFAULT_REGION)
            .to_owned();
        let key = (module.group, declared.hcl, version);
        let member = Member {
            index,
            name,
            declared,
            region,
        };
        Ok((key, member))
    }

    /// One `terraform fmt -check` over every copy, before the harness adds files of its own, so
    /// that only the modules' files are judged; a module with a file to format fails with the
    /// diff and leaves its root.
    fn fmt_check(
        &self,
        modules: &[Module],
        copies: &Path,
        groups: &mut BTreeMap<RootKey, Vec<Member>>,
        results: &mut [Option<Result<Passed, Failure>>],
    ) {
        if !groups.keys().any(|(_, hcl, _)| *hcl) {
            return;
        }
        let (explained, listed) =
            match self.run_full(copies, &["fmt", "-check", "-recursive", "-no-color"]) {
                Ok(_) => return,
                Err((explained, _, stdout)) => (explained, stdout),
            };
        let named = |m: &Member| {
            listed
                .lines()
                .any(|l| l.starts_with(&format!("{}/", m.name)))
        };
        // A failure that names no module's file (fmt could not read one) fails every HCL module.
        let none_named = !groups.values().flatten().any(named);
        for ((_, hcl, _), members) in groups.iter_mut() {
            members.retain(|m| {
                if !(named(m) || none_named && *hcl) {
                    return true;
                }
                let lines = if none_named {
                    explained.clone()
                } else {
                    let dir = copies.join(&m.name);
                    let diff = self.run(&dir, &["fmt", "-check", "-diff", "-no-color"]);
                    diff.err().unwrap_or_else(|| vec![listed.clone()])
                };
                results[m.index] = Some(Err(Failure {
                    label: modules[m.index].label.clone(),
                    step: "fmt -check",
                    lines,
                }));
                false
            });
        }
    }

    /// `init`, `validate` and `plan` or `test` of one root configuration; a result per member.
    fn check_root(&self, key: &RootKey, members: &[Member], modules: &[Module]) -> Vec<Outcome> {
        let &(group, hcl, version) = key;
        let start = Instant::now();
        let syntax = if hcl { "hcl" } else { "json" };
        let dir = self.work.join(format!(
            "root-{group}-{syntax}-aws-{}",
            version.to_string().replace('.', "_")
        ));
        let mut active: Vec<&Member> = members.iter().collect();
        let mut out = Vec::new();
        let write_root = |active: &[&Member]| -> io::Result<()> {
            if hcl {
                write(
                    &dir.join("main.tf"),
                    &root::hcl_root(active, &version.to_string()),
                )?;
            } else {
                write(
                    &dir.join("main.tf.json"),
                    &root::json_root(active, &version.to_string()),
                )?;
            }
            let test = dir.join("tests/zz_gen_tf.tftest.hcl");
            if active.iter().any(|m| !m.declared.remote_data().is_empty()) {
                write(&test, &root::test_file(active))
            } else {
                match fs::remove_file(&test) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                }
            }
        };
        let remote = |active: &[&Member]| -> usize {
            active.iter().map(|m| m.declared.remote_data().len()).sum()
        };
        let init = ["init", "-backend=false", "-input=false", "-no-color"];
        let validate = ["validate", "-no-color"];
        let plan = [
            "plan",
            "-refresh=false",
            "-lock=false",
            "-input=false",
            "-no-color",
        ];
        let test = ["test", "-no-color"];
        let mut summary = String::new();
        let mut timings = Vec::new();
        for step in ["init", "validate", "plan"] {
            // A step runs again without the modules its errors name, a few times at most.
            for attempt in 0.. {
                if active.is_empty() {
                    break;
                }
                if let Err(e) = write_root(&active) {
                    let lines = vec![format!("writing the root configuration: {e}")];
                    out.extend(
                        active
                            .drain(..)
                            .map(|m| (m.index, Err(lines.clone()), "copy")),
                    );
                    break;
                }
                let (args, name): (&[&str], &'static str) = match step {
                    "init" => (&init, "init"),
                    "validate" => (&validate, "validate"),
                    _ if remote(&active) > 0 => (&test, "test"),
                    _ => (&plan, "plan"),
                };
                let started = Instant::now();
                let result = self.run_full(&dir, args);
                timings.push(format!("{name} {:.1} s", started.elapsed().as_secs_f64()));
                match result {
                    Ok(stdout) => {
                        if name == "plan" {
                            let plan = stdout.lines().find_map(|l| l.trim().strip_prefix("Plan: "));
                            summary = format!(
                                "plan: {}",
                                plan.unwrap_or("no changes").trim_end_matches('.')
                            );
                        } else if name == "test" {
                            summary = format!(
                                "`terraform test` plan with {} data source(s) that call AWS overridden",
                                remote(&active)
                            );
                        }
                        break;
                    }
                    Err((explained, stderr, stdout)) => {
                        let mut blocks = root::error_blocks(&stderr);
                        blocks.extend(root::error_blocks(&stdout));
                        let mut named = Vec::new();
                        for m in &active {
                            let lines: Vec<String> = blocks
                                .iter()
                                .filter(|b| b.iter().any(|l| m.named_in(l)))
                                .flatten()
                                .cloned()
                                .collect();
                            if !lines.is_empty() {
                                named.push((m.index, lines));
                            }
                        }
                        if named.is_empty() || attempt == 3 {
                            let mut lines = vec![format!(
                                "the {syntax} root configuration {} failed as a whole, with {} \
                                 module(s) in it; Terraform's error names none of them:",
                                dir.display(),
                                active.len()
                            )];
                            lines.extend(explained);
                            out.extend(
                                active
                                    .drain(..)
                                    .map(|m| (m.index, Err(lines.clone()), name)),
                            );
                            break;
                        }
                        active.retain(|m| !named.iter().any(|(i, _)| *i == m.index));
                        out.extend(named.into_iter().map(|(i, lines)| (i, Err(lines), name)));
                    }
                }
            }
        }
        let seconds = start.elapsed().as_secs_f64();
        eprintln!(
            "the {group} {syntax} root of {} module(s), provider {version}: {} ({seconds:.1} s)",
            members.len(),
            timings.join(", ")
        );
        let others = members.len();
        let passed = active.iter().map(|m| {
            let summary = format!(
                "init, validate and {summary} in the {syntax} root of {others} module(s) \
                 (module.{}, {:.1} s for the root)",
                m.name, seconds
            );
            (m.index, Ok(summary), "")
        });
        out.extend(passed);
        out.into_iter()
            .map(|(index, result, step)| {
                let label = modules[index].label.clone();
                let member = members.iter().find(|m| m.index == index).expect("a member");
                let result = match result {
                    Ok(summary) => Ok(Passed { label, summary }),
                    Err(mut lines) => {
                        lines.push(format!(
                            "(module.{} of the {syntax} root {}, a copy of {})",
                            member.name,
                            dir.display(),
                            modules[index].dir.display()
                        ));
                        Err(Failure { label, step, lines })
                    }
                };
                (index, result)
            })
            .collect()
    }

    /// The newest version of the mirror that the module's AWS constraint admits.
    fn admitted(&self, declared: &Declared) -> Result<Version, String> {
        let constraint = declared
            .aws_constraint
            .as_deref()
            .ok_or("required_providers has no aws version constraint")?;
        let mut newest = None;
        for v in &self.mirror_versions {
            if admits(constraint, *v)? {
                newest = Some(*v);
            }
        }
        if let Some(v) = newest {
            return Ok(v);
        }
        let versions: Vec<String> = self
            .mirror_versions
            .iter()
            .map(ToString::to_string)
            .collect();
        Err(format!(
            "the aws constraint {constraint:?} admits none of the mirror's versions ({})",
            versions.join(", ")
        ))
    }

    /// Runs one Terraform command in `dir`: its stdout on success, else the lines that explain
    /// the failure. Output goes to files next to `dir`, kept for inspection.
    fn run(&self, dir: &Path, args: &[&str]) -> Result<String, Vec<String>> {
        self.run_full(dir, args).map_err(|(lines, _, _)| lines)
    }

    /// As [`Terraform::run`], with all of stderr and stdout besides the lines on failure.
    fn run_full(&self, dir: &Path, args: &[&str]) -> Result<String, RunError> {
        let io_err = |e: io::Error| {
            let line = format!("terraform {}: {e}", args.join(" "));
            (vec![line.clone()], line, String::new())
        };
        let out_path = dir.with_extension(format!("{}.stdout", args[0]));
        let err_path = dir.with_extension(format!("{}.stderr", args[0]));
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(fs::File::create(&out_path).map_err(io_err)?)
            .stderr(fs::File::create(&err_path).map_err(io_err)?)
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1");
        // Nothing in the caller's environment may change what Terraform reads.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let theirs = [
                "TF_VAR_",
                "TF_CLI_ARGS",
                "TF_DATA_DIR",
                "TF_WORKSPACE",
                "TF_PLUGIN_CACHE",
            ];
            if theirs.iter().any(|t| key.starts_with(t)) {
                cmd.env_remove(key.as_ref());
            }
        }
        let mut child = cmd.spawn().map_err(io_err)?;
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(io_err)? {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                let line = format!("terraform {} took over {COMMAND_TIMEOUT:?}", args.join(" "));
                return Err((vec![line.clone()], line, String::new()));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stdout = fs::read_to_string(&out_path).unwrap_or_default();
        if status.success() {
            return Ok(stdout);
        }
        let stderr = fs::read_to_string(&err_path).unwrap_or_default();
        Err((explanation(&stderr, &stdout), stderr, stdout))
    }
}

/// Terraform's error lines: from the first `Error:` of stderr, or of stdout (where `terraform
/// test` writes), at most 60 lines; else every line of both (`fmt -check` prints its diff).
fn explanation(stderr: &str, stdout: &str) -> Vec<String> {
    let from_error = |text: &str| -> Option<Vec<String>> {
        let lines: Vec<&str> = text.lines().collect();
        let first = lines
            .iter()
            .position(|l| l.trim_start().starts_with("Error:"))?;
        Some(
            lines[first..]
                .iter()
                .take(60)
                .map(|l| l.trim_end().to_owned())
                .collect(),
        )
    };
    from_error(stderr)
        .or_else(|| from_error(stdout))
        .unwrap_or_else(|| {
            let all = stderr.lines().chain(stdout.lines());
            all.filter(|l| !l.trim().is_empty())
                .take(60)
                .map(str::to_owned)
                .collect()
        })
}

/// Copies a module's Terraform files: not its README, nor any state or `.terraform` directory.
fn copy_module(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && (name.ends_with(".tf") || name.ends_with(".tf.json")) {
            fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}
