//! Options of a [`crate::proto::Manager`] and of its sockets, with
//! socket.io-client's defaults.

use super::packet::Limits;
use crate::prelude::*;

/// A low-level Engine.IO transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TransportKind {
    /// HTTP long-polling (`transport=polling`).
    Polling,
    /// WebSocket (`transport=websocket`).
    WebSocket,
}

impl TransportKind {
    /// The name used in URLs and in the handshake's `upgrades`.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportKind::Polling => "polling",
            TransportKind::WebSocket => "websocket",
        }
    }
}

/// Options of one server connection (socket.io-client `ManagerOptions`).
#[derive(Debug, Clone, PartialEq)]
pub struct ManagerConfig {
    /// `https`/`wss` when true, `http`/`ws` otherwise.
    pub secure: bool,
    /// `host` or `host:port` (IPv6 hosts in brackets), as it goes in the URL.
    pub host_port: String,
    /// The Engine.IO path; normalized to end with exactly one `/`.
    /// Default `"/socket.io/"`.
    pub path: String,
    /// Extra query parameters sent with every request (unencoded).
    pub query: Vec<(String, String)>,
    /// Transports to use, in order; the first one opens the session.
    /// Default `[Polling, WebSocket]`.
    pub transports: Vec<TransportKind>,
    /// Whether to try upgrading polling to WebSocket. Default true.
    pub upgrade: bool,
    /// Open with WebSocket directly when the previous WebSocket connection
    /// of this Manager succeeded. Default false.
    pub remember_upgrade: bool,
    /// Milliseconds for one connection attempt to complete the Engine.IO
    /// handshake; `None` disables it. Default `Some(20000)`.
    pub timeout: Option<u64>,
    /// Whether to reconnect automatically. Default true.
    pub reconnection: bool,
    /// Attempts before giving up (`reconnect_failed`); `None` is infinite
    /// (the default).
    pub reconnection_attempts: Option<u32>,
    /// Initial reconnection delay in milliseconds. Default 1000.
    pub reconnection_delay: u64,
    /// Largest reconnection delay in milliseconds. Default 5000.
    pub reconnection_delay_max: u64,
    /// Jitter of the reconnection delay, in `[0, 1]`. Default 0.5.
    pub randomization_factor: f64,
    /// When the first transport fails before the handshake, try the next
    /// one of `transports` (engine.io-client's `tryAllTransports`).
    /// Default false.
    pub try_all_transports: bool,
    /// End `path` with a `/` (engine.io-client's `addTrailingSlash`).
    /// Default true.
    pub add_trailing_slash: bool,
    /// Which requests carry a random cache-busting parameter: polling ones
    /// (`None`, the default), all (`Some(true)`) or none (`Some(false)`)
    /// (engine.io-client's `timestampRequests`).
    pub timestamp_requests: Option<bool>,
    /// Its name (`timestampParam`). Default `"t"`.
    pub timestamp_param: String,
    /// Socket.IO decoder limits.
    pub limits: Limits,
}

impl ManagerConfig {
    /// Defaults for the server at `host_port`.
    pub fn new(host_port: impl Into<String>, secure: bool) -> Self {
        ManagerConfig {
            secure,
            host_port: host_port.into(),
            ..ManagerConfig::default()
        }
    }
}

impl Default for ManagerConfig {
    fn default() -> Self {
        ManagerConfig {
            secure: false,
            host_port: String::from("localhost"),
            path: String::from("/socket.io/"),
            query: Vec::new(),
            transports: vec![TransportKind::Polling, TransportKind::WebSocket],
            upgrade: true,
            remember_upgrade: false,
            timeout: Some(20_000),
            reconnection: true,
            reconnection_attempts: None,
            reconnection_delay: 1000,
            reconnection_delay_max: 5000,
            randomization_factor: 0.5,
            try_all_transports: false,
            add_trailing_slash: true,
            timestamp_requests: None,
            timestamp_param: String::from("t"),
            limits: Limits::default(),
        }
    }
}

/// How a socket gets the `auth` payload of its CONNECT packet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Auth {
    /// No auth payload.
    #[default]
    None,
    /// The same JSON object on every (re)connection.
    Static(String),
    /// Ask on every (re)connection: the core emits
    /// [`crate::proto::Event::NeedAuth`] and waits for
    /// [`crate::proto::Manager::set_auth`] (socket.io-client's function form
    /// of `auth`, or an object the app may change between connections).
    Ask,
}

/// Options of one namespace socket (socket.io-client `SocketOptions`, plus
/// the bounds of its queues).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketConfig {
    /// The CONNECT payload.
    pub auth: Auth,
    /// Default acknowledgement timeout in milliseconds (`ackTimeout`).
    pub ack_timeout: Option<u64>,
    /// Retries of an unacknowledged emit (`retries`); 0 disables the retry
    /// queue.
    pub retries: u32,
    /// Bound of the offline send buffer and of the retry queue; an emit
    /// beyond it fails with [`crate::proto::EmitError::BufferFull`]. Also
    /// bounds the events received before CONNECT. Default 1000.
    pub max_buffered_packets: usize,
    /// Bound of the table of emits waiting for an acknowledgement; beyond it
    /// an emit with an ack fails with
    /// [`crate::proto::EmitError::TooManyPendingAcks`]. Default 1000.
    pub max_pending_acks: usize,
}

impl Default for SocketConfig {
    fn default() -> Self {
        SocketConfig {
            auth: Auth::None,
            ack_timeout: None,
            retries: 0,
            max_buffered_packets: 1000,
            max_pending_acks: 1000,
        }
    }
}

/// `path` with a leading `/` and exactly one trailing `/`, or none
/// without `trailing_slash` (engine.io-client's `addTrailingSlash`).
pub(crate) fn normalize_path(path: &str, trailing_slash: bool) -> String {
    // Bytes: `/` is ASCII, so a trimmed end is a char boundary.
    let b = path.as_bytes();
    let start = b.iter().position(|&c| c != b'/').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b'/').map_or(start, |i| i + 1);
    let trimmed = path.get(start..end).unwrap_or_default();
    let mut out = String::with_capacity(trimmed.len() + 2);
    out.push('/');
    if !trimmed.is_empty() {
        out.push_str(trimmed);
        if trailing_slash {
            out.push('/');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_socket_io_client_defaults() {
        let c = ManagerConfig::default();
        assert_eq!(c.path, "/socket.io/");
        assert_eq!(c.timeout, Some(20_000));
        assert!(c.reconnection && c.upgrade && !c.remember_upgrade);
        assert_eq!(c.reconnection_attempts, None);
        assert_eq!(
            (c.reconnection_delay, c.reconnection_delay_max),
            (1000, 5000)
        );
        assert_eq!(c.randomization_factor, 0.5);
        assert_eq!(
            c.transports,
            [TransportKind::Polling, TransportKind::WebSocket]
        );
        let s = SocketConfig::default();
        assert_eq!((s.retries, s.ack_timeout), (0, None));
    }

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize_path("/socket.io", true), "/socket.io/");
        assert_eq!(normalize_path("/socket.io//", true), "/socket.io/");
        assert_eq!(normalize_path("x", true), "/x/");
        assert_eq!(normalize_path("", true), "/");
        assert_eq!(normalize_path("/socket.io/", false), "/socket.io");
        assert_eq!(normalize_path("", false), "/");
    }
}
