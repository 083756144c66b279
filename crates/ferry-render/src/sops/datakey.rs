//! Recovering a file's 32-byte data key from its `age` recipients with our identities, and
//! combining Shamir shares when the file has several key groups.

use std::io::Read;

use age::armor::ArmoredReader;
use age::{DecryptError, Decryptor, Identity};
use zeroize::Zeroizing;

use super::error::SopsError;
use super::keys::AgeKeys;
use super::metadata::{KeyGroup, Metadata};
use super::shamir;

/// The largest age payload read: a data key or share is 33 bytes; anything large is not SOPS'.
const MAX_KEY_BYTES: u64 = 1024;

/// The data key of `file`, or why none of our identities recovers it.
pub(crate) fn recover(file: &str, md: &Metadata, keys: &AgeKeys) -> Result<Zeroizing<[u8; 32]>, SopsError> {
    let has_age = md.groups.iter().any(|g| !g.age.is_empty());
    if !has_age {
        return Err(SopsError::UnsupportedKeyTypes { file: file.to_owned(), key_types: other_types(md) });
    }
    if keys.is_empty() {
        return Err(SopsError::NoKeys { file: file.to_owned() });
    }
    let mut parts = Vec::new();
    for (index, group) in md.groups.iter().enumerate() {
        if let Some(part) = open_group(file, index, group, keys)? {
            parts.push(part);
        }
    }
    let key = if md.groups.len() == 1 {
        parts.pop().ok_or_else(|| no_match(file, md))?
    } else {
        if parts.len() < md.shamir_threshold {
            return Err(no_match(file, md));
        }
        shamir::combine(&parts)
            .map_err(|e| SopsError::malformed(file, format!("the key groups' shares do not combine ({e:?})")))?
    };
    let key: [u8; 32] =
        key.as_slice().try_into().map_err(|_| SopsError::malformed(file, "the data key is not 32 bytes long"))?;
    Ok(Zeroizing::new(key))
}

/// The group's data key (or share) from the first age stanza one of our identities opens.
fn open_group(
    file: &str,
    index: usize,
    group: &KeyGroup,
    keys: &AgeKeys,
) -> Result<Option<Zeroizing<Vec<u8>>>, SopsError> {
    for (i, stanza) in group.age.iter().enumerate() {
        let at = || format!("sops age recipient {} (group {index}, entry {i})", stanza.recipient);
        match open_stanza(stanza.enc.as_bytes(), keys) {
            Ok(part) => return Ok(Some(part)),
            Err(DecryptError::NoMatchingKeys | DecryptError::DecryptionFailed) => {}
            Err(DecryptError::Io(_)) => return Err(SopsError::malformed(file, format!("{}: cannot read", at()))),
            Err(_) => return Err(SopsError::malformed(file, format!("{}: enc is not an age file", at()))),
        }
    }
    Ok(None)
}

fn open_stanza(armored: &[u8], keys: &AgeKeys) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
    let decryptor = Decryptor::new_buffered(ArmoredReader::new(armored))?;
    let identities = keys.identities().iter().map(|i| i as &dyn Identity);
    let reader = decryptor.decrypt(identities)?;
    let mut key = Zeroizing::new(Vec::new());
    reader.take(MAX_KEY_BYTES).read_to_end(&mut key)?;
    Ok(key)
}

fn no_match(file: &str, md: &Metadata) -> SopsError {
    let recipients = md.groups.iter().flat_map(|g| g.age.iter().map(|s| s.recipient.clone())).collect();
    SopsError::NoMatchingKey { file: file.to_owned(), recipients }
}

fn other_types(md: &Metadata) -> Vec<String> {
    let mut types: Vec<String> = Vec::new();
    for name in md.groups.iter().flat_map(|g| g.other_types.iter()) {
        if !types.contains(name) {
            types.push(name.clone());
        }
    }
    types
}
