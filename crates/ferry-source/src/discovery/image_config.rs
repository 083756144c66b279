//! The parts of OCI/Docker manifests and image configurations discovery reads: an index's
//! platform entries, an image manifest's config descriptor, the configuration's `created`.

use serde::Deserialize;

/// An image manifest or an index (manifest list); which one is told by which field is set.
#[derive(Debug, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) config: Option<Descriptor>,
    pub(crate) manifests: Option<Vec<IndexEntry>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Descriptor {
    pub(crate) digest: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct IndexEntry {
    pub(crate) digest: String,
    pub(crate) platform: Option<Platform>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Platform {
    pub(crate) os: String,
    pub(crate) architecture: String,
    pub(crate) variant: Option<String>,
}

/// What discovery reads from an image configuration blob.
#[derive(Debug, Deserialize)]
pub(crate) struct ImageConfig {
    created: Option<String>,
    os: Option<String>,
    architecture: Option<String>,
    variant: Option<String>,
}

impl Manifest {
    pub(crate) fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| format!("manifest is not JSON: {e}"))?;
        if manifest.config.is_none() && manifest.manifests.is_none() {
            return Err("manifest has neither `config` nor `manifests`".to_owned());
        }
        Ok(manifest)
    }

    /// The entry of an index for `platform` (`os/arch[/variant]`); without a platform, the
    /// first entry that is a real platform (attestations are listed as `unknown/unknown`).
    pub(crate) fn entry_for(&self, platform: Option<&str>) -> Option<&IndexEntry> {
        let entries = self.manifests.as_deref()?;
        match platform {
            Some(wanted) => entries.iter().find(|e| e.platform.as_ref().is_some_and(|p| p.matches(wanted))),
            None => entries.iter().find(|e| e.platform.as_ref().is_none_or(|p| p.os != "unknown")),
        }
    }
}

impl Platform {
    fn matches(&self, wanted: &str) -> bool {
        let mut parts = wanted.split('/');
        let (os, arch, variant) = (parts.next(), parts.next(), parts.next());
        os == Some(self.os.as_str())
            && arch == Some(self.architecture.as_str())
            && variant.is_none_or(|v| self.variant.as_deref() == Some(v))
    }
}

impl ImageConfig {
    pub(crate) fn parse(bytes: &[u8]) -> Result<ImageConfig, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("image configuration is not JSON: {e}"))
    }

    /// The build time, in Unix seconds.
    pub(crate) fn created(&self) -> Option<i64> {
        self.created.as_deref().and_then(super::timestamp::unix_seconds)
    }

    /// Whether the image was built for `wanted` (`os/arch[/variant]`); a configuration that
    /// does not say is taken to match.
    pub(crate) fn is_for(&self, wanted: &str) -> bool {
        match (&self.os, &self.architecture) {
            (Some(os), Some(arch)) => {
                Platform { os: os.clone(), architecture: arch.clone(), variant: self.variant.clone() }.matches(wanted)
            }
            _ => true,
        }
    }
}
