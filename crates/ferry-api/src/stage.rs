//! One Stage of a Pipeline: its Applications, the Freight it accepts, and what stands between
//! a Freight and the Stage (gates, soak, approvals, windows), how it is promoted (steps) and
//! verified.

use std::time::Duration;

use serde::Serialize;

use crate::accepts::{self, Accepts};
use crate::approvals::{self, Approvals};
use crate::decode::{Decoder, Fields};
use crate::destination::{self, Destination};
use crate::duration;
use crate::node::Node;
use crate::reference::Reference;
use crate::source::{self, Source};
use crate::stage_gates::{self, StageGates};
use crate::steps::{self, PromotionStep};
use crate::sync_policy::{self, SyncPolicy};
use crate::verification::{self, Rollback, Verification};
use crate::window::{self, Window};

/// A Stage as Ferry reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub name: String,
    /// The line the stage's entry starts on.
    #[serde(skip)]
    pub line: usize,
    pub kind: StageKind,
    /// For a `dr` Stage: the Stage whose Freight it mirrors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follows: Option<Reference>,
    /// The Argo CD Applications the Stage deploys (in the control folder), the one made of
    /// `source` + `destination` included (named `PIPELINE-STAGE`).
    pub applications: Vec<Reference>,
    /// `source` + `destination` (+ `syncPolicy`) given in the Stage instead of an Application.
    #[serde(skip)]
    pub inline_application: Option<InlineApplication>,
    /// Where its Freight comes from; `None` for a `dr` Stage, which takes what it follows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepts: Option<Accepts>,
    /// How long a Freight must stay verified upstream before this Stage takes it.
    #[serde(serialize_with = "duration::serialize")]
    pub soak: Duration,
    /// Promote new Freight without being asked.
    pub auto_promote: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approvals: Option<Approvals>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub windows: Vec<Window>,
    pub gates: StageGates,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<PromotionStep>,
    pub verification: Verification,
    pub rollback: Rollback,
}

/// An Application written in a Stage: what it renders, where it applies it, how it syncs.
#[derive(Debug, Clone, PartialEq)]
pub struct InlineApplication {
    pub source: Source,
    pub destination: Destination,
    pub sync_policy: Option<SyncPolicy>,
}

/// What a Stage is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StageKind {
    /// An environment Freight moves through.
    Normal,
    /// A disaster-recovery copy of another Stage (`follows`).
    Dr,
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Stage> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, path)?;
    let name_node = f.peek("name");
    let name = f.required_string(d, "name", "the stage's name, e.g. `dev`");
    if let (Some(n), Some(node)) = (&name, name_node)
        && !is_dns_label(n)
    {
        d.invalid(node, &f.path("name"), "a lowercase DNS label: a-z, 0-9 and `-`, at most 63 characters");
    }
    let kind =
        f.choice(d, "kind", &[("normal", StageKind::Normal), ("dr", StageKind::Dr)]).unwrap_or(StageKind::Normal);
    let follows = f.take("follows").and_then(|n| crate::decode::reference(d, n, &f.path("follows")));
    let inline_given = f.peek("source").is_some() || f.peek("destination").is_some();
    let inline_application = inline_application(d, &mut f);
    let applications = applications(d, &mut f, inline_given);
    let accepts = f.take("accepts").and_then(|n| accepts::decode(d, n, &f.path("accepts")));
    check_kind(d, &f, kind, follows.is_some(), accepts.is_some());
    let soak = f.duration(d, "soak").unwrap_or(Duration::ZERO);
    let auto_promote = f.optional_bool(d, "autoPromote").unwrap_or(default_auto_promote(kind, accepts.as_ref()));
    let approvals = f.take("approvals").and_then(|n| approvals::decode(d, n, &f.path("approvals")));
    let windows = f.list(d, "windows", window::decode);
    let gates =
        f.take("gates").map_or_else(|| Some(StageGates::default()), |n| stage_gates::decode(d, n, &f.path("gates")));
    let steps = f.list(d, "steps", steps::decode);
    let verification = f
        .take("verification")
        .map_or_else(|| Some(Verification::default()), |n| verification::decode(d, n, &f.path("verification")));
    let rollback = f
        .take("rollback")
        .map_or_else(|| Some(Rollback::default()), |n| verification::decode_rollback(d, n, &f.path("rollback")));
    f.finish(d);
    if d.error_count() > errors_before {
        return None;
    }
    let (gates, verification, rollback) = (gates?, verification?, rollback?);
    let line = node.line;
    Some(Stage {
        name: name?,
        line,
        kind,
        follows,
        applications,
        inline_application,
        accepts,
        soak,
        auto_promote,
        approvals,
        windows,
        gates,
        steps,
        verification,
        rollback,
    })
}

