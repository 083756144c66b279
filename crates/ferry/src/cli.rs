//! Command-line syntax only: what flags exist and what they parse to. No behaviour here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use ferry_localkube::ClusterSpec;

#[derive(Debug, Parser)]
#[command(name = "ferry", version, about = "Ferry: a secure GitOps delivery engine in one binary")]
pub struct Cli {
    /// Where Ferry keeps its runtime state (local clusters, kubeconfig, database).
    #[arg(long, global = true, env = "FERRY_STATE_DIR", default_value = ".ferry")]
    pub state_dir: PathBuf,

    /// The control folder holding Application manifests.
    #[arg(long, global = true, env = "FERRY_CONFIG", default_value = "ferry")]
    pub config: PathBuf,

    /// The kubeconfig whose contexts are the clusters (default: $KUBECONFIG, ~/.kube/config).
    #[arg(long, global = true)]
    pub kubeconfig: Option<PathBuf>,

    /// More log output (-v debug, -vv trace); FERRY_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start Ferry on embedded defaults: local clusters dev, staging and prod.
    #[command(
        after_help = "Examples:\n  ferry up\n  ferry up --state-dir /tmp/ferry\n\nThen, in another terminal:\n  export KUBECONFIG=$PWD/.ferry/kubeconfig\n  kubectl get namespaces\n  kubectl --context prod get nodes"
    )]
    Up(UpArgs),
    /// The local Kubernetes-compatible cluster (a simulation for trying Ferry and for tests).
    #[command(subcommand)]
    Localkube(LocalkubeCommand),
    /// Applications: status, diff, sync, history, rollback (as `argocd app ...`).
    #[command(subcommand)]
    App(AppCommand),
    /// Keep every Application in sync until interrupted (automated sync, self-heal).
    Controller(ControllerArgs),
    /// Health checks: evaluate one object as the sync engine would.
    #[command(subcommand)]
    Health(HealthCommand),
    /// Build a kustomization and print it exactly as `kubectl kustomize DIR` does.
    #[command(
        after_help = "Examples:\n  ferry render overlays/prod\n  ferry render overlays/prod --reorder none -o prod.yaml\n  ferry render charts-app --enable-helm --helm-command /usr/local/bin/helm"
    )]
    Render(RenderArgs),
    /// The validating admission webhook enforcing Gatekeeper Constraints at the cluster.
    #[command(subcommand)]
    Admission(AdmissionCommand),
    /// Scan for secrets with gitleaks rules and configuration (`ferry scan secrets`).
    #[command(subcommand)]
    Scan(ScanCommand),
    /// Gatekeeper policies: run gator test suites, evaluate objects against constraints.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Kubernetes schemas: validate objects against a Kubernetes version and CRDs (as kubeconform).
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// The pull-request gate: render every Application, run every gate, diff base and head.
    #[command(
        after_help = "Examples:\n  ferry check                                    # the working tree: render and run the gates\n  ferry check --base origin/main --markdown check.md --sarif check.sarif --junit check.xml\n  ferry --config apps check --base main --policies policy/ --strict\n  ferry check --base main --vuln-policy vuln-policy.yaml --vuln-report trivy-web.json\n\nThe control folder is the global --config (default: ferry/), inside the repository. Sources whose\nrepoURL is this repository (a path to it, one of its remotes, or --repo-url) are read from the\ncheckout at the base and at the head (the working tree, uncommitted files included); others\nfrom their remotes. Gates: secrets (always; --no-secrets), policy (--policies, else policies/\nwhen present), schema (always; --no-schema), vulnerabilities (--vuln-policy with reports).\nExit codes: 0 no blocking finding, 1 a blocking finding (or an Application that does not\nrender), 2 the check could not run."
    )]
    Check(CheckArgs),
    /// Pipelines: validate Warehouses and Pipelines, draw the promotion graph.
    #[command(subcommand)]
    Pipeline(PipelineCommand),
    /// Warehouses: their subscriptions' polls; refresh one now.
    #[command(subcommand)]
    Warehouse(WarehouseCommand),
    /// Freight: the bundles of versions Warehouses found, and where each has been.
    #[command(subcommand)]
    Freight(FreightCommand),
    /// Stages: the Freight each runs, what it waits for, its promotions.
    #[command(subcommand)]
    Stage(StageCommand),
    /// Promote a Freight into a Stage: gates, Git steps, sync, verification (rollback on failure).
    #[command(
        after_help = "Examples:\n  ferry promote brave-otter-417 --to staging\n  ferry promote brave-otter-417 --to production --as alice\n  ferry promote brave-otter-417 --to production --override-window \"hotfix for INC-42\" --as alice\n\nExit codes: 0 promoted and verified, 1 refused (gates), failed or rolled back, 2 bad input."
    )]
    Promote(PromoteArgs),
    /// Approve a Freight for a Stage with an approval gate (one decision per person, audited).
    Approve(DecisionArgs),
    /// Reject a Freight for a Stage: it will not be promoted there (audited).
    Reject(DecisionArgs),
    /// Roll a Stage back to its last verified Freight (or --to one), by a Git commit.
    Rollback(RollbackArgs),
    /// The audit log of every promotion decision: list it, verify its hash chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The notifications of rollbacks, failures and waiting approvals: sent, retrying, given up.
    #[command(subcommand)]
    Notification(NotificationCommand),
}

