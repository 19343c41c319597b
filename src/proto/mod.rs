//! The sans-IO protocol core (being built: see the protocol-core issue).
#![deny(unsafe_code)]

// --- codecs (Engine.IO v4, Socket.IO v5, JSON scanner) ---
pub mod engine_codec;
mod error;
pub mod json;
pub mod packet;
pub use engine_codec::{Data, EnginePacket, Frame, Handshake};
pub use error::{DecodeError, JsonError};
pub use packet::{ConnectAck, ConnectErrorPayload, Decoded, Decoder, Limits, Packet, PacketType};
// --- end codecs ---
