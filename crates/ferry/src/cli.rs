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
