//! The command line's arguments: the only place that knows clap.
//!
//! The library's own types (`pipeline::Format`, `report::MessageFormat`) know nothing of clap;
//! the value enums here mirror them for parsing and `--help`, and convert into them.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::pipeline::Format;
use crate::report::MessageFormat;

#[derive(Debug, Parser)]
#[command(
    name = "gen-tf",
    version,
    // `-V` is `--ext-str` wherever it appears, as in the jsonnet CLI: `--version` has no short
    // form, so `gen-tf -V ENV=prd check` can never print a version and exit 0.
    disable_version_flag = true,
    about = "Compiles Jsonnet descriptions of ECS Fargate services into Terraform modules",
    long_about = "Compiles Jsonnet (or JSON, YAML, TOML) descriptions of ECS Fargate services into \
                  Terraform modules, after rejecting every AWS mistake that would otherwise only \
                  fail at `terraform apply`.\n\nWith a gen-tf.toml in the current directory or a \
                  parent, the commands need no arguments: it names the stacks, the output \
                  layout and the environments. Flags override it.\n\nExit codes: 0 ok, 1 \
                  diagnostics or drift, 2 usage or I/O failure."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How to print diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormatArg::Human)]
    pub message_format: MessageFormatArg,
    /// Treat warnings as errors.
    #[arg(long, global = true)]
    pub deny_warnings: bool,
    /// Color diagnostics: auto (when stderr is a terminal), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print the version.
    #[arg(long, action = clap::ArgAction::Version)]
    pub version: Option<bool>,
    /// Set an external string variable, as `jsonnet -V KEY=VALUE`, here or after the command.
    #[arg(short = 'V', long = "ext-str", value_name = "KEY=VALUE", value_parser = parse_kv)]
    pub ext_str: Vec<(String, String)>,
}

/// The process's command line, parsed (clap exits with its usage message on an error).
pub(crate) fn parse() -> Cli {
    Cli::parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Compile stacks into Terraform modules, one directory per stack (and environment), and
    /// remove generated files that no stack produces any more.
    Build(BuildArgs),
    /// Build in memory and compare with the files on disk; exit 1 with a diff when anything is
    /// stale, missing or extra. Never writes.
    Check(CheckArgs),
    /// Run the diagnostics only.
    Validate(InputArgs),
    /// List every stack and environment with its module directory (`--json` for a CI matrix).
    List(ListArgs),
    /// Scaffold a project: gen-tf.toml, an example stack and a .pre-commit-config.yaml. Never
    /// overwrites a file.
    Init(InitArgs),
    /// Print the JSON Schema of the stack format.
    Schema,
    /// Explain a diagnostic code: the rule, the AWS fact behind it and its source.
    Explain {
        /// A rule code such as `fargate-size`.
        code: String,
    },
    /// Estimate what the stacks cost a month (FARGATE and FARGATE_SPOT, VPC endpoints) at
    /// their minimum, desired and maximum task counts, offline, from a versioned price file.
    Cost(CostArgs),
    /// Recommend the smallest Fargate size for each service from the Container Insights
    /// metrics that `aws cloudwatch get-metric-statistics` prints.
    Rightsize(RightsizeArgs),
    /// Write a price file for `gen-tf cost --prices`, for every region in the output of `aws
    /// pricing get-products` (service codes AmazonECS, AmazonVPC, AmazonEC2) or the AWS Price
    /// List offer files of those services.
    Prices(PricesArgs),
    /// Review a change before any plan: what changed in each stack, environment and service,
    /// what Terraform will create, update, replace or destroy (and the risk of each
    /// replacement), the IAM permissions granted or revoked, and the monthly cost delta.
    Diff(DiffArgs),
    /// Print a shell completion script, for example `gen-tf completions bash >
    /// /etc/bash_completion.d/gen-tf`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Adopt running ECS services: read the AWS CLI's describe output (never AWS itself) and
    /// write one stack per cluster, the import blocks for the root module (imports.tf) and a
    /// report of what the first plan would change. Never writes over a file.
    Import(ImportArgs),
}

