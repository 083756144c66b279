//! From a Stage's `steps` as written (ferry-api, checked with file and line) to the steps that
//! run, filled in with the Freight's versions: an image's tag or digest, a chart's version.

use std::collections::BTreeMap;

use ferry_api::steps::{ImageUpdate as ApiImage, YamlValue};
use ferry_api::{PromotionStep, StepAction};
use ferry_core::freight::Revision;

use super::steps::{self, Step, StepError};

/// A step that talks to the stage's Applications rather than to Git.
#[derive(Debug, Clone)]
pub enum AppStep {
    /// Sync these Applications (the Stage's when empty) to the pushed commit.
    Sync(Vec<String>),
    /// Wait until they are Synced and Healthy.
    WaitHealthy(Vec<String>, std::time::Duration),
}

/// One step of a promotion, ready to run.
#[derive(Debug, Clone)]
pub enum Planned {
    Git(Step),
    App(AppStep),
    /// `render`: the source directory `path` rendered into `out_path` (both in the work dir).
    Render {
        path: String,
        out_path: String,
    },
}

impl Planned {
    /// The step's label in history: its `name`, else its `uses` word.
    pub fn label(step: &PromotionStep) -> String {
        step.name.clone().unwrap_or_else(|| step.action.uses().to_owned())
    }
}

/// The Freight's versions by subscription: repository URL → commit, image → tag (digest when
/// it has no tag), chart name → version.
pub fn versions(revisions: &[Revision]) -> BTreeMap<String, String> {
    revisions
        .iter()
        .map(|r| match r {
            Revision::Git { repo_url, commit } => (repo_url.clone(), commit.clone()),
            Revision::Image { repo_url, digest, tag } => (repo_url.clone(), tag.clone().unwrap_or(digest.clone())),
            Revision::Chart { name, version, .. } => (name.clone(), version.clone()),
        })
        .collect()
}

/// The step as it runs for this Freight.
pub fn plan(step: &PromotionStep, revisions: &[Revision]) -> Result<Planned, StepError> {
    Ok(match &step.action {
        StepAction::GitClone(c) => Planned::Git(Step::GitClone(steps::GitClone {
            repo_url: c.repo_url.clone(),
            branch: c.branch.clone().unwrap_or_else(|| "main".to_owned()),
            path: c.path.clone(),
            stage_branch: c.stage_branch.as_ref().map(|b| steps::StageBranch {
                branch: b.branch.clone(),
                path: b.path.clone(),
                create: true,
            }),
        })),
        StepAction::KustomizeSetImage(k) => Planned::Git(Step::KustomizeSetImage(steps::KustomizeSetImage {
            path: k.path.clone(),
            images: k.images.iter().map(|i| image(i, revisions)).collect::<Result<_, _>>()?,
        })),
        StepAction::YamlUpdate(y) => Planned::Git(Step::YamlUpdate(steps::YamlUpdate {
            path: y.path.clone(),
            create: false,
            updates: y
                .updates
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    yaml_value(i, &u.value, revisions).map(|value| steps::YamlValueUpdate { key: u.key.clone(), value })
                })
                .collect::<Result<_, _>>()?,
        })),
        StepAction::GitCommit(c) => Planned::Git(Step::GitCommit(steps::GitCommit {
            path: c.path.clone(),
            message: c.message.clone(),
            author: steps::Author::default(),
        })),
        StepAction::GitPush(p) => Planned::Git(Step::GitPush(steps::GitPush {
            path: p.path.clone(),
            max_attempts: p.max_attempts,
            target_branch: p.target_branch.clone(),
        })),
        StepAction::ArgocdSync(s) => Planned::App(AppStep::Sync(s.apps.iter().map(|a| a.name.clone()).collect())),
        StepAction::WaitHealthy(w) => {
            Planned::App(AppStep::WaitHealthy(w.apps.iter().map(|a| a.name.clone()).collect(), w.timeout))
        }
        StepAction::Render(r) => Planned::Render { path: r.path.clone(), out_path: r.out_path.clone() },
    })
}

/// An image entry: a fixed tag, the Freight's digest (`digest: true`), or the Freight's tag.
fn image(i: &ApiImage, revisions: &[Revision]) -> Result<steps::ImageUpdate, StepError> {
    let digest = if i.digest {
        let found = revisions.iter().find_map(|r| match r {
            Revision::Image { repo_url, digest, .. }
                if repo_url == &i.image || Some(repo_url) == i.new_name.as_ref() =>
            {
                Some(digest.clone())
            }
            _ => None,
        });
        Some(found.ok_or_else(|| StepError::Config {
            step: "kustomize-set-image",
            field: "images[].digest".to_owned(),
            message: format!("the freight has no digest for image {:?}", i.image),
        })?)
    } else {
        None
    };
    Ok(steps::ImageUpdate { image: i.image.clone(), tag: i.tag.clone(), digest, new_name: i.new_name.clone() })
}

/// A value: as written (a template), or an image's tag or a chart's version from the Freight.
fn yaml_value(index: usize, value: &YamlValue, revisions: &[Revision]) -> Result<serde_json::Value, StepError> {
    let missing = |what: &str| StepError::Config {
        step: "yaml-update",
        field: format!("updates[{index}]"),
        message: format!("the freight has no {what}"),
    };
    match value {
        YamlValue::Value(v) => Ok(serde_json::Value::String(v.clone())),
        YamlValue::FromImage(image) => revisions
            .iter()
            .find_map(|r| match r {
                Revision::Image { repo_url, tag, digest } if repo_url == image => {
                    Some(tag.clone().unwrap_or(digest.clone()))
                }
                _ => None,
            })
            .map(serde_json::Value::String)
            .ok_or_else(|| missing(&format!("version of image {image:?}"))),
        YamlValue::FromChart(chart) => revisions
            .iter()
            .find_map(|r| match r {
                Revision::Chart { name, version, .. } if name == chart => Some(version.clone()),
                _ => None,
            })
            .map(serde_json::Value::String)
            .ok_or_else(|| missing(&format!("version of chart {chart:?}"))),
    }
}
