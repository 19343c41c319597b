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
#[allow(unused_imports)]
use crate::prelude::*;

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

    /// Whether this is ACK or BINARY_ACK.
    pub fn is_ack(self) -> bool {
        matches!(self, PacketType::Ack | PacketType::BinaryAck)
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

/// Validates the payload `body` of a packet of `kind` with `attachments`:
/// present where the Socket.IO v5 spec says it MUST be (EVENT, ACK,
/// CONNECT_ERROR) and absent from DISCONNECT; the root's kind per packet
/// type; a first element that is a number or a non-reserved string for
/// events; placeholder indexes below the attachment count; and, as this
/// scanner's own bound, nesting depth ([`Limits::max_depth`]).
pub fn check_body(
    kind: PacketType,
    body: &str,
    limits: &Limits,
    attachments: usize,
) -> Result<(), DecodeError> {
    if body.is_empty() {
        return match kind {
            PacketType::Connect | PacketType::Disconnect => Ok(()),
            _ => Err(DecodeError::InvalidPayload),
        };
    }
    check_payload(kind, body, limits, attachments)
}

/// Whether the first element of the JSON array `data` is a reserved event
/// name (a prefix test, for `JSON.stringify` output).
pub fn is_reserved(data: &str) -> bool {
    let Some(rest) = data.trim_start().strip_prefix('[') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix('"') else {
        return false;
    };
    RESERVED_EVENTS.iter().any(|name| {
        rest.strip_prefix(name)
            .is_some_and(|after| after.starts_with('"'))
    })
}

/// Per open container while checking placeholders.
#[derive(Default)]
struct Level<'a> {
    object: bool,
    /// The last `_placeholder` member is `true`.
    placeholder: bool,
    /// The last `num` member is an integer below the attachment count.
    num_ok: bool,
    /// Which member the next value belongs to: 0 other, 1 `_placeholder`, 2 `num`.
    key: u8,
    /// The key token of the member being read.
    member: &'a str,
    /// The keys of the members whose value holds a bad placeholder. A later
    /// member with the same key drops its key from here: `JSON.parse` keeps
    /// only the last value of a repeated key, and a placeholder it never
    /// reconstructs is no error (as in socket.io-parser and js/codec.ts).
    bad_members: Vec<&'a str>,
    /// An element holds a bad placeholder (arrays have no repeated keys).
    bad_element: bool,
}

impl Level<'_> {
    /// Whether this container, just closed, holds a bad placeholder, or is one.
    fn bad(&self) -> bool {
        self.bad_element
            || !self.bad_members.is_empty()
            || (self.object && self.placeholder && !self.num_ok)
    }
}

fn key_is(raw: &str, quoted: &str) -> bool {
    raw == quoted
        || (raw.contains('\\')
            && json::parse_string(raw)
                .is_ok_and(|k| Some(k.as_str()) == quoted.get(1..quoted.len() - 1)))
}

/// A JSON number whose value is an integer below `n` ([`json::parse_count`]).
fn index_below(raw: &str, n: usize) -> bool {
    json::parse_count(raw).is_ok_and(|v| v < n as u64)
}

