//! What the core counts for `stats()`: per namespace socket, and for the
//! connection. Only what the protocol decides is counted here (events,
//! volatile drops, reconnections, the heartbeat); frames and bytes are the
//! runtime's, which owns the transports.

/// Counters of one namespace socket, since it was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SocketCounters {
    /// Server events handed to the app (`Event::Event`), those held in the
    /// receive buffer until CONNECT included once delivered.
    pub events_in: u64,
    /// EVENT packets written to a transport: an offline emit counts when
    /// its buffer is flushed, a retried one at each try.
    pub events_out: u64,
    /// Volatile emits dropped because the transport was not writable.
    pub dropped_volatile: u64,
}

/// A namespace socket's counters and queues ([`Manager::socket_stats`](crate::proto::Manager::socket_stats)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SocketStats {
    /// The counters.
    pub counters: SocketCounters,
    /// Emits waiting for an acknowledgement.
    pub pending_acks: usize,
    /// Emits in the offline send buffer.
    pub buffered: usize,
}

/// The connection's counters and heartbeat ([`Manager::stats`](crate::proto::Manager::stats));
/// each socket has its own ([`SocketStats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionStats {
    /// Successful reconnections (`reconnect` events) since the Manager was made.
    pub reconnections: u32,
    /// When the current Engine.IO session opened (the caller's clock), while open.
    pub opened_at: Option<u64>,
    /// When the current session's last ping arrived, if one did.
    pub last_ping_at: Option<u64>,
    /// The handshake's `pingInterval` (ms), while open; else 0.
    pub ping_interval: u64,
    /// The handshake's `pingTimeout` (ms), while open; else 0.
    pub ping_timeout: u64,
}
