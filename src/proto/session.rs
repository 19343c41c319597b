//! One Engine.IO v4 session (engine.io-client 6.6 `Socket`), sans-IO.
//!
//! A session owns the current transport (long-polling or WebSocket), at most
//! one upgrade probe, the write buffer, and the heartbeat deadline. It is fed
//! [`TransportInput`]s and produces [`Transmit`]s (into the shared context)
//! and engine events (drained by the Manager).
//!
//! Polling bookkeeping: at most one GET and one POST in flight; everything
//! written while a POST is in flight is batched into the next POST, cut at the
//! server's `maxPayload`. Upgrade: `2probe` / `3probe` on a new WebSocket,
//! then polling is paused (waiting for the in-flight GET and POST), `5` is
//! sent on the WebSocket, the write buffer is flushed there.

use crate::prelude::*;

use super::queue::Queue;

use super::config::TransportKind;
use super::engine_codec::{EnginePacket, Handshake};
use super::events::DisconnectReason;
use super::ids::TransportId;
use super::payloads::{Part, Payloads};
use super::transport::{SessionEnv, Transmit, TransportInput};

mod packets;
mod probe;
use packets::{decode, encoded_len, frame, payload_parts, Received};
pub(crate) use packets::{Message, Out};
use probe::{Probe, ProbeState};

