//! Socket.IO protocol v5 packet codec, validating as socket.io-parser 4.x.
//!
//! Wire format: `<type>[<attachments>-][<nsp>,][<id>][<json>]`. The core
//! decides from the header ([`decode_header`]); a payload is the runtime's
//! to parse (`Payloads`), under the rules of [`check_body`], which
//! [`decode`] and the Rust runtime apply with the JSON scanner in one
//! iterative pass (kind per packet type, event name, nesting depth, binary
//! placeholders `{"_placeholder":true,"num":N}`), keeping the text as is.
//!
//! Deliberately stricter than socket.io-parser, on input no conforming peer
//! sends: a missing payload is rejected where the Socket.IO v5 spec says it
//! MUST be present (EVENT, ACK, CONNECT_ERROR); the type, attachment count and
//! ack id must be ASCII digits (an ack id must fit a `u64`, in at most 20
//! digits); an event name must not hold a lone surrogate; a placeholder's
//! `num` must be an integer index of the attachments (socket.io-parser
//! indexes with any number), and a placeholder nested in a placeholder is
//! checked too. Not checked: a placeholder in a value `JSON.parse` drops (an
//! earlier value of a repeated key), which no runtime reconstructs.

use super::error::DecodeError;
use super::json::{self, Event, Kind, Scanner};
use crate::prelude::*;

mod body;
pub use body::{check_body, is_reserved};

/// Event names a peer must not send: they have a special meaning.
pub const RESERVED_EVENTS: [&str; 6] = [
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// The Socket.IO packet type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketType {
    /// `0`
    Connect = 0,
    /// `1`
    Disconnect = 1,
    /// `2`
    Event = 2,
    /// `3`
    Ack = 3,
    /// `4`
    ConnectError = 4,
    /// `5`
    BinaryEvent = 5,
    /// `6`
    BinaryAck = 6,
}

impl PacketType {
    /// The type for a wire digit `0`-`6` given as a number.
    pub fn from_u8(n: u8) -> Option<PacketType> {
        Some(match n {
            0 => PacketType::Connect,
            1 => PacketType::Disconnect,
            2 => PacketType::Event,
            3 => PacketType::Ack,
            4 => PacketType::ConnectError,
            5 => PacketType::BinaryEvent,
            6 => PacketType::BinaryAck,
            _ => return None,
        })
    }

    /// Whether packets of this type carry binary attachments.
    pub fn is_binary(self) -> bool {
        matches!(self, PacketType::BinaryEvent | PacketType::BinaryAck)
    }

    /// Whether this is EVENT or BINARY_EVENT.
    pub fn is_event(self) -> bool {
        matches!(self, PacketType::Event | PacketType::BinaryEvent)
    }
}

/// One Socket.IO packet, payload kept as raw JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The packet type, as on the wire (binary types are not folded into
    /// EVENT/ACK: see [`PacketType::is_event`]).
    pub kind: PacketType,
    /// The namespace (`"/"` by default). It must not contain `,` (the wire
    /// format has no escape for it).
    pub nsp: String,
    /// The ack id, if any.
    pub id: Option<u64>,
    /// The raw JSON payload, if any.
    pub data: Option<String>,
    /// The number of binary attachments (binary types only, at least 1).
    pub attachments: usize,
}

/// Decoder limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum attachments of one binary packet (socket.io-parser: 10).
    pub max_attachments: usize,
    /// Maximum JSON nesting depth of a payload.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_attachments: 10,
            max_depth: json::DEFAULT_MAX_DEPTH,
        }
    }
}

/// Encodes a packet's text part: `<type>[<attachments>-][<nsp>,][<id>][<json>]`
/// (the namespace is omitted when it is `/` or empty).
pub fn encode(packet: &Packet) -> String {
    let mut s = encode_header(packet.kind, &packet.nsp, packet.id, packet.attachments);
    s.push_str(packet.data.as_deref().unwrap_or_default());
    s
}

