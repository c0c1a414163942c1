//! The optional project file, `gen-tf.toml`: where the stacks are, where the modules go, and the
//! environments each stack is built for.
//!
//! A repository with hundreds of stacks and several environments should not need a long command
//! line in every pre-commit hook and CI job; the project file holds it once. Command-line flags
//! still win over it, key by key.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::pipeline::Format;

/// The file name looked for in the current directory and its ancestors.
pub(crate) const FILE_NAME: &str = "gen-tf.toml";

/// What the TOML file says, before paths are resolved.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    stacks: Vec<PathBuf>,
    #[serde(default)]
    out: Option<PathBuf>,
    #[serde(default)]
    layout: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    jpath: Vec<PathBuf>,
    #[serde(default)]
    cache_dir: Option<PathBuf>,
    #[serde(default)]
    ext_str: BTreeMap<String, String>,
    #[serde(default)]
    ext_code: BTreeMap<String, String>,
    #[serde(default)]
    environments: BTreeMap<String, RawEnvironment>,
    #[serde(default)]
    cost: CostSettings,
    /// The platform file (networks, clusters, namespaces), relative to the project file.
    #[serde(default)]
    platform: Option<PathBuf>,
}

/// `[cost]`: what `gen-tf cost` and `gen-tf rightsize` assume when no flag says otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CostSettings {
    /// A price file (relative to the project file) instead of the built-in one.
    #[serde(default)]
    pub prices: Option<PathBuf>,
    /// The region of stacks that name none.
    #[serde(default)]
    pub region: Option<String>,
    /// Availability Zones of the VPC: interface endpoints and NAT gateways are paid per AZ.
    #[serde(default)]
    pub availability_zones: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvironment {
    #[serde(default)]
    ext_str: BTreeMap<String, String>,
    #[serde(default)]
    ext_code: BTreeMap<String, String>,
}

/// A loaded project. Every path is already joined to the project file's directory, so it is
/// usable from the current directory.
#[derive(Debug, Clone)]
pub(crate) struct Project {
    /// The project file, as found or named.
    pub file: PathBuf,
    /// The directory the project file is in (empty for the current directory).
    pub root: PathBuf,
    pub stacks: Vec<PathBuf>,
    pub out: PathBuf,
    pub layout: Layout,
    pub format: Option<Format>,
    pub jpath: Vec<PathBuf>,
    pub cache_dir: Option<PathBuf>,
    pub vars: ExtVars,
    /// In name order, which is also the order of `gen-tf list`.
    pub environments: Vec<Environment>,
    /// `[cost]`, with `prices` joined to the project's directory.
    pub cost: CostSettings,
    /// `platform`: the platform file (docs/platform.md), joined to the project's directory.
    pub platform: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub(crate) struct Environment {
    pub name: String,
    pub vars: ExtVars,
    /// The environment the stacks compile for (Jsonnet's `ENV`): the environment's own `ENV`
    /// string when it sets one, else its name; `None` when it sets `ENV` as code.
    pub env: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    #[error("{}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("unknown environment `{name}`; {known}")]
    UnknownEnvironment { name: String, known: String },
}

/// Looks for [`FILE_NAME`] in the current directory, then in each parent, as cargo does for
/// `Cargo.toml`, so hooks and CI jobs may run from any subdirectory. The path comes back
/// relative (`../gen-tf.toml`) so that every path derived from it stays short in messages and in
/// `gen-tf list`.
pub(crate) fn find() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    for (up, dir) in cwd.ancestors().enumerate() {
        if dir.join(FILE_NAME).is_file() {
            let mut rel = PathBuf::new();
            for _ in 0..up {
                rel.push("..");
            }
            return Some(rel.join(FILE_NAME));
        }
    }
    None
}

