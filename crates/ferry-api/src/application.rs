//! The Argo CD `Application` (`argoproj.io/v1alpha1`): what to render from a Source and where
//! to apply it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::decode::{Decoder, Fields};
use crate::destination::{self, Destination};
use crate::ignore_difference::{self, IgnoreDifference};
use crate::node::Node;
use crate::source::{self, Source};
use crate::sync_policy::{self, SyncPolicy};

/// The apiVersion of an Application.
pub const API_VERSION: &str = "argoproj.io/v1alpha1";
/// The kind of an Application.
pub const KIND: &str = "Application";
/// The namespace when `metadata.namespace` is absent, as in Argo CD.
pub const DEFAULT_NAMESPACE: &str = "argocd";
/// The project when `spec.project` is absent.
pub const DEFAULT_PROJECT: &str = "default";
/// How many past syncs are kept when `revisionHistoryLimit` is absent, as in Argo CD.
pub const DEFAULT_REVISION_HISTORY_LIMIT: i64 = 10;

/// An Argo CD Application as Ferry reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    pub metadata: Metadata,
    pub spec: ApplicationSpec,
}

/// The metadata Ferry reads; server-set fields are not configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metadata {
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub finalizers: Vec<String>,
}

/// What an Application renders, where it applies it, and how it syncs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    pub project: String,
    /// The single source; exactly one of `source` and `sources` is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Several sources rendered together.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    pub destination: Destination,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_policy: Option<SyncPolicy>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignore_differences: Vec<IgnoreDifference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub info: Vec<Info>,
}

/// A free-form name/value pair shown with the Application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Info {
    pub name: String,
    pub value: String,
}

impl ApplicationSpec {
    /// The sources in order: `source` alone, or every entry of `sources`.
    pub fn all_sources(&self) -> &[Source] {
        match &self.source {
            Some(source) => std::slice::from_ref(source),
            None => &self.sources,
        }
    }

    /// `revisionHistoryLimit`, or Argo CD's default of 10.
    pub fn revision_history_limit(&self) -> i64 {
        self.revision_history_limit.unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT)
    }
}

/// Decodes a document already known to be an Application; `None` when it has errors.
pub(crate) fn decode(d: &mut Decoder, node: &Node) -> Option<Application> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, "")?;
    f.take("apiVersion");
    f.take("kind");
    let metadata = match f.take("metadata") {
        Some(n) => decode_metadata(d, n, "metadata"),
        None => missing(d, &f, "metadata", "a map with at least `name`"),
    };
    let spec = match f.take("spec") {
        Some(n) => decode_spec(d, n, "spec"),
        None => missing(d, &f, "spec", "a map with `source` and `destination`"),
    };
    f.unsupported(d, "status", "status is runtime state that Ferry keeps in its state store; remove it");
    f.unsupported(d, "operation", "start a sync with `ferry app sync` instead of an `operation` field");
    f.finish(d);
    let application = Application { metadata: metadata?, spec: spec? };
    (d.error_count() == errors_before).then_some(application)
}

fn missing<T>(d: &mut Decoder, f: &Fields<'_>, key: &str, expected: &str) -> Option<T> {
    d.missing(f.line(), key, expected);
    None
}

fn decode_metadata(d: &mut Decoder, node: &Node, path: &str) -> Option<Metadata> {
    let mut f = d.fields(node, path)?;
    let name = f.required_string(d, "name", "the Application's name");
    if let (Some(name), Some(n)) = (&name, f.peek("name"))
        && !is_dns_subdomain(name)
    {
        d.invalid(n, &f.path("name"), "a lowercase DNS name: a-z, 0-9, `-` and `.`, at most 253 characters");
    }
    let namespace = f.string(d, "namespace").unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());
    let labels = f.string_map(d, "labels");
    let annotations = f.string_map(d, "annotations");
    let finalizers = f.strings(d, "finalizers");
    f.finish(d);
    Some(Metadata { name: name?, namespace, labels, annotations, finalizers })
}

/// Kubernetes object names (RFC 1123 subdomain), which Argo CD requires of Applications.
pub(crate) fn is_dns_subdomain(name: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.starts_with(alnum)
                && label.ends_with(alnum)
                && label.chars().all(|c| alnum(c) || c == '-')
        })
}

fn decode_spec(d: &mut Decoder, node: &Node, path: &str) -> Option<ApplicationSpec> {
    let mut f = d.fields(node, path)?;
    let project = f.string(d, "project").unwrap_or_else(|| DEFAULT_PROJECT.to_owned());
    let (source, sources) = decode_sources(d, &mut f);
    let destination = match f.take("destination") {
        Some(n) => destination::decode(d, n, &f.path("destination")),
        None => missing(d, &f, "spec.destination", "a map with `server` or `name`, and `namespace`"),
    };
    let sync_policy = f.take("syncPolicy").and_then(|n| sync_policy::decode(d, n, &f.path("syncPolicy")));
    let ignore_differences = f.list(d, "ignoreDifferences", ignore_difference::decode);
    let revision_history_limit = f.int(d, "revisionHistoryLimit");
    if let (Some(limit), Some(n)) = (revision_history_limit, f.peek("revisionHistoryLimit"))
        && limit < 0
    {
        d.invalid(n, &f.path("revisionHistoryLimit"), "a number of at least 0");
    }
    let info = f.list(d, "info", decode_info);
    f.unsupported(d, "sourceHydrator", "source hydration is not supported; commit rendered manifests to Git instead");
    f.finish(d);
    Some(ApplicationSpec {
        project,
        source,
        sources,
        destination: destination?,
        sync_policy,
        ignore_differences,
        revision_history_limit,
        info,
    })
}

/// `source` or `sources`: exactly one must be given (an empty `sources` counts as absent).
fn decode_sources(d: &mut Decoder, f: &mut Fields<'_>) -> (Option<Source>, Vec<Source>) {
    let single = f.take("source");
    let many = f.take("sources").filter(|n| !matches!(&n.kind, crate::node::NodeKind::Seq(items) if items.is_empty()));
    const ONE_OF: &str = "exactly one of `spec.source` or `spec.sources`";
    match (single, many) {
        (None, None) => {
            d.missing(f.line(), "spec.source", ONE_OF);
            (None, Vec::new())
        }
        (Some(_), Some(n)) => {
            d.invalid_at(n.line, "spec.sources", ONE_OF, "both `source` and `sources`".to_owned());
            (None, Vec::new())
        }
        (Some(n), None) => (source::decode(d, n, &f.path("source")), Vec::new()),
        (None, Some(n)) => {
            let path = f.path("sources");
            let items = d.list(n, &path);
            let sources =
                items.iter().enumerate().filter_map(|(i, item)| source::decode(d, item, &format!("{path}[{i}]")));
            (None, sources.collect())
        }
    }
}

fn decode_info(d: &mut Decoder, node: &Node, path: &str) -> Option<Info> {
    let mut f = d.fields(node, path)?;
    let name = f.required_string(d, "name", "the label of the entry");
    let value = f.required_string(d, "value", "the text of the entry");
    f.finish(d);
    Some(Info { name: name?, value: value? })
}
