//! The protobuf wire format, bounds-checked: varints, fixed 32/64-bit values and
//! length-delimited payloads, read as a sequence of fields. Offsets in errors are absolute
//! (bytes from the start of the request body), so a message can say where a body broke.

use super::ProtoError;

/// One field as it appears on the wire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(Part<'a>),
}

impl Value<'_> {
    /// How the wire type is called in error messages.
    pub fn wire_name(&self) -> &'static str {
        match self {
            Value::Varint(_) => "varint",
            Value::Fixed64(_) => "fixed64",
            Value::Fixed32(_) => "fixed32",
            Value::Bytes(_) => "length-delimited",
        }
    }
}

/// A slice of the body and where it starts in the body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part<'a> {
    pub bytes: &'a [u8],
    pub at: usize,
}

impl<'a> Part<'a> {
    pub fn new(bytes: &'a [u8], at: usize) -> Self {
        Part { bytes, at }
    }

    /// The fields of the message this part holds, in wire order.
    pub fn fields(self) -> Fields<'a> {
        Fields { reader: Reader { part: self, pos: 0 } }
    }

    /// The varints of a packed repeated field.
    pub fn packed_varints(self) -> impl Iterator<Item = Result<u64, ProtoError>> + 'a {
        let mut reader = Reader { part: self, pos: 0 };
        std::iter::from_fn(move || reader.next_packed(Reader::varint))
    }

    /// The fixed-width values (4 or 8 bytes, little-endian) of a packed repeated field.
    pub fn packed_fixed(self, width: usize) -> impl Iterator<Item = Result<u64, ProtoError>> + 'a {
        let mut reader = Reader { part: self, pos: 0 };
        std::iter::from_fn(move || reader.next_packed(|r| r.fixed(width)))
    }
}

/// Iterates `(tag, value)` over a message; stops after the first error.
#[derive(Debug)]
pub struct Fields<'a> {
    reader: Reader<'a>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), ProtoError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.reader.done() {
            return None;
        }
        let item = self.reader.field();
        if item.is_err() {
            self.reader.pos = self.reader.part.bytes.len();
        }
        Some(item)
    }
}

#[derive(Debug)]
struct Reader<'a> {
    part: Part<'a>,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.pos >= self.part.bytes.len()
    }

    /// The next value of a packed field; nothing more after an error.
    fn next_packed(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<u64, ProtoError>,
    ) -> Option<Result<u64, ProtoError>> {
        if self.done() {
            return None;
        }
        let value = read(self);
        if value.is_err() {
            self.pos = self.part.bytes.len();
        }
        Some(value)
    }

    fn at(&self) -> usize {
        self.part.at + self.pos
    }

    fn field(&mut self) -> Result<(u32, Value<'a>), ProtoError> {
        let at = self.at();
        let key = self.varint()?;
        let tag = key >> 3;
        if tag == 0 || tag > u64::from(u32::MAX >> 3) {
            return Err(ProtoError::BadTag { at });
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => Value::Fixed64(self.fixed(8)?),
            2 => {
                let len = self.varint()?;
                let start = self.pos;
                let len = usize::try_from(len).map_err(|_| ProtoError::Truncated { at: self.at() })?;
                let bytes = self.take(len)?;
                Value::Bytes(Part::new(bytes, self.part.at + start))
            }
            5 => Value::Fixed32(self.fixed(4)? as u32),
            wire => return Err(ProtoError::BadWireType { at, wire: wire as u8 }),
        };
        Ok((tag as u32, value))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], ProtoError> {
        let end = self.pos.checked_add(len).filter(|&end| end <= self.part.bytes.len());
        let end = end.ok_or(ProtoError::Truncated { at: self.at() })?;
        let bytes = &self.part.bytes[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn varint(&mut self) -> Result<u64, ProtoError> {
        let at = self.at();
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let Some(&byte) = self.part.bytes.get(self.pos) else {
                return Err(ProtoError::Truncated { at: self.at() });
            };
            self.pos += 1;
            if shift == 63 && byte > 1 {
                return Err(ProtoError::VarintOverflow { at });
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ProtoError::VarintOverflow { at })
    }

    fn fixed(&mut self, width: usize) -> Result<u64, ProtoError> {
        let bytes = self.take(width)?;
        Ok(bytes.iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(bytes: &[u8]) -> Vec<Result<(u32, Value<'_>), ProtoError>> {
        Part::new(bytes, 0).fields().collect()
    }

    #[test]
    fn reads_each_wire_type() {
        let body = [0x08, 0x96, 0x01, 0x11, 1, 0, 0, 0, 0, 0, 0, 0, 0x1a, 2, b'h', b'i', 0x25, 2, 0, 0, 0];
        let got: Vec<_> = fields(&body).into_iter().map(Result::unwrap).collect();
        assert_eq!(got[0], (1, Value::Varint(150)));
        assert_eq!(got[1], (2, Value::Fixed64(1)));
        assert_eq!(got[2], (3, Value::Bytes(Part::new(b"hi", 14))));
        assert_eq!(got[3], (4, Value::Fixed32(2)));
    }

    #[test]
    fn ten_byte_varints_decode_and_eleven_overflow() {
        let minus_one = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(fields(&minus_one)[0].as_ref().unwrap().1, Value::Varint(u64::MAX));
        let long = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert!(matches!(fields(&long)[0], Err(ProtoError::VarintOverflow { at: 1 })));
    }

    #[test]
    fn truncation_and_bad_keys_are_errors_with_offsets() {
        assert!(matches!(fields(&[0x0a, 5, b'a'])[0], Err(ProtoError::Truncated { at: 2 })));
        assert!(matches!(fields(&[0x08])[0], Err(ProtoError::Truncated { at: 1 })));
        assert!(matches!(fields(&[0x0b])[0], Err(ProtoError::BadWireType { at: 0, wire: 3 })));
        assert!(matches!(fields(&[0x00])[0], Err(ProtoError::BadTag { at: 0 })));
        let huge_len = [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert!(matches!(fields(&huge_len)[0], Err(ProtoError::Truncated { .. })));
    }

    #[test]
    fn packed_values_read_back() {
        let varints: Vec<_> = Part::new(&[1, 0x96, 0x01, 3], 0).packed_varints().map(Result::unwrap).collect();
        assert_eq!(varints, [1, 150, 3]);
        let fixed: Vec<_> = Part::new(&[1, 0, 0, 0, 2, 0, 0, 0], 0).packed_fixed(4).map(Result::unwrap).collect();
        assert_eq!(fixed, [1, 2]);
        assert!(Part::new(&[1, 0, 0], 0).packed_fixed(4).any(|r| r.is_err()));
    }
}