impl Project {
    /// Reads and parses `file`: a regular file of at most 1 MiB (a FIFO or device in its place
    /// is refused, not waited on).
    pub(crate) fn load(file: &Path) -> Result<Self, ProjectError> {
        let read_err = |source| ProjectError::Read {
            path: file.to_owned(),
            source,
        };
        let bytes = crate::load::read_regular(file, 1 << 20).map_err(|e| match e {
            crate::load::FileError::Io(e) => read_err(e),
            other => read_err(std::io::Error::other(other.to_string())),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| ProjectError::Invalid {
            path: file.to_owned(),
            message: "not valid UTF-8".to_owned(),
        })?;
        Self::parse(file, crate::load::strip_bom(&text))
    }

    /// Parses the text of `file`; paths in it are relative to the file's directory.
    pub(crate) fn parse(file: &Path, text: &str) -> Result<Self, ProjectError> {
        let invalid = |message: String| ProjectError::Invalid {
            path: file.to_owned(),
            message,
        };
        let raw: RawProject = toml::from_str(text).map_err(|e| invalid(e.message().to_owned()))?;
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let join = |p: &Path| {
            if p.is_absolute() {
                p.to_owned()
            } else {
                root.join(p)
            }
        };
        if raw.stacks.is_empty() {
            return Err(invalid(
                "`stacks` is empty; name the files or directories that hold the stacks".to_owned(),
            ));
        }
        let format = match &raw.format {
            None => None,
            Some(f) => Some(f.parse::<Format>().map_err(|_| {
                invalid(format!("unknown `format` {f:?}; use \"hcl\" or \"json\""))
            })?),
        };
        let mut environments = Vec::new();
        for (name, env) in raw.environments {
            if !is_env_name(&name) {
                return Err(invalid(format!(
                    "environment name {name:?}: use lower-case letters, digits, '-' and '_'"
                )));
            }
            let mut vars = ExtVars::default();
            vars.extend_str(&env.ext_str);
            vars.extend_code(&env.ext_code);
            // The seed guide reads the environment as `std.extVar('ENV')`; an environment gets
            // it for free unless it sets ENV itself.
            let env = vars.layer("ENV").unwrap_or(Some(&name)).map(str::to_owned);
            environments.push(Environment { name, vars, env });
        }
        let has_envs = !environments.is_empty();
        let layout_text =
            raw.layout
                .as_deref()
                .unwrap_or(if has_envs { "{env}/{stack}" } else { "{stack}" });
        let layout = Layout::parse(layout_text).map_err(|m| invalid(format!("`layout`: {m}")))?;
        if layout.has_env() && !has_envs {
            return Err(invalid(
                "`layout` uses {env} but no [environments] are configured".to_owned(),
            ));
        }
        if !layout.has_env() && environments.len() > 1 {
            return Err(invalid(
                "`layout` has no {env}, so every environment would write the same directory; \
                 add {env}, for example \"{env}/{stack}\""
                    .to_owned(),
            ));
        }
        if raw.out.as_deref().is_some_and(|o| o.as_os_str().is_empty()) {
            return Err(invalid(
                "`out` is empty; write the directory the modules go to, for example \
                 out = \"modules\" (or leave it out for that default)"
                    .to_owned(),
            ));
        }
        let mut vars = ExtVars::default();
        vars.extend_str(&raw.ext_str);
        vars.extend_code(&raw.ext_code);
        if raw.cost.availability_zones == Some(0) {
            return Err(invalid(
                "`cost.availability_zones` is 0; a VPC has at least one Availability Zone"
                    .to_owned(),
            ));
        }
        let cost = CostSettings {
            prices: raw.cost.prices.as_deref().map(join),
            ..raw.cost
        };
        Ok(Self {
            cost,
            platform: raw.platform.as_deref().map(join),
            file: file.to_owned(),
            stacks: raw.stacks.iter().map(|p| join(p)).collect(),
            out: join(raw.out.as_deref().unwrap_or(Path::new("modules"))),
            layout,
            format,
            jpath: raw.jpath.iter().map(|p| join(p)).collect(),
            cache_dir: raw.cache_dir.as_deref().map(join),
            vars,
            environments,
            root,
        })
    }

    /// The environments to build: all of them, or those named by `--env`.
    pub(crate) fn select(&self, names: &[String]) -> Result<Vec<&Environment>, ProjectError> {
        if names.is_empty() {
            return Ok(self.environments.iter().collect());
        }
        names
            .iter()
            .map(|n| {
                self.environments
                    .iter()
                    .find(|e| e.name == *n)
                    .ok_or_else(|| ProjectError::UnknownEnvironment {
                        name: n.clone(),
                        known: if self.environments.is_empty() {
                            format!("{} configures no environments", self.file.display())
                        } else {
                            let names: Vec<&str> =
                                self.environments.iter().map(|e| e.name.as_str()).collect();
                            format!("known: {}", names.join(", "))
                        },
                    })
            })
            .collect()
    }
}

/// Environment names become directory names, so they get the same treatment as stack names.
fn is_env_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// External variables after merging: one value per name, the later layer winning. A name is
/// either a string or code, never both, so a layer that switches kinds replaces the other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ExtVars {
    vars: BTreeMap<String, ExtVar>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ExtVar {
    Str(String),
    Code(String),
}

impl ExtVars {
    pub(crate) fn set_str(&mut self, k: &str, v: &str) {
        self.vars.insert(k.to_owned(), ExtVar::Str(v.to_owned()));
    }

