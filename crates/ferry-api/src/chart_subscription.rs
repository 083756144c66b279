//! A Warehouse's `chart` subscription: Helm chart versions from an HTTP(S) chart repository
//! (its `index.yaml`) or an OCI registry.

use serde::Serialize;

use crate::decode::Decoder;
use crate::node::Node;
use crate::subscription;

/// A subscription to a Helm chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartSubscription {
    /// `https://…` (a chart repository) or `oci://…/chart` (the chart itself).
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The chart's name in an HTTP(S) repository; `None` for OCI, where the URL names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Versions considered (all when absent: the greatest version wins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub semver_constraint: Option<String>,
    pub discovery_limit: u32,
}

impl ChartSubscription {
    /// The chart's name: `name`, or the last segment of an OCI URL.
    pub fn chart_name(&self) -> &str {
        self.name.as_deref().unwrap_or_else(|| self.repo_url.rsplit('/').next().unwrap_or_default())
    }
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<ChartSubscription> {
    let mut f = d.fields(node, path)?;
    let errors_before = d.error_count();
    let url_node = f.peek("repoURL");
    let repo_url = f.required_string(d, "repoURL", "`https://…` (a chart repository) or `oci://…/chart`");
    let name_node = f.peek("name");
    let name = f.string(d, "name");
    let semver_constraint = subscription::semver_constraint(d, &mut f);
    let discovery_limit = subscription::discovery_limit(d, &mut f);
    if let (Some(url), Some(url_node)) = (&repo_url, url_node) {
        let oci = url.starts_with("oci://");
        let http = url.starts_with("https://") || url.starts_with("http://");
        if !oci && !http {
            d.invalid(url_node, &f.path("repoURL"), "a URL starting with `https://`, `http://` or `oci://`");
        } else if http && name.is_none() {
            d.missing(f.line(), &f.path("name"), "the chart's name in the HTTP(S) repository");
        } else if let (true, Some(n)) = (oci, name_node.filter(|_| name.is_some())) {
            d.invalid(n, &f.path("name"), "no `name` for an OCI chart: the URL names it (`oci://host/path/chart`)");
        }
    }
    f.finish(d);
    if d.error_count() > errors_before {
        return None;
    }
    Some(ChartSubscription { repo_url: repo_url?, name, semver_constraint, discovery_limit })
}
