//! Rendering settings shared by every Application, read from the control folder's `argocd-cm`:
//! `kustomize.buildOptions` (the flags Argo CD passes to `kustomize build`) and Ferry's own
//! `ferry.kustomize.remoteBases` (`allow` lets kustomizations name remote Git bases, fetched
//! through Ferry's Git cache; refused by default).

use std::collections::BTreeMap;

use ferry_render::kustomize::{LoadRestrictor, Reorder};

/// The `argocd-cm` key holding kustomize flags.
pub const BUILD_OPTIONS_KEY: &str = "kustomize.buildOptions";
/// The `argocd-cm` key allowing remote bases.
pub const REMOTE_BASES_KEY: &str = "ferry.kustomize.remoteBases";

/// How Kustomize and Helm sources are rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderSettings {
    pub enable_helm: bool,
    pub load_restrictor: LoadRestrictor,
    pub reorder: Reorder,
    /// The `helm` program for kustomize `helmCharts` (`--helm-command`); also used for Helm sources.
    pub helm_command: Option<String>,
    pub remote_bases: bool,
    /// Where fetched remote bases are written (under the state directory).
    pub remote_dir: std::path::PathBuf,
    /// age identities for SOPS-encrypted files (`SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, sops's
    /// default key file), read once at start.
    pub age_keys: Option<std::sync::Arc<ferry_render::sops::AgeKeys>>,
}

impl RenderSettings {
    /// Reads the settings from `argocd-cm` data; unknown flags are errors, not ignored.
    pub fn from_argocd_cm(data: &BTreeMap<String, String>) -> Result<RenderSettings, String> {
        let mut s = RenderSettings::default();
        if let Some(options) = data.get(BUILD_OPTIONS_KEY) {
            s.read_flags(options)?;
        }
        match data.get(REMOTE_BASES_KEY).map(|v| v.trim()) {
            None | Some("" | "deny") => {}
            Some("allow") => s.remote_bases = true,
            Some(other) => return Err(format!("{REMOTE_BASES_KEY}: expected `allow` or `deny`, found {other:?}")),
        }
        Ok(s)
    }

    fn read_flags(&mut self, options: &str) -> Result<(), String> {
        let mut words = options.split_whitespace();
        while let Some(word) = words.next() {
            let (flag, inline) = match word.split_once('=') {
                Some((f, v)) => (f, Some(v.to_owned())),
                None => (word, None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| words.next().map(str::to_owned))
                    .ok_or_else(|| format!("{BUILD_OPTIONS_KEY}: {name} needs a value"))
            };
            match flag {
                "--enable-helm" => self.enable_helm = true,
                "--load-restrictor" | "--load_restrictor" => {
                    self.load_restrictor = match value(flag)?.as_str() {
                        "LoadRestrictionsRootOnly" => LoadRestrictor::RootOnly,
                        "LoadRestrictionsNone" | "none" => LoadRestrictor::None,
                        other => return Err(format!("{BUILD_OPTIONS_KEY}: unknown load restrictor {other:?}")),
                    }
                }
                "--reorder" => {
                    self.reorder = match value(flag)?.as_str() {
                        "legacy" => Reorder::Legacy,
                        "none" => Reorder::None,
                        other => {
                            return Err(format!(
                                "{BUILD_OPTIONS_KEY}: --reorder must be legacy or none, found {other:?}"
                            ));
                        }
                    }
                }
                "--helm-command" => self.helm_command = Some(value(flag)?),
                other => {
                    return Err(format!(
                        "{BUILD_OPTIONS_KEY}: {other} is not supported (supported: --enable-helm, --load-restrictor, --reorder, --helm-command)"
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn build_options_are_read() {
        let s = RenderSettings::from_argocd_cm(&data(&[
            (BUILD_OPTIONS_KEY, "--enable-helm --load-restrictor=LoadRestrictionsNone --helm-command /opt/helm"),
            (REMOTE_BASES_KEY, "allow"),
        ]))
        .unwrap();
        assert!(s.enable_helm && s.remote_bases);
        assert_eq!(s.load_restrictor, LoadRestrictor::None);
        assert_eq!(s.helm_command.as_deref(), Some("/opt/helm"));
    }

    #[test]
    fn unknown_flags_and_values_are_errors() {
        let err = RenderSettings::from_argocd_cm(&data(&[(BUILD_OPTIONS_KEY, "--network-tab")])).unwrap_err();
        assert!(err.contains("--network-tab"), "{err}");
        assert!(RenderSettings::from_argocd_cm(&data(&[(BUILD_OPTIONS_KEY, "--load-restrictor")])).is_err());
        assert!(RenderSettings::from_argocd_cm(&data(&[(REMOTE_BASES_KEY, "yes")])).is_err());
    }
}