impl Command {
    /// The subcommand's name, as typed.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::Build(_) => "build",
            Self::Check(_) => "check",
            Self::Validate(_) => "validate",
            Self::List(_) => "list",
            Self::Init(_) => "init",
            Self::Schema => "schema",
            Self::Explain { .. } => "explain",
            Self::Cost(_) => "cost",
            Self::Rightsize(_) => "rightsize",
            Self::Prices(_) => "prices",
            Self::Diff(_) => "diff",
            Self::Import(_) => "import",
            Self::Completions { .. } => "completions",
        }
    }

    /// The stacks and variables the command reads, if it reads any.
    pub(crate) fn stack_args_mut(&mut self) -> Option<&mut StackArgs> {
        match self {
            Self::Build(a) => Some(&mut a.input.stacks),
            Self::Check(a) => Some(&mut a.input.stacks),
            Self::Validate(a) => Some(&mut a.stacks),
            Self::List(a) => Some(&mut a.input.stacks),
            Self::Cost(a) => Some(&mut a.stacks),
            Self::Rightsize(a) => Some(&mut a.stacks),
            Self::Diff(a) => Some(&mut a.stacks),
            Self::Init(_)
            | Self::Prices(_)
            | Self::Schema
            | Self::Explain { .. }
            | Self::Completions { .. }
            | Self::Import(_) => None,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    #[command(flatten)]
    pub stacks: StackArgs,
    /// Output syntax [default: the project's `format`, else hcl].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
}

/// Which stacks, with which variables: what every command that reads stacks takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct StackArgs {
    /// Stack files, or directories to search for them. Default: the project's `stacks`.
    pub paths: Vec<PathBuf>,
    /// Set an external string variable, as `jsonnet -V KEY=VALUE`.
    #[arg(short = 'V', long = "ext-str", value_name = "KEY=VALUE", value_parser = parse_kv)]
    pub ext_str: Vec<(String, String)>,
    /// Set an external variable to a Jsonnet expression, as `jsonnet --ext-code KEY=CODE`.
    #[arg(long = "ext-code", value_name = "KEY=CODE", value_parser = parse_kv)]
    pub ext_code: Vec<(String, String)>,
    /// Add a library directory for Jsonnet imports.
    #[arg(short = 'J', long = "jpath", value_name = "DIR")]
    pub jpath: Vec<PathBuf>,
    /// Let imports read any file. By default an import must be under the stack's directory, the
    /// working directory, the project's directory or a `-J` directory (docs/security.md).
    #[arg(long)]
    pub allow_import_outside: bool,
    /// Only this environment of the project; repeat for more [default: all].
    #[arg(short = 'e', long = "env", value_name = "NAME")]
    pub env: Vec<String>,
    /// The project file [default: gen-tf.toml in the current directory or a parent].
    #[arg(long, value_name = "FILE")]
    pub project: Option<PathBuf>,
    /// Ignore any gen-tf.toml.
    #[arg(long, conflicts_with = "project")]
    pub no_project: bool,
    /// Neither read nor write the render cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Cache directory [default: $GEN_TF_CACHE_DIR, the project's `cache_dir`, .gen-tf/cache
    /// next to gen-tf.toml, else $XDG_CACHE_HOME/gen-tf].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Stacks compiled in parallel [default: the number of CPUs].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
    /// Memory one Jsonnet stack may use while it is evaluated, such as 2GiB or 512MiB, or `off`
    /// [default: $GEN_TF_MEMORY_LIMIT, else 2GiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_memory_limit)]
    pub memory_limit: Option<MemoryLimit>,
}

/// `--memory-limit`: bytes, or `None` for `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemoryLimit(pub Option<u64>);

fn parse_memory_limit(s: &str) -> Result<MemoryLimit, String> {
    crate::load::sandbox::parse_memory_limit(s).map(MemoryLimit)
}