/// A packet's header: `<type>[<attachments>-][<nsp>,][<id>]` (the namespace
/// is omitted when it is `/` or empty), what precedes its JSON payload.
pub fn encode_header(kind: PacketType, nsp: &str, id: Option<u64>, attachments: usize) -> String {
    let mut s = String::with_capacity(24 + nsp.len());
    s.push(char::from(b'0' + kind as u8));
    if kind.is_binary() {
        json::write_u64(&mut s, attachments as u64);
        s.push('-');
    }
    if !nsp.is_empty() && nsp != "/" {
        s.push_str(nsp);
        s.push(',');
    }
    if let Some(id) = id {
        json::write_u64(&mut s, id);
    }
    s
}

/// A packet's header, decoded from the start of its text: what the core
/// decides on. The payload after it is the runtime's to parse (see
/// [`crate::proto::Payloads::parse`]), against [`check_body`]'s rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// The packet type.
    pub kind: PacketType,
    /// The number of binary attachments (binary types only, at least 1).
    pub attachments: usize,
    /// The namespace (`"/"` when absent); `None` when it runs past the end
    /// of a text that is only the head of the packet: a namespace longer
    /// than the head allows for, so none of the client's.
    pub nsp: Option<&'a str>,
    /// The ack id, if any.
    pub id: Option<u64>,
    /// Byte index of the payload (the text's length when there is none).
    pub body: usize,
}

/// Most decimal digits of an attachment count or an ack id (a `u64`).
const MAX_DIGITS: usize = 20;

/// The longest header of a packet for a namespace of `nsp_len` bytes, plus
/// the payload's first byte: a head of this length always shows where the
/// payload of such a packet starts.
pub const fn header_len(nsp_len: usize) -> usize {
    1 + (MAX_DIGITS + 1) + nsp_len + 1 + MAX_DIGITS + 1
}

/// Decodes a packet's header from `text`, which is the whole packet when
/// `whole`, else at least its first [`header_len`] bytes for every
/// namespace of interest.
///
/// A head decides as the whole text would: a head that names a namespace
/// gives exactly the whole text's header, and one of at least
/// `header_len(n.len())` bytes names `n` whenever the whole text does. When
/// it cannot tell (the namespace or the ack id runs to its end) it says
/// `nsp: None`, still with the whole text's kind and attachments (so a
/// binary packet dropped for that still takes its attachments). An
/// attachment count, like an ack id, is at most 20 digits (stricter than
/// socket.io-parser, which takes any zero padding) so that a head of
/// [`header_len`] always holds it whole.
pub fn decode_header<'a>(
    text: &'a str,
    whole: bool,
    limits: &Limits,
) -> Result<Header<'a>, DecodeError> {
    let b = text.as_bytes();
    let first = *b.first().ok_or(DecodeError::Empty)?;
    let kind = first
        .checked_sub(b'0')
        .and_then(PacketType::from_u8)
        .ok_or(DecodeError::UnknownType)?;
    let mut i = 1;

    // attachments: one or more digits, then '-'
    let mut attachments = 0usize;
    if kind.is_binary() {
        let start = i;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            attachments = attachments
                .saturating_mul(10)
                .saturating_add(usize::from(c - b'0'));
            i += 1;
            if i - start > MAX_DIGITS {
                // A head holds only MAX_DIGITS digits and the '-': the
                // verdict must not need more, or a head cut inside a
                // zero-padded count would fail a packet the whole text
                // accepts. Too many when the digits read say so already
                // (as socket.io-parser would), else malformed.
                return Err(if attachments > limits.max_attachments {
                    DecodeError::TooManyAttachments
                } else {
                    DecodeError::BadAttachments
                });
            }
        }
        if i == start || b.get(i) != Some(&b'-') || attachments == 0 {
            return Err(DecodeError::BadAttachments);
        }
        if attachments > limits.max_attachments {
            return Err(DecodeError::TooManyAttachments);
        }
        i += 1;
    }

    // namespace: from '/' up to ',' (consumed) or the end of the text
    let mut nsp = Some("/");
    if b.get(i) == Some(&b'/') {
        let rest = text.get(i..).unwrap_or_default();
        // A byte search: `str::find` keeps a panic path (and its message
        // formatting) in the wasm.
        match rest.bytes().position(|c| c == b',') {
            Some(len) => {
                nsp = rest.get(..len);
                i += len + 1;
            }
            None if whole => {
                nsp = Some(rest);
                i = text.len();
            }
            None => {
                nsp = None;
                i = text.len();
            }
        }
    }

    // ack id: digits
    let mut id = None;
    let start = i;
    while let Some(&c @ b'0'..=b'9') = b.get(i) {
        let n: u64 = id.unwrap_or(0);
        id = Some(
            n.checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(c - b'0')))
                .ok_or(DecodeError::BadAckId)?,
        );
        i += 1;
        if i - start > MAX_DIGITS {
            return Err(DecodeError::BadAckId);
        }
    }
    if !whole && i >= text.len() {
        // The head ends before the payload does: not a packet of ours.
        nsp = None;
    }
    Ok(Header {
        kind,
        attachments,
        nsp,
        id,
        body: i,
    })
}

