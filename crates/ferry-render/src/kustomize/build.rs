//! A kustomization build, in kustomize v5.5's order of operations.
//!
//! Each kustomization is *accumulated* (`accumulate_target`, kustomize's `accumulateTarget`):
//! its resources (files, and directories built recursively, each fully transformed before it
//! is added), its transformer configurations and CRDs, its generators, its components (applied
//! to what was accumulated so far), its transformers and validators, and its vars. Only the
//! top-level build then appends generator hash suffixes, fixes name references, resolves vars,
//! orders the output and applies `buildMetadata` (see [`run`]).

mod accumulate;
mod generators;
mod transformers;

use std::collections::HashSet;

use super::BuildOptions;
use super::build_metadata::{self, ORIGIN_ANNOTATIONS, Origin};
use super::config::TransformerConfig;
use super::error::KustomizeError;
use super::generate;
use super::kustomization::{Kustomization, decode_all};
use super::loader::{KustDir, Loader};
use super::resource::{ResId, ResMap, Resource};
use super::sort::{self, SortOptions};
use super::transform::{name_reference, vars};

/// What a kustomization and everything under it contributed so far (kustomize's
/// `ResAccumulator`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Accumulator {
    pub res: ResMap,
    pub config: TransformerConfig,
    pub vars: Vec<vars::Var>,
}

impl Accumulator {
    /// Adds `more` resources, refusing ids already present.
    pub fn append_all(&mut self, more: ResMap, file: &str) -> Result<(), KustomizeError> {
        // Ids seen so far, keyed as kustomize compares them (no namespace = `default`): one
        // hash lookup per resource instead of a scan of everything accumulated.
        let mut seen: HashSet<ResId> = self.res.iter().map(|r| conflict_key(r.id())).collect();
        for r in more {
            let id = r.id();
            if !seen.insert(conflict_key(id.clone())) {
                return Err(KustomizeError::Conflict { file: file.to_owned(), id: id.to_string() });
            }
            self.res.push(r);
        }
        Ok(())
    }

    /// Merges what a nested kustomization accumulated into this one.
    pub fn absorb(&mut self, other: Accumulator, file: &str) -> Result<(), KustomizeError> {
        self.append_all(other.res, file)?;
        self.config.merge_file(file, other.config)?;
        self.add_vars(other.vars, file)
    }

    /// A kustomization's own vars: bound to the objects they name, then added.
    pub fn merge_vars(&mut self, more: Vec<vars::Var>, file: &str) -> Result<(), KustomizeError> {
        vars::bind(&mut self.res, &more, file)?;
        self.add_vars(more, file)
    }

    /// Adds vars, refusing a name declared twice.
    fn add_vars(&mut self, more: Vec<vars::Var>, file: &str) -> Result<(), KustomizeError> {
        for var in more {
            if self.vars.iter().any(|v| v.name == var.name) {
                return Err(KustomizeError::Invalid {
                    file: file.to_owned(),
                    field: "vars".to_owned(),
                    message: format!("var '{}' already encountered", var.name),
                });
            }
            self.vars.push(var);
        }
        Ok(())
    }
}

/// Appends `r`, refusing a resource whose id (namespace `""` counting as `default`) is taken.
/// An id as kustomize compares ids for conflicts: no namespace counts as `default`.
pub(crate) fn conflict_key(mut id: ResId) -> ResId {
    if id.namespace.is_empty() {
        id.namespace = "default".to_owned();
    }
    id
}

/// One build: the options and the kustomizations being built (to find cycles).
pub(crate) struct Builder<'a> {
    pub opts: &'a BuildOptions<'a>,
    /// `loader root:dir` of every kustomization on the current path of the recursion.
    pub stack: Vec<String>,
    /// The top-level kustomization's `buildMetadata` (kustomize hands it to nested builds).
    pub build_metadata: Vec<String>,
    /// Origins of the bases and components on the current path of the recursion.
    pub origin: Vec<Origin>,
}

/// Builds the kustomization in `dir` of `loader` into its final, ordered resources.
pub(crate) fn run(loader: &dyn Loader, dir: &str, opts: &BuildOptions) -> Result<ResMap, KustomizeError> {
    let (file, k) = Kustomization::load(loader, dir)?;
    let mut builder = Builder { opts, stack: Vec::new(), build_metadata: k.build_metadata.clone(), origin: Vec::new() };
    let kd = KustDir { loader, dir, file: &file, restrictor: opts.load_restrictor };
    let acc = builder.accumulate_root(&kd, &k)?;
    let mut res = acc.res;
    generate::apply_hash_suffixes(&mut res)?;
    name_reference::fix(&mut res, &acc.config.name_reference, &file)?;
    vars::resolve(&mut res, &acc.vars, &acc.config.var_reference, &file)?;
    res.retain(|r| !is_local_config(&r.obj));
    for r in res.iter_mut() {
        normalize_annotations(&mut r.obj);
    }
    order(&mut res, &k, opts, &file)?;
    build_metadata::finish(&mut res, &k.build_metadata, &file)?;
    Ok(res)
}

/// Whether `obj` is annotated `config.kubernetes.io/local-config` (with any value but `false`):
/// kept through the build (it may be patched, renamed and referred to) but not printed.
fn is_local_config(obj: &serde_json::Value) -> bool {
    let value = obj.pointer("/metadata/annotations").and_then(|a| a.get("config.kubernetes.io/local-config"));
    value.is_some_and(|v| v.as_str() != Some("false"))
}

