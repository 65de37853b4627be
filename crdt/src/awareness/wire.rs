//! Awareness on the wire: frames, the byte reader for updates, and the checks on a
//! state's JSON.

use super::*;

/// Wraps an awareness update in its frame: `varUint(1) • varUint8Array(update)`.
pub fn frame_awareness(update: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(update.len() + 6);
    out.write_var(MESSAGE_AWARENESS);
    out.write_buf(update);
    out
}

/// The frame asking a peer for every awareness state it knows: `varUint(3)`.
pub fn query_awareness_frame() -> Vec<u8> {
    let mut out = Vec::with_capacity(1);
    out.write_var(MESSAGE_QUERY_AWARENESS);
    out
}

/// The outer message type of a frame and the bytes after it.
pub fn frame_type(frame: &[u8]) -> Result<(u64, &[u8]), AwarenessError> {
    let mut r = Reader::new(frame);
    let kind = r.var_uint()?;
    Ok((kind, r.rest()))
}

/// The update inside an awareness frame (type 1). Bytes after it are ignored, as
/// JavaScript peers do.
pub fn unframe_awareness(frame: &[u8]) -> Result<&[u8], AwarenessError> {
    let mut r = Reader::new(frame);
    if r.var_uint()? != MESSAGE_AWARENESS {
        return Err(AwarenessError::Undecodable("not an awareness frame"));
    }
    let len = r.var_uint()?;
    r.take(len)
}

/// Our clock, one up; it stops at the largest clock a peer takes.
pub(super) fn bump(clock: u64) -> u64 {
    (clock + 1).min(MAX_CLOCK + 1)
}

pub(super) enum Parsed {
    Null,
    Object,
}

pub(super) fn parse_state(client: u32, json: &str) -> Result<Parsed, AwarenessError> {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Null) => Ok(Parsed::Null),
        Ok(serde_json::Value::Object(_)) => Ok(Parsed::Object),
        Ok(_) => Err(AwarenessError::NotAnObject { client }),
        Err(e) => Err(AwarenessError::BadJson {
            client,
            reason: e.to_string(),
        }),
    }
}

/// Checks a local state: a JSON object within the length limit.
pub(super) fn check_state(
    client: u32,
    json: &str,
    limits: &AwarenessLimits,
) -> Result<(), AwarenessError> {
    if json.len() > limits.max_state_len {
        return Err(AwarenessError::StateTooLong {
            client,
            len: json.len(),
        });
    }
    match parse_state(client, json)? {
        Parsed::Object => Ok(()),
        Parsed::Null => Err(AwarenessError::NotAnObject { client }),
    }
}

/// Deep equality of two JSON texts (key order and spacing do not matter), as
/// awareness.js compares states; texts that are equal are equal without parsing.
pub(super) fn same_json(a: &str, b: &str) -> bool {
    a == b
        || matches!(
            (serde_json::from_str::<serde_json::Value>(a), serde_json::from_str::<serde_json::Value>(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// A lib0 decoder over untrusted bytes: never panics, never allocates by a length it
/// read before checking the length against the input.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    pub(super) fn rest(&self) -> &'a [u8] {
        &self.bytes[self.pos..]
    }

    /// lib0 `readVarUint`: 7 bits a byte, low first; above 2^53 − 1 it is out of range.
    pub(super) fn var_uint(&mut self) -> Result<u64, AwarenessError> {
        let mut num: u64 = 0;
        let mut shift = 0u32;
        loop {
            let Some(&byte) = self.bytes.get(self.pos) else {
                return Err(AwarenessError::Undecodable("unexpected end of input"));
            };
            self.pos += 1;
            num |= u64::from(byte & 0x7f) << shift;
            if num > (1 << 53) - 1 {
                return Err(AwarenessError::Undecodable("integer out of range"));
            }
            if byte < 0x80 {
                return Ok(num);
            }
            shift += 7;
            if shift > 49 {
                return Err(AwarenessError::Undecodable("integer out of range"));
            }
        }
    }

    pub(super) fn take(&mut self, len: u64) -> Result<&'a [u8], AwarenessError> {
        let rest = self.rest();
        if len > rest.len() as u64 {
            return Err(AwarenessError::Undecodable("unexpected end of input"));
        }
        let len = len as usize;
        self.pos += len;
        Ok(&rest[..len])
    }

    /// lib0 `readVarString`, refusing texts over `max` bytes and invalid UTF-8.
    pub(super) fn var_string(
        &mut self,
        max: usize,
        client: u32,
    ) -> Result<&'a str, AwarenessError> {
        let len = self.var_uint()?;
        if len > max as u64 {
            return Err(AwarenessError::StateTooLong {
                client,
                len: usize::try_from(len).unwrap_or(usize::MAX),
            });
        }
        std::str::from_utf8(self.take(len)?)
            .map_err(|_| AwarenessError::Undecodable("state is not UTF-8"))
    }
}
