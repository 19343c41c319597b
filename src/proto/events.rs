//! What the Manager yields to the application: [`Event`]s, with the
//! [`DisconnectReason`]s and acknowledgement outcomes they carry. Shared by
//! the session, the sockets and the Manager, so it sits below all three.

use crate::prelude::*;

use super::config::TransportKind;
use super::ids::{RequestId, SocketId};
use super::payloads::{JsonText, Payloads};

/// Why a Manager closed or a socket disconnected (socket.io-client's
/// reason strings, see [`DisconnectReason::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DisconnectReason {
    /// `"io server disconnect"`: the server sent DISCONNECT; the socket does
    /// not reconnect by itself.
    IoServerDisconnect,
    /// `"io client disconnect"`: the app called `disconnect`.
    IoClientDisconnect,
    /// `"ping timeout"`: no ping within `pingInterval + pingTimeout`.
    PingTimeout,
    /// `"transport close"`: the connection was closed.
    TransportClose,
    /// `"transport error"`: the connection failed.
    TransportError,
    /// `"parse error"`: the server sent an undecodable packet.
    ParseError,
    /// `"forced close"`: the Manager was closed by the app (or its last
    /// socket left).
    ForcedClose,
}

impl DisconnectReason {
    /// The socket.io-client reason string.
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectReason::IoServerDisconnect => "io server disconnect",
            DisconnectReason::IoClientDisconnect => "io client disconnect",
            DisconnectReason::PingTimeout => "ping timeout",
            DisconnectReason::TransportClose => "transport close",
            DisconnectReason::TransportError => "transport error",
            DisconnectReason::ParseError => "parse error",
            DisconnectReason::ForcedClose => "forced close",
        }
    }
}

/// Something the application should hear about.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<P: Payloads = JsonText> {
    /// Manager `open`: the Engine.IO session is open.
    Open,
    /// Manager `close`.
    Close {
        /// Why.
        reason: DisconnectReason,
        /// Transport details, if any.
        description: Option<String>,
    },
    /// Manager `error` (a failed connection attempt, or a transport error).
    Error {
        /// The error message (`"timeout"`, `"xhr poll error"`, ...).
        description: String,
    },
    /// Manager `ping`: a server ping arrived (and was answered).
    Ping,
    /// Manager `reconnect_attempt`, attempts counted from 1.
    ReconnectAttempt(u32),
    /// Manager `reconnect`: reconnected after this many attempts.
    Reconnect(u32),
    /// Manager `reconnect_error`.
    ReconnectError {
        /// The error message.
        description: String,
    },
    /// Manager `reconnect_failed`: `reconnection_attempts` exhausted.
    ReconnectFailed,
    /// The transport was upgraded (engine.io-client `upgrade`).
    Upgrade {
        /// The new transport.
        transport: TransportKind,
    },
    /// An upgrade probe failed; the session goes on with polling
    /// (engine.io-client `upgradeError`).
    UpgradeError {
        /// e.g. `"probe error"`.
        description: String,
    },
    /// The socket is about to send CONNECT and needs its auth payload:
    /// answer with [`Manager::set_auth`](crate::proto::Manager::set_auth).
    NeedAuth {
        /// The socket.
        socket: SocketId,
    },
    /// Socket `connect`.
    Connect {
        /// The socket.
        socket: SocketId,
        /// The socket id given by the server (`socket.id`).
        sid: String,
        /// Whether the connection state was recovered (`socket.recovered`).
        recovered: bool,
    },
    /// Socket `connect_error`.
    ConnectError {
        /// The socket.
        socket: SocketId,
        /// The error message.
        message: String,
        /// The server's `data`, if any (raw JSON text, for [`JsonText`]).
        data: Option<P::Args>,
    },
    /// Socket `disconnect`. As in socket.io-client, a Manager close also
    /// reports it for an active socket whose CONNECT was still unanswered.
    Disconnect {
        /// The socket.
        socket: SocketId,
        /// Why.
        reason: DisconnectReason,
        /// Details, if any.
        description: Option<String>,
    },
    /// A server event.
    Event {
        /// The socket.
        socket: SocketId,
        /// Its arguments, `["name", args...]` (for [`JsonText`], the JSON
        /// array text with binary placeholders).
        data: P::Args,
        /// Binary attachments.
        attachments: Vec<P::Binary>,
        /// The server wants an acknowledgement: answer with [`Manager::ack`](crate::proto::Manager::ack).
        ack_id: Option<u64>,
    },
    /// The settlement of an emit with an acknowledgement.
    AckResponse {
        /// The socket.
        socket: SocketId,
        /// What [`Manager::emit`](crate::proto::Manager::emit) returned.
        request: RequestId,
        /// The server's answer, or why there is none.
        result: Result<AckData<P>, AckError>,
    },
    /// A plain-callback acknowledgement that will never be answered (the
    /// socket disconnected): release the callback without calling it, as
    /// socket.io-client drops it.
    AckDropped {
        /// The socket.
        socket: SocketId,
        /// What [`Manager::emit`](crate::proto::Manager::emit) returned.
        request: RequestId,
    },
}

/// Why an acknowledgement failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckError {
    /// The deadline passed (socket.io-client: `"operation has timed out"`).
    Timeout,
    /// The socket disconnected first (`"socket has been disconnected"`).
    Disconnected,
    /// The app took the emit out of the send buffer
    /// ([`crate::proto::Manager::retain_send_buffer`]); socket.io-client
    /// has no such error (its callback waits for the timeout, if any).
    Removed,
}

impl AckError {
    /// socket.io-client's error message.
    pub fn as_str(self) -> &'static str {
        match self {
            AckError::Timeout => "operation has timed out",
            AckError::Disconnected => "socket has been disconnected",
            AckError::Removed => "removed from the send buffer",
        }
    }
}

/// The arguments of a server acknowledgement.
#[derive(Debug, Clone, PartialEq)]
pub struct AckData<P: Payloads = JsonText> {
    /// The response arguments (JSON array text with placeholders, for
    /// [`JsonText`]).
    pub data: P::Args,
    /// Binary attachments.
    pub attachments: Vec<P::Binary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_error_messages() {
        assert_eq!(AckError::Timeout.as_str(), "operation has timed out");
        assert_eq!(
            AckError::Disconnected.as_str(),
            "socket has been disconnected"
        );
    }
}
