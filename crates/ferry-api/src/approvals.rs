//! `approvals` of a Stage: N distinct approvers out of named users or groups before a Freight
//! may be promoted into it.

use serde::Serialize;

use crate::decode::Decoder;
use crate::node::Node;

/// A manual approval gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Approvals {
    /// How many distinct approvers are needed (1 when absent).
    pub required: u32,
    /// Who may approve.
    pub from: Approvers,
    /// Whether the author of a commit in the Freight may approve it (false when absent: four
    /// eyes means someone else's).
    pub allow_commit_author: bool,
}

/// The users and groups allowed to approve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approvers {
    pub users: Vec<String>,
    pub groups: Vec<String>,
}

pub(crate) fn decode(d: &mut Decoder, node: &Node, path: &str) -> Option<Approvals> {
    let errors_before = d.error_count();
    let mut f = d.fields(node, path)?;
    let required_node = f.peek("required");
    let required = f.int(d, "required").unwrap_or(1);
    let from = match f.take("from") {
        Some(n) => decode_from(d, n, &f.path("from")),
        None => {
            d.missing(f.line(), &f.path("from"), "`users` and/or `groups` allowed to approve");
            None
        }
    };
    let allow_commit_author = f.bool(d, "allowCommitAuthor");
    let line = required_node.map_or(f.line(), |n| n.line);
    let required_field = f.path("required");
    f.finish(d);
    if required < 1 {
        d.invalid_at(line, &required_field, "at least 1 approver", format!("{required}"));
    }
    if let Some(from) = &from
        && from.groups.is_empty()
        && i64::try_from(from.users.len()).is_ok_and(|n| required > n)
    {
        let expected = format!("at most {} (the number of `from.users`; add users or groups)", from.users.len());
        d.invalid_at(line, &required_field, &expected, format!("{required}"));
    }
    if d.error_count() > errors_before {
        return None;
    }
    Some(Approvals { required: u32::try_from(required).ok()?, from: from?, allow_commit_author })
}

fn decode_from(d: &mut Decoder, node: &Node, path: &str) -> Option<Approvers> {
    let mut f = d.fields(node, path)?;
    let users = names(d, &mut f, "users");
    let groups = names(d, &mut f, "groups");
    f.finish(d);
    if users.is_empty() && groups.is_empty() {
        d.missing(node.line, &format!("{path}.users"), "at least one user or group allowed to approve");
        return None;
    }
    Some(Approvers { users, groups })
}

/// A list of names in which each appears once.
fn names(d: &mut Decoder, f: &mut crate::decode::Fields<'_>, key: &'static str) -> Vec<String> {
    let path = f.path(key);
    let references = f.references(d, key);
    let mut out: Vec<String> = Vec::new();
    for (i, r) in references.into_iter().enumerate() {
        if out.contains(&r.name) {
            d.invalid_at(r.line, &format!("{path}[{i}]"), "each name once", format!("{:?} again", r.name));
        } else {
            out.push(r.name);
        }
    }
    out
}
