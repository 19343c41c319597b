//! One namespace socket (socket.io-client 4.8 `Socket`), sans-IO.
//!
//! Connect with auth, the offline send buffer, volatile emits, the ack table
//! (wire ids per socket from 0, per-ack deadlines, settlement on
//! disconnect), the `ackTimeout` + `retries` queue, and connection state
//! recovery (`pid` / `offset`). The Manager owns the sockets and calls in
//! with an [`Io`] view of itself.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::collections::VecDeque;

use super::config::{Auth, SocketConfig};
use super::engine_codec::Data;
use super::manager::{DisconnectReason, Event};
use super::packet::{self, Decoded, Packet, PacketType};
use super::session::Session;
use super::timer::{Timer, TimerTable};

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

/// Whether and how an emit waits for the server's acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AckMode {
    /// No acknowledgement.
    #[default]
    None,
    /// `emit(ev, ..., cb)`: a plain callback. With `ack_timeout` configured it
    /// becomes error-first with that deadline (as socket.io-client);
    /// otherwise it is dropped silently on disconnect.
    Callback,
    /// `emitWithAck(ev, ...)`: error-first; fails with
    /// [`AckError::Disconnected`] on disconnect, with `ack_timeout` if set.
    WithError,
    /// `timeout(ms).emit(ev, ..., cb)` / `timeout(ms).emitWithAck(...)`:
    /// error-first with this deadline in milliseconds.
    WithTimeout(u64),
}

/// An event to send.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Emit {
    /// The JSON array text `["name", args...]`, binary values replaced by
    /// `{"_placeholder":true,"num":n}`.
    pub data: String,
    /// The binary attachments, in placeholder order.
    pub attachments: Vec<Vec<u8>>,
    /// Acknowledgement mode.
    pub ack: AckMode,
    /// Drop instead of buffering when the transport is not writable.
    pub volatile: bool,
}

/// Why an emit was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmitError {
    /// No socket with this id.
    UnknownSocket,
    /// The event name is reserved (`connect`, `connect_error`,
    /// `disconnect`, `disconnecting`, `newListener`, `removeListener`).
    ReservedEvent,
    /// The send buffer (or retry queue) holds `max_buffered_packets`.
    BufferFull,
    /// `max_pending_acks` emits already wait for an acknowledgement.
    TooManyPendingAcks,
}

impl EmitError {
    /// A short description.
    pub fn as_str(self) -> &'static str {
        match self {
            EmitError::UnknownSocket => "unknown socket",
            EmitError::ReservedEvent => "reserved event name",
            EmitError::BufferFull => "send buffer full",
            EmitError::TooManyPendingAcks => "too many pending acknowledgements",
        }
    }
}

/// Why an acknowledgement failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckError {
    /// The deadline passed (socket.io-client: `"operation has timed out"`).
    Timeout,
    /// The socket disconnected first (`"socket has been disconnected"`).
    Disconnected,
}

impl AckError {
    /// socket.io-client's error message.
    pub fn as_str(self) -> &'static str {
        match self {
            AckError::Timeout => "operation has timed out",
            AckError::Disconnected => "socket has been disconnected",
        }
    }
}

/// The arguments of a server acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckData {
    /// JSON array text of the response arguments (with placeholders).
    pub data: String,
    /// Binary attachments.
    pub attachments: Vec<Vec<u8>>,
}

/// Whether the first element of `data` is a reserved event name (cheap
/// prefix test on `JSON.stringify` output).
fn is_reserved(data: &str) -> bool {
    let Some(rest) = data.trim_start().strip_prefix('[') else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix('"') else {
        return false;
    };
    packet::RESERVED_EVENTS.iter().any(|name| {
        rest.strip_prefix(name)
            .is_some_and(|after| after.starts_with('"'))
    })
}

/// The Manager's resources a socket acts on.
pub(crate) struct Io<'a> {
    pub(crate) engine: &'a mut Option<Session>,
    pub(crate) timers: &'a mut TimerTable,
    pub(crate) events: &'a mut VecDeque<Event>,
    pub(crate) next_request: &'a mut u64,
    pub(crate) now: u64,
    /// The Manager is open (Engine.IO handshake done).
    pub(crate) open: bool,
}