#[derive(Debug, Subcommand)]
pub enum WarehouseCommand {
    /// Every Warehouse: subscriptions, last poll, newest Freight, errors.
    List {
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
    /// Poll a Warehouse now and make Freight of what it finds (also for `freightCreationPolicy: Manual`).
    Refresh { warehouse: String },
}

#[derive(Debug, Subcommand)]
pub enum FreightCommand {
    /// Freight, newest first, with the Stages each is in.
    List {
        /// Only Freight of this Warehouse.
        #[arg(long)]
        warehouse: Option<String>,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
    /// One Freight: its versions, and its history per Stage (promoted, verified, approved).
    Get {
        /// Alias or id (at least 6 hex digits).
        freight: String,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum StageCommand {
    /// Every Stage: the Freight it runs, and what it does next (or waits for).
    List {
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
    /// One Stage: current Freight, next step, approvals, promotions.
    Get {
        stage: String,
        #[arg(long)]
        pipeline: Option<String>,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
}

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// Alias or id (at least 6 hex digits) of the Freight.
    pub freight: String,
    /// The Stage.
    #[arg(long = "to")]
    pub stage: String,
    /// The Pipeline, when several have a Stage of that name.
    #[arg(long)]
    pub pipeline: Option<String>,
    /// Who asks (recorded in the audit log).
    #[arg(long = "as", env = "FERRY_USER", default_value = "cli")]
    pub user: String,
    /// Promote although a window forbids it now; the reason is audited.
    #[arg(long, value_name = "REASON")]
    pub override_window: Option<String>,
    #[arg(short, long, value_enum, default_value_t)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct DecisionArgs {
    /// Alias or id (at least 6 hex digits) of the Freight.
    pub freight: String,
    /// The Stage whose approval gate this is for.
    #[arg(long)]
    pub stage: String,
    #[arg(long)]
    pub pipeline: Option<String>,
    /// Who decides. Until the API server brings real identities this is taken as given, and
    /// audited.
    #[arg(long = "as", env = "FERRY_USER")]
    pub user: String,
    /// A group the user belongs to (repeatable), for gates that name groups.
    #[arg(long = "group")]
    pub groups: Vec<String>,
    #[arg(long, default_value = "")]
    pub comment: String,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The Stage.
    pub stage: String,
    /// The Freight to return to (default: the last one verified there before the current one).
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long)]
    pub pipeline: Option<String>,
    #[arg(long = "as", env = "FERRY_USER", default_value = "cli")]
    pub user: String,
    #[arg(short, long, value_enum, default_value_t)]
    pub output: Output,
}

#[derive(Debug, Subcommand)]
pub enum NotificationCommand {
    /// Newest first, with each message's delivery status.
    List {
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Newest entries first.
    List {
        /// Only entries about this subject prefix, e.g. `demo/production`.
        #[arg(long)]
        subject: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
    /// Check every entry's hash against its content and its predecessor.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum PipelineCommand {
    /// Check the Warehouses and Pipelines of the control folder (and the Applications they name).
    #[command(
        after_help = "Examples:\n  ferry pipeline validate\n  ferry --config deploy/ferry pipeline validate\n\nEvery mistake is printed as FILE:LINE: field: what was expected.\nExit codes: 0 valid (a one-line summary is printed), 2 a mistake was found or the folder could not be read."
    )]
    Validate,
    /// Draw a Pipeline: warehouses → stages with their gates, verification, soak, approvals,
    /// windows and DR.
    #[command(
        after_help = "Examples:\n  ferry pipeline graph                      # an indented tree\n  ferry pipeline graph web -o mermaid > pipeline.mmd\n  ferry pipeline graph web -o dot | dot -Tsvg > pipeline.svg\n\nNAME may be left out when the control folder holds one Pipeline.\nExit codes: 0 drawn, 2 the configuration has mistakes or NAME is unknown."
    )]
    Graph(PipelineGraphArgs),
}

#[derive(Debug, Args)]
pub struct PipelineGraphArgs {
    /// The Pipeline to draw.
    pub name: Option<String>,
    /// The drawing format.
    #[arg(short, long, value_enum, default_value_t)]
    pub output: GraphOutput,
}

/// `ferry pipeline graph -o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum GraphOutput {
    /// An indented tree.
    #[default]
    Text,
    /// A Mermaid `flowchart LR` (renders in GitHub and GitLab Markdown).
    Mermaid,
    /// A Graphviz `digraph`.
    Dot,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The base of the change (a branch, tag or commit, e.g. origin/main); without it the head is
    /// checked alone and nothing is compared.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// A directory of the repository to check.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// Another URL that names this repository in Applications' repoURL (its remotes always do).
    #[arg(long = "repo-url", value_name = "URL")]
    pub repo_urls: Vec<String>,
    /// Gatekeeper ConstraintTemplates and Constraints (default: policies/ in the repository, when present).
    #[arg(long, value_name = "DIR")]
    pub policies: Option<PathBuf>,
    /// A gitleaks configuration (default: .gitleaks.toml in the repository, else Ferry's rules).
    #[arg(long, value_name = "FILE")]
    pub secrets_config: Option<PathBuf>,
    /// Do not scan for secrets.
    #[arg(long)]
    pub no_secrets: bool,
    /// The Kubernetes version whose schemas objects are validated against.
    #[arg(long, value_name = "VERSION", default_value = "1.32")]
    pub kubernetes_version: String,
    /// Unknown fields are schema errors.
    #[arg(long)]
    pub strict: bool,
    /// Objects of kinds without a schema (custom resources without their CRD) pass.
    #[arg(long)]
    pub ignore_missing_schemas: bool,
    /// Do not validate schemas.
    #[arg(long)]
    pub no_schema: bool,
    /// A VulnerabilityPolicy: thresholds per environment (an Application's environment is its
    /// ferry.dev/environment label, else its destination name).
    #[arg(long, value_name = "FILE", requires = "vuln_reports")]
    pub vuln_policy: Option<PathBuf>,
    /// A Trivy, Grype or CycloneDX report; it applies to the Applications deploying its image.
    #[arg(long = "vuln-report", value_name = "FILE", requires = "vuln_policy")]
    pub vuln_reports: Vec<PathBuf>,
    /// The day vulnerability suppressions are judged on (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Write the Markdown summary (for a pull-request comment) to FILE.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write a SARIF 2.1.0 report (for code scanning) to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print each changed object's diff.
    #[arg(long)]
    pub diff: bool,
    /// What to print on stdout.
    #[arg(short, long, value_enum, default_value_t)]
    pub output: CheckOutput,
}

