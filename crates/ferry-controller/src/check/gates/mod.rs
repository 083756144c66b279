//! The gates a check runs, one file each, all reporting [`super::Finding`]s.

pub mod policy;
pub mod schema;
pub mod secrets;
pub mod vulns;

use super::AppCheck;

/// The Applications grouped by destination cluster, in first-seen order: objects of one
/// cluster see each other (policy inventory, CRDs for schemas).
pub fn by_cluster(apps: &[AppCheck]) -> Vec<Vec<&AppCheck>> {
    let mut groups: Vec<(String, Vec<&AppCheck>)> = Vec::new();
    for app in apps.iter().filter(|a| a.head.is_some()) {
        match groups.iter_mut().find(|(cluster, _)| *cluster == app.cluster) {
            Some((_, members)) => members.push(app),
            None => groups.push((app.cluster.clone(), vec![app])),
        }
    }
    groups.into_iter().map(|(_, members)| members).collect()
}