/// Decodes and validates one packet's text part.
pub fn decode(text: &str, limits: &Limits) -> Result<Packet, DecodeError> {
    let h = decode_header(text, true, limits)?;
    let rest = text.get(h.body..).unwrap_or_default();
    check_body(h.kind, rest, limits, h.attachments)?;
    Ok(Packet {
        kind: h.kind,
        nsp: String::from(h.nsp.unwrap_or("/")),
        id: h.id,
        data: (!rest.is_empty()).then(|| rest.to_owned()),
        attachments: h.attachments,
    })
}

/// A complete packet with its binary attachments, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The packet.
    pub packet: Packet,
    /// Its attachments (empty for non-binary packets).
    pub attachments: Vec<Vec<u8>>,
}

/// Reassembles binary packets from a text message and the binary messages
/// that follow it, as socket.io-parser's `Decoder`.
///
/// After any error the decoder is back in its initial state (the caller is
/// expected to close the connection, as socket.io-client does).
#[derive(Debug, Clone, Default)]
pub struct Decoder {
    limits: Limits,
    pending: Option<Decoded>,
}

impl Decoder {
    /// A decoder with the given limits.
    pub fn new(limits: Limits) -> Self {
        Decoder {
            limits,
            pending: None,
        }
    }

    /// Feeds a text message; returns a packet when it is complete (at once
    /// for non-binary packets). A text message while attachments are still
    /// expected is [`DecodeError::MissingAttachments`].
    pub fn push_text(&mut self, text: &str) -> Result<Option<Decoded>, DecodeError> {
        if self.pending.take().is_some() {
            return Err(DecodeError::MissingAttachments);
        }
        let packet = decode(text, &self.limits)?;
        let decoded = Decoded {
            attachments: Vec::with_capacity(packet.attachments),
            packet,
        };
        if decoded.packet.kind.is_binary() {
            self.pending = Some(decoded);
            Ok(None)
        } else {
            Ok(Some(decoded))
        }
    }

    /// Feeds a binary message; returns the packet when it is the last
    /// attachment. A binary message with no packet waiting for it is
    /// [`DecodeError::UnexpectedBinary`].
    pub fn push_binary(&mut self, bytes: Vec<u8>) -> Result<Option<Decoded>, DecodeError> {
        let pending = self.pending.as_mut().ok_or(DecodeError::UnexpectedBinary)?;
        pending.attachments.push(bytes);
        if pending.attachments.len() >= pending.packet.attachments {
            Ok(self.pending.take())
        } else {
            Ok(None)
        }
    }

    /// Whether a binary packet is waiting for attachments.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Drops any partially received packet (e.g. on transport close).
    pub fn reset(&mut self) {
        self.pending = None;
    }
}

/// The first token of the array `data` after its `[`, with the scanner.
fn first_element(data: &str) -> Result<Option<json::Token>, DecodeError> {
    let mut s = Scanner::new(data, usize::MAX);
    let root = s.next_token()?.ok_or(DecodeError::InvalidPayload)?;
    if root.kind != Kind::Array {
        return Err(DecodeError::InvalidPayload);
    }
    match s.next_token()? {
        Some(t) if t.event != Event::End => Ok(Some(t)),
        _ => Ok(None),
    }
}

/// The event name (first element) of an EVENT payload array, unescaped; a
/// numeric name is returned as written.
pub fn event_name(data: &str) -> Result<String, DecodeError> {
    match first_element(data)? {
        Some(t) if t.event == Event::Scalar && t.kind == Kind::String => {
            Ok(json::string_value(json::slice(data, t.range())?)?.into_owned())
        }
        Some(t) if t.event == Event::Scalar && t.kind == Kind::Number => {
            Ok(json::slice(data, t.range())?.to_owned())
        }
        _ => Err(DecodeError::InvalidPayload),
    }
}