/// What a session reports to its Manager.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EngineEvent<P: Payloads> {
    /// Handshake done; the session is open.
    Open,
    /// A MESSAGE packet.
    Message(Message<P>),
    /// A server ping (already answered).
    Ping,
    /// A transport or protocol error (a close follows).
    Error(String),
    /// The session closed.
    Close(DisconnectReason, Option<String>),
    /// The transport was upgraded.
    Upgrade(TransportKind),
    /// An upgrade probe failed (the session goes on).
    UpgradeError(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Opening,
    Open,
    Closing,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TState {
    Opening,
    Open,
    Pausing,
    Paused,
    Closed,
}

impl Transport {
    /// Opens a `kind` transport for a new session (no sid yet).
    fn start<P: Payloads>(env: &mut SessionEnv<P>, kind: TransportKind) -> Transport {
        let id = env.alloc_transport();
        let url = env.url(kind, None);
        let polling = kind == TransportKind::Polling;
        env.transmits.push_back(if polling {
            Transmit::PollGet { transport: id, url }
        } else {
            Transmit::OpenWebSocket { transport: id, url }
        });
        Transport {
            id,
            kind,
            state: TState::Opening,
            writable: false,
            polling,
        }
    }
}

#[derive(Debug, Clone)]
struct Transport {
    id: TransportId,
    kind: TransportKind,
    state: TState,
    /// No POST in flight (polling) / open (WebSocket).
    writable: bool,
    /// A GET is in flight (polling).
    polling: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CloseWait {
    None,
    Drain,
    Upgrade,
}

/// One Engine.IO connection.
#[derive(Debug)]
pub(crate) struct Session<P: Payloads> {
    state: State,
    sid: Option<String>,
    transport: Transport,
    /// `tryAllTransports` moved to the other transport already.
    fell_back: bool,
    probe: Option<Probe>,
    upgrading: bool,
    write_buffer: Vec<Out<P>>,
    /// Packets of `write_buffer` carried by the POST in flight.
    in_flight: usize,
    ping_interval: u64,
    ping_timeout: u64,
    max_payload: u64,
    ping_deadline: Option<u64>,
    close_wait: CloseWait,
    events: Queue<EngineEvent<P>>,
}

impl<P: Payloads> Session<P> {
    /// Starts a session with the first transport (or WebSocket directly when
    /// `remember_upgrade` and the previous WebSocket worked). The caller
    /// checks that `cfg.transports` is not empty.
    pub(crate) fn open(env: &mut SessionEnv<P>) -> Session<P> {
        let ws_ok = env.cfg.transports.contains(&TransportKind::WebSocket);
        let kind = if env.cfg.remember_upgrade && env.prior_websocket_success && ws_ok {
            TransportKind::WebSocket
        } else {
            env.cfg
                .transports
                .first()
                .copied()
                .unwrap_or(TransportKind::Polling)
        };
        Session {
            state: State::Opening,
            sid: None,
            transport: Transport::start(env, kind),
            fell_back: false,
            probe: None,
            upgrading: false,
            write_buffer: Vec::new(),
            in_flight: 0,
            ping_interval: 0,
            ping_timeout: 0,
            max_payload: 0,
            ping_deadline: None,
            close_wait: CloseWait::None,
            events: Queue::default(),
        }
    }

    /// The next event for the Manager.
    pub(crate) fn poll_event(&mut self) -> Option<EngineEvent<P>> {
        self.events.pop_front()
    }

    /// Whether the session is fully closed (nothing more to send).
    pub(crate) fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    /// Whether `id` is this session's transport or probe.
    pub(crate) fn owns(&self, id: TransportId) -> bool {
        self.transport.id == id || self.probe.is_some_and(|p| p.id == id)
    }

    /// The heartbeat deadline, while open.
    pub(crate) fn ping_deadline(&self) -> Option<u64> {
        match self.state {
            State::Open | State::Closing => self.ping_deadline,
            _ => None,
        }
    }

    /// engine.io-client's `_hasPingExpired`: the heartbeat deadline is past
    /// but the (throttled) timer has not fired yet.
    pub(crate) fn ping_expired(&self, now: u64) -> bool {
        self.state == State::Open && self.ping_deadline.is_some_and(|d| now > d)
    }

    /// The handshake's `pingInterval` and `pingTimeout` (ms; 0 before it).
    pub(crate) fn heartbeat(&self) -> (u64, u64) {
        (self.ping_interval, self.ping_timeout)
    }

    /// The session id from the handshake.
    pub(crate) fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// The current transport's kind.
    pub(crate) fn transport_kind(&self) -> TransportKind {
        self.transport.kind
    }

    /// Whether the current transport accepts a write right now
    /// (engine.io-client `transport.writable`).
    pub(crate) fn writable(&self) -> bool {
        self.state != State::Closed && self.transport.writable
    }

    /// Queues a packet (dropped once the session is closing).
    pub(crate) fn send(&mut self, packet: Out<P>) {
        if matches!(self.state, State::Opening | State::Open) {
            self.write_buffer.push(packet);
        }
    }

    /// Routes a transport input.
    pub(crate) fn handle(
        &mut self,
        now: u64,
        env: &mut SessionEnv<P>,
        id: TransportId,
        input: TransportInput<P>,
    ) {
        if self.state == State::Closed {
            return;
        }
        if id == self.transport.id {
            self.on_transport(now, env, input);
        } else if self.probe.is_some_and(|p| p.id == id) {
            self.on_probe(env, input);
        }
    }

    /// The heartbeat deadline passed: close with `"ping timeout"`.
    pub(crate) fn on_ping_timeout(&mut self, env: &mut SessionEnv<P>) {
        self.on_close(env, DisconnectReason::PingTimeout, None);
    }

    /// Closes on behalf of the application (`"forced close"`), after the
    /// write buffer is drained and any upgrade in progress is done.
    pub(crate) fn close(&mut self, env: &mut SessionEnv<P>) {
        if !matches!(self.state, State::Opening | State::Open) {
            return;
        }
        self.flush(env);
        self.state = State::Closing;
        self.continue_close(env);
    }

    /// Drops the session at once (e.g. too many sessions draining).
    pub(crate) fn abort(&mut self, env: &mut SessionEnv<P>) {
        self.on_close(env, DisconnectReason::ForcedClose, None);
    }

    fn continue_close(&mut self, env: &mut SessionEnv<P>) {
        if self.state != State::Closing {
            return;
        }
        if self.in_flight > 0 && !self.transport.writable {
            self.close_wait = CloseWait::Drain;
        } else if self.upgrading {
            self.close_wait = CloseWait::Upgrade;
        } else {
            self.close_wait = CloseWait::None;
            self.on_close(env, DisconnectReason::ForcedClose, None);
        }
    }

    /// Sends what the write buffer holds, if the transport can take it.
    pub(crate) fn flush(&mut self, env: &mut SessionEnv<P>) {
        if self.state == State::Closed
            || self.upgrading
            || self.write_buffer.is_empty()
            || !self.transport.writable
            || self.transport.state != TState::Open
        {
            return;
        }
        let id = self.transport.id;
        match self.transport.kind {
            TransportKind::WebSocket => {
                for packet in self.write_buffer.drain(..) {
                    env.transmits.push_back(frame(id, packet));
                }
            }
            TransportKind::Polling => {
                let n = self.writable_count(&env.payloads);
                // `get`, not `[..n]` (n <= len always): no panic path, whose
                // message formatting would stay in the wasm.
                let batch = self.write_buffer.get(..n).unwrap_or(&self.write_buffer);
                let body = env.payloads.join(payload_parts(batch));
                let url = env.url(TransportKind::Polling, self.sid.as_deref());
                env.transmits.push_back(Transmit::PollPost {
                    transport: id,
                    url,
                    body,
                });
                self.in_flight = n;
                self.transport.writable = false;
            }
        }
    }

    /// How many buffered packets fit in one POST (`maxPayload`); at least one.
    fn writable_count(&self, payloads: &P) -> usize {
        let len = self.write_buffer.len();
        if self.max_payload == 0 || len <= 1 {
            return len;
        }
        let mut size: u64 = 0;
        for (i, p) in self.write_buffer.iter().enumerate() {
            size = size.saturating_add(encoded_len(payloads, p) + u64::from(i > 0));
            if i > 0 && size > self.max_payload {
                return i;
            }
        }
        len
    }

    fn on_transport(&mut self, now: u64, env: &mut SessionEnv<P>, input: TransportInput<P>) {
        match input {
            TransportInput::Opened => {
                if self.transport.kind == TransportKind::WebSocket
                    && self.transport.state == TState::Opening
                {
                    self.transport.state = TState::Open;
                    self.transport.writable = true;
                }
            }
            TransportInput::Text(text) => match decode(&env.payloads, text) {
                Some(p) => self.on_packet(now, env, p),
                None => self.on_error(env, String::from("server error")),
            },
            TransportInput::Binary(bytes) => {
                self.on_packet(now, env, Received::Message(Message::Binary(bytes)))
            }
            TransportInput::PollResponse(packets) => self.on_poll_response(now, env, packets),
            TransportInput::PostDone => self.on_post_done(env),
            TransportInput::Closed { description } => {
                self.transport.state = TState::Closed;
                self.on_close(env, DisconnectReason::TransportClose, Some(description));
            }
            TransportInput::Error { description } => {
                if !self.try_next_transport(env) {
                    self.on_error(env, description);
                }
            }
        }
    }

    /// `tryAllTransports`: the transport failed before the handshake, so
    /// the session opens again with the other one, when the list has it and
    /// it was not tried yet. False otherwise, or with the option off.
    fn try_next_transport(&mut self, env: &mut SessionEnv<P>) -> bool {
        if !env.cfg.try_all_transports || self.state != State::Opening || self.fell_back {
            return false;
        }
        let kind = match self.transport.kind {
            TransportKind::Polling => TransportKind::WebSocket,
            TransportKind::WebSocket => TransportKind::Polling,
        };
        if !env.cfg.transports.contains(&kind) {
            return false;
        }
        self.fell_back = true;
        env.transmits.push_back(Transmit::Close {
            transport: self.transport.id,
        });
        if kind == TransportKind::Polling {
            env.prior_websocket_success = false;
        }
        self.transport = Transport::start(env, kind);
        true
    }

    fn on_poll_response(&mut self, now: u64, env: &mut SessionEnv<P>, packets: Vec<P::Frame>) {
        if self.transport.kind != TransportKind::Polling || !self.transport.polling {
            return;
        }
        // The first bad packet fails the whole payload, before any is handled.
        let mut decoded = Vec::with_capacity(packets.len());
        for p in packets {
            match decode(&env.payloads, p) {
                Some(p) => decoded.push(p),
                None => {
                    decoded.clear();
                    break;
                }
            }
        }
        let packets = match decoded {
            p if !p.is_empty() => p,
            _ => {
                self.transport.polling = false;
                self.on_error(env, String::from("server error"));
                return;
            }
        };
        for packet in packets {
            if self.state == State::Closed {
                return;
            }
            if self.transport.state == TState::Opening
                && matches!(packet, Received::Control(EnginePacket::Open(_)))
            {
                self.transport.state = TState::Open;
                self.transport.writable = true;
            }
            if matches!(packet, Received::Control(EnginePacket::Close)) {
                self.transport.state = TState::Closed;
                self.on_close(
                    env,
                    DisconnectReason::TransportClose,
                    Some(String::from("transport closed by the server")),
                );
                return;
            }
            self.on_packet(now, env, packet);
        }
        if self.state == State::Closed || self.transport.state == TState::Closed {
            return;
        }
        self.transport.polling = false;
        match self.transport.state {
            TState::Pausing => self.try_finish_pause(env),
            TState::Open => self.poll(env),
            _ => {}
        }
    }

    fn poll(&mut self, env: &mut SessionEnv<P>) {
        let url = env.url(TransportKind::Polling, self.sid.as_deref());
        env.transmits.push_back(Transmit::PollGet {
            transport: self.transport.id,
            url,
        });
        self.transport.polling = true;
    }

    fn on_post_done(&mut self, env: &mut SessionEnv<P>) {
        if self.transport.kind != TransportKind::Polling || self.transport.writable {
            return;
        }
        self.transport.writable = true;
        // The first `in_flight` packets went out. `retain`, not `drain(..n)`:
        // no range check whose panic message would stay in the wasm.
        let mut position = 0;
        self.write_buffer.retain(|_| {
            position += 1;
            position > self.in_flight
        });
        self.in_flight = 0;
        if self.state == State::Closing && self.close_wait == CloseWait::Drain {
            if self.write_buffer.is_empty() {
                self.continue_close(env);
            } else {
                self.flush(env);
            }
            return;
        }
        if self.transport.state == TState::Pausing {
            self.try_finish_pause(env);
        }
    }

    fn on_packet(&mut self, now: u64, env: &mut SessionEnv<P>, packet: Received<P>) {
        match packet {
            Received::Control(EnginePacket::Open(hs)) => {
                if self.state == State::Opening {
                    self.on_handshake(now, env, hs);
                }
            }
            Received::Control(EnginePacket::Ping(_)) => {
                self.send(Out::Packet(String::from("3")));
                self.events.push_back(EngineEvent::Ping);
                self.reset_ping_deadline(now);
            }
            Received::Message(data) => self.events.push_back(EngineEvent::Message(data)),
            Received::Control(_) => {}
        }
    }

    fn reset_ping_deadline(&mut self, now: u64) {
        let delay = self.ping_interval.saturating_add(self.ping_timeout);
        self.ping_deadline = Some(now.saturating_add(delay));
    }

    fn on_handshake(&mut self, now: u64, env: &mut SessionEnv<P>, hs: Handshake) {
        self.sid = Some(hs.sid);
        self.ping_interval = hs.ping_interval;
        self.ping_timeout = hs.ping_timeout;
        self.max_payload = hs.max_payload;
        self.state = State::Open;
        env.prior_websocket_success = self.transport.kind == TransportKind::WebSocket;
        self.events.push_back(EngineEvent::Open);
        let probe_ws = env.cfg.upgrade
            && self.transport.kind == TransportKind::Polling
            && env.cfg.transports.contains(&TransportKind::WebSocket)
            && hs.upgrades.iter().any(|u| u == "websocket");
        if probe_ws {
            env.prior_websocket_success = false;
            let id = env.alloc_transport();
            let url = env.url(TransportKind::WebSocket, self.sid.as_deref());
            env.transmits
                .push_back(Transmit::OpenWebSocket { transport: id, url });
            self.probe = Some(Probe {
                id,
                state: ProbeState::Opening,
            });
        }
        self.reset_ping_deadline(now);
    }

    fn on_error(&mut self, env: &mut SessionEnv<P>, description: String) {
        env.prior_websocket_success = false;
        self.events
            .push_back(EngineEvent::Error(description.clone()));
        self.on_close(env, DisconnectReason::TransportError, Some(description));
    }

    /// engine.io-client `_onClose`: release everything, report the close.
    fn on_close(
        &mut self,
        env: &mut SessionEnv<P>,
        reason: DisconnectReason,
        description: Option<String>,
    ) {
        if self.state == State::Closed {
            return;
        }
        let t = &self.transport;
        if t.state != TState::Closed {
            if t.kind == TransportKind::Polling && t.state == TState::Open && t.writable {
                // Tell the server (polling `doClose` writes a close packet).
                let url = env.url(TransportKind::Polling, self.sid.as_deref());
                let body = env.payloads.join(vec![Part::Raw(String::from("1"))]);
                env.transmits.push_back(Transmit::PollPost {
                    transport: t.id,
                    url,
                    body,
                });
            }
            env.transmits.push_back(Transmit::Close { transport: t.id });
        }
        self.transport.state = TState::Closed;
        if let Some(p) = self.probe.take() {
            env.transmits.push_back(Transmit::Close { transport: p.id });
        }
        self.state = State::Closed;
        self.sid = None;
        self.upgrading = false;
        self.ping_deadline = None;
        self.close_wait = CloseWait::None;
        self.write_buffer.clear();
        self.in_flight = 0;
        self.events
            .push_back(EngineEvent::Close(reason, description));
    }
}

#[cfg(test)]
mod tests;