#[derive(Debug, Args)]
pub(crate) struct OutArgs {
    /// Output root; one module directory per stack (per environment). `-` prints to stdout
    /// [default: the project's `out`, else modules].
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<String>,
    /// Keep generated files that no stack produces any more (build), or do not report them
    /// (check). Implied when stack files are named one by one.
    #[arg(long)]
    pub no_prune: bool,
    /// When another gen-tf run is writing the output root, wait for it instead of failing.
    #[arg(long)]
    pub wait_lock: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutArgs,
    /// Exit 1 when the build wrote or removed any file, as the terraform fmt pre-commit hook
    /// does.
    #[arg(long)]
    pub fail_on_change: bool,
    /// After writing, run `terraform init -backend=false` and `terraform validate` in each
    /// module (in a temporary copy); each failure is a diagnostic. Needs terraform on PATH.
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output root, for the `out` column [default: the project's `out`, else modules].
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<String>,
    /// Print a JSON array of {stack, env, path, out}, for a CI matrix.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Directory to scaffold; created when missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Use the hooks of this gen-tf repository in .pre-commit-config.yaml (pre-commit then
    /// builds gen-tf itself) instead of local hooks that run the gen-tf on PATH.
    #[arg(long, value_name = "URL")]
    pub hooks_repo: Option<String>,
    /// The revision of `--hooks-repo` to pin: a tag or commit that exists there. The default is
    /// the tag of this gen-tf's version, which the repository must have.
    #[arg(long, value_name = "REV", default_value = concat!("v", env!("CARGO_PKG_VERSION")), requires = "hooks_repo")]
    pub hooks_rev: String,
}

/// What `cost` and `rightsize` share.
#[derive(Debug, Args)]
pub(crate) struct PricingArgs {
    /// Print a table (human) or JSON.
    #[arg(long, value_enum, default_value_t = ReportFormatArg::Human)]
    pub format: ReportFormatArg,
    /// A price file of the built-in one's shape [default: the project's `[cost] prices`, else
    /// the built-in prices/aws.json].
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// The region of stacks that name none [default: the project's `[cost] region`, else
    /// us-east-1].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Availability Zones of the VPC, for interface endpoints and NAT gateways [default: the
    /// project's `[cost] availability_zones`, else 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub availability_zones: Option<u32>,
}

#[derive(Debug, Args)]
pub(crate) struct PricesArgs {
    /// Files that `aws pricing get-products --service-code AmazonECS|AmazonVPC|AmazonEC2` printed
    /// (one per page), or Price List offer files; each is recognised by its content.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Write the price file here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CostArgs {
    #[command(flatten)]
    pub stacks: StackArgs,
    #[command(flatten)]
    pub pricing: PricingArgs,
    /// Another tree of stacks (say, a checkout of the main branch) to compare with: prints the
    /// change per service and stack, for a pull-request comment.
    #[arg(long, value_name = "PATHS_B", num_args = 1..)]
    pub compare: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    pub stacks: StackArgs,
    /// The git revision to compare with (`main`, `HEAD~1`, `origin/main`): its stacks are read
    /// with `git archive` into a temporary directory; the working tree is not touched.
    #[arg(long, value_name = "REV", required_unless_present = "base_dir")]
    pub base: Option<String>,
    /// Another checkout to compare with: PATHS and the project file are read under DIR as
    /// they are named here.
    #[arg(long, value_name = "DIR", conflicts_with = "base")]
    pub base_dir: Option<PathBuf>,
    /// Output: `human`, `json` (docs/diff.md), `markdown` (a pull-request comment) or `github`
    /// (annotations on the changed services' lines).
    #[arg(long, value_enum, default_value_t = DiffFormatArg::Human)]
    pub format: DiffFormatArg,
    /// Risky changes (a log group or ECS service replaced or destroyed, ...) are errors: exit 1.
    #[arg(long)]
    pub deny_risk: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormatArg {
    /// For people.
    Human,
    /// One JSON document (docs/diff.md).
    Json,
    /// A pull-request comment, at most one screen, with the details folded.
    Markdown,
    /// GitHub Actions annotations.
    Github,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// Directories (or files) of the AWS CLI's JSON output; each file is recognised by its
    /// content.
    #[arg(value_name = "DIR")]
    pub paths: Vec<PathBuf>,
    /// The directory the stacks (<stack>.jsonnet) and imports.tf go to.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// The environment the stacks will be built with: names that gen-tf derives the same way
    /// with it are not written as overrides. The same as `-V ENV=...`.
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// `-V ENV=NAME`: the environment, as build and check take it (the same as --env). import
    /// reads no other variable.
    #[arg(short = 'V', long = "ext-str", value_name = "ENV=NAME", value_parser = parse_kv)]
    pub ext_str: Vec<(String, String)>,
    /// Write the VPC's endpoints as the stack's own `vpc_endpoints` and import them, with their
    /// security group and its rules, instead of counting them as existing. For the one stack
    /// that owns the VPC's endpoints: the others in the VPC keep them as existing.
    #[arg(long, conflicts_with_all = ["commands", "check"])]
    pub manage_endpoints: bool,
    /// Print the AWS CLI commands that write the describe output, in order, and exit.
    #[arg(long, conflicts_with_all = ["paths", "out_dir"])]
    pub commands: bool,
    /// Compare this stack with the describe output in DIR... and report, argument by argument,
    /// what drifted in AWS since the stack was written; exit 1 on drift. Writes nothing.
    #[arg(long, value_name = "STACK", conflicts_with_all = ["out_dir", "commands"])]
    pub check: Option<PathBuf>,
    /// With --commands: the ECS cluster.
    #[arg(long, value_name = "CLUSTER", requires = "commands")]
    pub cluster: Option<String>,
    /// With --commands: the ECS services of the cluster.
    #[arg(long, value_name = "SERVICE", num_args = 1.., requires = "commands")]
    pub service: Vec<String>,
    /// With --commands: the directory the commands save the output to. Default `describe`.
    #[arg(long, value_name = "DIR", requires = "commands")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct RightsizeArgs {
    #[command(flatten)]
    pub stacks: StackArgs,
    #[command(flatten)]
    pub pricing: PricingArgs,
    /// Output files of `aws cloudwatch get-metric-statistics` for ECS/ContainerInsights
    /// CpuUtilized and MemoryUtilized (one run with `--statistics Average Maximum`, one with
    /// `--extended-statistics p95`). Each file's name up to its first `.` is the ECS service
    /// name (the ServiceName dimension), unless --service names the service.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub metrics: Vec<PathBuf>,
    /// The service every metrics file is for: `SERVICE` or `STACK/SERVICE`.
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
    /// Percent above the observed p95 that the new size must hold.
    #[arg(long, value_name = "PERCENT", default_value_t = crate::cost::rightsize::DEFAULT_HEADROOM_PERCENT, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub headroom: u32,
}

/// How `cost` and `rightsize` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormatArg {
    /// Tables for people.
    Human,
    /// One JSON document.
    Json,
}

/// [`pipeline::Format`](Format) for clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// HCL (`*.tf`) that `terraform fmt` leaves untouched.
    Hcl,
    /// Terraform JSON syntax (`*.tf.json`).
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Hcl => Self::Hcl,
            FormatArg::Json => Self::Json,
        }
    }
}

