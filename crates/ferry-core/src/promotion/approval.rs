//! Manual approval gates: who may approve a Freight for a Stage, and whether the decisions
//! recorded so far let it through — N distinct approvers from the named users or groups, each
//! counted once, the Freight's commit authors excluded unless the Stage allows them, and any
//! rejection stopping it.

use ferry_api::Approvals;

/// One recorded decision (each person decides once; the store keeps the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub approver: String,
    pub approved: bool,
    pub comment: String,
}

/// Where a Freight stands with a Stage's approval gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalVerdict {
    /// The Stage has no approval gate.
    NotRequired,
    /// Enough distinct approvers.
    Approved { by: Vec<String> },
    /// Waiting for `need - by.len()` more.
    Pending { need: u32, by: Vec<String> },
    /// Someone allowed to approve rejected it.
    Rejected { by: String, comment: String },
}

impl ApprovalVerdict {
    /// Whether a promotion may go ahead.
    pub fn passes(&self) -> bool {
        matches!(self, ApprovalVerdict::NotRequired | ApprovalVerdict::Approved { .. })
    }
}

impl std::fmt::Display for ApprovalVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApprovalVerdict::NotRequired => write!(f, "no approval needed"),
            ApprovalVerdict::Approved { by } => write!(f, "approved by {}", by.join(", ")),
            ApprovalVerdict::Pending { need, by } if by.is_empty() => write!(f, "waiting for {need} approval(s)"),
            ApprovalVerdict::Pending { need, by } => {
                write!(f, "{} of {need} approvals ({})", by.len(), by.join(", "))
            }
            ApprovalVerdict::Rejected { by, comment } if comment.is_empty() => write!(f, "rejected by {by}"),
            ApprovalVerdict::Rejected { by, comment } => write!(f, "rejected by {by}: {comment}"),
        }
    }
}

/// Whether `user` (member of `groups`) may decide about a Freight with these commit
/// `authors`; the reason when not.
pub fn may_decide(gate: Option<&Approvals>, user: &str, groups: &[String], authors: &[String]) -> Result<(), String> {
    let Some(gate) = gate else { return Err("this stage has no approval gate".to_owned()) };
    let named = gate.from.users.iter().any(|u| u == user);
    let in_group = groups.iter().any(|g| gate.from.groups.contains(g));
    if !named && !in_group {
        let mut who: Vec<String> = gate.from.users.iter().map(|u| format!("user `{u}`")).collect();
        who.extend(gate.from.groups.iter().map(|g| format!("group `{g}`")));
        return Err(format!("`{user}` may not approve here; allowed: {}", who.join(", ")));
    }
    if !gate.allow_commit_author && is_author(user, authors) {
        return Err(format!("`{user}` wrote a commit in this Freight and the stage wants someone else to approve it"));
    }
    Ok(())
}

/// The verdict of the decisions recorded so far.
pub fn tally(gate: Option<&Approvals>, decisions: &[Decision], authors: &[String]) -> ApprovalVerdict {
    let Some(gate) = gate else { return ApprovalVerdict::NotRequired };
    if let Some(r) = decisions.iter().find(|d| !d.approved) {
        return ApprovalVerdict::Rejected { by: r.approver.clone(), comment: r.comment.clone() };
    }
    let mut by: Vec<String> = Vec::new();
    for d in decisions {
        let counts = gate.allow_commit_author || !is_author(&d.approver, authors);
        if counts && !by.contains(&d.approver) {
            by.push(d.approver.clone());
        }
    }
    if by.len() >= gate.required as usize {
        ApprovalVerdict::Approved { by }
    } else {
        ApprovalVerdict::Pending { need: gate.required, by }
    }
}

/// A user is an author when their name is an author's email or its local part.
fn is_author(user: &str, authors: &[String]) -> bool {
    authors.iter().any(|a| {
        a.eq_ignore_ascii_case(user) || a.split('@').next().is_some_and(|local| local.eq_ignore_ascii_case(user))
    })
}