/// `ferry check -o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum CheckOutput {
    #[default]
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The directory holding kustomization.yaml (or kustomization.yml, Kustomization).
    pub dir: PathBuf,
    /// Output order when the kustomization has no sortOptions.
    #[arg(long, value_enum, default_value_t)]
    pub reorder: ReorderArg,
    /// Whether files may be read from outside each kustomization's directory.
    #[arg(long, value_enum, default_value_t)]
    pub load_restrictor: LoadRestrictorArg,
    /// Inflate helmCharts with the Helm program.
    #[arg(long)]
    pub enable_helm: bool,
    /// The Helm program (default: helm).
    #[arg(long)]
    pub helm_command: Option<String>,
    /// Write the output to FILE instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// `--reorder` values, as kustomize spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ReorderArg {
    #[default]
    Legacy,
    None,
}

/// `--load-restrictor` values, as kustomize spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
#[clap(rename_all = "verbatim")]
pub enum LoadRestrictorArg {
    #[default]
    LoadRestrictionsRootOnly,
    LoadRestrictionsNone,
}

#[derive(Debug, Subcommand)]
pub enum HealthCommand {
    /// Print the health of the object in FILE (built-in rules, or a custom Lua check).
    #[command(
        after_help = "Examples:\n  ferry health eval rollout.yaml --customizations resource_customizations -o json\n\nCustom checks follow Argo CD: DIR/<group>/<Kind>/health.lua (core kinds: DIR/<Kind>/health.lua),\nor an argocd-cm ConfigMap file with resource.customizations."
    )]
    Eval {
        file: PathBuf,
        /// A resource_customizations folder, or an argocd-cm YAML file.
        #[arg(long)]
        customizations: Option<PathBuf>,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
}

