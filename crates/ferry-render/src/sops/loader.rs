//! A kustomize [`Loader`] that decrypts SOPS-encrypted files as they are read, so resources,
//! patches and generator inputs kept encrypted in Git build like plain ones (`ferry render`).

use crate::kustomize::{KustomizeError, Loader};

use super::keys::AgeKeys;

/// Wraps a loader; encrypted files come out decrypted, others untouched.
pub struct DecryptingLoader<'a> {
    pub inner: &'a dyn Loader,
    /// `None`: an encrypted file is an error saying no keys are configured.
    pub keys: Option<&'a AgeKeys>,
}

impl std::fmt::Debug for DecryptingLoader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecryptingLoader").field("keys", &self.keys).finish()
    }
}

impl Loader for DecryptingLoader<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, KustomizeError> {
        let bytes = self.inner.read(path)?;
        if !super::is_encrypted(path, &bytes) {
            return Ok(bytes);
        }
        let none = AgeKeys::default();
        let plain = super::decrypt(path, &bytes, self.keys.unwrap_or(&none))
            .map_err(|e| KustomizeError::Decrypt { message: e.to_string() })?;
        Ok(plain.to_vec())
    }
    fn is_dir(&self, path: &str) -> bool {
        self.inner.is_dir(path)
    }
    fn exists(&self, path: &str) -> bool {
        self.inner.exists(path)
    }
    fn real_path(&self, path: &str) -> Result<String, KustomizeError> {
        self.inner.real_path(path)
    }
    fn describe(&self, path: &str) -> String {
        self.inner.describe(path)
    }
}
