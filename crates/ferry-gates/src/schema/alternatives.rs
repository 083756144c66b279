//! `allOf`, `anyOf`, `oneOf` and `not`. Each branch is walked on its own (without strict mode:
//! branches constrain values, they do not declare fields). When no branch fits, the message
//! names the closest one's first problem; when every branch is only a `type` (IntOrString,
//! Quantity), it reads as a plain type error: "expected string or integer, got boolean".

use serde_json::Value;

use super::node::{Schema, TypeSet};
use super::violation::{SchemaProblem, SchemaViolation, type_name};
use super::walk::Walk;

impl<'a> Walk<'a> {
    pub(super) fn alternatives(&mut self, schema: &'a Schema, value: &'a Value, depth: usize) {
        for branch in &schema.all_of {
            let found = self.try_branch(branch, value, depth);
            self.found.extend(found);
        }
        if !schema.any_of.is_empty() {
            let results = self.try_branches(&schema.any_of, value, depth);
            if !results.iter().any(Vec::is_empty) {
                self.none_matched(&schema.any_of, results, value);
            }
        }
        if !schema.one_of.is_empty() {
            let results = self.try_branches(&schema.one_of, value, depth);
            match results.iter().filter(|r| r.is_empty()).count() {
                0 => self.none_matched(&schema.one_of, results, value),
                // Null fits several nullable branches; it means the field is unset.
                1 => {}
                _ if value.is_null() => {}
                n => self.report(
                    SchemaProblem::Alternatives,
                    format!("matches {n} of the oneOf alternatives; expected exactly one"),
                ),
            }
        }
        if let Some(not) = &schema.not
            && self.try_branch(not, value, depth).is_empty()
        {
            self.report(SchemaProblem::Alternatives, "matches a schema it must not match (not)");
        }
    }

    fn try_branch(&self, branch: &'a Schema, value: &'a Value, depth: usize) -> Vec<SchemaViolation> {
        let mut walk = self.branch();
        walk.value(branch, value, depth + 1);
        walk.found
    }

    fn try_branches(&self, branches: &'a [Schema], value: &'a Value, depth: usize) -> Vec<Vec<SchemaViolation>> {
        branches.iter().map(|branch| self.try_branch(branch, value, depth)).collect()
    }

    fn none_matched(&mut self, branches: &[Schema], results: Vec<Vec<SchemaViolation>>, value: &Value) {
        if branches.iter().all(Schema::is_type_only) {
            let expected = branches.iter().fold(TypeSet::default(), |set, b| set.union(b.types)).describe();
            let message = format!("expected {expected}, got {}", type_name(value));
            self.report(SchemaProblem::WrongType { expected, found: type_name(value).to_owned() }, message);
            return;
        }
        let closest = results.into_iter().filter(|r| !r.is_empty()).min_by_key(Vec::len);
        let detail = closest.and_then(|r| r.into_iter().next()).map(|v| format!("; closest: {v}")).unwrap_or_default();
        self.report(
            SchemaProblem::Alternatives,
            format!("matches none of the {} alternatives{detail}", branches.len()),
        );
    }
}