/// Output format for commands that print objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Output {
    #[default]
    Table,
    Wide,
    Json,
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// List Applications with their sync and health status.
    List {
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
    /// Show an Application and its resources.
    #[command(after_help = "Examples:\n  ferry app get guestbook\n  ferry app get guestbook -o json")]
    Get {
        app: String,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
        /// Accepted for `argocd` habits; Git is always fetched first.
        #[arg(long, hide = true)]
        refresh: bool,
    },
    /// Show what a sync would change; exits 1 when there are differences.
    Diff {
        app: String,
        /// Accepted for `argocd` habits; Git is always fetched first.
        #[arg(long, hide = true)]
        refresh: bool,
    },
    /// Sync an Application to its target revision (or --revision).
    #[command(
        after_help = "Examples:\n  ferry app sync guestbook\n  ferry app sync guestbook --prune\n  ferry app sync guestbook --dry-run --revision v1.2.0"
    )]
    Sync {
        app: String,
        /// Delete resources that are no longer in Git.
        #[arg(long)]
        prune: bool,
        /// Ask the cluster to validate every change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Sync this branch, tag or commit instead of the target revision.
        #[arg(long)]
        revision: Option<String>,
        /// Seconds each wave may take to become healthy.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
    /// Wait until an Application is synced and/or healthy.
    Wait {
        app: String,
        /// Wait for sync status Synced.
        #[arg(long)]
        sync: bool,
        /// Wait for health Healthy.
        #[arg(long)]
        health: bool,
        /// Seconds before giving up (exit 1).
        #[arg(long, default_value_t = 300)]
        timeout: u64,
    },
    /// The recorded syncs of an Application, newest first.
    History {
        app: String,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
    /// Sync the revision of a past sync again (see `ferry app history`).
    Rollback {
        app: String,
        id: i64,
        /// Roll back even though automated sync is on (it may undo the rollback).
        #[arg(long)]
        force: bool,
    },
    /// Print the rendered manifests of an Application.
    Manifests {
        app: String,
        #[arg(long)]
        revision: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ControllerArgs {
    /// Seconds between Git polls.
    #[arg(long, default_value_t = 180)]
    pub poll: u64,
    /// Receive GitHub, GitLab and registry webhooks on this address (e.g. 0.0.0.0:8090), at
    /// /api/webhook: a push refreshes the Applications and Warehouses that follow it at once.
    #[arg(long, value_name = "ADDR")]
    pub webhook_listen: Option<std::net::SocketAddr>,
    /// The file holding the webhooks' shared secret (else $FERRY_WEBHOOK_SECRET); required
    /// with --webhook-listen.
    #[arg(long, value_name = "FILE")]
    pub webhook_secret_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Where this instance keeps everything (default: the state directory, `.ferry/`).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Milliseconds before simulated workloads report ready.
    #[arg(long, default_value_t = 1000)]
    pub ready_delay_ms: u64,
    /// Seconds between Git polls.
    #[arg(long, default_value_t = 10)]
    pub poll: u64,
}

#[derive(Debug, Subcommand)]
pub enum LocalkubeCommand {
    /// Serve local clusters on 127.0.0.1 until interrupted.
    #[command(
        after_help = "Examples:\n  ferry localkube serve --kubeconfig /tmp/kc\n  ferry localkube serve --kubeconfig /tmp/kc --cluster dev --cluster staging --cluster prod=6443 --state /tmp/clusters.json\n\nFailure injection:\n  an image tagged `broken` (nginx:broken) never becomes ready; the rollout ends with ProgressDeadlineExceeded\n  a Job whose pod template is annotated localkube.ferry.dev/fail: \"true\" fails"
    )]
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to write the kubeconfig (one context per cluster; the first is current).
    #[arg(long)]
    pub kubeconfig: PathBuf,

    /// A cluster to serve, as NAME or NAME=PORT; repeat for several (default: one named `local`).
    #[arg(long = "cluster", value_name = "NAME[=PORT]")]
    pub clusters: Vec<ClusterSpec>,

    /// Keep objects in this file so they survive a restart.
    #[arg(long)]
    pub state: Option<PathBuf>,

    /// Milliseconds before simulated workloads report ready.
    #[arg(long, default_value_t = 1000)]
    pub ready_delay_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum ScanCommand {
    /// Scan a Git history, staged changes, a directory or stdin for secrets (as gitleaks does).
    #[command(
        after_help = "Examples:\n  ferry scan secrets                      # every commit of the repository in .\n  ferry scan secrets --log-opts=\"main..HEAD\" --report-format sarif --report-path leaks.sarif\n  ferry scan secrets --staged              # a pre-commit hook\n  ferry scan secrets --no-git deploy/ --redact\n  cat file.env | ferry scan secrets -\n\nConfiguration: --config, else $GITLEAKS_CONFIG (a path), else $GITLEAKS_CONFIG_TOML (the text),\nelse PATH/.gitleaks.toml, else Ferry's default rules.\nExit codes: 0 no leaks, 1 (or --exit-code) leaks found, 2 the scan could not run."
    )]
    Secrets(SecretsArgs),
    /// Judge Trivy, Grype or CycloneDX (VEX) reports against a vulnerability policy.
    #[command(
        after_help = "Examples:\n  ferry scan vulns trivy.json grype.json                       # list the findings, merged\n  ferry scan vulns trivy.json --policy vulnerability-policy.yaml --env production\n  ferry scan vulns bom.cdx.json --policy policy.yaml --env staging -o json\n\nThe policy is a ferry.dev/v1alpha1 VulnerabilityPolicy: limits per environment (maxCritical,\nmaxHigh, maxMedium, maxLow, fixableOnly, failOnUnknown) and suppressions that expire.\nExit codes: 0 within the limits (or no policy given), 1 (or --exit-code) a limit is exceeded,\n2 a report or the policy could not be read."
    )]
    Vulns(VulnsArgs),
}

