//! `spec.subscriptions[]` of a Warehouse: exactly one of `git`, `image` or `chart` per item,
//! and the checks the three kinds share (discovery limit, tag patterns).

use serde::Serialize;

use crate::chart_subscription::{self, ChartSubscription};
use crate::decode::{self, Decoder, Fields};
use crate::git_subscription::{self, GitSubscription};
use crate::image_subscription::{self, ImageSubscription};
use crate::node::Node;

/// How many versions a subscription considers when `discoveryLimit` is absent, as in Kargo.
pub const DEFAULT_DISCOVERY_LIMIT: u32 = 20;
/// The largest `discoveryLimit`.
pub const MAX_DISCOVERY_LIMIT: u32 = 100;

/// One source of new Revisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Subscription {
    Git(GitSubscription),
    Image(ImageSubscription),
    Chart(ChartSubscription),
}

impl Subscription {
    /// The repository the subscription watches.
    pub fn repo_url(&self) -> &str {
        match self {
            Subscription::Git(g) => &g.repo_url,
            Subscription::Image(i) => &i.repo_url,
            Subscription::Chart(c) => &c.repo_url,
        }
    }

    /// `git`, `image` or `chart`.
    pub fn kind(&self) -> &'static str {
        match self {
            Subscription::Git(_) => "git",
            Subscription::Image(_) => "image",
            Subscription::Chart(_) => "chart",
        }
    }
}

const ONE_OF: &str = "exactly one of `git`, `image` or `chart`";

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Subscription> {
    let mut f = d.fields(node, path)?;
    let present: Vec<&str> = ["git", "image", "chart"].into_iter().filter(|k| f.peek(k).is_some()).collect();
    let subscription = match present.as_slice() {
        ["git"] => f.take("git").and_then(|n| git_subscription::decode(d, n, &f.path("git"))).map(Subscription::Git),
        ["image"] => {
            f.take("image").and_then(|n| image_subscription::decode(d, n, &f.path("image"))).map(Subscription::Image)
        }
        ["chart"] => {
            f.take("chart").and_then(|n| chart_subscription::decode(d, n, &f.path("chart"))).map(Subscription::Chart)
        }
        [] => {
            d.missing(f.line(), path, ONE_OF);
            None
        }
        several => {
            for key in several {
                f.take(key);
            }
            d.invalid_at(f.line(), path, ONE_OF, format!("`{}`", several.join("` and `")));
            None
        }
    };
    f.finish(d);
    subscription
}

/// `discoveryLimit`: 1 to 100, 20 when absent.
pub(crate) fn discovery_limit(d: &mut Decoder, f: &mut Fields<'_>) -> u32 {
    let node = f.peek("discoveryLimit");
    match f.int(d, "discoveryLimit") {
        None => DEFAULT_DISCOVERY_LIMIT,
        Some(n) if (1..=i64::from(MAX_DISCOVERY_LIMIT)).contains(&n) => n as u32,
        Some(_) => {
            if let Some(node) = node {
                d.invalid(node, &f.path("discoveryLimit"), "a number from 1 to 100");
            }
            DEFAULT_DISCOVERY_LIMIT
        }
    }
}

/// A list of regular expressions (a single string is a list of one), each compiled to check it.
pub(crate) fn patterns(d: &mut Decoder, f: &mut Fields<'_>, key: &'static str) -> Vec<String> {
    let path = f.path(key);
    let Some(node) = f.take(key) else { return Vec::new() };
    let items = decode::one_or_many(d, node, &path);
    let mut out = Vec::new();
    for (i, (pattern, line)) in items.into_iter().enumerate() {
        match regex::RegexBuilder::new(&pattern).size_limit(1 << 20).build() {
            Ok(_) => out.push(pattern),
            Err(e) => d.invalid_at(
                line,
                &format!("{path}[{i}]"),
                "a regular expression",
                format!("{pattern:?} ({})", first_line(&e)),
            ),
        }
    }
    out
}

fn first_line(error: &regex::Error) -> String {
    error.to_string().lines().last().unwrap_or_default().trim().to_owned()
}

/// An optional `semverConstraint`, checked for form.
pub(crate) fn semver_constraint(d: &mut Decoder, f: &mut Fields<'_>) -> Option<String> {
    let node = f.peek("semverConstraint");
    let constraint = f.string(d, "semverConstraint")?;
    if !crate::semver_constraint::is_valid(&constraint) {
        d.invalid(node?, &f.path("semverConstraint"), crate::semver_constraint::EXPECTED);
        return None;
    }
    Some(constraint)
}
