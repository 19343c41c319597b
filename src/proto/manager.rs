//! The Manager: one Engine.IO connection to one server, multiplexing
//! namespace sockets, with reconnection (socket.io-client 4.8 `Manager`).
//!
//! See the [module documentation](crate::proto) for the run loop.

#[allow(unused_imports)]
use crate::prelude::*;

use super::queue::Queue;

use super::backoff::Backoff;
use super::config::{normalize_path, ManagerConfig, SocketConfig, TransportKind};
use super::error::DecodeError;
use super::events::{AckData, DisconnectReason, Event};
use super::ids::{RequestId, SocketId, TransportId};
use super::packet::{self, PacketType};
use super::payloads::{JsonText, Payloads};
use super::rng::Rng;
use super::session::{EngineEvent, Message, Session};
use super::socket::{Control, Emit, EmitError, FollowUp, Socket, SocketEnv};
use super::timer::{Timer, TimerTable};
use super::transport::{SessionEnv, Transmit, TransportInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadyState {
    Closed,
    Opening,
    Open,
}

/// At most this many closed sessions keep draining their last POST.
const MAX_DRAINING: usize = 4;

/// A received EVENT or ACK, its body still the runtime's.
#[derive(Debug)]
struct Body<P: Payloads> {
    /// The active socket of its namespace; `None`: not one of ours.
    socket: Option<SocketId>,
    kind: PacketType,
    id: Option<u64>,
    frame: P::Frame,
    /// Where the body starts in `frame`'s head.
    header_len: usize,
    attachments: Vec<P::Binary>,
}

/// A decoded Socket.IO packet.
#[derive(Debug)]
enum Incoming<P: Payloads> {
    /// CONNECT, DISCONNECT, CONNECT_ERROR for the active socket of a
    /// namespace.
    Control(SocketId, Control<P>),
    /// EVENT, ACK and their binary kinds.
    Body(Body<P>),
}

/// A binary EVENT or ACK waiting for its attachments.
#[derive(Debug)]
struct Pending<P: Payloads> {
    body: Body<P>,
    expected: usize,
}

/// One connection to one server, driven by the runtime's loop.
#[derive(Debug)]
pub struct Manager<P: Payloads = JsonText> {
    env: SessionEnv<P>,
    /// Every deadline of the Manager, its session and its sockets.
    timers: TimerTable,
    rng: Rng,
    backoff: Backoff,
    engine: Option<Session<P>>,
    draining: Vec<Session<P>>,
    ready: ReadyState,
    reconnecting: bool,
    skip_reconnect: bool,
    /// The current attempt was started by the reconnection timer.
    open_via_reconnect: bool,
    /// The current attempt is an `open(fn)`'s: its failure is the
    /// callback's, and no reconnection follows (socket.io-client).
    open_for_callback: bool,
    pending: Option<Pending<P>>,
    sockets: Vec<Socket<P>>,
    events: Queue<Event<P>>,
    next_request: u64,
}

impl Manager<JsonText> {
    /// A closed Manager whose payloads are JSON text ([`JsonText`]). `seed`
    /// feeds the jitter of the reconnection delays (the browser runtime
    /// draws it from `Math.random`: jitter needs spread, not secrecy).
    pub fn new(config: ManagerConfig, seed: u64) -> Manager {
        let payloads = JsonText {
            limits: config.limits,
        };
        Manager::with_payloads(config, seed, payloads)
    }
}

impl<P: Payloads> Manager<P> {
    /// A closed Manager whose runtime holds payloads as `payloads` says.
    pub fn with_payloads(config: ManagerConfig, seed: u64, payloads: P) -> Manager<P> {
        let mut config = config;
        config.path = normalize_path(&config.path, config.add_trailing_slash);
        let backoff = Backoff::new(
            config.reconnection_delay,
            config.reconnection_delay_max,
            config.randomization_factor,
        );
        Manager {
            env: SessionEnv {
                cfg: config,
                payloads,
                transmits: Queue::default(),
                next_transport: 0,
                token_rng: Rng::new(seed ^ 0x6A09_E667_F3BC_C908),
                prior_websocket_success: false,
            },
            timers: TimerTable::default(),
            rng: Rng::new(seed),
            backoff,
            engine: None,
            draining: Vec::new(),
            ready: ReadyState::Closed,
            reconnecting: false,
            skip_reconnect: false,
            open_via_reconnect: false,
            open_for_callback: false,
            pending: None,
            sockets: Vec::new(),
            events: Queue::default(),
            next_request: 0,
        }
    }

    // ----- outputs -------------------------------------------------------

    /// The next network action.
    pub fn poll_transmit(&mut self) -> Option<Transmit<P>> {
        self.env.transmits.pop_front()
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<Event<P>> {
        self.events.pop_front()
    }

    /// The earliest deadline: call [`Manager::handle_timeout`] then.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.timers.next()
    }

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
    /// error-first ones with [`AckError::Removed`], plain callbacks as
    /// [`Event::AckDropped`].
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

    fn sock(&self, id: SocketId) -> Option<&Socket<P>> {
        self.sockets.get(id.0 as usize)
    }

    // ----- reconnection options -----------------------------------------

    /// `reconnection(v)`; `false` also stops a scheduled reconnection.
    pub fn set_reconnection(&mut self, v: bool) {
        self.env.cfg.reconnection = v;
        if !v {
            self.skip_reconnect = true;
        }
    }

    /// `reconnectionAttempts(v)`; `None` is infinite.
    pub fn set_reconnection_attempts(&mut self, v: Option<u32>) {
        self.env.cfg.reconnection_attempts = v;
    }

    /// `reconnectionDelay(ms)`.
    pub fn set_reconnection_delay(&mut self, ms: u64) {
        self.env.cfg.reconnection_delay = ms;
        self.backoff.set_min(ms);
    }

    /// `reconnectionDelayMax(ms)`.
    pub fn set_reconnection_delay_max(&mut self, ms: u64) {
        self.env.cfg.reconnection_delay_max = ms;
        self.backoff.set_max(ms);
    }

    /// `randomizationFactor(v)`.
    pub fn set_randomization_factor(&mut self, v: f64) {
        self.env.cfg.randomization_factor = v;
        self.backoff.set_jitter(v);
    }

    /// The query sent with every request from the next one on
    /// (socket.io-client's live `opts.query`; a `reconnect_attempt`
    /// listener may change it for the attempt it announces).
    pub fn set_query(&mut self, query: Vec<(String, String)>) {
        self.env.cfg.query = query;
    }

    /// The transports of the next connection (socket.io-client's live
    /// `opts.transports`); an empty list is ignored (one is needed).
    pub fn set_transports(&mut self, transports: Vec<TransportKind>) {
        if !transports.is_empty() {
            self.env.cfg.transports = transports;
        }
    }

    /// `timeout(ms)`; `None` disables the connection timeout.
    pub fn set_timeout(&mut self, ms: Option<u64>) {
        self.env.cfg.timeout = ms;
    }

    // ----- app commands --------------------------------------------------

    /// Opens the connection (no effect when opening or open). During a
    /// reconnection delay, makes the scheduled attempt now.
    pub fn open(&mut self, now: u64) {
        if self.timers.is_armed(Timer::ReconnectOpen) {
            // Announced already: the attempt, now.
            self.timers.stop(Timer::ReconnectOpen);
            self.reconnect_open(now);
        } else if self.reconnecting && self.ready == ReadyState::Closed {
            self.timers.stop(Timer::Reconnect);
            self.on_reconnect_timer(now);
            self.timers.stop(Timer::ReconnectOpen);
            self.reconnect_open(now);
        } else {
            self.open_engine(now, false);
        }
        self.after();
    }

    /// `open(fn)`: as [`Manager::open`], but when this call starts the
    /// attempt and it fails, no reconnection is scheduled (the callback
    /// gets the error instead, as in socket.io-client).
    pub fn open_for_callback(&mut self, now: u64) {
        self.open_for_callback = self.ready == ReadyState::Closed
            && !self.reconnecting
            && !self.timers.is_armed(Timer::ReconnectOpen);
        self.open(now);
    }

    /// Closes the connection without reconnecting (socket.io-client
    /// `Manager._close`): `Close { "forced close" }`, and a `Disconnect`
    /// with that reason for every active socket; sockets stay active, so a
    /// later [`Manager::open`] or [`Manager::connect`] reconnects them.
    pub fn close(&mut self, now: u64) {
        self.force_close(now);
        self.after();
    }

    /// The socket of namespace `nsp` (created on first use; the same id for
    /// the same namespace, whose first `config` is kept).
    pub fn socket(&mut self, nsp: &str, config: SocketConfig) -> SocketId {
        if let Some(s) = self.sockets.iter().find(|s| s.nsp == nsp) {
            return s.id;
        }
        let id = SocketId(u32::try_from(self.sockets.len()).unwrap_or(u32::MAX));
        let cfg = &self.env.cfg;
        let retry = Backoff::new(
            cfg.reconnection_delay,
            cfg.reconnection_delay_max,
            cfg.randomization_factor,
        );
        self.sockets
            .push(Socket::new(id, String::from(nsp), config, retry));
        id
    }

    /// Connects the socket (opening the Manager if needed).
    pub fn connect(&mut self, now: u64, socket: SocketId) {
        let Some(s) = self.sockets.get_mut(socket.0 as usize) else {
            return;
        };
        if s.connected {
            return;
        }
        s.active = true;
        if !self.reconnecting {
            self.open_engine(now, false);
        }
        if self.ready == ReadyState::Open {
            self.with_socket(now, socket, |s, env| s.on_open(env));
        }
        self.after();
    }

    /// The auth payload (a JSON object, or none) answering
    /// [`Event::NeedAuth`]; sends CONNECT. Ignored when not asked.
    pub fn set_auth(&mut self, now: u64, socket: SocketId, auth: Option<String>) {
        self.with_socket(now, socket, |s, env| s.set_auth(env, auth.as_deref()));
        self.after();
    }

    /// Sends an event (or buffers it while offline). Returns the request to
    /// match the [`Event::AckResponse`] when an ack was asked for.
    pub fn emit(
        &mut self,
        now: u64,
        socket: SocketId,
        emit: Emit<P>,
    ) -> Result<Option<RequestId>, EmitError> {
        let result = self
            .with_socket(now, socket, |s, env| s.emit(env, emit))
            .unwrap_or(Err(EmitError::UnknownSocket));
        let out = match result {
            Ok((request, after)) => {
                if matches!(after, FollowUp::PingExpired) {
                    // socket.io issue #5134: the heartbeat timer was
                    // throttled; the packet was buffered, close now.
                    if let Some(e) = self.engine.as_mut() {
                        e.on_ping_timeout(&mut self.env);
                    }
                    self.process_engine(now);
                }
                Ok(request)
            }
            Err(e) => Err(e),
        };
        self.after();
        out
    }

    /// Answers a server event that carried `ack_id`.
    pub fn ack(
        &mut self,
        now: u64,
        socket: SocketId,
        ack_id: u64,
        data: P::Text,
        attachments: Vec<P::Binary>,
    ) {
        self.with_socket(now, socket, |s, env| s.ack(env, ack_id, data, attachments));
        self.after();
    }

    /// Disconnects the socket (`"io client disconnect"`); it will not
    /// reconnect. The connection closes when no socket is active any more.
    pub fn disconnect(&mut self, now: u64, socket: SocketId) {
        let was_connected = self
            .with_socket(now, socket, |s, env| {
                let c = s.send_disconnect(env);
                s.destroy();
                c
            })
            .unwrap_or(false);
        self.on_destroy(now);
        if was_connected {
            self.with_socket(now, socket, |s, env| {
                s.on_close(env, DisconnectReason::IoClientDisconnect, None)
            });
        }
        self.after();
    }

    // ----- network and time inputs ---------------------------------------

    /// Something happened on a transport.
    pub fn handle_transport(&mut self, now: u64, transport: TransportId, input: TransportInput<P>) {
        if let Some(e) = self.engine.as_mut().filter(|e| e.owns(transport)) {
            e.handle(now, &mut self.env, transport, input);
            self.process_engine(now);
        } else if let Some(d) = self.draining.iter_mut().find(|d| d.owns(transport)) {
            d.handle(now, &mut self.env, transport, input);
            while d.poll_event().is_some() {}
        }
        self.after();
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: u64) {
        self.sync_heartbeat();
        // Timers armed while handling wait for the next call.
        self.timers.begin();
        while let Some(timer) = self.timers.pop_expired(now) {
            match timer {
                Timer::Heartbeat => {
                    if let Some(e) = self.engine.as_mut() {
                        e.on_ping_timeout(&mut self.env);
                    }
                    self.process_engine(now);
                }
                Timer::OpenTimeout => {
                    if self.ready == ReadyState::Opening {
                        self.on_open_error(now, String::from("timeout"));
                    }
                }
                Timer::Reconnect => self.on_reconnect_timer(now),
                Timer::ReconnectOpen => self.reconnect_open(now),
                Timer::Connect(id) => {
                    let timed_out = self
                        .with_socket(now, id, |s, env| s.on_connect_timeout(env))
                        .unwrap_or(false);
                    let reconnection = self.env.cfg.reconnection;
                    if let Some(s) = self.sockets.get_mut(id.0 as usize).filter(|_| timed_out) {
                        if reconnection {
                            let delay = s.retry.duration(&mut self.rng);
                            self.timers
                                .set(Timer::ConnectRetry(id), now.saturating_add(delay));
                        } else {
                            // No automatic retries: final, as a refused
                            // CONNECT; `connect()` tries again.
                            s.destroy();
                        }
                    }
                }
                Timer::ConnectRetry(id) => {
                    if self.ready == ReadyState::Open {
                        self.with_socket(now, id, |s, env| s.on_open(env));
                    }
                }
                Timer::Ack(request) => {
                    for i in 0..self.sockets.len() {
                        let id = SocketId(i as u32);
                        if self
                            .with_socket(now, id, |s, env| s.on_ack_timeout(env, request))
                            .unwrap_or(false)
                        {
                            break;
                        }
                    }
                }
            }
            self.sync_heartbeat();
        }
        self.after();
    }

    // ----- internals -----------------------------------------------------

    /// Runs `f` on one socket with an [`SocketEnv`] view of the Manager.
    fn with_socket<R>(
        &mut self,
        now: u64,
        id: SocketId,
        f: impl FnOnce(&mut Socket<P>, &mut SocketEnv<P>) -> R,
    ) -> Option<R> {
        let open = self.ready == ReadyState::Open;
        let socket = self.sockets.get_mut(id.0 as usize)?;
        let mut env = SocketEnv {
            engine: &mut self.engine,
            payloads: &self.env.payloads,
            timers: &mut self.timers,
            events: &mut self.events,
            next_request: &mut self.next_request,
            now,
            open,
            connect_timeout: self.env.cfg.timeout,
        };
        Some(f(socket, &mut env))
    }

    /// Runs `f` on every active socket, in creation order.
    fn each_active(&mut self, now: u64, mut f: impl FnMut(&mut Socket<P>, &mut SocketEnv<P>)) {
        for i in 0..self.sockets.len() {
            let id = SocketId(i as u32);
            self.with_socket(now, id, |s, env| {
                if s.active {
                    f(s, env)
                }
            });
        }
    }

    /// Flushes the engine and syncs the heartbeat timer after every input.
    fn after(&mut self) {
        if let Some(e) = self.engine.as_mut() {
            e.flush(&mut self.env);
        }
        self.draining.retain(|d| !d.is_closed());
        self.sync_heartbeat();
    }

    fn sync_heartbeat(&mut self) {
        match self.engine.as_ref().and_then(|e| e.ping_deadline()) {
            Some(at) => self.timers.set(Timer::Heartbeat, at),
            None => self.timers.stop(Timer::Heartbeat),
        }
    }

    /// Manager `open(fn)`; `via_reconnect` stands for the reconnection
    /// callback.
    fn open_engine(&mut self, now: u64, via_reconnect: bool) {
        if self.ready != ReadyState::Closed {
            return;
        }
        self.detach_engine();
        self.ready = ReadyState::Opening;
        self.skip_reconnect = false;
        self.open_via_reconnect = via_reconnect;
        if self.env.cfg.transports.is_empty() {
            self.on_open_error(now, String::from("No transports available"));
            return;
        }
        self.engine = Some(Session::open(&mut self.env));
        if let Some(ms) = self.env.cfg.timeout {
            self.timers.set(Timer::OpenTimeout, now.saturating_add(ms));
        }
    }

    /// Closes the current session (if any) and keeps it draining.
    fn detach_engine(&mut self) {
        if let Some(mut e) = self.engine.take() {
            e.close(&mut self.env);
            while e.poll_event().is_some() {}
            if !e.is_closed() {
                if self.draining.len() >= MAX_DRAINING {
                    let mut old = self.draining.remove(0);
                    old.abort(&mut self.env);
                }
                self.draining.push(e);
            }
        }
        self.timers.stop(Timer::Heartbeat);
    }

    /// Manager `cleanup`: timers of the attempt, partial packets.
    fn cleanup(&mut self) {
        self.timers.stop(Timer::OpenTimeout);
        self.timers.stop(Timer::Reconnect);
        self.timers.stop(Timer::ReconnectOpen);
        self.pending = None;
    }

    /// Handles what the engine reported.
    fn process_engine(&mut self, now: u64) {
        while let Some(ev) = self.engine.as_mut().and_then(|e| e.poll_event()) {
            match (self.ready, ev) {
                (ReadyState::Opening, EngineEvent::Open) => self.on_open(now),
                (ReadyState::Opening, EngineEvent::Error(d)) => self.on_open_error(now, d),
                (ReadyState::Opening, EngineEvent::Close(reason, _)) => {
                    // engine.io-client would wait for the open timeout here.
                    self.on_open_error(now, String::from(reason.as_str()))
                }
                (ReadyState::Open, EngineEvent::Ping) => self.events.push_back(Event::Ping),
                (ReadyState::Open, EngineEvent::Message(d)) => self.on_data(now, d),
                (ReadyState::Open, EngineEvent::Error(d)) => {
                    self.events.push_back(Event::Error {
                        description: d.clone(),
                    });
                    self.each_active(now, |s, env| s.on_error(env, &d));
                }
                (ReadyState::Open, EngineEvent::Close(reason, d)) => self.on_close(now, reason, d),
                (ReadyState::Open, EngineEvent::Upgrade(transport)) => {
                    self.events.push_back(Event::Upgrade { transport })
                }
                (ReadyState::Open, EngineEvent::UpgradeError(description)) => {
                    self.events.push_back(Event::UpgradeError { description })
                }
                _ => {}
            }
        }
    }

    /// Manager `onopen`.
    fn on_open(&mut self, now: u64) {
        self.open_for_callback = false;
        self.cleanup();
        self.ready = ReadyState::Open;
        self.events.push_back(Event::Open);
        self.each_active(now, |s, env| s.on_open(env));
        if self.open_via_reconnect {
            self.open_via_reconnect = false;
            let attempt = self.backoff.attempts();
            self.reconnecting = false;
            self.backoff.reset();
            self.events.push_back(Event::Reconnect(attempt));
        }
    }

    /// The `onError` of Manager `open`: the attempt failed.
    fn on_open_error(&mut self, now: u64, description: String) {
        self.cleanup();
        self.ready = ReadyState::Closed;
        self.detach_engine();
        self.events.push_back(Event::Error {
            description: description.clone(),
        });
        self.each_active(now, |s, env| s.on_error(env, &description));
        if self.open_via_reconnect {
            self.open_via_reconnect = false;
            self.reconnecting = false;
            self.reconnect(now);
            self.events.push_back(Event::ReconnectError { description });
        } else if !core::mem::take(&mut self.open_for_callback)
            && !self.reconnecting
            && self.env.cfg.reconnection
            && self.backoff.attempts() == 0
        {
            // maybeReconnectOnOpen
            self.reconnect(now);
        }
    }

    /// Manager `ondata`.
    fn on_data(&mut self, now: u64, data: Message<P>) {
        let routed = match self.decode(data) {
            Ok(Some(Incoming::Control(socket, control))) => {
                self.on_control(now, socket, control);
                return;
            }
            Ok(Some(Incoming::Body(body))) => self.parse(body),
            Ok(None) => return,
            Err(e) => Err(e),
        };
        match routed {
            Ok(Some((socket, kind, id, data, attachments))) => {
                if kind.is_event() {
                    self.with_socket(now, socket, |s, env| s.on_event(env, data, attachments, id));
                } else if let Some(id) = id {
                    self.with_socket(now, socket, |s, env| {
                        s.on_ack(env, id, AckData { data, attachments })
                    });
                }
            }
            Ok(None) => {}
            Err(e) => self.on_close(
                now,
                DisconnectReason::ParseError,
                Some(String::from(e.as_str())),
            ),
        }
    }

    /// socket.io-parser's `Decoder`, from headers: a packet is routed to
    /// the active socket of its namespace from its header alone, and one for
    /// a namespace not in use is dropped unread. CONNECT and CONNECT_ERROR
    /// payloads are read at once, an EVENT or ACK body when it is parsed (the
    /// runtime's work, in [`Manager::parse`]); a binary one waits for its
    /// attachments.
    fn decode(&mut self, data: Message<P>) -> Result<Option<Incoming<P>>, DecodeError> {
        let frame = match data {
            Message::Text(frame) => frame,
            Message::Binary(b) => {
                let pending = self.pending.as_mut().ok_or(DecodeError::UnexpectedBinary)?;
                pending.body.attachments.push(b);
                if pending.body.attachments.len() < pending.expected {
                    return Ok(None);
                }
                return Ok(self.pending.take().map(|p| Incoming::Body(p.body)));
            }
        };
        if self.pending.take().is_some() {
            return Err(DecodeError::MissingAttachments);
        }
        let limits = self.env.cfg.limits;
        let (head, whole) = self.env.payloads.head(&frame);
        // After the Engine.IO type (`4`, ASCII).
        let text = head.get(1..).unwrap_or_default();
        let h = packet::decode_header(text, whole, &limits)?;
        if matches!(
            h.kind,
            PacketType::Connect | PacketType::Disconnect | PacketType::ConnectError
        ) {
            // Read whole: the body is the core's to read.
            let all = if whole {
                String::from(head)
            } else {
                self.env.payloads.whole(&frame)
            };
            let text = all.get(1..).unwrap_or_default();
            let h = packet::decode_header(text, true, &limits)?;
            let Some(socket) = self.route(h.nsp) else {
                return Ok(None);
            };
            let header = all.get(..1 + h.body).unwrap_or_default();
            let present = h.body < text.len();
            let payloads = &self.env.payloads;
            let control = match h.kind {
                PacketType::Disconnect if present => return Err(DecodeError::InvalidPayload),
                PacketType::Disconnect => Control::Disconnect,
                PacketType::Connect if present => {
                    Control::Connect(payloads.connect(&frame, header)?)
                }
                PacketType::Connect => Control::Connect(None),
                _ if present => {
                    let (message, data) = payloads.connect_error(&frame, header)?;
                    Control::ConnectError(message, data)
                }
                _ => return Err(DecodeError::InvalidPayload),
            };
            return Ok(Some(Incoming::Control(socket, control)));
        }
        let socket = self.route(h.nsp);
        let (kind, id, expected) = (h.kind, h.id, h.attachments);
        let body = Body {
            socket,
            kind,
            id,
            header_len: 1 + h.body,
            frame,
            attachments: Vec::with_capacity(expected),
        };
        if kind.is_binary() {
            self.pending = Some(Pending { body, expected });
            return Ok(None);
        }
        Ok(Some(Incoming::Body(body)))
    }

    /// Parses the body of a packet for one of the sockets (the runtime's
    /// work); a packet for a namespace not in use is dropped unread.
    #[allow(clippy::type_complexity)]
    fn parse(
        &self,
        body: Body<P>,
    ) -> Result<Option<(SocketId, PacketType, Option<u64>, P::Args, Vec<P::Binary>)>, DecodeError>
    {
        let Some(socket) = body.socket else {
            return Ok(None);
        };
        let payloads = &self.env.payloads;
        let (head, _) = payloads.head(&body.frame);
        let header = head.get(..body.header_len).unwrap_or(head);
        let data = payloads.parse(body.kind, &body.frame, header, &body.attachments)?;
        Ok(Some((socket, body.kind, body.id, data, body.attachments)))
    }

    /// The active socket of namespace `nsp` (`None`: a namespace longer
    /// than the head showed, so none of ours).
    fn route(&self, nsp: Option<&str>) -> Option<SocketId> {
        let nsp = nsp?;
        let i = self.sockets.iter().position(|s| s.active && s.nsp == nsp)?;
        Some(SocketId(i as u32))
    }

    /// A CONNECT, DISCONNECT or CONNECT_ERROR for `id`.
    fn on_control(&mut self, now: u64, id: SocketId, control: Control<P>) {
        let server_disconnect = matches!(control, Control::Disconnect);
        let after = self
            .with_socket(now, id, |s, env| s.on_control(env, control))
            .unwrap_or(FollowUp::Nothing);
        match after {
            FollowUp::Destroyed => {
                self.on_destroy(now);
                if server_disconnect {
                    self.with_socket(now, id, |s, env| {
                        s.on_close(env, DisconnectReason::IoServerDisconnect, None)
                    });
                }
            }
            FollowUp::ConnectError(message, data) => {
                self.on_destroy(now);
                self.events.push_back(Event::ConnectError {
                    socket: id,
                    message,
                    data,
                });
            }
            FollowUp::Nothing | FollowUp::PingExpired => {}
        }
    }

    /// Manager `_destroy`: close when no socket is active any more.
    fn on_destroy(&mut self, now: u64) {
        if self.sockets.iter().any(|s| s.active) {
            return;
        }
        self.force_close(now);
    }

    /// Manager `_close`.
    fn force_close(&mut self, now: u64) {
        self.open_for_callback = false;
        self.skip_reconnect = true;
        self.reconnecting = false;
        self.on_close(now, DisconnectReason::ForcedClose, None);
    }

    /// Manager `onclose`.
    fn on_close(&mut self, now: u64, reason: DisconnectReason, description: Option<String>) {
        self.cleanup();
        self.detach_engine();
        self.backoff.reset();
        self.ready = ReadyState::Closed;
        self.open_via_reconnect = false;
        self.events.push_back(Event::Close {
            reason,
            description: description.clone(),
        });
        self.each_active(now, |s, env| s.on_close(env, reason, description.clone()));
        if self.env.cfg.reconnection && !self.skip_reconnect {
            self.reconnect(now);
        }
    }

    /// Manager `reconnect`: schedule the next attempt, or give up.
    fn reconnect(&mut self, now: u64) {
        if self.reconnecting || self.skip_reconnect {
            return;
        }
        let exhausted = self
            .env
            .cfg
            .reconnection_attempts
            .is_some_and(|max| self.backoff.attempts() >= max);
        if exhausted {
            self.backoff.reset();
            self.events.push_back(Event::ReconnectFailed);
            self.reconnecting = false;
        } else {
            let delay = self.backoff.duration(&mut self.rng);
            self.reconnecting = true;
            self.timers.set(Timer::Reconnect, now.saturating_add(delay));
        }
    }

    fn on_reconnect_timer(&mut self, now: u64) {
        if self.skip_reconnect {
            // socket.io-client stays "reconnecting" here, so a later
            // `connect` would never open again.
            self.reconnecting = false;
            return;
        }
        if self.ready != ReadyState::Closed {
            // Opened meanwhile by the app.
            self.reconnecting = false;
            return;
        }
        self.events
            .push_back(Event::ReconnectAttempt(self.backoff.attempts()));
        self.timers.set(Timer::ReconnectOpen, now);
    }

    /// The attempt `reconnect_attempt` announced, after the app heard it.
    fn reconnect_open(&mut self, now: u64) {
        if self.skip_reconnect || self.ready != ReadyState::Closed {
            self.reconnecting = false;
            return;
        }
        self.open_engine(now, true);
    }
}