#[derive(Debug, Args)]
pub struct VulnsArgs {
    /// Scanner reports: Trivy JSON (SchemaVersion 2), Grype JSON, CycloneDX JSON with VEX.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// A VulnerabilityPolicy file; without it the findings are listed and the exit code is 0.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The environment whose limits apply.
    #[arg(long = "env", value_name = "ENV", default_value = "default", requires = "policy")]
    pub environment: String,
    /// The day suppressions are judged on (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Output: a summary for people, or the verdict (or findings) as JSON.
    #[arg(short, long, value_enum, default_value_t)]
    pub output: VulnOutput,
    /// The exit code when a limit is exceeded.
    #[arg(long, default_value_t = 1)]
    pub exit_code: u8,
}

/// `ferry scan vulns -o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum VulnOutput {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SecretsArgs {
    /// The Git repository, or with --no-git the directory, to scan; `-` reads stdin.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// A gitleaks TOML configuration file. (It shadows the global --config; only a value given
    /// on the command line counts, see `commands::scan`.)
    #[arg(short = 'c', long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Scan the files under PATH as they are, not the Git history.
    #[arg(long, conflicts_with_all = ["log_opts", "staged"])]
    pub no_git: bool,
    /// Arguments for `git log` selecting the commits to scan (e.g. "main..HEAD", "-n 5").
    #[arg(long, allow_hyphen_values = true, value_name = "ARGS")]
    pub log_opts: Option<String>,
    /// Scan the changes staged for commit (`git diff --cached`).
    #[arg(long, conflicts_with = "log_opts")]
    pub staged: bool,
    /// Report format: json, sarif or junit (default: from the report file's extension, else json).
    #[arg(short = 'f', long, value_enum, requires = "report_path")]
    pub report_format: Option<ReportFormatArg>,
    /// Write a report of the findings to FILE; `-` writes it to stdout.
    #[arg(short = 'r', long, value_name = "FILE|-")]
    pub report_path: Option<PathBuf>,
    /// Hide secrets in reports and output: --redact hides all of each, --redact=N hides N percent.
    #[arg(long, value_name = "PERCENT", num_args = 0..=1, require_equals = true, default_missing_value = "100",
          value_parser = clap::value_parser!(u8).range(0..=100))]
    pub redact: Option<u8>,
    /// The exit code when leaks are found.
    #[arg(long, default_value_t = 1)]
    pub exit_code: u8,
    /// A gitleaks JSON report whose findings are not reported again.
    #[arg(short = 'b', long)]
    pub baseline_path: Option<PathBuf>,
    /// A .gitleaksignore file, or a directory holding one (PATH's own is always read).
    #[arg(short = 'i', long, default_value = ".")]
    pub gitleaks_ignore_path: PathBuf,
    /// Skip files larger than N MiB (0: no limit; default: 100).
    #[arg(long, value_name = "N")]
    pub max_target_megabytes: Option<u64>,
    /// Report findings on lines marked `gitleaks:allow` too.
    #[arg(long)]
    pub ignore_gitleaks_allow: bool,
    /// In directory scans, scan the files symbolic links point to.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Decode base64, hex, percent and unicode-escaped text up to N nested layers and scan it
    /// too (0: no decoding).
    #[arg(long, value_name = "N", default_value_t = ferry_gates::secrets::DEFAULT_MAX_DECODE_DEPTH)]
    pub max_decode_depth: usize,
    /// In directory scans, read into zip, tar, tar.gz and gz archives up to N nested levels
    /// (0: archives are not opened).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_archive_depth: usize,
}

