//! One namespace socket (socket.io-client 4.8 `Socket`), sans-IO.
//!
//! Connect with auth, the offline send buffer, volatile emits, the ack table
//! (wire ids per socket from 0, per-ack deadlines, settlement on
//! disconnect), the `ackTimeout` + `retries` queue, and connection state
//! recovery (`pid` / `offset`). The Manager owns the sockets and calls in
//! with an [`SocketEnv`] view of itself.

use crate::prelude::*;

use super::queue::Queue;

use super::backoff::Backoff;
use super::config::{Auth, SocketConfig};
use super::events::{AckError, DisconnectReason, Event};
use super::ids::{RequestId, SocketId};
use super::packet::{self, ConnectAck, Packet, PacketType};
use super::payloads::Payloads;
use super::session::{Out, Session};
use super::stats::{SocketCounters, SocketStats};
use super::timer::{Timer, TimerTable};

mod acks;
mod emit;
mod retry;
use acks::AckTable;
pub use emit::{AckMode, Emit, EmitError};
use retry::Queued;

/// The Manager's resources a socket acts on.
pub(crate) struct SocketEnv<'a, P: Payloads> {
    pub(crate) engine: &'a mut Option<Session<P>>,
    pub(crate) payloads: &'a P,
    pub(crate) timers: &'a mut TimerTable,
    pub(crate) events: &'a mut Queue<Event<P>>,
    pub(crate) next_request: &'a mut u64,
    pub(crate) now: u64,
    /// The Manager is open (Engine.IO handshake done).
    pub(crate) open: bool,
    /// How long a CONNECT may wait for its answer (the Manager's `timeout`).
    pub(crate) connect_timeout: Option<u64>,
}

impl<P: Payloads> SocketEnv<'_, P> {
    fn request(&mut self) -> RequestId {
        let id = RequestId(*self.next_request);
        *self.next_request = self.next_request.wrapping_add(1);
        id
    }

    /// Manager `_packet` for a packet the core writes whole (CONNECT,
    /// DISCONNECT).
    fn write_packet(&mut self, packet: &Packet) {
        if let Some(e) = self.engine.as_mut() {
            let mut text = String::from("4");
            text.push_str(&packet::encode(packet));
            e.send(Out::Packet(text));
        }
    }

    /// Manager `_packet` for an EVENT or ACK: its header and body, then its
    /// attachments, as Engine.IO messages.
    fn write(
        &mut self,
        kind: PacketType,
        nsp: &str,
        id: Option<u64>,
        body: P::Text,
        attachments: Vec<P::Binary>,
    ) {
        if let Some(e) = self.engine.as_mut() {
            // The Engine.IO type first; one allocation for the frame's head.
            let mut head = packet::encode_header(kind, nsp, id, attachments.len());
            head.insert(0, '4');
            e.send(Out::Message(head, body));
            for a in attachments {
                e.send(Out::Binary(a));
            }
        }
    }

    fn writable(&self) -> bool {
        self.engine.as_ref().is_some_and(|e| e.writable())
    }

    fn ping_expired(&self) -> bool {
        self.engine
            .as_ref()
            .is_some_and(|e| e.ping_expired(self.now))
    }
}

/// A decoded CONNECT, DISCONNECT or CONNECT_ERROR.
#[derive(Debug)]
pub(crate) enum Control<P: Payloads> {
    /// CONNECT; `None`: without a usable `sid` (a v2 server).
    Connect(Option<ConnectAck>),
    /// DISCONNECT.
    Disconnect,
    /// CONNECT_ERROR: message and data.
    ConnectError(String, Option<P::Args>),
}

/// What the Manager must do after a socket handled something.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FollowUp<P: Payloads> {
    Nothing,
    /// The socket left the pool (`destroy`): close the engine if no socket
    /// is active any more.
    Destroyed,
    /// CONNECT_ERROR: destroyed; report the error after the Manager's
    /// `_destroy` (as socket.io-client does).
    ConnectError(String, Option<P::Args>),
    /// A throttled heartbeat was detected: close with `"ping timeout"`.
    PingExpired,
}

/// An emit in the offline send buffer.
#[derive(Debug, Clone)]
struct Outgoing<P: Payloads> {
    /// Names it to the app: its ack's request, or one of its own.
    key: RequestId,
    id: Option<u64>,
    data: P::Text,
    attachments: Vec<P::Binary>,
}

#[derive(Debug, Clone)]
struct Received<P: Payloads> {
    data: P::Args,
    attachments: Vec<P::Binary>,
    ack_id: Option<u64>,
}

