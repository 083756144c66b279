//! Which Applications and Warehouses a webhook is about: those whose repository is the one the
//! webhook names, compared in a normal form (`ferry_source::webhook::repo_key`, `image_key`).

use ferry_api::{Config, Subscription};
use ferry_source::webhook::{Hook, image_key, repo_key};
use serde::Serialize;

/// What a webhook refreshes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Targets {
    pub applications: Vec<String>,
    pub warehouses: Vec<String>,
}

impl Targets {
    pub fn of(config: &Config, hook: &Hook) -> Targets {
        match hook {
            Hook::GitPush { repo_urls, .. } => {
                let keys: Vec<String> = repo_urls.iter().map(|u| repo_key(u)).collect();
                let follows = |url: &str| keys.contains(&repo_key(url));
                let applications = config
                    .applications
                    .iter()
                    .filter(|a| a.value.spec.all_sources().iter().any(|s| follows(&s.repo_url)))
                    .map(|a| a.value.metadata.name.clone())
                    .collect();
                let warehouses = warehouses(config, |s| matches!(s, Subscription::Git(g) if follows(&g.repo_url)));
                Targets { applications, warehouses }
            }
            Hook::ImagePush { repositories } => {
                let keys: Vec<String> = repositories.iter().map(|r| image_key(r)).collect();
                let follows = |url: &str| keys.contains(&image_key(url));
                let warehouses = warehouses(config, |s| match s {
                    Subscription::Image(i) => follows(&i.repo_url),
                    Subscription::Chart(c) => c.repo_url.starts_with("oci://") && follows(&chart_repository(c)),
                    Subscription::Git(_) => false,
                });
                Targets { applications: Vec::new(), warehouses }
            }
            Hook::Ignored { .. } => Targets::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.applications.is_empty() && self.warehouses.is_empty()
    }
}

fn warehouses(config: &Config, wanted: impl Fn(&Subscription) -> bool) -> Vec<String> {
    config
        .warehouses
        .iter()
        .filter(|w| w.value.spec.subscriptions.iter().any(&wanted))
        .map(|w| w.value.metadata.name.clone())
        .collect()
}

/// An OCI chart's repository: `oci://host/path` plus the chart's name when given apart.
fn chart_repository(c: &ferry_api::ChartSubscription) -> String {
    let base = c.repo_url.trim_end_matches('/');
    match &c.name {
        Some(name) => format!("{base}/{name}"),
        None => base.to_owned(),
    }
}