/// `--report-format` values, as gitleaks spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormatArg {
    Json,
    Sarif,
    Junit,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run gator test suites (kind: Suite) under PATH, as `gator verify` does.
    #[command(
        after_help = "Examples:\n  ferry policy verify policies/\n  ferry policy verify policies/requiredlabels/suite.yaml -v\n\nExit codes: 0 every assertion holds, 1 an assertion failed, 2 no suite could be loaded."
    )]
    Verify {
        /// A suite file, or a directory searched recursively for suites (a trailing `/...` is accepted).
        path: PathBuf,
    },
    /// Evaluate objects against the ConstraintTemplates and Constraints in a directory.
    #[command(
        after_help = "Examples:\n  ferry policy eval --policies policies/ deploy.yaml service.yaml\n  ferry render overlays/prod > prod.yaml && ferry policy eval --policies policies/ prod.yaml -o json\n\nFiles may hold several YAML documents, List objects and AdmissionReviews. Every given object is\nin the inventory (data.inventory). Exit codes: 0 no deny violation, 1 a deny violation, 2 could not run."
    )]
    Eval {
        /// The directory holding ConstraintTemplates and Constraints (YAML or JSON, recursively).
        #[arg(long, value_name = "DIR")]
        policies: PathBuf,
        /// YAML or JSON files holding the objects to evaluate.
        #[arg(required = true, value_name = "OBJECT_FILE")]
        files: Vec<PathBuf>,
        #[arg(short, long, value_enum, default_value_t)]
        output: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Validate objects against the schemas of a Kubernetes version (1.25–1.37, built in) and the
    /// CustomResourceDefinitions given or found among the objects, as kubeconform does.
    #[command(
        after_help = "Examples:\n  ferry schema validate deploy/\n  ferry schema validate --strict --kubernetes-version 1.30 deploy.yaml service.yaml\n  ferry render overlays/prod | ferry schema validate --strict --crds crds/ -\n  ferry schema validate --skip SealedSecret,monitoring.coreos.com/v1/ServiceMonitor --summary deploy/\n  ferry schema validate -o json deploy/ > schema-report.json\n\nDirectories are read recursively (*.yaml, *.yml, *.json); files may hold several YAML documents and\nList objects. CRDs among the objects are registered before the rest are validated.\nExit codes: 0 every object valid, 1 a violation, 2 could not run (bad YAML, unknown version, bad CRD)."
    )]
    Validate(SchemaValidateArgs),
}