/// One namespace on a Manager.
#[derive(Debug, Clone)]
pub(crate) struct Socket<P: Payloads> {
    pub(crate) id: SocketId,
    pub(crate) nsp: String,
    cfg: SocketConfig,
    /// Subscribed to the Manager (socket.io-client `active`).
    pub(crate) active: bool,
    pub(crate) connected: bool,
    /// CONNECT sent, no answer yet.
    connecting: bool,
    /// The delays between the CONNECTs of a namespace that does not
    /// answer (the Manager's reconnection delays).
    pub(crate) retry: Backoff,
    /// NeedAuth emitted, waiting for `set_auth`.
    awaiting_auth: bool,
    pub(crate) sid: Option<String>,
    pid: Option<String>,
    last_offset: Option<String>,
    pub(crate) recovered: bool,
    receive_buffer: Queue<Received<P>>,
    send_buffer: Queue<Outgoing<P>>,
    /// Pending acks by wire id, in id (= insertion) order.
    acks: AckTable,
    next_ack_id: u64,
    queue: Queue<Queued<P>>,
    counters: SocketCounters,
}

impl<P: Payloads> Socket<P> {
    pub(crate) fn new(id: SocketId, nsp: String, cfg: SocketConfig, retry: Backoff) -> Socket<P> {
        Socket {
            id,
            nsp,
            cfg,
            active: false,
            connected: false,
            connecting: false,
            retry,
            awaiting_auth: false,
            sid: None,
            pid: None,
            last_offset: None,
            recovered: false,
            receive_buffer: Queue::default(),
            send_buffer: Queue::default(),
            acks: AckTable::default(),
            next_ack_id: 0,
            queue: Queue::default(),
            counters: SocketCounters::default(),
        }
    }

    /// Packets waiting in the offline send buffer.
    pub(crate) fn buffered(&self) -> usize {
        self.send_buffer.len()
    }

    /// The offline send buffer, in send order: each emit's key and wire ack id.
    pub(crate) fn send_buffer(&self) -> Vec<(RequestId, Option<u64>)> {
        self.send_buffer.iter().map(|o| (o.key, o.id)).collect()
    }

    /// Keeps the buffered emits named by `keep`, in that order (keys not
    /// buffered, and repeats, are ignored). The acks of the others settle at
    /// once, as [`clear_acks`](Self::clear_acks) does, with
    /// [`AckError::Removed`].
    pub(crate) fn retain_send_buffer(
        &mut self,
        env: &mut SocketEnv<P>,
        keep: impl IntoIterator<Item = RequestId>,
    ) {
        let mut old = self.send_buffer.take_all();
        for k in keep {
            // `i < len` always; said so that no panic path of `remove` is
            // left in the wasm.
            if let Some(i) = old
                .iter()
                .position(|o| o.key == k)
                .filter(|i| *i < old.len())
            {
                self.send_buffer.push_back(old.remove(i));
            }
        }
        for o in old {
            if let Some(wire) = o.id {
                self.settle(env, wire, AckError::Removed);
            }
        }
    }

    /// The events received before CONNECT, in order (emptied when `clear`).
    pub(crate) fn receive_buffer(&mut self, clear: bool) -> Vec<P::Args> {
        let out = self.receive_buffer.iter().map(|r| r.data.clone()).collect();
        if clear {
            self.receive_buffer.take_all();
        }
        out
    }

    /// Emits waiting for an acknowledgement.
    pub(crate) fn pending_acks(&self) -> usize {
        self.acks.len()
    }

    /// Connection state recovery's session id and last offset, once the
    /// server gave a session id.
    pub(crate) fn recovery(&self) -> Option<(&str, Option<&str>)> {
        let pid = self.pid.as_deref()?;
        Some((pid, self.last_offset.as_deref()))
    }

    /// The counters and queue lengths, for `stats()`.
    pub(crate) fn stats(&self) -> SocketStats {
        SocketStats {
            counters: self.counters,
            pending_acks: self.acks.len(),
            buffered: self.send_buffer.len(),
        }
    }

    /// Writes an EVENT (or BINARY_EVENT) packet, counted.
    fn write_event(
        &mut self,
        env: &mut SocketEnv<P>,
        id: Option<u64>,
        data: P::Text,
        attachments: Vec<P::Binary>,
    ) {
        self.counters.events_out += 1;
        let kind = event_kind(&attachments);
        env.write(kind, &self.nsp, id, data, attachments);
    }

    fn packet(&self, kind: PacketType, id: Option<u64>, data: Option<String>, n: usize) -> Packet {
        Packet {
            kind,
            nsp: self.nsp.clone(),
            id,
            data,
            attachments: n,
        }
    }