/// [`report::MessageFormat`](MessageFormat) for clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormatArg {
    /// Readable text; colored when stderr is a terminal.
    Human,
    /// One JSON object per line, for CI annotations.
    Json,
    /// GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=CODE::message`),
    /// which become annotations on the pull request.
    Github,
}

impl From<MessageFormatArg> for MessageFormat {
    fn from(f: MessageFormatArg) -> Self {
        match f {
            MessageFormatArg::Human => Self::Human,
            MessageFormatArg::Json => Self::Json,
            MessageFormatArg::Github => Self::Github,
        }
    }
}

/// A `-V`/`--ext-code` argument without a key.
#[derive(Debug, thiserror::Error)]
#[error("expected KEY=VALUE, got {0:?}")]
pub(super) struct KeyValueError(String);

fn parse_kv(s: &str) -> Result<(String, String), KeyValueError> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(KeyValueError(s.to_owned())),
    }
}

/// The completion script for `shell`.
pub(super) fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "gen-tf", &mut buf);
    if shell == clap_complete::Shell::Bash {
        // clap_complete 4.6 spells the hyphen of `gen-tf` two ways: `cmd="gen__tf__subcmd__build"`
        // where it walks the words, `gen__subcmd__tf__subcmd__build)` in the case labels, so
        // nothing after the first word completed. One spelling, the one the walk sets.
        let text = String::from_utf8_lossy(&buf).replace("gen__subcmd__tf", "gen__tf");
        buf = text.into_bytes();
    }
    buf
}