#[derive(Debug, Args)]
pub struct SchemaValidateArgs {
    /// Files or directories of manifests; `-` reads stdin.
    #[arg(required = true, value_name = "FILE|DIR|-")]
    pub paths: Vec<PathBuf>,
    /// The Kubernetes version whose schemas apply: 1.32, v1.32 or v1.32.4 (default: the version
    /// the local cluster reports, 1.32).
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,
    /// Report fields the schemas do not define (as kubectl --validate=strict).
    #[arg(long)]
    pub strict: bool,
    /// Pass objects whose kind has no schema (a custom resource without its CRD).
    #[arg(long)]
    pub ignore_missing_schemas: bool,
    /// Kinds not to validate: Kind or group/version/Kind (v1/Secret, apps/v1/Deployment).
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub skip: Vec<String>,
    /// CustomResourceDefinition files or directories whose schemas apply (repeatable).
    #[arg(long, value_name = "FILE|DIR")]
    pub crds: Vec<PathBuf>,
    /// text: one line per violation (-v adds valid and skipped objects); json: every object.
    #[arg(short, long, value_enum, default_value_t)]
    pub output: SchemaOutput,
    /// Print how many objects were valid, invalid and skipped.
    #[arg(long)]
    pub summary: bool,
}

/// `ferry schema validate -o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum SchemaOutput {
    /// One line per violation.
    #[default]
    Text,
    /// One JSON document: every object, its status and violations, and a summary.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum AdmissionCommand {
    /// Serve a Kubernetes validating admission webhook over HTTPS until interrupted.
    #[command(
        after_help = "Examples:\n  ferry admission serve --policies policies/ --ca-out ca.pem\n  ferry admission serve --policies policies/ --sync Ingress.v1.networking.k8s.io,Namespace.v1 --context prod --ca-out ca.pem\n  ferry admission serve --policies policies/ --sync-config gatekeeper-config.yaml --kubeconfig ~/.kube/config\n  ferry admission serve --policies policies/ --inventory namespaces/ --listen 0.0.0.0:8443 \\\n      --host ferry-admission.gatekeeper.svc,ferry-admission.gatekeeper.svc.cluster.local --ca-out ca.pem\n  ferry admission serve --policies policies/ --tls-cert tls.crt --tls-key tls.key --failure-policy ignore\n\nEndpoints: POST /validate (also /v1/admit, Gatekeeper's path) takes an AdmissionReview v1 (or v1beta1);\nGET /healthz; GET /readyz answers 503 until every --sync kind has been listed once. Put the --ca-out file, base64-encoded, in the ValidatingWebhookConfiguration's caBundle.\nThe first line on stdout is the bound address."
    )]
    Serve(AdmissionServeArgs),
}

