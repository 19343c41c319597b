//! The enums both sides of the boundary name: what the core reports
//! ([`Output`]), what the runtime reports ([`Input`]), why an emit is
//! refused ([`EmitRefused`]), the settings [`super::Core::option`] reads
//! and writes ([`Setting`]), the texts [`super::Core::info`] reads
//! ([`Info`]) and the numbers [`super::Core::state`] reads ([`State`]).

use wasm_bindgen::prelude::*;

/// What a [`Host::event`] call reports. `number`, `text` and `value` carry,
/// per kind: (`-`: unused)
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Manager `open`.
    Open,
    /// Manager `close`: text the reason, value the description.
    Close,
    /// Manager `error`: text the message.
    Error,
    /// Manager `ping`.
    Ping,
    /// Manager `reconnect_attempt`: number the attempt.
    ReconnectAttempt,
    /// Manager `reconnect`: number the attempts.
    Reconnect,
    /// Manager `reconnect_error`: text the message.
    ReconnectError,
    /// Manager `reconnect_failed`.
    ReconnectFailed,
    /// The transport was upgraded: text its name.
    Upgrade,
    /// An upgrade probe failed: text the message.
    UpgradeError,
    /// The socket needs its auth payload: answer with [`Core::auth`].
    NeedAuth,
    /// Socket `connect`: text the id, number 1 when recovered.
    Connect,
    /// Socket `connect_error`: text the message, value the server's `data`.
    ConnectError,
    /// Socket `disconnect`: text the reason, value the description.
    Disconnect,
    /// A server event: value the arguments, number the ack id or -1.
    Event,
    /// An emit's acknowledgement: number the request, value the arguments.
    Ack,
    /// An emit's acknowledgement timed out: number the request, text the
    /// error's message.
    AckTimeout,
    /// An emit's acknowledgement will not come (disconnected, or removed
    /// from the send buffer), error-first: number the request, text the
    /// error's message.
    AckDisconnected,
    /// A plain ack callback that will not be called: number the request.
    AckDropped,
}

/// What happened to a transport ([`Core::input`]).
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The WebSocket opened.
    Opened,
    /// The packets given by [`Core::poll_packet`] are the whole response.
    PollEnd,
    /// The POST completed.
    PostDone,
    /// The transport closed (description: what the browser said).
    Closed,
    /// The transport failed (description: engine.io-client's message).
    Error,
}

/// Why [`Core::emit`] refused an emit (negative results).
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmitRefused {
    /// The send buffer or retry queue is full (`maxBufferedPackets`).
    BufferFull = 1,
    /// Too many emits wait for an acknowledgement (`maxPendingAcks`).
    TooManyPendingAcks = 2,
    /// No such socket.
    UnknownSocket = 3,
}

/// The core's setting read or written by [`Core::option`].
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `reconnection` (0 or 1).
    Reconnection,
    /// `reconnectionAttempts` (Infinity: no bound).
    ReconnectionAttempts,
    /// `reconnectionDelay`.
    ReconnectionDelay,
    /// `reconnectionDelayMax`.
    ReconnectionDelayMax,
    /// `randomizationFactor`.
    RandomizationFactor,
    /// `timeout` (negative: none).
    Timeout,
    /// `transports`, as the digits of a number in order: 1 polling,
    /// 2 WebSocket (`12`: polling then WebSocket), each once. Write only:
    /// a read gives NaN (js/index.ts keeps what it set).
    Transports,
}

/// The text [`super::Core::info`] reads.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Info {
    /// A connected socket's id.
    Sid,
    /// The Engine.IO session's id.
    EngineId,
    /// A socket's recovery session id and offset.
    Recovery,
}

/// The number [`super::Core::state`] reads.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// A socket's state bits and offline buffer count.
    Socket,
    /// The Engine.IO session's state bits and reconnection attempt.
    Engine,
    /// How many characters of a received text the core reads.
    HeadLength,
}
