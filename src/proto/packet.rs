//! Socket.IO protocol v5 packet codec, validating as socket.io-parser 4.x.
//!
//! Payload JSON stays opaque text; binary placeholders are produced and
//! replaced by the JS layer, the core only counts and carries attachments.

use super::error::DecodeError;

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

/// One Socket.IO packet, payload kept as raw JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The packet type.
    pub kind: PacketType,
    /// The namespace (`"/"` by default).
    pub nsp: String,
    /// The ack id, if any.
    pub id: Option<u64>,
    /// The raw JSON payload, if any.
    pub data: Option<String>,
    /// The number of binary attachments (binary types only).
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
            max_depth: super::json::DEFAULT_MAX_DEPTH,
        }
    }
}

/// Encodes a packet's text part: `<type>[<attachments>-][<nsp>,][<id>][<json>]`.
pub fn encode(packet: &Packet) -> String {
    let _ = packet;
    todo!()
}

/// Decodes and validates one packet's text part.
pub fn decode(text: &str, limits: &Limits) -> Result<Packet, DecodeError> {
    let _ = (text, limits);
    todo!()
}

/// A complete packet with its binary attachments, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The packet.
    pub packet: Packet,
    /// Its attachments (empty for non-binary packets).
    pub attachments: Vec<Vec<u8>>,
}

/// Reassembles binary packets from a text frame and its binary frames.
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

    /// Feeds a text message; returns a packet when it is complete.
    pub fn push_text(&mut self, text: &str) -> Result<Option<Decoded>, DecodeError> {
        let _ = text;
        todo!()
    }

    /// Feeds a binary message; returns the packet when it is the last attachment.
    pub fn push_binary(&mut self, bytes: Vec<u8>) -> Result<Option<Decoded>, DecodeError> {
        let _ = bytes;
        todo!()
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

/// The event name (first element) of an EVENT payload array.
pub fn event_name(data: &str) -> Result<String, DecodeError> {
    let _ = data;
    todo!()
}

/// The last argument of an EVENT payload when it is a string (the connection
/// state recovery offset).
pub fn last_arg_string(data: &str) -> Option<String> {
    let _ = data;
    todo!()
}

/// The CONNECT payload sent by the server: `{"sid":"..","pid":".."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectAck {
    /// The socket id.
    pub sid: String,
    /// The private session id (connection state recovery), if any.
    pub pid: Option<String>,
}

/// Parses the server's CONNECT payload.
pub fn parse_connect(data: &str) -> Result<ConnectAck, DecodeError> {
    let _ = data;
    todo!()
}

/// The CONNECT_ERROR payload: `{"message":"..","data":..}` or a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectErrorPayload {
    /// The error message.
    pub message: String,
    /// The raw JSON of `data`, if any.
    pub data: Option<String>,
}

/// Parses a CONNECT_ERROR payload.
pub fn parse_connect_error(data: &str) -> Result<ConnectErrorPayload, DecodeError> {
    let _ = data;
    todo!()
}

/// Builds a client CONNECT payload: `auth` (raw JSON object, or none) merged
/// with `{"pid":..,"offset":..}` for connection state recovery.
pub fn connect_payload(
    auth: Option<&str>,
    pid: Option<&str>,
    offset: Option<&str>,
) -> Option<String> {
    let _ = (auth, pid, offset);
    todo!()
}