    pub(crate) fn set_code(&mut self, k: &str, v: &str) {
        self.vars.insert(k.to_owned(), ExtVar::Code(v.to_owned()));
    }

    fn extend_str(&mut self, m: &BTreeMap<String, String>) {
        for (k, v) in m {
            self.set_str(k, v);
        }
    }

    fn extend_code(&mut self, m: &BTreeMap<String, String>) {
        for (k, v) in m {
            self.set_code(k, v);
        }
    }

    /// `self` overridden by `later`.
    pub(crate) fn merged(&self, later: &ExtVars) -> ExtVars {
        let mut out = self.clone();
        out.vars
            .extend(later.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// What this layer sets `k` to: `Some(Some(string))`, `Some(None)` for code (which gen-tf
    /// cannot read), `None` when it leaves `k` to the layers below.
    pub(crate) fn layer(&self, k: &str) -> Option<Option<&str>> {
        self.vars.get(k).map(|v| match v {
            ExtVar::Str(s) => Some(s.as_str()),
            ExtVar::Code(_) => None,
        })
    }

    /// String variables, sorted by name.
    pub(crate) fn strs(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter_map(|(k, v)| match v {
                ExtVar::Str(s) => Some((k.clone(), s.clone())),
                ExtVar::Code(_) => None,
            })
            .collect()
    }

    /// Code variables, sorted by name.
    pub(crate) fn codes(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter_map(|(k, v)| match v {
                ExtVar::Code(s) => Some((k.clone(), s.clone())),
                ExtVar::Str(_) => None,
            })
            .collect()
    }
}

/// Where a module goes under the output root: path components that are literal names,
/// `{env}` or `{stack}`.
///
/// Kept to whole components so that a directory can be matched back to the layout, which is how
/// pruning knows that a directory is one gen-tf owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Env,
    Stack,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            parts: vec![Part::Stack],
        }
    }
}

/// A `layout` that cannot be matched back to its directories.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum LayoutError {
    #[error("{0:?}: empty, `.` and `..` components are not allowed")]
    Component(String),
    #[error(
        "{0:?}: use {{env}} and {{stack}} as whole path components, for example \"{{env}}/{{stack}}\""
    )]
    Placeholder(String),
    #[error("{0:?}: needs {{stack}} once and {{env}} at most once")]
    Count(String),
}

impl Layout {
    pub(crate) fn parse(s: &str) -> Result<Self, LayoutError> {
        let mut parts = Vec::new();
        for c in s.split('/') {
            parts.push(match c {
                "{stack}" => Part::Stack,
                "{env}" => Part::Env,
                "" | "." | ".." => return Err(LayoutError::Component(s.to_owned())),
                c if c.contains(['{', '}', '\\']) => {
                    return Err(LayoutError::Placeholder(s.to_owned()))
                }
                c => Part::Literal(c.to_owned()),
            });
        }
        let count = |p: &Part| parts.iter().filter(|q| *q == p).count();
        if count(&Part::Stack) != 1 || count(&Part::Env) > 1 {
            return Err(LayoutError::Count(s.to_owned()));
        }
        Ok(Self { parts })
    }

    pub(crate) fn has_env(&self) -> bool {
        self.parts.contains(&Part::Env)
    }

    /// The module directory of `stack` in `env`, relative to the output root.
    pub(crate) fn dir(&self, stack: &str, env: Option<&str>) -> PathBuf {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Literal(s) => s.as_str(),
                Part::Env => env.unwrap_or("default"),
                Part::Stack => stack,
            })
            .collect()
    }

    /// Whether `rel` (relative to the output root) is a module directory of this layout, for one
    /// of `envs` when the layout has `{env}`. Such directories are the only ones pruning looks
    /// into.
    pub(crate) fn owns(&self, rel: &Path, envs: &[&str]) -> bool {
        rel.components().count() == self.parts.len() && self.may_hold(rel, envs)
    }

    /// Whether `rel` is a module directory or a directory on the way to one: each of its
    /// components matches the layout's part at that depth. Pruning enters only these, so a
    /// literal part may be hidden (`.gen/{stack}`) while hidden directories such as
    /// `.terraform` are never entered where a stack name goes.
    pub(crate) fn may_hold(&self, rel: &Path, envs: &[&str]) -> bool {
        let comps: Vec<&str> = rel
            .components()
            .map(|c| match c {
                Component::Normal(s) => s.to_str().unwrap_or("\0"),
                _ => "\0",
            })
            .collect();
        comps.len() <= self.parts.len()
            && self.parts.iter().zip(&comps).all(|(p, c)| match p {
                Part::Literal(s) => s == c,
                Part::Env => envs.contains(c),
                Part::Stack => !c.starts_with('.') && *c != "\0",
            })
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Literal(s) => s.as_str(),
                Part::Env => "{env}",
                Part::Stack => "{stack}",
            })
            .collect();
        f.write_str(&parts.join("/"))
    }
}

