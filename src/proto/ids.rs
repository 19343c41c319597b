//! The identifiers the core hands out: leaf types every state machine
//! shares (no imports from the rest of the core).

/// Identifies one low-level transport (a WebSocket, or one long-polling
/// channel). Ids are never reused, so inputs about an old transport are
/// recognized and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransportId(pub u64);

/// Identifies a namespace socket of a Manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(pub(crate) u32);

impl SocketId {
    /// The socket's index in its Manager (0, 1, ...).
    pub fn index(self) -> u32 {
        self.0
    }
}

/// Identifies one emit waiting for an acknowledgement; unique per Manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub(crate) u64);

impl RequestId {
    /// The raw number.
    pub fn value(self) -> u64 {
        self.0
    }
}
