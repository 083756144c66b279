//! SOPS' value cipher: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, AES-256-GCM with a 32-byte
//! nonce, the value's tree path (`a:b:c:`) or, for the MAC, `lastmodified` as additional data.

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::tree::Tree;

/// AES-256-GCM with SOPS' 32-byte IVs.
type SopsGcm = AesGcm<Aes256, U32>;

const PREFIX: &str = "ENC[AES256_GCM,";

/// Why one value could not be decrypted; the caller adds the file and path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CipherError {
    /// Not in `ENC[AES256_GCM,…]` form, or with bad base64 or an unknown type.
    Format(&'static str),
    /// The GCM tag does not verify under this key and additional data.
    Authentication,
}

/// Whether `value` looks like a SOPS-encrypted value.
pub(crate) fn is_encrypted_value(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// A decrypted value; comments decrypt to `Comment`.
#[derive(Debug, PartialEq)]
pub(crate) enum Plain {
    Value(Tree),
    Comment(String),
}

/// Decrypts one SOPS value with the data key. An empty string stays empty, as SOPS never
/// encrypts empty values.
pub(crate) fn decrypt(value: &str, key: &[u8; 32], aad: &str) -> Result<Plain, CipherError> {
    if value.is_empty() {
        return Ok(Plain::Value(Tree::Str(String::new())));
    }
    let parts = Parts::parse(value)?;
    let plain = open(&parts, key, aad)?;
    typed(parts.kind, plain)
}

/// The fields of an `ENC[…]` string, still base64-encoded except the type.
struct Parts<'a> {
    data: &'a str,
    iv: &'a str,
    tag: &'a str,
    kind: &'a str,
}

impl<'a> Parts<'a> {
    fn parse(value: &'a str) -> Result<Parts<'a>, CipherError> {
        let body = value
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split_once(']').map(|(body, _)| body))
            .ok_or(CipherError::Format("not an ENC[AES256_GCM,…] value"))?;
        let mut fields = body.split(',');
        let mut field = |name: &'static str| {
            fields
                .next()
                .and_then(|f| f.strip_prefix(name))
                .filter(|f| !f.is_empty())
                .ok_or(CipherError::Format("expected data:, iv:, tag: and type: fields"))
        };
        let parts = Parts { data: field("data:")?, iv: field("iv:")?, tag: field("tag:")?, kind: field("type:")? };
        if fields.next().is_some() {
            return Err(CipherError::Format("unexpected field after type:"));
        }
        Ok(parts)
    }
}

fn open(parts: &Parts<'_>, key: &[u8; 32], aad: &str) -> Result<Zeroizing<Vec<u8>>, CipherError> {
    let b64 = |s: &str, what| STANDARD.decode(s).map_err(|_| CipherError::Format(what));
    let mut sealed = b64(parts.data, "data: is not base64")?;
    let iv = b64(parts.iv, "iv: is not base64")?;
    let tag = b64(parts.tag, "tag: is not base64")?;
    if iv.len() != 32 || tag.len() != 16 {
        return Err(CipherError::Format("expected a 32-byte iv and a 16-byte tag"));
    }
    sealed.extend_from_slice(&tag);
    let cipher = SopsGcm::new(key.into());
    let nonce = Nonce::<U32>::from_slice(&iv);
    cipher
        .decrypt(nonce, Payload { msg: &sealed, aad: aad.as_bytes() })
        .map(Zeroizing::new)
        .map_err(|_| CipherError::Authentication)
}

/// Reads the plaintext back as the type SOPS recorded (Go's `strconv` parsers).
fn typed(kind: &str, plain: Zeroizing<Vec<u8>>) -> Result<Plain, CipherError> {
    let text = std::str::from_utf8(&plain).map_err(|_| CipherError::Format("the plaintext is not UTF-8"))?;
    let bad = CipherError::Format("the plaintext does not match its type");
    let value = match kind {
        "str" | "bytes" => Tree::Str(text.to_owned()),
        "int" | "int64" => Tree::Int(text.parse().map_err(|_| bad)?),
        "float" => Tree::Float(parse_go_float(text).ok_or(bad)?),
        "bool" => Tree::Bool(parse_go_bool(text).ok_or(bad)?),
        "comment" => return Ok(Plain::Comment(text.to_owned())),
        _ => return Err(CipherError::Format("unknown type: field")),
    };
    Ok(Plain::Value(value))
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseFloat` for what SOPS writes (decimal digits, `Inf`, `NaN`).
fn parse_go_float(text: &str) -> Option<f64> {
    match text.to_ascii_lowercase().trim_start_matches('+') {
        "inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" => Some(f64::NAN),
        _ => text.replace('_', "").parse().ok(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encrypts like SOPS does; tests use it to build tampered or unusual inputs.
    pub(crate) fn seal(plain: &str, kind: &str, key: &[u8; 32], aad: &str, iv: [u8; 32]) -> String {
        let cipher = SopsGcm::new(key.into());
        let nonce = Nonce::<U32>::from_slice(&iv);
        let out = cipher.encrypt(nonce, Payload { msg: plain.as_bytes(), aad: aad.as_bytes() }).unwrap();
        let (data, tag) = out.split_at(out.len() - 16);
        format!(
            "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{kind}]",
            STANDARD.encode(data),
            STANDARD.encode(iv),
            STANDARD.encode(tag)
        )
    }

    #[test]
    fn round_trips_each_type() {
        let key = [7u8; 32];
        let cases = [
            ("hunter2", "str", Plain::Value(Tree::Str("hunter2".into()))),
            ("31", "int", Plain::Value(Tree::Int(31))),
            ("1.5", "float", Plain::Value(Tree::Float(1.5))),
            ("True", "bool", Plain::Value(Tree::Bool(true))),
            (" a comment", "comment", Plain::Comment(" a comment".into())),
        ];
        for (plain, kind, want) in cases {
            let enc = seal(plain, kind, &key, "a:b:", [1; 32]);
            assert_eq!(decrypt(&enc, &key, "a:b:").unwrap(), want, "{kind}");
        }
    }

    #[test]
    fn wrong_path_or_key_fails_authentication() {
        let key = [7u8; 32];
        let enc = seal("hunter2", "str", &key, "a:b:", [1; 32]);
        assert_eq!(decrypt(&enc, &key, "a:c:"), Err(CipherError::Authentication));
        assert_eq!(decrypt(&enc, &[8u8; 32], "a:b:"), Err(CipherError::Authentication));
    }

    #[test]
    fn malformed_values_are_format_errors() {
        let key = [7u8; 32];
        for bad in [
            "ENC[AES256_GCM,data:@@,iv:AA==,tag:AA==,type:str]",
            "ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==]",
            "ENC[AES256_GCM,data:AA==",
            "plain",
        ] {
            assert!(matches!(decrypt(bad, &key, ""), Err(CipherError::Format(_))), "{bad}");
        }
        let enc = seal("x", "weird", &key, "", [1; 32]);
        assert_eq!(decrypt(&enc, &key, ""), Err(CipherError::Format("unknown type: field")));
    }

    #[test]
    fn empty_values_stay_empty() {
        assert_eq!(decrypt("", &[0; 32], "x:").unwrap(), Plain::Value(Tree::Str(String::new())));
    }
}
