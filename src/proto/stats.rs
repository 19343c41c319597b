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

impl SocketCounters {
    /// The sum of two sockets' counters.
    pub fn plus(self, other: SocketCounters) -> SocketCounters {
        SocketCounters {
            events_in: self.events_in + other.events_in,
            events_out: self.events_out + other.events_out,
            dropped_volatile: self.dropped_volatile + other.dropped_volatile,
        }
    }
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

/// The connection's state and counters ([`Manager::stats`](crate::proto::Manager::stats)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectionStats {
    /// The sockets' counters, summed.
    pub counters: SocketCounters,
    /// Pending acknowledgements of all sockets.
    pub pending_acks: usize,
    /// Buffered emits of all sockets.
    pub buffered: usize,
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
    /// Every connected socket recovered its state on its last connection
    /// (false when none is connected).
    pub recovered: bool,
}
