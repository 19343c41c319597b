//! What the application reads of a Manager and its sockets between calls.

use crate::prelude::*;

use super::super::config::{ManagerConfig, TransportKind};
use super::super::ids::{RequestId, SocketId};
use super::super::packet;
use super::super::payloads::Payloads;
use super::super::socket::Socket;
use super::super::stats::{ConnectionStats, SocketStats};
use super::{Manager, ReadyState};

impl<P: Payloads> Manager<P> {
    // ----- state ---------------------------------------------------------

    /// The configuration (path normalized).
    pub fn config(&self) -> &ManagerConfig {
        &self.env.cfg
    }

    /// Whether the Engine.IO session is open.
    pub fn is_open(&self) -> bool {
        self.ready == ReadyState::Open
    }

    /// Whether a reconnection is scheduled or in progress.
    pub fn is_reconnecting(&self) -> bool {
        self.reconnecting
    }

    /// The reconnection attempt (from 1) while one is scheduled or in
    /// progress, else 0: what the next (or current) `reconnect_attempt` says.
    pub fn reconnect_attempt(&self) -> u32 {
        if self.reconnecting {
            self.backoff.attempts().max(1)
        } else {
            0
        }
    }

    /// The current transport, while a session exists.
    pub fn transport(&self) -> Option<TransportKind> {
        self.engine.as_ref().map(|e| e.transport_kind())
    }

    /// The Engine.IO session id, once the handshake is done
    /// (engine.io-client `id`; the server knows the connection by it).
    pub fn engine_id(&self) -> Option<&str> {
        self.engine.as_ref().and_then(|e| e.sid())
    }

    /// Whether an attempt to open the connection is under way (the
    /// handshake not done yet).
    pub fn is_opening(&self) -> bool {
        self.ready == ReadyState::Opening
    }

    /// Whether the socket is connected to its namespace.
    pub fn is_connected(&self, socket: SocketId) -> bool {
        self.sock(socket).is_some_and(|s| s.connected)
    }

    /// Whether the socket reconnects with the Manager (socket.io-client
    /// `active`): true after `connect`, false after `disconnect`, a server
    /// DISCONNECT or a CONNECT_ERROR.
    pub fn is_active(&self, socket: SocketId) -> bool {
        self.sock(socket).is_some_and(|s| s.active)
    }

    /// The server-given id of a connected socket (`socket.id`).
    pub fn socket_sid(&self, socket: SocketId) -> Option<&str> {
        self.sock(socket).and_then(|s| s.sid.as_deref())
    }

    /// Connection state recovery's session id (`pid`) and the offset of
    /// the last event handled, which the next CONNECT sends to recover;
    /// none until the server gave a session id.
    pub fn socket_recovery(&self, socket: SocketId) -> Option<(&str, Option<&str>)> {
        self.sock(socket).and_then(|s| s.recovery())
    }

    /// Whether the last connection recovered the session state.
    pub fn is_recovered(&self, socket: SocketId) -> bool {
        self.sock(socket).is_some_and(|s| s.recovered)
    }

    /// Packets waiting in the socket's offline send buffer.
    pub fn buffered(&self, socket: SocketId) -> usize {
        self.sock(socket).map_or(0, |s| s.buffered())
    }

    /// The socket's offline send buffer, in send order: each emit's key (the
    /// request of its ack when it asked for one, else a request of its own,
    /// unique on this Manager) and its wire ack id.
    pub fn send_buffer(&self, socket: SocketId) -> Vec<(RequestId, Option<u64>)> {
        self.sock(socket).map_or_else(Vec::new, |s| s.send_buffer())
    }

    /// Keeps the buffered emits whose keys ([`Manager::send_buffer`]) `keep`
    /// names, in `keep`'s order (socket.io-client's `socket.sendBuffer =
    /// ...`); keys not in the buffer, and repeats, are ignored. The retry
    /// queue is not touched. The acks of the emits taken out settle at once:
    /// error-first ones with [`AckError::Removed`](crate::proto::AckError::Removed), plain callbacks as
    /// [`Event::AckDropped`](crate::proto::Event::AckDropped).
    pub fn retain_send_buffer(
        &mut self,
        now: u64,
        socket: SocketId,
        keep: impl IntoIterator<Item = RequestId>,
    ) {
        // Nothing is written: no `after()`.
        self.with_socket(now, socket, |s, env| s.retain_send_buffer(env, keep));
    }

    /// The events the socket received before its CONNECT was answered,
    /// delivered on `connect` (socket.io-client's `receiveBuffer`); with
    /// `clear`, taken out: they will not be delivered.
    pub fn receive_buffer(&mut self, socket: SocketId, clear: bool) -> Vec<P::Args> {
        self.sockets
            .get_mut(socket.0 as usize)
            .map_or_else(Vec::new, |s| s.receive_buffer(clear))
    }

    /// Emits of the socket waiting for an acknowledgement.
    pub fn pending_acks(&self, socket: SocketId) -> usize {
        self.sock(socket).map_or(0, |s| s.pending_acks())
    }

    /// The connection's counters and heartbeat (the sockets' are
    /// [`Manager::socket_stats`]).
    pub fn stats(&self) -> ConnectionStats {
        let open = self.is_open();
        let (ping_interval, ping_timeout) = match self.engine.as_ref() {
            Some(e) if open => e.heartbeat(),
            _ => (0, 0),
        };
        ConnectionStats {
            reconnections: self.reconnections,
            opened_at: self.opened_at.filter(|_| open),
            last_ping_at: self.last_ping_at.filter(|_| open),
            ping_interval,
            ping_timeout,
        }
    }

    /// A socket's counters and queues (zeros for an unknown socket).
    pub fn socket_stats(&self, socket: SocketId) -> SocketStats {
        self.sock(socket)
            .map_or_else(SocketStats::default, |s| s.stats())
    }

    /// How many characters of a received text the core reads
    /// ([`Payloads::head`]): enough for the header of any packet for one of
    /// this Manager's namespaces. It grows with the longest namespace.
    pub fn head_len(&self) -> usize {
        let longest = self.sockets.iter().map(|s| s.nsp.len()).max().unwrap_or(1);
        // The Engine.IO type, then the Socket.IO header and one more byte.
        1 + packet::header_len(longest)
    }

    /// The payloads this Manager's runtime holds.
    pub fn payloads(&self) -> &P {
        &self.env.payloads
    }

    pub(super) fn sock(&self, id: SocketId) -> Option<&Socket<P>> {
        self.sockets.get(id.0 as usize)
    }
}