    /// The Manager opened (or the socket connects on an open Manager):
    /// send CONNECT, asking the app for auth first when configured so.
    pub(crate) fn on_open(&mut self, env: &mut SocketEnv<P>) {
        if !self.active || self.connected || self.connecting || self.awaiting_auth {
            return;
        }
        match &self.cfg.auth {
            Auth::Ask => {
                self.awaiting_auth = true;
                env.events.push_back(Event::NeedAuth { socket: self.id });
            }
            Auth::Static(a) => {
                let a = a.clone();
                self.send_connect(env, Some(&a));
            }
            Auth::None => self.send_connect(env, None),
        }
    }

    /// The app's answer to `NeedAuth`.
    pub(crate) fn set_auth(&mut self, env: &mut SocketEnv<P>, auth: Option<&str>) {
        if !self.awaiting_auth {
            return;
        }
        self.awaiting_auth = false;
        if self.active && env.open && !self.connected {
            self.send_connect(env, auth);
        }
    }

    fn send_connect(&mut self, env: &mut SocketEnv<P>, auth: Option<&str>) {
        let payload = match &self.pid {
            Some(pid) => packet::connect_payload(auth, Some(pid), self.last_offset.as_deref()),
            None => packet::connect_payload(auth, None, None),
        };
        let p = self.packet(PacketType::Connect, None, payload, 0);
        env.write_packet(&p);
        self.connecting = true;
        if let Some(ms) = env.connect_timeout {
            env.timers
                .set(Timer::Connect(self.id), env.now.saturating_add(ms));
        }
    }

    /// The CONNECT went unanswered: `connect_error`, and true (the Manager
    /// schedules the next one). socket.io-client would wait forever.
    pub(crate) fn on_connect_timeout(&mut self, env: &mut SocketEnv<P>) -> bool {
        if !self.connecting || !self.active {
            return false;
        }
        self.connecting = false;
        env.events.push_back(Event::ConnectError {
            socket: self.id,
            message: String::from("namespace connect timeout"),
            data: None,
        });
        true
    }

    fn stop_connect_timers(&self, env: &mut SocketEnv<P>) {
        env.timers.stop(Timer::Connect(self.id));
        env.timers.stop(Timer::ConnectRetry(self.id));
    }

    /// Manager `error` while not connected: `connect_error`.
    pub(crate) fn on_error(&mut self, env: &mut SocketEnv<P>, description: &str) {
        if self.active && !self.connected {
            env.events.push_back(Event::ConnectError {
                socket: self.id,
                message: String::from(description),
                data: None,
            });
        }
    }

    /// Manager `close` (or a client/server disconnect).
    pub(crate) fn on_close(
        &mut self,
        env: &mut SocketEnv<P>,
        reason: DisconnectReason,
        description: Option<String>,
    ) {
        self.connected = false;
        self.connecting = false;
        self.awaiting_auth = false;
        self.sid = None;
        self.stop_connect_timers(env);
        env.events.push_back(Event::Disconnect {
            socket: self.id,
            reason,
            description,
        });
        self.clear_acks(env);
    }

    /// An EVENT for this namespace: delivered, or kept until CONNECT.
    pub(crate) fn on_event(
        &mut self,
        env: &mut SocketEnv<P>,
        data: P::Args,
        attachments: Vec<P::Binary>,
        ack_id: Option<u64>,
    ) {
        let r = Received {
            data,
            attachments,
            ack_id,
        };
        if self.connected {
            self.emit_event(env, r);
        } else if self.receive_buffer.len() < self.cfg.max_buffered_packets {
            self.receive_buffer.push_back(r);
        }
    }

    /// A CONNECT, DISCONNECT or CONNECT_ERROR for this namespace.
    pub(crate) fn on_control(
        &mut self,
        env: &mut SocketEnv<P>,
        control: Control<P>,
    ) -> FollowUp<P> {
        match control {
            Control::Connect(ack) => {
                match ack {
                    Some(ack) if !ack.sid.is_empty() => self.on_connect(env, ack.sid, ack.pid),
                    _ => env.events.push_back(Event::ConnectError {
                        socket: self.id,
                        message: String::from(
                            "It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)",
                        ),
                        data: None,
                    }),
                }
                FollowUp::Nothing
            }
            Control::Disconnect => {
                // Caller: `_destroy`, then `on_close("io server disconnect")`.
                self.destroy();
                FollowUp::Destroyed
            }
            Control::ConnectError(message, data) => {
                self.stop_connect_timers(env);
                self.destroy();
                FollowUp::ConnectError(message, data)
            }
        }
    }

