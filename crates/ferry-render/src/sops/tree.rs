//! The document tree SOPS works on: ordered maps, sequences and scalars, read from YAML or
//! JSON with the scalar types `sops` (Go, yaml.v3 / encoding/json) gives them.
//!
//! Order matters: the MAC covers the values in document order. Plaintext strings are wiped
//! when a [`Tree`] is dropped.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use zeroize::Zeroize;

/// One node of a SOPS document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

impl Tree {
    /// The bytes SOPS feeds into the MAC for a scalar (Go's `sops.ToBytes`); `None` for null
    /// and collections, which contribute nothing themselves.
    pub(crate) fn mac_bytes(&self) -> Option<Vec<u8>> {
        match self {
            Tree::Str(s) => Some(s.as_bytes().to_vec()),
            Tree::Int(i) => Some(i.to_string().into_bytes()),
            Tree::Float(f) => Some(go_float(*f).into_bytes()),
            Tree::Bool(b) => Some(if *b { b"True".to_vec() } else { b"False".to_vec() }),
            Tree::Null | Tree::Seq(_) | Tree::Map(_) => None,
        }
    }

    /// The value under `key` of a map.
    pub(crate) fn get(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A JSON copy, used to read the `sops` metadata with serde.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Tree::Null => serde_json::Value::Null,
            Tree::Bool(b) => (*b).into(),
            Tree::Int(i) => (*i).into(),
            Tree::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into),
            Tree::Str(s) => s.clone().into(),
            Tree::Seq(items) => items.iter().map(Tree::to_json).collect(),
            Tree::Map(entries) => entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
        }
    }

    /// Turns every number into a float, as Go's `encoding/json` reads JSON numbers.
    pub(crate) fn numbers_as_floats(&mut self) {
        match self {
            #[allow(clippy::cast_precision_loss)]
            Tree::Int(i) => *self = Tree::Float(*i as f64),
            Tree::Seq(items) => items.iter_mut().for_each(Tree::numbers_as_floats),
            Tree::Map(entries) => entries.iter_mut().for_each(|(_, v)| v.numbers_as_floats()),
            _ => {}
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        if let Tree::Str(s) = self {
            s.zeroize();
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest digits that read back as `f`,
/// never in exponent form.
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf".to_owned() } else { "-Inf".to_owned() }
    } else {
        // Rust's `Display` for f64 prints the shortest round-trip digits without an exponent.
        format!("{f}")
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tree, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Tree, E> {
        // yaml.v3 keeps integers past i64 as uint64; SOPS' tree has no such type and reads
        // them no better than a float does.
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Tree, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Tree, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or(Tree::Float(v as f64), Tree::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Tree, E> {
        Ok(Tree::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Tree, E> {
        Ok(Tree::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Tree, E> {
        String::from_utf8(v.to_vec()).map(Tree::Str).map_err(|_| E::custom("binary values must be UTF-8"))
    }
    fn visit_unit<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_none<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        Tree::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Tree>()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Tree>()? {
            let Tree::Str(key) = &key else {
                // SOPS refuses non-string keys too ("Only string keys are supported").
                return Err(de::Error::custom("a mapping key is not a string; SOPS supports string keys only"));
            };
            entries.push((key.clone(), map.next_value::<Tree>()?));
        }
        Ok(Tree::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_bytes_follow_go_formatting() {
        assert_eq!(Tree::Bool(true).mac_bytes().unwrap(), b"True");
        assert_eq!(Tree::Bool(false).mac_bytes().unwrap(), b"False");
        assert_eq!(Tree::Float(1.5).mac_bytes().unwrap(), b"1.5");
        assert_eq!(Tree::Float(2500.0).mac_bytes().unwrap(), b"2500");
        assert_eq!(Tree::Float(1.2345678901234567e19).mac_bytes().unwrap(), b"12345678901234567000");
        assert_eq!(Tree::Float(1e-7).mac_bytes().unwrap(), b"0.0000001");
        assert_eq!(Tree::Int(-3).mac_bytes().unwrap(), b"-3");
        assert_eq!(Tree::Null.mac_bytes(), None);
    }

    #[test]
    fn json_keeps_key_order() {
        let tree: Tree = serde_json::from_str(r#"{"b": 1, "a": [true, null, "x"]}"#).unwrap();
        let Tree::Map(entries) = &tree else { panic!("not a map") };
        assert_eq!(entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(tree.get("a"), Some(&Tree::Seq(vec![Tree::Bool(true), Tree::Null, Tree::Str("x".into())])));
    }
}
