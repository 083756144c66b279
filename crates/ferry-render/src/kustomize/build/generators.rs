//! Generators of one kustomization, in kustomize's order: `configMapGenerator`, then
//! `secretGenerator`, then `helmCharts`, then `generators:` plugins. Each generated resource
//! joins the accumulator by its behavior (create, merge into or replace one from a base).

use super::{Accumulator, Builder};
use crate::kustomize::error::KustomizeError;
use crate::kustomize::generate::{self, GeneratorArgs, GeneratorOptions};
use crate::kustomize::helm_charts;
use crate::kustomize::kustomization::{Kustomization, decode, decode_all};
use crate::kustomize::loader::KustDir;
use crate::kustomize::plugins;

impl Builder<'_> {
    /// Runs the builtin generators and the `generators:` plugins of `k` into `acc`.
    pub(super) fn run_generators(
        &mut self,
        kd: &KustDir,
        k: &Kustomization,
        acc: &mut Accumulator,
    ) -> Result<(), KustomizeError> {
        let file = kd.describe(kd.file);
        let options: Option<GeneratorOptions> = match &k.generator_options {
            Some(v) => Some(decode(&file, "generatorOptions", v.clone())?),
            None => None,
        };
        let config_maps: Vec<GeneratorArgs> = decode_all(&file, "configMapGenerator", &k.config_map_generator)?;
        for args in &config_maps {
            let mut generated = generate::config_map(args, options.as_ref(), kd)?;
            self.annotate_generated(&mut generated, kd, "ConfigMapGenerator");
            generate::add_or_merge(&mut acc.res, generated, &file)?;
        }
        let secrets: Vec<GeneratorArgs> = decode_all(&file, "secretGenerator", &k.secret_generator)?;
        for args in &secrets {
            let mut generated = generate::secret(args, options.as_ref(), kd)?;
            self.annotate_generated(&mut generated, kd, "SecretGenerator");
            generate::add_or_merge(&mut acc.res, generated, &file)?;
        }
        if !k.helm_charts.is_empty() {
            let charts = helm_charts::inflate(kd, k.helm_globals.as_ref(), &k.helm_charts, &self.helm_options())?;
            for mut r in charts {
                self.annotate_generated(&mut r, kd, "HelmChartInflationGenerator");
                generate::add_or_merge(&mut acc.res, r, &file)?;
            }
        }
        if !k.generators.is_empty() {
            let configs = self.plugin_configs(kd, &k.generators)?;
            for config in &configs {
                for r in plugins::generate(self, kd, config, &acc.config)? {
                    generate::add_or_merge(&mut acc.res, r, &file)?;
                }
            }
        }
        Ok(())
    }

    /// How `helmCharts` are inflated in this build.
    pub(crate) fn helm_options(&self) -> helm_charts::HelmOptions {
        helm_charts::HelmOptions {
            enabled: self.opts.enable_helm,
            command: self.opts.helm_command.clone().unwrap_or_default(),
        }
    }
}