    fn emit_event(&mut self, env: &mut SocketEnv<P>, r: Received<P>) {
        if self.pid.is_some() && r.ack_id.is_none() {
            if let Some(offset) = env.payloads.offset(&r.data) {
                self.last_offset = Some(offset);
            }
        }
        self.counters.events_in += 1;
        env.events.push_back(Event::Event {
            socket: self.id,
            data: r.data,
            attachments: r.attachments,
            ack_id: r.ack_id,
        });
    }

    fn on_connect(&mut self, env: &mut SocketEnv<P>, sid: String, pid: Option<String>) {
        self.recovered = pid.is_some() && self.pid == pid;
        self.pid = pid;
        self.sid = Some(sid.clone());
        self.connected = true;
        self.connecting = false;
        self.stop_connect_timers(env);
        self.retry.reset();
        for r in self.receive_buffer.take_all() {
            self.emit_event(env, r);
        }
        for o in self.send_buffer.take_all() {
            self.write_event(env, o.id, o.data, o.attachments);
        }
        self.drain_queue(env, true);
        env.events.push_back(Event::Connect {
            socket: self.id,
            sid,
            recovered: self.recovered,
        });
    }

    /// socket.io-client `emit`.
    pub(crate) fn emit(
        &mut self,
        env: &mut SocketEnv<P>,
        e: Emit<P>,
    ) -> Result<(Option<RequestId>, FollowUp<P>), EmitError> {
        if env.payloads.reserved(&e.data) {
            return Err(EmitError::ReservedEvent);
        }
        let timeout = match e.ack {
            AckMode::WithTimeout(ms) => Some(ms),
            AckMode::None => None,
            AckMode::Callback | AckMode::WithError => self.cfg.ack_timeout,
        };
        if self.cfg.retries > 0 && !e.volatile {
            if self.queue.len() >= self.cfg.max_buffered_packets {
                return Err(EmitError::BufferFull);
            }
            let request = env.request();
            // socket.io-client's queue gives every packet an ack callback,
            // so `ackTimeout` applies to emits without one too: otherwise an
            // unanswered one would block the queue until the next reconnection.
            let timeout = match e.ack {
                AckMode::None => self.cfg.ack_timeout,
                _ => timeout,
            };
            self.queue.push_back(Queued {
                request,
                notify: e.ack != AckMode::None,
                data: e.data,
                attachments: e.attachments,
                timeout,
                try_count: 0,
                pending: false,
            });
            self.drain_queue(env, false);
            return Ok((
                (e.ack != AckMode::None).then_some(request),
                FollowUp::Nothing,
            ));
        }

        let writable = env.writable();
        let expired = self.connected && env.ping_expired();
        let is_connected = self.connected && !expired;
        let drop = e.volatile && !writable;
        let buffer = !drop && !is_connected;
        if buffer && self.send_buffer.len() >= self.cfg.max_buffered_packets {
            return Err(EmitError::BufferFull);
        }
        let mut request = None;
        let mut wire = None;
        if e.ack != AckMode::None {
            let (r, w) = self.book_ack(env, e.ack, timeout)?;
            request = Some(r);
            wire = Some(w);
        }
        if drop {
            self.counters.dropped_volatile += 1;
        } else if is_connected {
            self.write_event(env, wire, e.data, e.attachments);
        } else {
            let key = request.unwrap_or_else(|| env.request());
            self.send_buffer.push_back(Outgoing {
                key,
                id: wire,
                data: e.data,
                attachments: e.attachments,
            });
        }
        let after = if expired {
            FollowUp::PingExpired
        } else {
            FollowUp::Nothing
        };
        Ok((request, after))
    }

    /// Answers a server event's ack id.
    pub(crate) fn ack(
        &mut self,
        env: &mut SocketEnv<P>,
        ack_id: u64,
        data: P::Text,
        attachments: Vec<P::Binary>,
    ) {
        if !self.connected {
            return;
        }
        let kind = if attachments.is_empty() {
            PacketType::Ack
        } else {
            PacketType::BinaryAck
        };
        env.write(kind, &self.nsp, Some(ack_id), data, attachments);
    }

    /// Writes DISCONNECT when connected; returns whether it was connected.
    pub(crate) fn send_disconnect(&mut self, env: &mut SocketEnv<P>) -> bool {
        if self.connected {
            let p = self.packet(PacketType::Disconnect, None, None, 0);
            env.write_packet(&p);
        }
        self.connected
    }

    /// Leaves the Manager's pool: no reconnection for this socket.
    pub(crate) fn destroy(&mut self) {
        self.active = false;
        self.awaiting_auth = false;
        self.connecting = false;
    }
}

fn event_kind<B>(attachments: &[B]) -> PacketType {
    if attachments.is_empty() {
        PacketType::Event
    } else {
        PacketType::BinaryEvent
    }
}
