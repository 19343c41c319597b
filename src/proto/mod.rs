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

// --- state machines (Engine.IO session, Manager, sockets) ---
mod backoff;
mod config;
mod manager;
mod rng;
mod session;
mod socket;
mod timer;
pub use backoff::Backoff;
pub use config::{Auth, ManagerConfig, SocketConfig, TransportKind};
pub use manager::{DisconnectReason, Event, Manager};
pub use rng::Rng;
pub use session::{Transmit, TransportId, TransportInput};
pub use socket::{AckData, AckError, AckMode, Emit, EmitError, RequestId, SocketId};
pub use timer::Timer;
// --- end state machines ---