/// The files `gen-tf init` writes, relative to the project directory. The pre-commit
/// configuration uses the hooks this repository ships: from `hooks` (repository URL and
/// revision) when given, else as `local` hooks that run the `gen-tf` already on `PATH`.
pub(crate) fn scaffold(hooks: Option<(&str, &str)>) -> Vec<(&'static str, String)> {
    let pre_commit = match hooks {
        Some((repo, rev)) => SCAFFOLD_HOOKS_REMOTE
            .replace("{repo}", repo)
            .replace("{rev}", rev),
        None => SCAFFOLD_HOOKS_LOCAL.to_owned(),
    };
    vec![
        (FILE_NAME, SCAFFOLD_PROJECT.to_owned()),
        ("stacks/example.jsonnet", SCAFFOLD_STACK.to_owned()),
        (".pre-commit-config.yaml", pre_commit),
    ]
}

const SCAFFOLD_HOOKS_REMOTE: &str = "\
# gen-tf's pre-commit hooks; enable them with `pre-commit install`.
# `rev` must be a tag (or commit) that exists in the repository, else pre-commit fails with
# \"pathspec ... did not match\". `gen-tf init` pins the tag of its own version; pin another
# with `gen-tf init --hooks-rev REV`.
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      # Fails when modules/ is stale, missing files or has extra generated files. Never writes.
      - id: gen-tf-check
      # Or regenerate and fail when that changed anything, as the terraform fmt hook does:
      # - id: gen-tf-build
";

const SCAFFOLD_HOOKS_LOCAL: &str = "\
# gen-tf's pre-commit hooks, run with the gen-tf on PATH; enable them with `pre-commit install`.
# `gen-tf init --hooks-repo URL` writes the form in which pre-commit builds gen-tf itself.
repos:
  - repo: local
    hooks:
      # Fails when modules/ is stale, missing files or has extra generated files. Never writes.
      - id: gen-tf-check
        name: gen-tf check
        entry: gen-tf check
        language: system
        pass_filenames: false
        always_run: true
        require_serial: true
      # Or regenerate and fail when that changed anything, as the terraform fmt hook does:
      # - id: gen-tf-build
      #   name: gen-tf build
      #   entry: gen-tf build --fail-on-change
      #   language: system
      #   pass_filenames: false
      #   always_run: true
      #   require_serial: true
";

const SCAFFOLD_PROJECT: &str = r#"# gen-tf project: `gen-tf build` writes modules/<env>/<stack>/ for every stack and environment,
# `gen-tf check` fails when they are out of date, `gen-tf list --json` feeds a CI matrix.
# Command-line flags override these settings.

# Stack files, or directories searched for .jsonnet, .json, .yaml, .yml and .toml files.
stacks = ["stacks"]
# Output root, and the module directory under it ({env} and {stack} are whole path components).
out = "modules"
layout = "{env}/{stack}"
# Library directories for Jsonnet imports, as `-J`.
jpath = []

# External variables for every environment (`std.extVar`), as `-V` and `--ext-code`.
[ext_str]

# Each environment gets ENV=<name> unless it sets ENV itself.
[environments.dev]
[environments.stg]
[environments.prd]
# ext_str = { REGION = "us-east-1" }
"#;

const SCAFFOLD_STACK: &str = r#"// An example stack: one ARM64 service on Fargate Spot with an on-demand base, scaling on CPU.
// `gen-tf build` compiles it once per environment; `std.extVar('ENV')` tells which.
local g = import 'gen-tf.libsonnet';
local env = std.extVar('ENV');
local memory = 1024;

