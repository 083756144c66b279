//! Table-driven decoding of one Kubernetes protobuf message into its JSON form.
//!
//! Kubernetes messages are proto2, written by gogo-protobuf: a field that is absent stays
//! absent; a message that is present is an object even when empty (`strategy: {}`); a zero
//! that was written is kept (`replicas: 0` on a pointer field means 0). But gogo writes every
//! non-pointer field, zero or not, where Go's JSON `omitempty` would drop it: so fields the
//! table marks "zero means unset" (optional strings, and the known non-pointer ints/bools such
//! as `nodePort`) are dropped at zero, and server defaults (`restartPolicy`, `imagePullPolicy`,
//! a nodePort allocation) still apply.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Number, Value};

use super::ProtoError;
use super::table::{Field, Item, Kind, Scalar, Special, Table};
use super::wire::{self, Part};

/// How deep messages may nest (JSONSchemaProps can nest without end).
pub const MAX_DEPTH: usize = 64;

pub struct Decoder<'t> {
    table: &'t Table,
    /// The JSON path of the field being decoded, for error messages.
    path: Vec<String>,
}

impl<'t> Decoder<'t> {
    pub fn new(table: &'t Table) -> Self {
        Decoder { table, path: Vec::new() }
    }

    fn field_path(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            if !out.is_empty() && !segment.starts_with('[') {
                out.push('.');
            }
            out.push_str(segment);
        }
        if out.is_empty() { "(object)".to_string() } else { out }
    }

    fn within<T>(
        &mut self,
        segment: String,
        f: impl FnOnce(&mut Self) -> Result<T, ProtoError>,
    ) -> Result<T, ProtoError> {
        self.path.push(segment);
        let out = f(self);
        self.path.pop();
        out
    }

    /// A `k8s\0`-prefixed `runtime.Unknown` envelope: typeMeta (1: apiVersion, kind), raw (2,
    /// the object's message), contentEncoding (3), contentType (4).
    pub fn envelope(&mut self, part: Part<'_>) -> Result<Value, ProtoError> {
        let Some(rest) = part.bytes.strip_prefix(super::MAGIC) else { return Err(ProtoError::NoMagic) };
        let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), None);
        for field in Part::new(rest, part.at + super::MAGIC.len()).fields() {
            match field? {
                (1, value) => {
                    for field in self.bytes_of(value)?.fields() {
                        match field? {
                            (1, v) => api_version = self.envelope_string("apiVersion", v)?,
                            (2, v) => kind = self.envelope_string("kind", v)?,
                            _ => {}
                        }
                    }
                }
                (2, value) => raw = Some(self.bytes_of(value)?),
                (3, value) => {
                    let encoding = self.envelope_string("contentEncoding", value)?;
                    if !encoding.is_empty() {
                        return Err(ProtoError::Encoding(encoding));
                    }
                }
                _ => {}
            }
        }
        if api_version.is_empty() || kind.is_empty() {
            return Err(ProtoError::NoKind);
        }
        let Some(index) = self.table.kind(&api_version, &kind) else {
            return Err(ProtoError::UnknownKind { api_version, kind });
        };
        let raw = raw.unwrap_or(Part::new(&[], part.at + part.bytes.len()));
        let mut object = match self.message(index, raw)? {
            Value::Object(object) => object,
            _ => Map::new(),
        };
        object.insert("apiVersion".to_string(), Value::String(api_version));
        object.insert("kind".to_string(), Value::String(kind));
        Ok(Value::Object(object))
    }

    fn envelope_string(&mut self, name: &str, value: wire::Value<'_>) -> Result<String, ProtoError> {
        self.within(name.to_string(), |d| match d.scalar(Scalar::String, value)? {
            Value::String(s) => Ok(s),
            _ => Ok(String::new()),
        })
    }

    /// Decodes a message of the table into its JSON form.
    pub fn message(&mut self, index: usize, part: Part<'_>) -> Result<Value, ProtoError> {
        if self.path.len() >= MAX_DEPTH {
            return Err(ProtoError::TooDeep { field: self.field_path(), max: MAX_DEPTH });
        }
        let message = self.table.message(index);
        if let Some(special) = message.special {
            return self.special(index, special, part);
        }
        let mut object = Map::new();
        self.fields_into(index, part, &mut object)?;
        Ok(Value::Object(object))
    }

    fn fields_into(&mut self, index: usize, part: Part<'_>, object: &mut Map<String, Value>) -> Result<(), ProtoError> {
        let table = self.table;
        for field in part.fields() {
            let (tag, value) = field?;
            let Some(field) = table.message(index).fields.get(&tag) else { continue };
            self.within(field.json.clone(), |d| d.field(field, value, object))?;
        }
        Ok(())
    }

    fn field(
        &mut self,
        field: &Field,
        value: wire::Value<'_>,
        object: &mut Map<String, Value>,
    ) -> Result<(), ProtoError> {
        match field.kind {
            Kind::Map(key, item) => {
                let Value::Object(map) = object.entry(field.json.clone()).or_insert_with(|| Value::Object(Map::new()))
                else {
                    return Ok(());
                };
                let (k, v) = self.map_entry(key, item, value)?;
                map.insert(k, v);
            }
            Kind::Single(item) if field.repeated => {
                let values = self.repeated(item, value, object.get(&field.json).map_or(0, array_len))?;
                match object.entry(field.json.clone()).or_insert_with(|| Value::Array(Vec::new())) {
                    Value::Array(array) => array.extend(values),
                    other => *other = Value::Array(values),
                }
            }
            Kind::Single(Item::Message(index)) if field.inline => {
                let part = self.bytes_of(value)?;
                self.path.pop();
                let merged = self.fields_into(index, part, object);
                self.path.push(field.json.clone());
                merged?;
            }
            Kind::Single(item) => {
                let decoded = self.item(item, value)?;
                if field.omit_empty && is_zero(&decoded) {
                    object.remove(&field.json);
                } else {
                    object.insert(field.json.clone(), decoded);
                }
            }
        }
        Ok(())
    }

    /// The values one wire field adds to a repeated field: one, or several when packed.
    fn repeated(&mut self, item: Item, value: wire::Value<'_>, first: usize) -> Result<Vec<Value>, ProtoError> {
        let (scalar, part, width) = match (item, value) {
            (Item::Scalar(s), wire::Value::Bytes(part)) if is_varint(s) => (s, part, 0),
            (Item::Scalar(s @ Scalar::Double), wire::Value::Bytes(part)) => (s, part, 8),
            (Item::Scalar(s @ Scalar::Float), wire::Value::Bytes(part)) => (s, part, 4),
            _ => return self.within(format!("[{first}]"), |d| Ok(vec![d.item(item, value)?])),
        };
        let raw: Vec<u64> = if width == 0 {
            part.packed_varints().collect::<Result<_, _>>()?
        } else {
            part.packed_fixed(width).collect::<Result<_, _>>()?
        };
        raw.into_iter()
            .enumerate()
            .map(|(i, v)| {
                let wire = match width {
                    0 => wire::Value::Varint(v),
                    4 => wire::Value::Fixed32(v as u32),
                    _ => wire::Value::Fixed64(v),
                };
                self.within(format!("[{}]", first + i), |d| d.scalar(scalar, wire))
            })
            .collect()
    }

    fn map_entry(&mut self, key: Scalar, item: Item, value: wire::Value<'_>) -> Result<(String, Value), ProtoError> {
        let part = self.bytes_of(value)?;
        let (mut k, mut v) = (None, None);
        for field in part.fields() {
            match field? {
                (1, value) => k = Some(self.scalar(key, value)?),
                (2, value) => v = Some(value),
                _ => {}
            }
        }
        let k = match k {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let v = self.within(format!("[{k}]"), |d| match v {
            Some(value) => d.item(item, value),
            None => d.item(item, wire::Value::Bytes(Part::new(&[], part.at))),
        })?;
        Ok((k, v))
    }

    fn item(&mut self, item: Item, value: wire::Value<'_>) -> Result<Value, ProtoError> {
        match item {
            Item::Scalar(scalar) => self.scalar(scalar, value),
            Item::Message(index) => {
                let part = self.bytes_of(value)?;
                self.message(index, part)
            }
        }
    }

    fn bytes_of<'a>(&self, value: wire::Value<'a>) -> Result<Part<'a>, ProtoError> {
        match value {
            wire::Value::Bytes(part) => Ok(part),
            other => Err(self.wrong_wire("length-delimited", other)),
        }
    }

    fn wrong_wire(&self, expected: &'static str, got: wire::Value<'_>) -> ProtoError {
        ProtoError::WrongWireType { field: self.field_path(), expected, got: got.wire_name() }
    }

    pub fn scalar(&self, scalar: Scalar, value: wire::Value<'_>) -> Result<Value, ProtoError> {
        Ok(match (scalar, value) {
            (Scalar::String, wire::Value::Bytes(part)) => Value::String(self.utf8(part)?.to_string()),
            (Scalar::Bytes, wire::Value::Bytes(part)) => Value::String(STANDARD.encode(part.bytes)),
            (Scalar::Bool, wire::Value::Varint(v)) => Value::Bool(v != 0),
            (Scalar::Int32, wire::Value::Varint(v)) => Value::from(v as i32),
            (Scalar::Int64, wire::Value::Varint(v)) => Value::from(v as i64),
            (Scalar::Uint32, wire::Value::Varint(v)) => Value::from(v as u32),
            (Scalar::Uint64, wire::Value::Varint(v)) => Value::from(v),
            (Scalar::Double, wire::Value::Fixed64(v)) => self.float(f64::from_bits(v))?,
            (Scalar::Float, wire::Value::Fixed32(v)) => self.float(f64::from(f32::from_bits(v)))?,
            (Scalar::String | Scalar::Bytes, other) => return Err(self.wrong_wire("length-delimited", other)),
            (Scalar::Double, other) => return Err(self.wrong_wire("fixed64", other)),
            (Scalar::Float, other) => return Err(self.wrong_wire("fixed32", other)),
            (_, other) => return Err(self.wrong_wire("varint", other)),
        })
    }

    fn float(&self, f: f64) -> Result<Value, ProtoError> {
        Number::from_f64(f).map(Value::Number).ok_or_else(|| ProtoError::NotFinite { field: self.field_path() })
    }

    pub fn utf8<'a>(&self, part: Part<'a>) -> Result<&'a str, ProtoError> {
        std::str::from_utf8(part.bytes).map_err(|_| ProtoError::BadUtf8 { field: self.field_path() })
    }

    /// Messages with a JSON form of their own (see `Special`).
    fn special(&mut self, index: usize, special: Special, part: Part<'_>) -> Result<Value, ProtoError> {
        let fields: Vec<(u32, wire::Value<'_>)> = part.fields().collect::<Result<_, _>>()?;
        let last = |tag: u32| fields.iter().rev().find(|(t, _)| *t == tag).map(|(_, v)| *v);
        let varint = |tag: u32| match last(tag) {
            Some(wire::Value::Varint(v)) => Ok(v),
            None => Ok(0),
            Some(other) => Err(self.wrong_wire("varint", other)),
        };
        let string = |tag: u32| -> Result<Option<String>, ProtoError> {
            last(tag).map(|v| self.bytes_of(v).and_then(|p| Ok(self.utf8(p)?.to_string()))).transpose()
        };
        Ok(match special {
            Special::Time | Special::MicroTime if fields.is_empty() => Value::Null,
            Special::Time => Value::String(self.time(varint(1)? as i64, None)?),
            Special::MicroTime => Value::String(self.time(varint(1)? as i64, Some(varint(2)? as i32))?),
            Special::Duration => Value::String(go_duration(varint(1)? as i64)),
            Special::Quantity => Value::String(string(1)?.unwrap_or_else(|| "0".to_string())),
            Special::IntOrString => match varint(1)? {
                1 => Value::String(string(3)?.unwrap_or_default()),
                _ => Value::from(varint(2)? as i32),
            },
            Special::Raw => match last(1) {
                Some(v) => self.raw_json(self.bytes_of(v)?)?,
                None => Value::Null,
            },
            Special::Items => Value::Array(
                fields
                    .iter()
                    .filter(|(t, _)| *t == 1)
                    .map(|(_, v)| self.scalar(Scalar::String, *v))
                    .collect::<Result<_, _>>()?,
            ),
            Special::OrArray | Special::OrBool | Special::OrStringArray => self.schema_or(index, special, &fields)?,
        })
    }

    /// apiextensions' JSONSchemaPropsOr{Array,Bool,StringArray}: a schema, or the other form.
    fn schema_or(
        &mut self,
        index: usize,
        special: Special,
        fields: &[(u32, wire::Value<'_>)],
    ) -> Result<Value, ProtoError> {
        let own = self.table.message(index);
        let (schema_tag, other_tag) = if special == Special::OrBool { (2, 1) } else { (1, 2) };
        let schema_kind = own.fields.get(&schema_tag).map(|f| f.kind);
        let mut schema = None;
        let mut others = Vec::new();
        for &(tag, value) in fields {
            if tag == schema_tag {
                if let Some(Kind::Single(item)) = schema_kind {
                    schema = Some(self.item(item, value)?);
                }
            } else if tag == other_tag {
                others.push(value);
            }
        }
        Ok(match special {
            Special::OrBool => match (schema, others.last()) {
                (Some(schema), _) => schema,
                (None, Some(wire::Value::Varint(allows))) => Value::Bool(*allows != 0),
                (None, Some(other)) => return Err(self.wrong_wire("varint", *other)),
                (None, None) => Value::Bool(false),
            },
            _ if others.is_empty() => schema.unwrap_or(Value::Null),
            Special::OrArray => {
                let Some(Kind::Single(item)) = own.fields.get(&other_tag).map(|f| f.kind) else {
                    return Ok(Value::Null);
                };
                Value::Array(others.into_iter().map(|v| self.item(item, v)).collect::<Result<_, _>>()?)
            }
            _ => Value::Array(others.into_iter().map(|v| self.scalar(Scalar::String, v)).collect::<Result<_, _>>()?),
        })
    }

    /// Embedded JSON (RawExtension, apiextensions JSON, FieldsV1); an embedded protobuf
    /// object (with the `k8s\0` prefix) is decoded too.
    fn raw_json(&mut self, part: Part<'_>) -> Result<Value, ProtoError> {
        if part.bytes.is_empty() {
            return Ok(Value::Null);
        }
        if part.bytes.starts_with(super::MAGIC) {
            return self.envelope(part);
        }
        serde_json::from_slice(part.bytes).map_err(|source| ProtoError::BadJson { field: self.field_path(), source })
    }

    /// RFC 3339 in UTC: whole seconds for Time, microseconds for MicroTime (as Go writes them).
    fn time(&self, seconds: i64, nanos: Option<i32>) -> Result<String, ProtoError> {
        // 0000-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z, what RFC 3339 can write.
        if !(-62_167_219_200..=253_402_300_799).contains(&seconds)
            || nanos.is_some_and(|n| !(0..1_000_000_000).contains(&n))
        {
            return Err(ProtoError::TimeOutOfRange { field: self.field_path(), seconds });
        }
        let whole = crate::time::format_rfc3339(seconds);
        Ok(match nanos {
            None => whole,
            Some(n) => format!("{}.{:06}Z", whole.trim_end_matches('Z'), n / 1000),
        })
    }
}

fn is_zero(value: &Value) -> bool {
    match value {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

fn array_len(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

fn is_varint(scalar: Scalar) -> bool {
    matches!(scalar, Scalar::Bool | Scalar::Int32 | Scalar::Int64 | Scalar::Uint32 | Scalar::Uint64)
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn go_duration(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".to_string();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    let frac = |value: u64, unit: u64| {
        let (whole, rest) = (value / unit, value % unit);
        let digits = unit.ilog10() as usize;
        let rest = format!("{rest:0digits$}");
        let rest = rest.trim_end_matches('0');
        if rest.is_empty() { whole.to_string() } else { format!("{whole}.{rest}") }
    };
    let body = match n {
        n if n < 1_000 => format!("{n}ns"),
        n if n < 1_000_000 => format!("{}µs", frac(n, 1_000)),
        n if n < 1_000_000_000 => format!("{}ms", frac(n, 1_000_000)),
        n => {
            let (h, rest) = (n / 3_600_000_000_000, n % 3_600_000_000_000);
            let (m, s) = (rest / 60_000_000_000, rest % 60_000_000_000);
            let secs = format!("{}s", frac(s, 1_000_000_000));
            match (h, m) {
                (0, 0) => secs,
                (0, m) => format!("{m}m{secs}"),
                (h, m) => format!("{h}h{m}m{secs}"),
            }
        }
    };
    format!("{sign}{body}")
}
