//! The Manager: one Engine.IO connection to one server, multiplexing
//! namespace sockets, with reconnection (socket.io-client 4.8 `Manager`).
//!
//! See the [module documentation](crate::proto) for the run loop.

use crate::prelude::*;

use super::queue::Queue;

use super::backoff::Backoff;
use super::config::{normalize_path, ManagerConfig, SocketConfig};
use super::events::{AckData, DisconnectReason, Event};
use super::ids::{RequestId, SocketId, TransportId};
use super::payloads::{JsonText, Payloads};
use super::rng::Rng;
use super::session::{EngineEvent, Message, Session};
use super::socket::{Control, Emit, EmitError, FollowUp, Socket, SocketEnv};
use super::timer::{Timer, TimerTable};

mod decode;
mod reconnect;
mod state;
use super::transport::{SessionEnv, Transmit, TransportInput};
use decode::{Incoming, Pending};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadyState {
    Closed,
    Opening,
    Open,
}

/// At most this many closed sessions keep draining their last POST.
const MAX_DRAINING: usize = 4;

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
    /// Successful reconnections, for `stats()`.
    reconnections: u32,
    /// When the current session opened, and got its last ping (for `stats()`).
    opened_at: Option<u64>,
    last_ping_at: Option<u64>,
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
            reconnections: 0,
            opened_at: None,
            last_ping_at: None,
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
                (ReadyState::Open, EngineEvent::Ping) => {
                    self.last_ping_at = Some(now);
                    self.events.push_back(Event::Ping)
                }
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
        self.opened_at = Some(now);
        self.last_ping_at = None;
        self.events.push_back(Event::Open);
        self.each_active(now, |s, env| s.on_open(env));
        if self.open_via_reconnect {
            self.open_via_reconnect = false;
            let attempt = self.backoff.attempts();
            self.reconnecting = false;
            self.backoff.reset();
            self.reconnections = self.reconnections.saturating_add(1);
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
}