{
  name: 'example',
  tags: { team: 'platform', environment: env },
  services: {
    api: {
      cpu: 512,
      memory: memory,
      memory_reservation: g.dynamic(memory, env),
      runtime_platform: g.arm64,
      capacity_provider_strategy: g.spotMix(spot_weight=70, ondemand_weight=30, ondemand_base=1),
      port: 8080,
      environment: [
        { name: 'LOG_LEVEL', value: if env == 'prd' then 'INFO' else 'DEBUG' },
      ],
      auto_scaling: {
        min_capacity: if env == 'prd' then 2 else 1,
        max_capacity: if env == 'prd' then 10 else 2,
        policies: [
          {
            predefined_metric_type: 'ECSServiceAverageCPUUtilization',
            target_value: 70.0,
            scale_in_cooldown: 300,
            scale_out_cooldown: 60,
          },
        ],
      },
    },
  },
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_get_env_unless_they_set_it() {
        let p = Project::parse(
            Path::new("repo/gen-tf.toml"),
            r#"
stacks = ["stacks"]
[ext_str]
TEAM = "core"
[environments.dev]
[environments.prd]
ext_str = { ENV = "production", TEAM = "prd-team" }
"#,
        )
        .unwrap();
        assert_eq!(p.stacks, [PathBuf::from("repo/stacks")]);
        assert_eq!(p.out, PathBuf::from("repo/modules"));
        assert_eq!(p.layout.to_string(), "{env}/{stack}");
        let dev = p.vars.merged(&p.environments[0].vars);
        assert_eq!(dev.strs(), [("TEAM".into(), "core".into())]);
        assert_eq!(p.environments[0].env.as_deref(), Some("dev"));
        assert_eq!(p.environments[1].env.as_deref(), Some("production"));
        let prd = p.vars.merged(&p.environments[1].vars);
        assert_eq!(
            prd.strs(),
            [
                ("ENV".into(), "production".into()),
                ("TEAM".into(), "prd-team".into())
            ]
        );
    }

    #[test]
    fn cost_settings_are_relative_to_the_project() {
        let p = Project::parse(
            Path::new("repo/gen-tf.toml"),
            "stacks = [\"stacks\"]\n[cost]\nprices = \"prices/ours.json\"\nregion = \"eu-west-1\"\navailability_zones = 3\n",
        )
        .unwrap();
        assert_eq!(p.cost.prices, Some(PathBuf::from("repo/prices/ours.json")));
        assert_eq!(p.cost.region.as_deref(), Some("eu-west-1"));
        assert_eq!(p.cost.availability_zones, Some(3));
        let zero = Project::parse(
            Path::new("gen-tf.toml"),
            "stacks = [\"s\"]\n[cost]\navailability_zones = 0\n",
        );
        assert!(zero.unwrap_err().to_string().contains("availability_zones"));
    }

    #[test]
    fn layout_matches_its_own_directories() {
        let l = Layout::parse("{env}/{stack}").unwrap();
        assert_eq!(l.dir("shop", Some("prd")), PathBuf::from("prd/shop"));
        assert!(l.owns(Path::new("prd/shop"), &["prd"]));
        assert!(!l.owns(Path::new("dev/shop"), &["prd"]));
        assert!(!l.owns(Path::new("prd"), &["prd"]));
        assert!(!l.owns(Path::new("prd/shop/files"), &["prd"]));
        assert!(!l.owns(Path::new("prd/.terraform"), &["prd"]));
        assert!(l.may_hold(Path::new("prd"), &["prd"]));
        assert!(!l.may_hold(Path::new("dev"), &["prd"]));
        assert!(!l.may_hold(Path::new("prd/shop/files"), &["prd"]));
        let hidden = Layout::parse(".gen/{stack}").unwrap();
        assert!(hidden.may_hold(Path::new(".gen"), &[]));
        assert!(hidden.owns(Path::new(".gen/shop"), &[]));
        assert!(!hidden.may_hold(Path::new(".terraform"), &[]));
        assert!(!hidden.owns(Path::new(".gen/.terraform"), &[]));
        assert!(Layout::parse("{stack}-{env}").is_err());
        assert!(Layout::parse("../{stack}").is_err());
        assert!(Layout::parse("{env}").is_err());
    }

    #[test]
    fn bad_files_name_the_problem() {
        let err = |t: &str| {
            Project::parse(Path::new("gen-tf.toml"), t)
                .unwrap_err()
                .to_string()
        };
        assert!(err("stacks = []").contains("`stacks` is empty"));
        assert!(err("stacks = ['s']\nlayout = '{env}/{stack}'").contains("no [environments]"));
        assert!(
            err("stacks = ['s']\nlayout = '{stack}'\n[environments.a]\n[environments.b]")
                .contains("has no {env}")
        );
        assert!(err("stacks = ['s']\nformat = 'yaml'").contains("unknown `format`"));
        assert!(err("stacks = ['s']\nstack = 1").contains("unknown field"));
        assert!(err("stacks = ['s']\n[environments.Prod]").contains("environment name"));
    }
}