/// The last argument of an EVENT payload array when it is a string (the
/// connection state recovery offset); `None` otherwise or if the payload is
/// not a valid array.
pub fn last_arg_string(data: &str) -> Option<String> {
    let elems = json::array_elements(data, usize::MAX).ok()?;
    let last = elems.get(1..)?.last()?.clone();
    json::parse_string(data.get(last)?).ok()
}

/// The CONNECT payload sent by the server: `{"sid":"..","pid":".."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectAck {
    /// The socket id.
    pub sid: String,
    /// The private session id (connection state recovery), if any.
    pub pid: Option<String>,
}

/// Parses the server's CONNECT payload: `sid` must be a non-empty string
/// (else it is a v2 server, as socket.io-client reports); `pid` is kept when
/// it is a string.
pub fn parse_connect(data: &str) -> Result<ConnectAck, DecodeError> {
    let mut sid = None;
    let mut pid = None;
    for (key, range) in json::object_members(data, usize::MAX)? {
        let value = json::slice(data, range)?;
        match key.as_str() {
            "sid" => sid = json::parse_string(value).ok(),
            "pid" => pid = json::parse_string(value).ok(),
            _ => {}
        }
    }
    match sid {
        Some(sid) if !sid.is_empty() => Ok(ConnectAck { sid, pid }),
        _ => Err(DecodeError::InvalidPayload),
    }
}

/// The CONNECT_ERROR payload: `{"message":"..","data":..}` or a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectErrorPayload {
    /// The error message (a string payload is the message itself; a
    /// non-string `message` is kept as its JSON text; missing: empty).
    pub message: String,
    /// The raw JSON of `data`, if any.
    pub data: Option<String>,
}

/// Parses a CONNECT_ERROR payload.
pub fn parse_connect_error(data: &str) -> Result<ConnectErrorPayload, DecodeError> {
    if json::validate(data, usize::MAX)? == Kind::String {
        return Ok(ConnectErrorPayload {
            message: json::parse_string(data)?,
            data: None,
        });
    }
    let mut out = ConnectErrorPayload {
        message: String::new(),
        data: None,
    };
    for (key, range) in json::object_members(data, usize::MAX)? {
        let value = json::slice(data, range)?;
        match key.as_str() {
            "message" => {
                out.message = json::parse_string(value).unwrap_or_else(|_| value.to_owned())
            }
            "data" => out.data = Some(value.to_owned()),
            _ => {}
        }
    }
    Ok(out)
}

/// `text` without JSON's whitespace around it (ASCII: no Unicode tables, as
/// `str::trim` would bring). Byte-wise: a `char` matcher would decode UTF-8
/// from both ends (0.7 KB of wasm); JSON's whitespace is ASCII, so the cuts
/// fall on character boundaries.
fn trim_json(text: &str) -> &str {
    let solid = |b: &u8| !matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let bytes = text.as_bytes();
    let start = bytes.iter().position(solid).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(solid).map_or(start, |i| i + 1);
    text.get(start..end).unwrap_or_default()
}

/// Builds a client CONNECT payload as socket.io-client does: with a private
/// session id, `{"pid":..,"offset":..}` followed by the members of `auth`
/// (a JSON object text, whose keys win on duplicates when parsed); without,
/// `auth` as is. `offset` is omitted when `None`.
pub fn connect_payload(
    auth: Option<&str>,
    pid: Option<&str>,
    offset: Option<&str>,
) -> Option<String> {
    let Some(pid) = pid else {
        return auth.map(str::to_owned);
    };
    let inner = auth
        .map(trim_json)
        .and_then(|a| a.strip_prefix('{'))
        .and_then(|a| a.strip_suffix('}'))
        .map(trim_json)
        .unwrap_or_default();
    let mut s = String::with_capacity(32 + pid.len() + inner.len());
    s.push_str("{\"pid\":");
    json::write_string(&mut s, pid);
    if let Some(offset) = offset {
        s.push_str(",\"offset\":");
        json::write_string(&mut s, offset);
    }
    if !inner.is_empty() {
        s.push(',');
        s.push_str(inner);
    }
    s.push('}');
    Some(s)
}

#[cfg(test)]
mod tests;