/// A Stage fed straight by a Warehouse, and a `dr` Stage, promote by themselves; a Stage fed
/// by other Stages waits to be asked, so nothing reaches production unasked.
fn default_auto_promote(kind: StageKind, accepts: Option<&Accepts>) -> bool {
    kind == StageKind::Dr || matches!(accepts, Some(Accepts::Warehouse(_)))
}

fn applications(d: &mut Decoder, f: &mut Fields<'_>, inline: bool) -> Vec<Reference> {
    let node = f.peek("applications");
    let applications = f.references(d, "applications");
    if applications.is_empty() && (!inline || node.is_some()) {
        let expected = "the names of the Argo CD Applications this stage deploys (or `source` and `destination`)";
        match node {
            Some(n) => d.invalid(n, &f.path("applications"), expected),
            None => d.missing(f.line(), &f.path("applications"), expected),
        }
    }
    applications
}

/// `source` and `destination` (and `syncPolicy`), as in an Application's spec; both or neither.
fn inline_application(d: &mut Decoder, f: &mut Fields<'_>) -> Option<InlineApplication> {
    let (source_node, destination_node) = (f.take("source"), f.take("destination"));
    let sync_node = f.take("syncPolicy");
    let source = source_node.and_then(|n| source::decode(d, n, &f.path("source")));
    let destination = destination_node.and_then(|n| destination::decode(d, n, &f.path("destination")));
    let sync_policy = sync_node.and_then(|n| sync_policy::decode(d, n, &f.path("syncPolicy")));
    match (source_node, destination_node) {
        (None, None) => {
            if let Some(n) = sync_node {
                d.invalid(n, &f.path("syncPolicy"), "`syncPolicy` only with `source` and `destination`");
            }
            None
        }
        (Some(_), None) => {
            d.missing(
                f.line(),
                &f.path("destination"),
                "a map with `server` or `name`, and `namespace` (with `source`)",
            );
            None
        }
        (None, Some(_)) => {
            d.missing(f.line(), &f.path("source"), "a map with `repoURL` and `path` (with `destination`)");
            None
        }
        (Some(_), Some(_)) => Some(InlineApplication { source: source?, destination: destination?, sync_policy }),
    }
}

/// A `dr` Stage names the Stage it follows and accepts nothing else; a normal Stage accepts.
fn check_kind(d: &mut Decoder, f: &Fields<'_>, kind: StageKind, follows: bool, accepts: bool) {
    match kind {
        StageKind::Dr if !follows => {
            d.missing(f.line(), &f.path("follows"), "the stage a `dr` stage mirrors, e.g. `production`")
        }
        StageKind::Dr if accepts => {
            let line = f.peek("accepts").map_or(f.line(), |n| n.line);
            d.invalid_at(
                line,
                &f.path("accepts"),
                "no `accepts` on a `dr` stage: it takes the Freight of the stage it follows",
                "`accepts`".to_owned(),
            );
        }
        StageKind::Normal if follows => {
            let line = f.peek("follows").map_or(f.line(), |n| n.line);
            d.invalid_at(
                line,
                &f.path("follows"),
                "`follows` only on a stage with `kind: dr`",
                "a normal stage".to_owned(),
            );
        }
        StageKind::Normal if !accepts => {
            d.missing(f.line(), &f.path("accepts"), "`{warehouse: NAME}` or `{upstream: [STAGE, …]}`")
        }
        _ => {}
    }
}

fn is_dns_label(name: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    (1..=63).contains(&name.len())
        && name.starts_with(alnum)
        && name.ends_with(alnum)
        && name.chars().all(|c| alnum(c) || c == '-')
}