impl Io<'_> {
    fn request(&mut self) -> RequestId {
        let id = RequestId(*self.next_request);
        *self.next_request = self.next_request.wrapping_add(1);
        id
    }

    /// Manager `_packet`: text part, then attachments, as Engine.IO messages.
    fn write(&mut self, packet: &Packet, attachments: Vec<Vec<u8>>) {
        if let Some(e) = self.engine.as_mut() {
            e.send(Data::Text(packet::encode(packet)));
            for a in attachments {
                e.send(Data::Binary(a));
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

/// What the Manager must do after a socket handled something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum After {
    Nothing,
    /// The socket left the pool (`destroy`): close the engine if no socket
    /// is active any more.
    Destroyed,
    /// CONNECT_ERROR: destroyed; report the error after the Manager's
    /// `_destroy` (as socket.io-client does).
    ConnectError(String, Option<String>),
    /// A throttled heartbeat was detected: close with `"ping timeout"`.
    PingExpired,
}

#[derive(Debug, Clone)]
struct Outgoing {
    packet: Packet,
    attachments: Vec<Vec<u8>>,
}

#[derive(Debug, Clone, Copy)]
struct PendingAck {
    request: RequestId,
    /// Error-first: settled with an error on timeout and on disconnect.
    with_error: bool,
    /// Belongs to the head of the retry queue.
    queued: bool,
}

#[derive(Debug, Clone)]
struct Queued {
    /// Timer key of this entry; returned to the app when it asked for an ack.
    request: RequestId,
    notify: bool,
    data: String,
    attachments: Vec<Vec<u8>>,
    timeout: Option<u64>,
    try_count: u32,
    pending: bool,
}

#[derive(Debug, Clone)]
struct Received {
    data: String,
    attachments: Vec<Vec<u8>>,
    ack_id: Option<u64>,
}

/// One namespace on a Manager.
#[derive(Debug, Clone)]
pub(crate) struct Socket {
    pub(crate) id: SocketId,
    pub(crate) nsp: String,
    cfg: SocketConfig,
    /// Subscribed to the Manager (socket.io-client `active`).
    pub(crate) active: bool,
    pub(crate) connected: bool,
    /// CONNECT sent, no answer yet.
    connecting: bool,
    /// NeedAuth emitted, waiting for `set_auth`.
    awaiting_auth: bool,
    pub(crate) sid: Option<String>,
    pid: Option<String>,
    last_offset: Option<String>,
    pub(crate) recovered: bool,
    receive_buffer: VecDeque<Received>,
    send_buffer: VecDeque<Outgoing>,
    /// Pending acks by wire id, in id (= insertion) order.
    acks: AckTable,
    next_ack_id: u64,
    queue: VecDeque<Queued>,
}

/// Pending acks keyed by wire id. Ids only grow, so pushing keeps the order
/// a B-tree map would give, at a fraction of the code size; the table is
/// small (bounded by `max_pending_acks`, usually a few entries).
#[derive(Debug, Clone, Default)]
struct AckTable(Vec<(u64, PendingAck)>);

impl AckTable {
    fn insert(&mut self, wire: u64, ack: PendingAck) {
        self.0.push((wire, ack));
    }
    fn remove(&mut self, wire: &u64) -> Option<PendingAck> {
        let i = self.0.iter().position(|(w, _)| w == wire)?;
        Some(self.0.remove(i).1)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl Socket {
    pub(crate) fn new(id: SocketId, nsp: String, cfg: SocketConfig) -> Socket {
        Socket {
            id,
            nsp,
            cfg,
            active: false,
            connected: false,
            connecting: false,
            awaiting_auth: false,
            sid: None,
            pid: None,
            last_offset: None,
            recovered: false,
            receive_buffer: VecDeque::new(),
            send_buffer: VecDeque::new(),
            acks: AckTable::default(),
            next_ack_id: 0,
            queue: VecDeque::new(),
        }
    }

    /// Packets waiting in the offline send buffer.
    pub(crate) fn buffered(&self) -> usize {
        self.send_buffer.len()
    }

    /// Emits waiting for an acknowledgement.
    pub(crate) fn pending_acks(&self) -> usize {
        self.acks.len()
    }

    /// Whether a plain emit (no ack, no attachments, a name not reserved)
    /// goes straight to the engine: connected, and no retry queue in the way.
    pub(crate) fn writes_plain_emits_through(&self) -> bool {
        self.connected && self.cfg.retries == 0
    }

    /// Whether the server gave this connection a recovery session (pid):
    /// then each event's last string argument is the offset to resume from.
    pub(crate) fn recovers(&self) -> bool {
        self.pid.is_some()
    }

    /// An event delivered by the runtime from the receive lane: its last
    /// argument, a string, is the recovery offset (as `emit_event` notes it).
    pub(crate) fn note_offset(&mut self, offset: String) {
        if self.pid.is_some() {
            self.last_offset = Some(offset);
        }
    }

    /// The WebSocket text frame of a plain emit, up to its JSON array:
    /// `42` and the namespace (`42/chat,`).
    pub(crate) fn plain_event_prefix(&self) -> String {
        let mut frame = String::from("4");
        frame.push_str(&packet::encode(&self.packet(
            PacketType::Event,
            None,
            None,
            0,
        )));
        frame
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
    pub(crate) fn on_open(&mut self, io: &mut Io) {
        if !self.active || self.connected || self.connecting || self.awaiting_auth {
            return;
        }
        match &self.cfg.auth {
            Auth::Ask => {
                self.awaiting_auth = true;
                io.events.push_back(Event::NeedAuth { socket: self.id });
            }
            Auth::Static(a) => {
                let a = a.clone();
                self.send_connect(io, Some(&a));
            }
            Auth::None => self.send_connect(io, None),
        }
    }

    /// The app's answer to `NeedAuth`.
    pub(crate) fn set_auth(&mut self, io: &mut Io, auth: Option<&str>) {
        if !self.awaiting_auth {
            return;
        }
        self.awaiting_auth = false;
        if self.active && io.open && !self.connected {
            self.send_connect(io, auth);
        }
    }

    fn send_connect(&mut self, io: &mut Io, auth: Option<&str>) {
        let payload = match &self.pid {
            Some(pid) => packet::connect_payload(auth, Some(pid), self.last_offset.as_deref()),
            None => packet::connect_payload(auth, None, None),
        };
        let p = self.packet(PacketType::Connect, None, payload, 0);
        io.write(&p, Vec::new());
        self.connecting = true;
    }

    /// Manager `error` while not connected: `connect_error`.
    pub(crate) fn on_error(&mut self, io: &mut Io, description: &str) {
        if self.active && !self.connected {
            io.events.push_back(Event::ConnectError {
                socket: self.id,
                message: String::from(description),
                data: None,
            });
        }
    }

    /// Manager `close` (or a client/server disconnect).
    pub(crate) fn on_close(
        &mut self,
        io: &mut Io,
        reason: DisconnectReason,
        description: Option<String>,
    ) {
        self.connected = false;
        self.connecting = false;
        self.awaiting_auth = false;
        self.sid = None;
        io.events.push_back(Event::Disconnect {
            socket: self.id,
            reason,
            description,
        });
        self.clear_acks(io);
    }

    /// Settles the acks whose packet is not in the send buffer: error-first
    /// ones fail with `Disconnected`, plain callbacks are dropped.
    fn clear_acks(&mut self, io: &mut Io) {
        let buffered = |id: &u64| self.send_buffer.iter().any(|o| o.packet.id == Some(*id));
        let ids: Vec<u64> = self
            .acks
            .0
            .iter()
            .map(|(wire, _)| *wire)
            .filter(|id| !buffered(id))
            .collect();
        for wire in ids {
            let Some(ack) = self.acks.remove(&wire) else {
                continue;
            };
            io.timers.stop(Timer::Ack(ack.request));
            if ack.queued {
                if ack.with_error {
                    self.queue_result(io, ack.request, Err(AckError::Disconnected));
                }
            } else if ack.with_error {
                io.events.push_back(Event::AckResponse {
                    socket: self.id,
                    request: ack.request,
                    result: Err(AckError::Disconnected),
                });
            } else {
                io.events.push_back(Event::AckDropped {
                    socket: self.id,
                    request: ack.request,
                });
            }
        }
    }

    /// A packet for this namespace.
    pub(crate) fn on_packet(&mut self, io: &mut Io, decoded: Decoded) -> After {
        let Decoded {
            packet: p,
            attachments,
        } = decoded;
        match p.kind {
            PacketType::Connect => {
                match p.data.as_deref().map(packet::parse_connect) {
                    Some(Ok(ack)) if !ack.sid.is_empty() => self.on_connect(io, ack.sid, ack.pid),
                    _ => io.events.push_back(Event::ConnectError {
                        socket: self.id,
                        message: String::from(
                            "It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)",
                        ),
                        data: None,
                    }),
                }
                After::Nothing
            }
            PacketType::Event | PacketType::BinaryEvent => {
                let r = Received {
                    data: p.data.unwrap_or_else(|| String::from("[]")),
                    attachments,
                    ack_id: p.id,
                };
                if self.connected {
                    self.emit_event(io, r);
                } else if self.receive_buffer.len() < self.cfg.max_buffered_packets {
                    self.receive_buffer.push_back(r);
                }
                After::Nothing
            }
            PacketType::Ack | PacketType::BinaryAck => {
                if let Some(id) = p.id {
                    let data = p.data.unwrap_or_else(|| String::from("[]"));
                    self.on_ack(io, id, AckData { data, attachments });
                }
                After::Nothing
            }
            PacketType::Disconnect => {
                // Caller: `_destroy`, then `on_close("io server disconnect")`.
                self.destroy();
                After::Destroyed
            }
            PacketType::ConnectError => {
                self.destroy();
                match p.data.as_deref().map(packet::parse_connect_error) {
                    Some(Ok(e)) => After::ConnectError(e.message, e.data),
                    _ => After::ConnectError(String::from("connect error"), None),
                }
            }
        }
    }

    fn emit_event(&mut self, io: &mut Io, r: Received) {
        if self.pid.is_some() && r.ack_id.is_none() {
            if let Some(offset) = packet::last_arg_string(&r.data) {
                self.last_offset = Some(offset);
            }
        }
        io.events.push_back(Event::Event {
            socket: self.id,
            data: r.data,
            attachments: r.attachments,
            ack_id: r.ack_id,
        });
    }

    fn on_connect(&mut self, io: &mut Io, sid: String, pid: Option<String>) {
        self.recovered = pid.is_some() && self.pid == pid;
        self.pid = pid;
        self.sid = Some(sid.clone());
        self.connected = true;
        self.connecting = false;
        while let Some(r) = self.receive_buffer.pop_front() {
            self.emit_event(io, r);
        }
        while let Some(o) = self.send_buffer.pop_front() {
            io.write(&o.packet, o.attachments);
        }
        self.drain_queue(io, true);
        io.events.push_back(Event::Connect {
            socket: self.id,
            sid,
            recovered: self.recovered,
        });
    }

    fn on_ack(&mut self, io: &mut Io, wire: u64, data: AckData) {
        let Some(ack) = self.acks.remove(&wire) else {
            return;
        };
        io.timers.stop(Timer::Ack(ack.request));
        if ack.queued {
            self.queue_result(io, ack.request, Ok(data));
        } else {
            io.events.push_back(Event::AckResponse {
                socket: self.id,
                request: ack.request,
                result: Ok(data),
            });
        }
    }

    /// An ack deadline passed; false when `request` is not this socket's.
    pub(crate) fn on_ack_timeout(&mut self, io: &mut Io, request: RequestId) -> bool {
        let Some(&(wire, ack)) = self.acks.0.iter().find(|(_, a)| a.request == request) else {
            return false;
        };
        self.acks.remove(&wire);
        self.send_buffer.retain(|o| o.packet.id != Some(wire));
        if ack.queued {
            self.queue_result(io, request, Err(AckError::Timeout));
        } else {
            io.events.push_back(Event::AckResponse {
                socket: self.id,
                request,
                result: Err(AckError::Timeout),
            });
        }
        true
    }

    /// The outcome of one try of the retry queue's head.
    fn queue_result(&mut self, io: &mut Io, request: RequestId, result: Result<AckData, AckError>) {
        let Some(head) = self.queue.front_mut() else {
            return;
        };
        if head.request != request {
            return;
        }
        let done = match &result {
            Ok(_) => true,
            Err(_) => head.try_count > self.cfg.retries,
        };
        head.pending = false;
        if done {
            if let Some(q) = self.queue.pop_front() {
                if q.notify {
                    io.events.push_back(Event::AckResponse {
                        socket: self.id,
                        request,
                        result,
                    });
                }
            }
        }
        self.drain_queue(io, false);
    }

    /// Sends the head of the retry queue (again when `force`).
    fn drain_queue(&mut self, io: &mut Io, force: bool) {
        if !self.connected {
            return;
        }
        let wire = self.next_ack_id;
        let Some(head) = self.queue.front_mut() else {
            return;
        };
        if head.pending && !force {
            return;
        }
        head.pending = true;
        head.try_count = head.try_count.saturating_add(1);
        let (request, timeout) = (head.request, head.timeout);
        let (data, attachments) = (head.data.clone(), head.attachments.clone());
        self.next_ack_id = self.next_ack_id.wrapping_add(1);
        // A forced resend replaces the previous try's ack.
        self.acks.0.retain(|(_, a)| a.request != request);
        let ack = PendingAck {
            request,
            with_error: timeout.is_some(),
            queued: true,
        };
        self.track_ack(io, wire, ack, timeout);
        let kind = event_kind(&attachments);
        let p = self.packet(kind, Some(wire), Some(data), attachments.len());
        io.write(&p, attachments);
    }

    /// socket.io-client `emit`.
    pub(crate) fn emit(
        &mut self,
        io: &mut Io,
        e: Emit,
    ) -> Result<(Option<RequestId>, After), EmitError> {
        if is_reserved(&e.data) {
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
            let request = io.request();
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
            self.drain_queue(io, false);
            return Ok(((e.ack != AckMode::None).then_some(request), After::Nothing));
        }

        let writable = io.writable();
        let expired = self.connected && io.ping_expired();
        let is_connected = self.connected && !expired;
        let drop = e.volatile && !writable;
        let buffer = !drop && !is_connected;
        if buffer && self.send_buffer.len() >= self.cfg.max_buffered_packets {
            return Err(EmitError::BufferFull);
        }
        let mut request = None;
        let mut wire = None;
        if e.ack != AckMode::None {
            let (r, w) = self.book_ack(io, e.ack, timeout)?;
            request = Some(r);
            wire = Some(w);
        }
        if !drop {
            let kind = event_kind(&e.attachments);
            let p = self.packet(kind, wire, Some(e.data), e.attachments.len());
            if is_connected {
                io.write(&p, e.attachments);
            } else {
                self.send_buffer.push_back(Outgoing {
                    packet: p,
                    attachments: e.attachments,
                });
            }
        }
        let after = if expired {
            After::PingExpired
        } else {
            After::Nothing
        };
        Ok((request, after))
    }

    /// Records an emit's pending acknowledgement (and its deadline): the
    /// request to settle and the wire ack id to send.
    fn book_ack(
        &mut self,
        io: &mut Io,
        mode: AckMode,
        timeout: Option<u64>,
    ) -> Result<(RequestId, u64), EmitError> {
        if self.acks.len() >= self.cfg.max_pending_acks {
            return Err(EmitError::TooManyPendingAcks);
        }
        let request = io.request();
        let wire = self.next_ack_id;
        self.next_ack_id = self.next_ack_id.wrapping_add(1);
        let ack = PendingAck {
            request,
            with_error: timeout.is_some() || mode != AckMode::Callback,
            queued: false,
        };
        self.track_ack(io, wire, ack, timeout);
        Ok((request, wire))
    }

    /// Waits for `ack` under wire id `wire`, with its deadline armed.
    fn track_ack(&mut self, io: &mut Io, wire: u64, ack: PendingAck, timeout: Option<u64>) {
        if let Some(ms) = timeout {
            io.timers
                .set(Timer::Ack(ack.request), io.now.saturating_add(ms));
        }
        self.acks.insert(wire, ack);
    }

    /// The ack of an emit on the express lane (the caller checked that the
    /// lane is open, so the emit is written at once): booked as
    /// [`Socket::emit`] books it; the runtime writes the frame.
    pub(crate) fn book_express_ack(
        &mut self,
        io: &mut Io,
        mode: AckMode,
    ) -> Result<(RequestId, u64), EmitError> {
        let timeout = match mode {
            AckMode::WithTimeout(ms) => Some(ms),
            _ => self.cfg.ack_timeout,
        };
        self.book_ack(io, mode, timeout)
    }

    /// Answers a server event's ack id.
    pub(crate) fn ack(
        &mut self,
        io: &mut Io,
        ack_id: u64,
        data: String,
        attachments: Vec<Vec<u8>>,
    ) {
        if !self.connected {
            return;
        }
        let kind = if attachments.is_empty() {
            PacketType::Ack
        } else {
            PacketType::BinaryAck
        };
        let p = self.packet(kind, Some(ack_id), Some(data), attachments.len());
        io.write(&p, attachments);
    }

    /// Writes DISCONNECT when connected; returns whether it was connected.
    pub(crate) fn send_disconnect(&mut self, io: &mut Io) -> bool {
        if self.connected {
            let p = self.packet(PacketType::Disconnect, None, None, 0);
            io.write(&p, Vec::new());
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

fn event_kind(attachments: &[Vec<u8>]) -> PacketType {
    if attachments.is_empty() {
        PacketType::Event
    } else {
        PacketType::BinaryEvent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names() {
        assert!(is_reserved(r#"["connect"]"#));
        assert!(is_reserved(r#"[ "disconnect",1]"#));
        assert!(is_reserved(r#"["removeListener",{}]"#));
        assert!(!is_reserved(r#"["connected"]"#));
        assert!(!is_reserved(r#"["chat","connect"]"#));
        assert!(!is_reserved(""));
        assert!(!is_reserved("[1]"));
    }

    #[test]
    fn ack_error_messages() {
        assert_eq!(AckError::Timeout.as_str(), "operation has timed out");
        assert_eq!(
            AckError::Disconnected.as_str(),
            "socket has been disconnected"
        );
    }
}
