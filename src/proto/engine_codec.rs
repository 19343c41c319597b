//! Engine.IO protocol v4 codec: WebSocket frames and polling payloads.

use super::error::DecodeError;

/// The Engine.IO OPEN handshake sent by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The session id.
    pub sid: String,
    /// Transports the client may upgrade to (e.g. `["websocket"]`).
    pub upgrades: Vec<String>,
    /// Milliseconds between the server's pings.
    pub ping_interval: u64,
    /// Milliseconds the server waits for a pong.
    pub ping_timeout: u64,
    /// Largest payload (bytes) the server accepts in one polling request.
    pub max_payload: u64,
}

impl Handshake {
    /// Parses the JSON payload of an OPEN packet.
    pub fn from_json(text: &str) -> Result<Handshake, DecodeError> {
        let _ = text;
        todo!()
    }

    /// Serializes this handshake as the JSON payload of an OPEN packet.
    pub fn to_json(&self) -> String {
        todo!()
    }
}

/// The data of an Engine.IO MESSAGE packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
}

/// One Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnginePacket {
    /// `0`: the handshake.
    Open(Handshake),
    /// `1`: close the session.
    Close,
    /// `2`: ping, optionally with a payload (`"probe"` during upgrade).
    Ping(Option<String>),
    /// `3`: pong, optionally with a payload (`"probe"` during upgrade).
    Pong(Option<String>),
    /// `4`: a message.
    Message(Data),
    /// `5`: upgrade.
    Upgrade,
    /// `6`: noop.
    Noop,
}

/// A WebSocket frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

/// Decodes one WebSocket text frame.
pub fn decode_text(text: &str) -> Result<EnginePacket, DecodeError> {
    let _ = text;
    todo!()
}

/// Decodes one WebSocket binary frame: always a binary MESSAGE.
pub fn decode_binary(bytes: &[u8]) -> EnginePacket {
    EnginePacket::Message(Data::Binary(bytes.to_vec()))
}

/// Encodes a packet as one WebSocket frame.
pub fn encode_ws(packet: &EnginePacket) -> Frame {
    let _ = packet;
    todo!()
}

/// Decodes a polling payload: packets separated by `\x1e`, binary messages
/// as `b` + base64.
pub fn decode_payload(text: &str) -> Result<Vec<EnginePacket>, DecodeError> {
    let _ = text;
    todo!()
}

/// Encodes packets as one polling payload.
pub fn encode_payload(packets: &[EnginePacket]) -> String {
    let _ = packets;
    todo!()
}

/// Standard base64 (with padding) encoding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let _ = bytes;
    todo!()
}

/// Standard base64 decoding (padding required when the length calls for it).
pub fn base64_decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let _ = text;
    todo!()
}
