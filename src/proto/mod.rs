//! The sans-IO protocol core: Engine.IO v4 / Socket.IO v5 codecs and the
//! client state machines of socket.io-client 4.8 / engine.io-client 6.6.
//!
//! Nothing here performs I/O, reads a clock, draws randomness by itself or
//! touches JS: time is a `u64` of milliseconds the caller passes in, jitter
//! comes from a [`Rng`] seeded by the caller, and the network is a list of
//! [`Transmit`]s to perform and [`TransportInput`]s to report. Every method is
//! total: no input (network data, call order, clock value) makes it panic.
//!
//! # Layout
//!
//! - Codecs: [`engine_codec`] (Engine.IO packets, WebSocket frames, polling
//!   payloads), [`packet`] (Socket.IO packet headers, and the rules of their
//!   payloads), [`json`] (a small JSON scanner for the control payloads and
//!   the Rust runtime's bodies).
//! - Payloads: the core reads headers and decides; bodies stay in the
//!   runtime's own representation ([`Payloads`]: JS values in the browser,
//!   never copied into wasm; [`JsonText`] in Rust), and the runtime parses
//!   them when the core has routed a packet.
//! - State machines: a [`Manager`] per server connection. It owns the
//!   Engine.IO session (transport, heartbeat, polling bookkeeping, the
//!   upgrade to WebSocket), the namespace sockets (connect/auth, send buffer,
//!   acks, retries, connection state recovery), the reconnection [`Backoff`]
//!   and one table of deadlines keyed by [`Timer`].
//! - Shared vocabulary, below the state machines: the ids ([`SocketId`],
//!   [`RequestId`], [`TransportId`]), what the Manager yields ([`Event`],
//!   [`DisconnectReason`]) and what the runtime does and reports
//!   ([`Transmit`], [`TransportInput`]).
//!
//! The modules form a chain, each using only those before it: codecs, then
//! `config`, `ids`, `events`, `timer`, `transport`, then `session` ←
//! `socket` ← `manager`. `tests/module_chain.rs` declares the order and fails
//! on an import up the chain.
//!
//! # The run loop
//!
//! The runtime (the browser driver in `src/web`, or a test) owns the sockets,
//! the HTTP requests and one timer. After **every** call into the Manager it
//! drains the three outputs: transmits, events, and the next deadline.
//!
//! ```
//! use socketio_wasm::proto::{
//!     Emit, Event, Manager, ManagerConfig, SocketConfig, Transmit, TransportInput,
//! };
//!
//! let mut m = Manager::new(ManagerConfig::new("example.com", true), 0x5eed);
//! let chat = m.socket("/chat", SocketConfig::default());
//! let now = 0; // the runtime's monotonic clock, in ms
//! m.connect(now, chat);
//! // Offline emits are buffered and flushed on CONNECT.
//! m.emit(now, chat, Emit { data: r#"["hello","world"]"#.into(), ..Default::default() })
//!     .unwrap();
//!
//! // 1. Perform what the core asks, and report back later with
//! //    `m.handle_transport(now, transport, input)`.
//! while let Some(t) = m.poll_transmit() {
//!     match t {
//!         Transmit::PollGet { transport, url } => {
//!             // fetch(url) → TransportInput::PollResponse(body) | Error
//!             assert!(url.starts_with("https://example.com/socket.io/?EIO=4&transport=polling"));
//!             let _ = transport;
//!         }
//!         Transmit::PollPost { .. } => {}      // → PostDone | Error
//!         Transmit::OpenWebSocket { .. } => {} // → Opened, Text/Binary…, Closed | Error
//!         Transmit::SendText { .. } | Transmit::SendBinary { .. } => {}
//!         Transmit::Close { .. } => {}         // release it; ignore its late events
//!     }
//! }
//! // 2. Deliver events to the application.
//! while let Some(e) = m.poll_event() {
//!     match e {
//!         Event::NeedAuth { socket } => m.set_auth(now, socket, None),
//!         _ => {}
//!     }
//! }
//! // 3. Arm one timer: at that time call `m.handle_timeout(now)`.
//! assert_eq!(m.poll_timeout(), Some(20_000)); // the connection timeout
//! # let _: TransportInput = TransportInput::PostDone;
//! ```
//!
//! Contracts of the runtime:
//!
//! - `now` never goes backwards; a late `handle_timeout` (a throttled
//!   background tab) is fine: overdue deadlines run in order, and `emit`
//!   itself notices an expired heartbeat, buffers the packet and closes with
//!   `"ping timeout"` instead of writing to a dead transport (socket.io
//!   issue #5134).
//! - A received text is given whole, or by a head of at least
//!   [`Manager::head_len`] characters ([`Payloads::head`]); a polling
//!   response, split at [`engine_codec::SEPARATOR`] into its packets.
//! - Each `PollGet` gets exactly one `PollResponse` or `Error`, each
//!   `PollPost` one `PostDone` or `Error`; the core keeps at most one of each
//!   in flight per transport and batches writes into the next POST.
//! - [`TransportId`]s are never reused. After [`Transmit::Close`] nothing
//!   more is expected; inputs for old or unknown ids are ignored.
//! - [`Event::NeedAuth`] is answered with [`Manager::set_auth`] (the app's
//!   `auth` function or current object); it is asked on every
//!   (re)connection of a socket configured with [`Auth::Ask`].
//! - Every emit with an ack settles exactly once: [`Event::AckResponse`]
//!   (answer, [`AckError::Timeout`] or [`AckError::Disconnected`]), or
//!   [`Event::AckDropped`] for a plain callback on disconnect (release it
//!   without calling it, as socket.io-client drops it). With `retries`, the
//!   answer is error-first, as in socket.io-client.
//! - Event arguments are JSON arrays with binary placeholders
//!   (`{"_placeholder":true,"num":n}`) plus the attachments, held as the
//!   [`Payloads`] say; the core parses no event or ack body itself, and
//!   drops unread the packets of namespaces not in use.
//!
//! Deliberate differences from socket.io-client: the backoff stays at
//! `reconnectionDelayMax` once `min * 2^n` overflows (backo2 returns 0 there);
//! an engine close before the handshake fails the attempt at once (instead of
//! waiting for the connection timeout); a failed upgrade probe resumes
//! polling; a second `connect` while a CONNECT is pending does not send
//! another; `open` during a reconnection delay makes the attempt at once, and
//! turning `reconnection` off ends the "reconnecting" state (socket.io-client
//! stays stuck in it); decoded packets are delivered synchronously (no
//! `nextTick`); a packet for a namespace not in use is not parsed (a
//! malformed body there is no parse error); the
//! send buffer, retry queue, receive buffer and ack table are bounded
//! ([`SocketConfig`]).
#![deny(unsafe_code)]
#![warn(missing_docs)]