#[derive(Debug, Args)]
pub struct AdmissionServeArgs {
    /// The directory holding ConstraintTemplates and Constraints (YAML or JSON, recursively).
    #[arg(long, value_name = "DIR")]
    pub policies: PathBuf,
    /// Objects policies see as data.inventory, read once at start (YAML or JSON files,
    /// recursively); the Namespaces here decide namespaceSelectors. Combines with --sync.
    #[arg(long, value_name = "DIR")]
    pub inventory: Option<PathBuf>,
    /// Keep data.inventory equal to the cluster's live objects of this kind, through watches:
    /// KIND (any group), KIND.VERSION (core group) or KIND.VERSION.GROUP. Repeat or
    /// comma-separate. The cluster is --context of --kubeconfig.
    #[arg(long = "sync", value_name = "KIND[.VERSION.GROUP]", value_delimiter = ',')]
    pub sync: Vec<ferry_gates::admission::SyncKind>,
    /// Sync the kinds listed in a Gatekeeper Config resource's spec.sync.syncOnly (YAML or JSON;
    /// other documents in the file are skipped). Combines with --sync.
    #[arg(long, value_name = "FILE")]
    pub sync_config: Option<PathBuf>,
    /// The kubeconfig context of the cluster to sync from (default: the current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8443")]
    pub listen: std::net::SocketAddr,
    /// The serving certificate chain (PEM, server certificate first). Without --tls-cert and
    /// --tls-key a CA and a certificate are generated at start.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The serving certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// DNS names and IP addresses of the generated certificate, comma-separated.
    #[arg(
        long = "host",
        value_name = "NAMES",
        value_delimiter = ',',
        default_value = "localhost,127.0.0.1",
        conflicts_with = "tls_cert"
    )]
    pub hosts: Vec<String>,
    /// Write the generated CA certificate (PEM) to FILE, for the webhook configuration's caBundle.
    #[arg(long, value_name = "FILE", conflicts_with = "tls_cert")]
    pub ca_out: Option<PathBuf>,
    /// When policies cannot be evaluated: fail (deny with code 500) or ignore (admit with a warning).
    #[arg(long, value_enum, default_value_t)]
    pub failure_policy: FailurePolicyArg,
    /// The largest AdmissionReview accepted, in bytes; larger requests get HTTP 413.
    #[arg(long, value_name = "BYTES", default_value_t = ferry_gates::admission::DEFAULT_BODY_LIMIT)]
    pub max_request_bytes: usize,
    /// How long one constraint's policy may run on one request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub policy_time_limit_ms: u64,
}

/// `--failure-policy` values, after a ValidatingWebhookConfiguration's `failurePolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum FailurePolicyArg {
    #[default]
    Fail,
    Ignore,
}
