//! A set of templates and their constraints, loaded from files or objects, evaluated together
//! against one review at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::constraint::{CONSTRAINT_GROUP, Constraint, EnforcementAction};
use super::enforcement::EnforcementPoint;
use super::error::PolicyError;
use super::evaluate::{DEFAULT_TIME_LIMIT, evaluate};
use super::evaluation::{Evaluation, FailedConstraint};
use super::inventory::Inventory;
use super::parameters;
use super::review::ReviewRequest;
use super::template::{TEMPLATE_GROUP, Template};
use super::violation::Violation;
use super::yaml::{read_documents, str_at};

/// Templates by kind, and the constraints that instantiate them.
#[derive(Debug, Clone)]
pub struct PolicySet {
    templates: BTreeMap<String, Template>,
    constraints: Vec<Constraint>,
    time_limit: Duration,
}

impl Default for PolicySet {
    fn default() -> Self {
        Self { templates: BTreeMap::new(), constraints: Vec::new(), time_limit: DEFAULT_TIME_LIMIT }
    }
}

/// Whether an object is a ConstraintTemplate.
pub fn is_template(object: &Value) -> bool {
    str_at(object, "/kind") == Some("ConstraintTemplate")
        && str_at(object, "/apiVersion").is_some_and(|v| v.starts_with(&format!("{TEMPLATE_GROUP}/")))
}

/// Whether an object is a constraint.
pub fn is_constraint(object: &Value) -> bool {
    str_at(object, "/apiVersion").is_some_and(|v| v.starts_with(&format!("{CONSTRAINT_GROUP}/")))
}

impl PolicySet {
    /// Every template and constraint in the YAML and JSON files under `dir` (recursively, in
    /// name order); other objects are ignored.
    pub fn load_dir(dir: &Path) -> Result<Self, PolicyError> {
        let mut objects = Vec::new();
        for path in policy_files(dir)? {
            let origin = path.display().to_string();
            objects.extend(read_documents(&path)?.into_iter().map(|doc| (origin.clone(), doc)));
        }
        Self::from_sourced_objects(objects)
    }

    /// The templates and constraints among `objects`; other objects are ignored.
    pub fn from_objects(objects: &[Value]) -> Result<Self, PolicyError> {
        Self::from_sourced_objects(
            objects.iter().enumerate().map(|(i, o)| (format!("object {i}"), o.clone())).collect(),
        )
    }

    fn from_sourced_objects(objects: Vec<(String, Value)>) -> Result<Self, PolicyError> {
        let mut set = Self::default();
        for (origin, object) in objects.iter().filter(|(_, o)| is_template(o)) {
            set.add_template(Template::parse(object, origin)?)?;
        }
        for (origin, object) in objects.iter().filter(|(_, o)| is_constraint(o)) {
            set.add_constraint(Constraint::parse(object, origin)?)?;
        }
        Ok(set)
    }

    /// Adds a template; its kind must be new.
    pub fn add_template(&mut self, template: Template) -> Result<(), PolicyError> {
        parameters::check_template(&template)?;
        if let Some(other) = self.templates.get(template.kind()) {
            return Err(PolicyError::DuplicateKind {
                template: template.name().to_owned(),
                kind: template.kind().to_owned(),
                other: other.name().to_owned(),
            });
        }
        self.templates.insert(template.kind().to_owned(), template);
        Ok(())
    }

    /// Adds a constraint; a template must define its kind.
    pub fn add_constraint(&mut self, constraint: Constraint) -> Result<(), PolicyError> {
        let Some(template) = self.templates.get(constraint.kind()) else {
            return Err(PolicyError::UnknownKind {
                constraint: constraint.name().to_owned(),
                kind: constraint.kind().to_owned(),
            });
        };
        parameters::check_constraint(template, &constraint)?;
        self.constraints.push(constraint);
        Ok(())
    }

    /// Sets the time limit for each evaluation of one constraint.
    pub fn with_time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    /// The templates, by kind.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.templates.values()
    }

    /// The constraints, in load order.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// The violations of every constraint that matches the reviewed object, at the gator
    /// enforcement point (`ferry check`, `ferry policy eval`). Any constraint that could not be
    /// evaluated (a policy that failed or ran out of time, a namespace selector without its
    /// Namespace) makes this an error, after every constraint was tried: a verdict with a
    /// constraint left out would not be one. [`PolicySet::evaluate_at`] gives both.
    pub fn evaluate(&self, review: &ReviewRequest, inventory: &Inventory) -> Result<Vec<Violation>, PolicyError> {
        self.evaluate_at(review, inventory, EnforcementPoint::Gator).into_result()
    }

    /// Every constraint enforced at `point` that matches the reviewed object, evaluated: their
    /// violations, and the constraints that failed, each on its own (the others still run).
    pub fn evaluate_at(&self, review: &ReviewRequest, inventory: &Inventory, point: EnforcementPoint) -> Evaluation {
        let mut evaluation = Evaluation::default();
        for constraint in &self.constraints {
            let actions = constraint.actions_at(point);
            if actions.is_empty() {
                continue;
            }
            match self.evaluate_constraint(constraint, &actions, review, inventory) {
                Ok(violations) => evaluation.violations.extend(violations),
                Err(error) => evaluation.errors.push(FailedConstraint {
                    constraint: constraint.name().to_owned(),
                    enforcement_actions: actions,
                    error,
                }),
            }
        }
        evaluation
    }

    fn evaluate_constraint(
        &self,
        constraint: &Constraint,
        actions: &[EnforcementAction],
        review: &ReviewRequest,
        inventory: &Inventory,
    ) -> Result<Vec<Violation>, PolicyError> {
        let namespace = review.namespace().and_then(|ns| inventory.namespace(ns));
        let matched = constraint
            .matcher()
            .matches(review, namespace)
            .map_err(|problem| PolicyError::Match { constraint: constraint.name().to_owned(), problem })?;
        match self.templates.get(constraint.kind()) {
            Some(template) if matched => evaluate(template, constraint, actions, review, inventory, self.time_limit),
            _ => Ok(Vec::new()),
        }
    }
}

/// The `.yaml`, `.yml` and `.json` files under `dir`, sorted.
fn policy_files(dir: &Path) -> Result<Vec<PathBuf>, PolicyError> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries =
            std::fs::read_dir(&current).map_err(|source| PolicyError::Read { path: current.clone(), source })?;
        for entry in entries {
            let path = entry.map_err(|source| PolicyError::Read { path: current.clone(), source })?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The YAML files under `dir`, for suite discovery.
pub(crate) fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, PolicyError> {
    policy_files(dir)
}