// --- codecs (Engine.IO v4, Socket.IO v5, JSON scanner) ---
pub mod engine_codec;
mod error;
pub mod json;
pub mod packet;
mod payloads;
pub use engine_codec::{Data, EnginePacket, Frame, Handshake, SEPARATOR};
pub use error::{DecodeError, JsonError};
pub use packet::{
    ConnectAck, ConnectErrorPayload, Decoded, Decoder, Header, Limits, Packet, PacketType,
    RESERVED_EVENTS,
};
pub use payloads::{JsonText, Part, Payloads};
// --- end codecs ---

// --- state machines (Engine.IO session, Manager, sockets) ---
mod backoff;
mod config;
mod events;
mod ids;
mod manager;
mod queue;
mod rng;
mod session;
mod socket;
mod stats;
mod timer;
mod transport;
pub use backoff::Backoff;
pub use config::{Auth, ManagerConfig, SocketConfig, TransportKind};
pub use events::{AckData, AckError, DisconnectReason, Event};
pub use ids::{RequestId, SocketId, TransportId};
pub use manager::Manager;
pub use rng::Rng;
pub use socket::{AckMode, Emit, EmitError};
pub use stats::{ConnectionStats, SocketCounters, SocketStats};
pub use timer::Timer;
pub use transport::{Transmit, TransportInput};
// --- end state machines ---