/// Validates a payload for `kind` as socket.io-parser's `isPayloadValid`,
/// plus JSON depth and, for binary packets, placeholder indexes, in one pass.
fn check_payload(
    kind: PacketType,
    text: &str,
    limits: &Limits,
    attachments: usize,
) -> Result<(), DecodeError> {
    let mut s = Scanner::new(text, limits.max_depth);
    let root = s
        .next_token()?
        .ok_or(DecodeError::Json(json::JsonError::UnexpectedEnd))?;
    let root_ok = match kind {
        PacketType::Connect => root.kind == Kind::Object,
        PacketType::Disconnect => false,
        PacketType::ConnectError => matches!(root.kind, Kind::Object | Kind::String),
        _ => root.kind == Kind::Array,
    };
    if !root_ok {
        return Err(DecodeError::InvalidPayload);
    }
    let mut name_pending = kind.is_event();
    let mut levels: Vec<Level<'_>> = Vec::new();
    let mut token = Some(root);
    while let Some(t) = token {
        if !name_pending && attachments == 0 {
            // Nothing left to look at but validity (depth, syntax, trailing
            // data): scan on without slicing each token (the receive path's
            // hot loop).
            s.finish()?;
            return Ok(());
        }
        let raw = json::slice(text, t.range())?;
        if name_pending && t.event != Event::Begin {
            // the token after the root `[`: the event name
            name_pending = false;
            match (t.event, t.kind) {
                (Event::Scalar, Kind::Number) => {}
                (Event::Scalar, Kind::String) => {
                    // A name with a lone surrogate escape is valid JSON but
                    // cannot be a Rust string: reject it so that every decoded
                    // event has a name `event_name` can read.
                    if RESERVED_EVENTS.contains(&&*json::string_value(raw)?) {
                        return Err(DecodeError::ReservedEventName);
                    }
                }
                _ => return Err(DecodeError::InvalidPayload),
            }
        } else if name_pending && s.depth() > 1 {
            return Err(DecodeError::InvalidPayload);
        }
        if attachments > 0 {
            if let (Event::Begin | Event::Scalar, Some(top)) = (t.event, levels.last_mut()) {
                let scalar = t.event == Event::Scalar;
                match top.key {
                    1 => top.placeholder = scalar && raw == "true",
                    2 => top.num_ok = scalar && index_below(raw, attachments),
                    _ => {}
                }
                top.key = 0;
            }
            match t.event {
                Event::Begin => levels.push(Level {
                    object: t.kind == Kind::Object,
                    ..Level::default()
                }),
                Event::Key => {
                    if let Some(top) = levels.last_mut() {
                        if !top.bad_members.is_empty() {
                            top.bad_members.retain(|k| !json::same_string(k, raw));
                        }
                        top.member = raw;
                        top.key = if key_is(raw, "\"_placeholder\"") {
                            1
                        } else if key_is(raw, "\"num\"") {
                            2
                        } else {
                            0
                        };
                    }
                }
                Event::End => {
                    if levels.pop().is_some_and(|l| l.bad()) {
                        // Known bad once the root is: until then a later
                        // member of the same key may replace the value.
                        match levels.last_mut() {
                            Some(parent) if parent.object => parent.bad_members.push(parent.member),
                            Some(parent) => parent.bad_element = true,
                            None => return Err(DecodeError::BadPlaceholder),
                        }
                    }
                }
                Event::Scalar => {}
            }
        }
        token = s.next_token()?;
    }
    Ok(())
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
/// `str::trim` would bring).
fn trim_json(text: &str) -> &str {
    text.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'))
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
mod tests {
    use super::*;

    fn d(s: &str) -> Result<Packet, DecodeError> {
        decode(s, &Limits::default())
    }

    fn p(kind: PacketType, nsp: &str, id: Option<u64>, data: Option<&str>, att: usize) -> Packet {
        Packet {
            kind,
            nsp: nsp.into(),
            id,
            data: data.map(Into::into),
            attachments: att,
        }
    }

    #[test]
    fn decodes_header() {
        use PacketType::*;
        assert_eq!(d("0"), Ok(p(Connect, "/", None, None, 0)));
        assert_eq!(d("0/admin,"), Ok(p(Connect, "/admin", None, None, 0)));
        // a namespace without a comma runs to the end, as in socket.io-parser
        assert_eq!(d("1/admin"), Ok(p(Disconnect, "/admin", None, None, 0)));
        assert_eq!(d("0/,"), Ok(p(Connect, "/", None, None, 0)));
        assert_eq!(
            d("3/admin,13[\"bar\"]"),
            Ok(p(Ack, "/admin", Some(13), Some("[\"bar\"]"), 0))
        );
        assert_eq!(
            d("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]"),
            Ok(p(
                BinaryAck,
                "/",
                Some(15),
                Some("[\"bar\",{\"_placeholder\":true,\"num\":0}]"),
                1
            ))
        );
        assert_eq!(d("2 [\"a\"]"), Ok(p(Event, "/", None, Some(" [\"a\"]"), 0)));
        assert_eq!(d("2[1]"), Ok(p(Event, "/", None, Some("[1]"), 0)));
        assert_eq!(
            d("218446744073709551615[\"a\"]").map(|p| p.id),
            Ok(Some(u64::MAX))
        );
    }

    #[test]
    fn rejects_type() {
        assert_eq!(d(""), Err(DecodeError::Empty));
        assert_eq!(d("7"), Err(DecodeError::UnknownType));
        assert_eq!(d("x"), Err(DecodeError::UnknownType));
        assert_eq!(d(" 0"), Err(DecodeError::UnknownType));
        assert_eq!(d("é"), Err(DecodeError::UnknownType));
    }

    #[test]
    fn rejects_attachments() {
        let ph = "[\"a\",{\"_placeholder\":true,\"num\":0}]";
        assert_eq!(d(&format!("5{ph}")), Err(DecodeError::BadAttachments));
        assert_eq!(d(&format!("5-{ph}")), Err(DecodeError::BadAttachments));
        assert_eq!(d(&format!("50-{ph}")), Err(DecodeError::BadAttachments));
        assert_eq!(d(&format!("5x-{ph}")), Err(DecodeError::BadAttachments));
        assert_eq!(d("51"), Err(DecodeError::BadAttachments));
        assert_eq!(
            d(&format!("611-{ph}")),
            Err(DecodeError::TooManyAttachments)
        );
        assert_eq!(
            d(&format!("599999999999999999999999999-{ph}")),
            Err(DecodeError::TooManyAttachments)
        );
        assert!(d(&format!("510-{ph}")).is_ok());
        let tight = Limits {
            max_attachments: 1,
            ..Limits::default()
        };
        assert!(decode(&format!("51-{ph}"), &tight).is_ok());
        assert_eq!(
            decode(&format!("52-{ph}"), &tight),
            Err(DecodeError::TooManyAttachments)
        );
    }

    #[test]
    fn rejects_ack_id() {
        assert_eq!(
            d("218446744073709551616[\"a\"]"),
            Err(DecodeError::BadAckId)
        );
    }

    fn head(text: &str) -> Result<Header<'_>, DecodeError> {
        decode_header(text, false, &Limits::default())
    }

    fn full(text: &str) -> Result<Header<'_>, DecodeError> {
        decode_header(text, true, &Limits::default())
    }

    fn header(
        kind: PacketType,
        attachments: usize,
        nsp: Option<&str>,
        id: Option<u64>,
        body: usize,
    ) -> Header<'_> {
        Header {
            kind,
            attachments,
            nsp,
            id,
            body,
        }
    }

    #[test]
    fn header_from_a_head() {
        use PacketType::*;
        // A namespace longer than the head allows for: cut inside, none of ours.
        let long = format!("2/{},7[\"a\"]", "n".repeat(100));
        let cut = &long[..header_len(6)];
        assert_eq!(head(cut), Ok(header(Event, 0, None, None, cut.len())));
        assert_eq!(
            full(&long).map(|h| (h.nsp, h.id)),
            Ok((Some(&long[1..102]), Some(7)))
        );
        // Kind and attachments are read even so: a dropped binary packet
        // still takes its attachments.
        let bin = format!("52-/{},[\"a\"]", "n".repeat(100));
        assert_eq!(
            head(&bin[..header_len(1)]).map(|h| (h.kind, h.attachments, h.nsp)),
            Ok((BinaryEvent, 2, None))
        );
        // A head ending right after the header cannot tell whether the id
        // goes on; one more byte can.
        assert_eq!(head("2/admin,12"), Ok(header(Event, 0, None, Some(12), 10)));
        assert_eq!(head("2/admin,"), Ok(header(Event, 0, None, None, 8)));
        assert_eq!(head("2"), Ok(header(Event, 0, None, None, 1)));
        assert_eq!(
            head("2/admin,12["),
            Ok(header(Event, 0, Some("/admin"), Some(12), 10))
        );
        assert_eq!(head("2["), Ok(header(Event, 0, Some("/"), None, 1)));
        assert_eq!(
            full("2/admin,12"),
            Ok(header(Event, 0, Some("/admin"), Some(12), 10))
        );
        // The longest header for a namespace, then a byte: header_len exactly.
        let longest = format!("6{}1-/admin,{}[", "0".repeat(19), u64::MAX);
        assert_eq!(longest.len(), header_len("/admin".len()));
        let whole = header(BinaryAck, 1, Some("/admin"), Some(u64::MAX), 49);
        assert_eq!(head(&longest), Ok(whole));
        assert_eq!(head(&longest[..49]).map(|h| h.nsp), Ok(None));
        // Non-ASCII namespace: byte lengths, char boundaries.
        let text = "2/café/😀,42[\"😀\"]";
        let nsp = "/café/😀";
        assert_eq!(
            full(text),
            Ok(header(Event, 0, Some(nsp), Some(42), nsp.len() + 4))
        );
        assert_eq!(head(text), Ok(header(Event, 0, Some(nsp), Some(42), 15)));
        assert_eq!(head("2/café/").map(|h| h.nsp), Ok(None));
        assert_eq!(head("2/café/\u{FFFD}").map(|h| h.nsp), Ok(None));
    }

    #[test]
    fn header_digit_bounds() {
        use DecodeError::*;
        // 21 digits of an ack id: more than a u64 holds.
        let id21 = format!("21{}[\"a\"]", "0".repeat(20));
        assert_eq!(full(&id21), Err(BadAckId));
        assert_eq!(head(&id21[..22]), Err(BadAckId));
        // Zero-padded past 20 digits: fits a u64, still rejected
        // (socket.io-parser takes it), as the head may not hold it.
        let padded = format!("2{}1[\"a\"]", "0".repeat(20));
        assert_eq!(full(&padded), Err(BadAckId));
        assert_eq!(head(&padded[..22]), Err(BadAckId));
        assert_eq!(
            full(&format!("2{}1[\"a\"]", "0".repeat(19))).map(|h| h.id),
            Ok(Some(1))
        );
        // Attachment counts likewise (fuzz regression: a head cut inside a
        // long zero padding failed a packet the whole text accepted).
        let ph = "[\"a\",{\"_placeholder\":true,\"num\":0}]";
        let padded = format!("5{}1-{ph}", "0".repeat(47));
        assert_eq!(full(&padded), Err(BadAttachments));
        assert_eq!(head(&padded[..header_len(1)]), Err(BadAttachments));
        let fits = format!("5{}1-{ph}", "0".repeat(19));
        assert_eq!(full(&fits).map(|h| h.attachments), Ok(1));
        // fuzz regression: too many by the digits a head holds
        let many = format!("5{}1-{ph}", "3".repeat(47));
        assert_eq!(full(&many), Err(TooManyAttachments));
        assert_eq!(head(&many[..header_len(1)]), Err(TooManyAttachments));
        assert_eq!(
            full(&format!("5{}11-{ph}", "0".repeat(19))),
            Err(TooManyAttachments)
        );
    }

    #[test]
    fn payload_rules() {
        use DecodeError::*;
        // CONNECT: object or absent
        assert!(d("0{\"token\":1}").is_ok());
        assert_eq!(d("0[]"), Err(InvalidPayload));
        assert_eq!(d("0\"x\""), Err(InvalidPayload));
        assert_eq!(d("0{"), Err(Json(json::JsonError::UnexpectedEnd)));
        // DISCONNECT: no payload
        assert_eq!(d("1{}"), Err(InvalidPayload));
        assert_eq!(d("1/a,{}"), Err(InvalidPayload));
        // EVENT: non-empty array, first a number or a non-reserved string
        assert_eq!(d("2"), Err(InvalidPayload));
        assert_eq!(d("2[]"), Err(InvalidPayload));
        assert_eq!(d("2{}"), Err(InvalidPayload));
        assert_eq!(d("2\"a\""), Err(InvalidPayload));
        assert_eq!(d("2[null]"), Err(InvalidPayload));
        assert_eq!(d("2[true]"), Err(InvalidPayload));
        assert_eq!(d("2[[\"a\"]]"), Err(InvalidPayload));
        assert_eq!(d("2[{\"a\":1}]"), Err(InvalidPayload));
        assert_eq!(d("2[\"a\""), Err(Json(json::JsonError::UnexpectedEnd)));
        assert_eq!(d("2[\"a\"]x"), Err(Json(json::JsonError::TrailingData)));
        assert_eq!(d("2 "), Err(Json(json::JsonError::UnexpectedEnd)));
        for r in RESERVED_EVENTS {
            assert_eq!(d(&format!("2[\"{r}\"]")), Err(ReservedEventName), "{r}");
            assert_eq!(
                d(&format!("51-[\"{r}\",{{\"_placeholder\":true,\"num\":0}}]")),
                Err(ReservedEventName)
            );
        }
        // escaped reserved names are still reserved
        assert_eq!(d("2[\"\\u0063onnect\"]"), Err(ReservedEventName));
        assert!(d("2[\"connected\"]").is_ok());
        // a name that cannot be unescaped into a Rust string (fuzz regression:
        // decode accepted it, then event_name failed)
        assert_eq!(d("2[\"\\ud800\"]"), Err(Json(json::JsonError::BadEscape)));
        assert_eq!(
            d("2/admin,1[\"tel\\ud800x\",\"off1\"]"),
            Err(Json(json::JsonError::BadEscape))
        );
        // lone surrogates elsewhere in the payload stay valid JSON
        assert!(d("2[\"a\",\"\\ud800\"]").is_ok());
        // ACK: an array, possibly empty
        assert!(d("30[]").is_ok());
        assert_eq!(d("30{}"), Err(InvalidPayload));
        assert_eq!(d("30"), Err(InvalidPayload));
        assert_eq!(
            d("61-0{\"_placeholder\":true,\"num\":0}"),
            Err(InvalidPayload)
        );
        // CONNECT_ERROR: object or string
        assert!(d("4{\"message\":\"Not authorized\"}").is_ok());
        assert!(d("4\"nope\"").is_ok());
        assert_eq!(d("4[]"), Err(InvalidPayload));
        assert_eq!(d("41"), Err(InvalidPayload));
        assert_eq!(d("4"), Err(InvalidPayload));
        // depth limit
        let deep = format!("2[\"a\",{}{}]", "[".repeat(200), "]".repeat(200));
        assert_eq!(d(&deep), Err(Json(json::JsonError::TooDeep)));
        let lax = Limits {
            max_depth: 1000,
            ..Limits::default()
        };
        assert!(decode(&deep, &lax).is_ok());
    }

    #[test]
    fn placeholders() {
        use DecodeError::*;
        let ok = [
            "52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
            "52-[\"a\",{\"x\":[{\"num\":1,\"_placeholder\":true}]}]",
            "51-[\"a\",{\"_placeholder\":false,\"num\":7}]",
            // any spelling of an index, as JSON.parse reads numbers
            "51-[\"a\",{\"_placeholder\":true,\"num\":0.0}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":-0}]",
            "51-[\"a\",{\"_placeholder\":\"true\"}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":9,\"num\":0}]",
            "51-[\"a\",{\"\\u005fplaceholder\":true,\"n\\u0075m\":0}]",
            "51-[\"a\",{\"_placeholder\":true,\"_placeholder\":false}]",
            // a value JSON.parse drops (a repeated key's earlier one) is not
            // reconstructed: its placeholders are not checked
            "51-[\"a\",{\"x\":{\"_placeholder\":true,\"num\":5},\"x\":1}]",
            "51-[\"a\",{\"x\":[{\"_placeholder\":true}],\"\\u0078\":{}}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":0,\"k\":{\"_placeholder\":true},\"k\":0}]",
            // placeholders in non-binary packets are not reconstructed: not checked
            "2[\"a\",{\"_placeholder\":true,\"num\":5}]",
        ];
        for s in ok {
            assert!(d(s).is_ok(), "{s}");
        }
        let bad = [
            "51-[\"a\",{\"_placeholder\":true,\"num\":1}]",
            "51-[\"a\",{\"_placeholder\":true}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":-1}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":1e0}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":[0]}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":99999999999999999999999}]",
            "51-[\"a\",{\"_placeholder\":true,\"num\":0,\"num\":1}]",
            "51-[\"a\",{\"_placeholder\":false,\"num\":1,\"_placeholder\":true}]",
            "51-[\"a\",[{\"b\":{\"_placeholder\":true,\"num\":3}}]]",
            "51-[\"a\",{\"\\u005fplaceholder\":true,\"num\":1}]",
            // the last value of a repeated key is checked
            "51-[\"a\",{\"x\":1,\"x\":{\"_placeholder\":true,\"num\":5}}]",
            "51-[\"a\",{\"x\":{\"_placeholder\":true},\"y\":1,\"x\":1,\"x\":[{\"_placeholder\":true}]}]",
            // lone surrogate keys are distinct keys, as in JSON.parse
            "51-[\"a\",{\"\\ud800\":{\"_placeholder\":true},\"\\udc00\":1}]",
            // in a placeholder, under a placeholder, in arrays
            "51-[\"a\",{\"_placeholder\":true,\"num\":0,\"k\":[[{\"_placeholder\":true}]]}]",
        ];
        for s in bad {
            assert_eq!(d(s), Err(BadPlaceholder), "{s}");
        }
    }

    #[test]
    fn encodes() {
        use PacketType::*;
        assert_eq!(encode(&p(Connect, "/", None, None, 0)), "0");
        assert_eq!(encode(&p(Connect, "", None, None, 0)), "0");
        assert_eq!(encode(&p(Disconnect, "/admin", None, None, 0)), "1/admin,");
        assert_eq!(
            encode(&p(Event, "/admin", Some(12), Some("[\"foo\"]"), 0)),
            "2/admin,12[\"foo\"]"
        );
        assert_eq!(
            encode(&p(BinaryEvent, "/", None, Some("[\"a\"]"), 3)),
            "53-[\"a\"]"
        );
    }

    #[test]
    fn decoder_reassembles() {
        let mut dec = Decoder::default();
        let done = dec.push_text("2[\"a\"]").unwrap().unwrap();
        assert_eq!(done.packet.kind, PacketType::Event);
        assert!(done.attachments.is_empty());

        let two = "52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
        assert_eq!(dec.push_text(two), Ok(None));
        assert!(dec.is_pending());
        assert_eq!(dec.push_binary(vec![1]), Ok(None));
        let done = dec.push_binary(vec![2, 3]).unwrap().unwrap();
        assert_eq!(done.packet.attachments, 2);
        assert_eq!(done.attachments, vec![vec![1], vec![2, 3]]);
        assert!(!dec.is_pending());

        // binary without a pending packet
        assert_eq!(dec.push_binary(vec![1]), Err(DecodeError::UnexpectedBinary));
        // text while attachments are pending; the decoder then starts afresh
        assert_eq!(dec.push_text(two), Ok(None));
        assert_eq!(
            dec.push_text("2[\"a\"]"),
            Err(DecodeError::MissingAttachments)
        );
        assert!(!dec.is_pending());
        assert!(dec.push_text("2[\"a\"]").unwrap().is_some());
        // reset drops the partial packet
        assert_eq!(dec.push_text(two), Ok(None));
        dec.reset();
        assert_eq!(dec.push_binary(vec![1]), Err(DecodeError::UnexpectedBinary));
        // decode errors propagate and leave nothing pending
        assert_eq!(dec.push_text("9"), Err(DecodeError::UnknownType));
        assert!(!dec.is_pending());
    }

    #[test]
    fn helpers() {
        assert_eq!(event_name(" [ \"h\\u00e9\" , 1]").as_deref(), Ok("hé"));
        assert_eq!(event_name("[12,1]").as_deref(), Ok("12"));
        assert_eq!(event_name("[]"), Err(DecodeError::InvalidPayload));
        assert_eq!(event_name("[null]"), Err(DecodeError::InvalidPayload));
        assert_eq!(event_name("[[\"a\"]]"), Err(DecodeError::InvalidPayload));
        assert_eq!(event_name("{}"), Err(DecodeError::InvalidPayload));
        assert_eq!(
            event_name(""),
            Err(DecodeError::Json(json::JsonError::UnexpectedEnd))
        );

        assert_eq!(
            last_arg_string("[\"ev\",1,\"off\\u0031\"]").as_deref(),
            Some("off1")
        );
        assert_eq!(last_arg_string("[\"ev\",\"x\",{}]"), None);
        assert_eq!(last_arg_string("[\"ev\"]"), None);
        assert_eq!(last_arg_string("[\"ev\",\"x\""), None);
        assert_eq!(last_arg_string("{}"), None);

        assert_eq!(
            parse_connect("{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}"),
            Ok(ConnectAck {
                sid: "wZX3oN0bSVIhsaknAAAI".into(),
                pid: None
            })
        );
        assert_eq!(
            parse_connect("{\"sid\":\"a\",\"pid\":\"b\"}"),
            Ok(ConnectAck {
                sid: "a".into(),
                pid: Some("b".into())
            })
        );
        assert_eq!(
            parse_connect("{\"sid\":\"a\",\"pid\":null}").map(|c| c.pid),
            Ok(None)
        );
        assert_eq!(parse_connect("{}"), Err(DecodeError::InvalidPayload));
        assert_eq!(
            parse_connect("{\"sid\":\"\"}"),
            Err(DecodeError::InvalidPayload)
        );
        assert_eq!(
            parse_connect("{\"sid\":1}"),
            Err(DecodeError::InvalidPayload)
        );
        assert_eq!(
            parse_connect("[]"),
            Err(DecodeError::Json(json::JsonError::WrongKind))
        );

        assert_eq!(
            parse_connect_error("{\"message\":\"Not authorized\",\"data\":{\"code\":1}}"),
            Ok(ConnectErrorPayload {
                message: "Not authorized".into(),
                data: Some("{\"code\":1}".into())
            })
        );
        assert_eq!(
            parse_connect_error("\"nope\"").map(|e| e.message),
            Ok("nope".into())
        );
        assert_eq!(
            parse_connect_error("{\"message\":42}").map(|e| e.message),
            Ok("42".into())
        );
        assert_eq!(
            parse_connect_error("{}").map(|e| e.message),
            Ok(String::new())
        );
        assert!(parse_connect_error("[]").is_err());
        assert!(parse_connect_error("{").is_err());
        // a key no Rust string holds (a lone surrogate) does not hide the rest
        assert_eq!(
            parse_connect("{\"\\ud800\":1,\"sid\":\"a\"}").map(|c| c.sid),
            Ok("a".into())
        );
        assert_eq!(
            parse_connect_error("{\"\\ud800\":1,\"message\":\"m\"}").map(|e| e.message),
            Ok("m".into())
        );

        assert_eq!(connect_payload(None, None, None), None);
        assert_eq!(
            connect_payload(Some("{\"token\":\"1\"}"), None, None).as_deref(),
            Some("{\"token\":\"1\"}")
        );
        assert_eq!(
            connect_payload(None, Some("p\"1"), Some("o1")).as_deref(),
            Some("{\"pid\":\"p\\\"1\",\"offset\":\"o1\"}")
        );
        assert_eq!(
            connect_payload(Some(" { \"token\" : 1 } "), Some("p"), None).as_deref(),
            Some("{\"pid\":\"p\",\"token\" : 1}")
        );
        assert_eq!(
            connect_payload(Some("{}"), Some("p"), Some("o")).as_deref(),
            Some("{\"pid\":\"p\",\"offset\":\"o\"}")
        );
    }

    #[test]
    fn packet_type_helpers() {
        for n in 0..7u8 {
            let t = PacketType::from_u8(n).unwrap();
            assert_eq!(t as u8, n);
            assert_eq!(t.is_binary(), n >= 5);
            assert_eq!(t.is_event(), n == 2 || n == 5);
            assert_eq!(t.is_ack(), n == 3 || n == 6);
        }
        assert_eq!(PacketType::from_u8(7), None);
    }
}