/// kustomize ends a build by rewriting every object's annotations (removing its build
/// annotations): the values become strings, an empty or null map is removed.
fn normalize_annotations(obj: &mut serde_json::Value) {
    use serde_json::Value;
    let Some(Value::Object(meta)) = obj.get_mut("metadata") else { return };
    match meta.get_mut("annotations") {
        Some(Value::Object(map)) if !map.is_empty() => {
            for value in map.values_mut() {
                match value {
                    Value::String(_) | Value::Object(_) | Value::Array(_) => {}
                    Value::Null => *value = Value::String(String::new()),
                    other => *other = Value::String(other.to_string()),
                }
            }
        }
        Some(Value::Object(_) | Value::Null) => {
            meta.remove("annotations");
        }
        _ => {}
    }
}

/// The top-level kustomization's `sortOptions`, else `--reorder`.
fn order(res: &mut ResMap, k: &Kustomization, opts: &BuildOptions, file: &str) -> Result<(), KustomizeError> {
    if let Some(value) = &k.sort_options {
        let sort_options: Vec<SortOptions> = decode_all(file, "sortOptions", std::slice::from_ref(value))?;
        for so in &sort_options {
            sort::apply(res, so, file)?;
        }
        return Ok(());
    }
    match opts.reorder {
        super::Reorder::Legacy => sort::apply(res, &SortOptions::legacy(), file),
        super::Reorder::None => Ok(()),
    }
}

impl Builder<'_> {
    /// kustomize's `AccumulateTarget`: a fresh accumulator for the kustomization of `kd`.
    pub fn accumulate_root(&mut self, kd: &KustDir, k: &Kustomization) -> Result<Accumulator, KustomizeError> {
        self.enter(kd)?;
        let acc = Accumulator::default();
        let result = self.accumulate_target(kd, k, acc);
        self.stack.pop();
        result
    }

    /// A component: the kustomization of `kd` applied onto `acc`.
    pub fn accumulate_component(
        &mut self,
        kd: &KustDir,
        k: &Kustomization,
        acc: Accumulator,
    ) -> Result<Accumulator, KustomizeError> {
        self.enter(kd)?;
        let result = self.accumulate_target(kd, k, acc);
        self.stack.pop();
        result
    }

    /// Pushes `kd` on the recursion stack, refusing a kustomization already on it.
    fn enter(&mut self, kd: &KustDir) -> Result<(), KustomizeError> {
        let key = kd.describe(kd.dir);
        if let Some(pos) = self.stack.iter().position(|s| *s == key) {
            let mut chain = self.stack[pos..].to_vec();
            chain.push(key);
            return Err(KustomizeError::Cycle { file: kd.describe(kd.file), chain: chain.join(" -> ") });
        }
        self.stack.push(key);
        Ok(())
    }

    /// The origin of the kustomization being accumulated.
    pub fn current_origin(&self) -> Origin {
        self.origin.last().cloned().unwrap_or_default()
    }

    /// Whether resources carry `config.kubernetes.io/origin`.
    fn wants_origin(&self) -> bool {
        self.build_metadata.iter().any(|o| o == ORIGIN_ANNOTATIONS)
    }

    /// Records where the file resource `r` (read from `entry`) came from.
    pub fn annotate_file(&self, r: &mut Resource, entry: &str) {
        let origin = self.current_origin().append(entry);
        if self.wants_origin() {
            build_metadata::set_origin(&mut r.obj, origin.file_annotation());
        }
    }

    /// Records which generator of the kustomization of `kd` made `r`.
    pub fn annotate_generated(&self, r: &mut Resource, kd: &KustDir, generator_kind: &str) {
        if self.wants_origin() {
            let name = kd.file.rsplit('/').next().unwrap_or(kd.file);
            build_metadata::set_origin(&mut r.obj, self.current_origin().generated_annotation(name, generator_kind));
        }
    }

    /// kustomize's `accumulateTarget`: everything one kustomization does to `acc`.
    pub fn accumulate_target(
        &mut self,
        kd: &KustDir,
        k: &Kustomization,
        mut acc: Accumulator,
    ) -> Result<Accumulator, KustomizeError> {
        let file = kd.describe(kd.file);
        self.accumulate_resources(kd, &k.resources, &mut acc)?;
        acc.config.merge_file(&file, self.transformer_config(kd, k)?)?;
        acc.config.merge_file(&file, super::crds::config_from_crds(kd, &k.crds)?)?;
        self.run_generators(kd, k, &mut acc)?;
        acc = self.accumulate_components(kd, &k.components, acc)?;
        self.run_transformers(kd, k, &mut acc)?;
        self.run_validators(kd, k, &acc)?;
        let own_vars = decode_all(&file, "vars", &k.vars)?;
        acc.merge_vars(own_vars, &file)?;
        Ok(acc)
    }

    /// The builtin field specs plus the kustomization's `configurations:` files.
    fn transformer_config(&self, kd: &KustDir, k: &Kustomization) -> Result<TransformerConfig, KustomizeError> {
        let mut config = TransformerConfig::builtin();
        for path in &k.configurations {
            let (name, bytes) = kd.read(path)?;
            let text = String::from_utf8(bytes).map_err(|_| KustomizeError::Syntax {
                file: kd.describe(&name),
                line: 0,
                column: 0,
                message: "not UTF-8 text".to_owned(),
            })?;
            let described = kd.describe(&name);
            config.merge_file(&described, TransformerConfig::parse(&described, &text)?)?;
        }
        Ok(config)
    }
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
