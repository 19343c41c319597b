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

#[allow(unused_imports)]
use crate::prelude::*;

use super::queue::Queue;

use super::config::{ManagerConfig, TransportKind};
use super::engine_codec::{EnginePacket, Handshake, SEPARATOR};
use super::events::DisconnectReason;
use super::ids::TransportId;
use super::payloads::{JsonText, Part, Payloads};
use super::rng::Rng;

/// What happened to a transport, reported by the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportInput<P: Payloads = JsonText> {
    /// The WebSocket opened (`onopen`). Not used for polling.
    Opened,
    /// A WebSocket text frame arrived.
    Text(P::Frame),
    /// A WebSocket binary frame arrived.
    Binary(P::Binary),
    /// The body of a successful long-polling GET, split at
    /// [`SEPARATOR`] into its packets.
    PollResponse(Vec<P::Frame>),
    /// The long-polling POST completed successfully.
    PostDone,
    /// The transport closed (WebSocket `onclose`).
    Closed {
        /// A human-readable description (e.g. `"websocket connection closed"`).
        description: String,
    },
    /// The transport failed (WebSocket `onerror`, a failed GET or POST).
    Error {
        /// A human-readable description; engine.io-client uses
        /// `"websocket error"`, `"xhr poll error"`, `"xhr post error"`.
        description: String,
    },
}

impl TransportInput<JsonText> {
    /// The response to a long-polling GET whose body is `body`.
    pub fn poll_body(body: &str) -> Self {
        TransportInput::PollResponse(body.split(SEPARATOR).map(String::from).collect())
    }
}

/// Something the runtime must do on the network.
#[derive(Debug, Clone, PartialEq)]
pub enum Transmit<P: Payloads = JsonText> {
    /// Open a WebSocket to `url` and report it as `transport`.
    OpenWebSocket {
        /// The new transport's id.
        transport: TransportId,
        /// `ws://` or `wss://` URL.
        url: String,
    },
    /// Send a text frame on the WebSocket `transport`: `head` followed by
    /// `body`.
    SendText {
        /// The WebSocket.
        transport: TransportId,
        /// The frame's start, written by the core (packet types, header).
        head: String,
        /// The rest: an emit's or ack's JSON text, if any.
        body: Option<P::Text>,
    },
    /// Send a binary frame on the WebSocket `transport`.
    SendBinary {
        /// The WebSocket.
        transport: TransportId,
        /// The frame.
        data: P::Binary,
    },
    /// Issue a long-polling GET; answer with
    /// [`TransportInput::PollResponse`] or [`TransportInput::Error`].
    PollGet {
        /// The polling transport.
        transport: TransportId,
        /// `http://` or `https://` URL.
        url: String,
    },
    /// Issue a long-polling POST of `body` (`text/plain;charset=UTF-8`);
    /// answer with [`TransportInput::PostDone`] or [`TransportInput::Error`].
    PollPost {
        /// The polling transport.
        transport: TransportId,
        /// `http://` or `https://` URL.
        url: String,
        /// The encoded payload.
        body: P::Text,
    },
    /// Release `transport`: close the WebSocket, or abort the pending GET of
    /// a polling transport (a POST already issued may complete). Nothing
    /// more is expected about it; late inputs are ignored.
    Close {
        /// The transport.
        transport: TransportId,
    },
}

impl Transmit<JsonText> {
    /// The whole text frame of a [`Transmit::SendText`].
    pub fn text(&self) -> Option<String> {
        match self {
            Transmit::SendText { head, body, .. } => {
                let mut text = head.clone();
                text.push_str(body.as_deref().unwrap_or_default());
                Some(text)
            }
            _ => None,
        }
    }
}

/// State shared by the Manager and its sessions (the Manager owns it and
/// lends it to the session it drives).
#[derive(Debug)]
pub(crate) struct Ctx<P: Payloads> {
    pub(crate) cfg: ManagerConfig,
    pub(crate) payloads: P,
    pub(crate) transmits: Queue<Transmit<P>>,
    pub(crate) next_transport: u64,
    /// Draws the polling `t` cache-busting tokens (separate from the jitter
    /// stream so the reconnection schedule does not depend on traffic).
    pub(crate) token_rng: Rng,
    /// engine.io-client's `priorWebsocketSuccess` (for `remember_upgrade`).
    pub(crate) prior_websocket_success: bool,
}

impl<P: Payloads> Ctx<P> {
    fn alloc_transport(&mut self) -> TransportId {
        let id = TransportId(self.next_transport);
        self.next_transport = self.next_transport.wrapping_add(1);
        id
    }

    /// `{scheme}://{host}{path}?EIO=4&transport=..[&sid=..][&t=..]` + query.
    fn url(&mut self, kind: TransportKind, sid: Option<&str>) -> String {
        let scheme = match (kind, self.cfg.secure) {
            (TransportKind::Polling, false) => "http",
            (TransportKind::Polling, true) => "https",
            (TransportKind::WebSocket, false) => "ws",
            (TransportKind::WebSocket, true) => "wss",
        };
        let mut url = String::with_capacity(64 + self.cfg.host_port.len());
        url.push_str(scheme);
        url.push_str("://");
        url.push_str(&self.cfg.host_port);
        url.push_str(&self.cfg.path);
        url.push_str("?EIO=4&transport=");
        url.push_str(kind.as_str());
        if let Some(sid) = sid {
            url.push_str("&sid=");
            push_encoded(&mut url, sid);
        }
        let stamp = self
            .cfg
            .timestamp_requests
            .unwrap_or(kind == TransportKind::Polling);
        let param = &self.cfg.timestamp_param;
        if stamp {
            url.push('&');
            push_encoded(&mut url, param);
            url.push('=');
            self.token_rng.push_token(&mut url, 8);
        }
        for (k, v) in &self.cfg.query {
            if matches!(k.as_str(), "EIO" | "transport" | "sid") || (stamp && k == param) {
                continue;
            }
            url.push('&');
            push_encoded(&mut url, k);
            url.push('=');
            push_encoded(&mut url, v);
        }
        url
    }
}

/// Appends `s` percent-encoded as `encodeURIComponent` does.
fn push_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// The data of an Engine.IO MESSAGE packet, as the runtime holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Message<P: Payloads> {
    /// A text message: the whole received text, `4` first.
    Text(P::Frame),
    /// A binary message.
    Binary(P::Binary),
}

/// A packet queued for sending.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Out<P: Payloads> {
    /// An Engine.IO packet written whole by the core (`3`, `2probe`, `5`,
    /// `40{...}`).
    Packet(String),
    /// A MESSAGE of a header written by the core (`42/chat,7`) and a body.
    Message(String, P::Text),
    /// A binary MESSAGE.
    Binary(P::Binary),
}

/// A received Engine.IO packet.
#[derive(Debug, Clone, PartialEq)]
enum Received<P: Payloads> {
    /// Anything but a MESSAGE, decoded by the core.
    Control(EnginePacket),
    /// A MESSAGE.
    Message(Message<P>),
}

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
    fn start<P: Payloads>(ctx: &mut Ctx<P>, kind: TransportKind) -> Transport {
        let id = ctx.alloc_transport();
        let url = ctx.url(kind, None);
        let polling = kind == TransportKind::Polling;
        ctx.transmits.push_back(if polling {
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
enum ProbeState {
    Opening,
    WaitingPong,
    Upgrading,
}

#[derive(Debug, Clone, Copy)]
struct Probe {
    id: TransportId,
    state: ProbeState,
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
    pub(crate) fn open(ctx: &mut Ctx<P>) -> Session<P> {
        let ws_ok = ctx.cfg.transports.contains(&TransportKind::WebSocket);
        let kind = if ctx.cfg.remember_upgrade && ctx.prior_websocket_success && ws_ok {
            TransportKind::WebSocket
        } else {
            ctx.cfg
                .transports
                .first()
                .copied()
                .unwrap_or(TransportKind::Polling)
        };
        Session {
            state: State::Opening,
            sid: None,
            transport: Transport::start(ctx, kind),
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
        ctx: &mut Ctx<P>,
        id: TransportId,
        input: TransportInput<P>,
    ) {
        if self.state == State::Closed {
            return;
        }
        if id == self.transport.id {
            self.on_transport(now, ctx, input);
        } else if self.probe.is_some_and(|p| p.id == id) {
            self.on_probe(ctx, input);
        }
    }

    /// The heartbeat deadline passed: close with `"ping timeout"`.
    pub(crate) fn on_ping_timeout(&mut self, ctx: &mut Ctx<P>) {
        self.on_close(ctx, DisconnectReason::PingTimeout, None);
    }

    /// Closes on behalf of the application (`"forced close"`), after the
    /// write buffer is drained and any upgrade in progress is done.
    pub(crate) fn close(&mut self, ctx: &mut Ctx<P>) {
        if !matches!(self.state, State::Opening | State::Open) {
            return;
        }
        self.flush(ctx);
        self.state = State::Closing;
        self.continue_close(ctx);
    }

    /// Drops the session at once (e.g. too many sessions draining).
    pub(crate) fn abort(&mut self, ctx: &mut Ctx<P>) {
        self.on_close(ctx, DisconnectReason::ForcedClose, None);
    }

    fn continue_close(&mut self, ctx: &mut Ctx<P>) {
        if self.state != State::Closing {
            return;
        }
        if self.in_flight > 0 && !self.transport.writable {
            self.close_wait = CloseWait::Drain;
        } else if self.upgrading {
            self.close_wait = CloseWait::Upgrade;
        } else {
            self.close_wait = CloseWait::None;
            self.on_close(ctx, DisconnectReason::ForcedClose, None);
        }
    }

    /// Sends what the write buffer holds, if the transport can take it.
    pub(crate) fn flush(&mut self, ctx: &mut Ctx<P>) {
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
                    ctx.transmits.push_back(frame(id, packet));
                }
            }
            TransportKind::Polling => {
                let n = self.writable_count(&ctx.payloads);
                // `get`, not `[..n]` (n <= len always): no panic path, whose
                // message formatting would stay in the wasm.
                let batch = self.write_buffer.get(..n).unwrap_or(&self.write_buffer);
                let body = ctx.payloads.join(payload_parts(batch));
                let url = ctx.url(TransportKind::Polling, self.sid.as_deref());
                ctx.transmits.push_back(Transmit::PollPost {
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

    fn on_transport(&mut self, now: u64, ctx: &mut Ctx<P>, input: TransportInput<P>) {
        match input {
            TransportInput::Opened => {
                if self.transport.kind == TransportKind::WebSocket
                    && self.transport.state == TState::Opening
                {
                    self.transport.state = TState::Open;
                    self.transport.writable = true;
                }
            }
            TransportInput::Text(text) => match decode(&ctx.payloads, text) {
                Some(p) => self.on_packet(now, ctx, p),
                None => self.on_error(ctx, String::from("server error")),
            },
            TransportInput::Binary(bytes) => {
                self.on_packet(now, ctx, Received::Message(Message::Binary(bytes)))
            }
            TransportInput::PollResponse(packets) => self.on_poll_response(now, ctx, packets),
            TransportInput::PostDone => self.on_post_done(ctx),
            TransportInput::Closed { description } => {
                self.transport.state = TState::Closed;
                self.on_close(ctx, DisconnectReason::TransportClose, Some(description));
            }
            TransportInput::Error { description } => {
                if !self.try_next_transport(ctx) {
                    self.on_error(ctx, description);
                }
            }
        }
    }

    /// `tryAllTransports`: the transport failed before the handshake, so
    /// the session opens again with the other one, when the list has it and
    /// it was not tried yet. False otherwise, or with the option off.
    fn try_next_transport(&mut self, ctx: &mut Ctx<P>) -> bool {
        if !ctx.cfg.try_all_transports || self.state != State::Opening || self.fell_back {
            return false;
        }
        let kind = match self.transport.kind {
            TransportKind::Polling => TransportKind::WebSocket,
            TransportKind::WebSocket => TransportKind::Polling,
        };
        if !ctx.cfg.transports.contains(&kind) {
            return false;
        }
        self.fell_back = true;
        ctx.transmits.push_back(Transmit::Close {
            transport: self.transport.id,
        });
        if kind == TransportKind::Polling {
            ctx.prior_websocket_success = false;
        }
        self.transport = Transport::start(ctx, kind);
        true
    }

    fn on_poll_response(&mut self, now: u64, ctx: &mut Ctx<P>, packets: Vec<P::Frame>) {
        if self.transport.kind != TransportKind::Polling || !self.transport.polling {
            return;
        }
        // The first bad packet fails the whole payload, before any is handled.
        let mut decoded = Vec::with_capacity(packets.len());
        for p in packets {
            match decode(&ctx.payloads, p) {
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
                self.on_error(ctx, String::from("server error"));
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
                    ctx,
                    DisconnectReason::TransportClose,
                    Some(String::from("transport closed by the server")),
                );
                return;
            }
            self.on_packet(now, ctx, packet);
        }
        if self.state == State::Closed || self.transport.state == TState::Closed {
            return;
        }
        self.transport.polling = false;
        match self.transport.state {
            TState::Pausing => self.try_finish_pause(ctx),
            TState::Open => self.poll(ctx),
            _ => {}
        }
    }

    fn poll(&mut self, ctx: &mut Ctx<P>) {
        let url = ctx.url(TransportKind::Polling, self.sid.as_deref());
        ctx.transmits.push_back(Transmit::PollGet {
            transport: self.transport.id,
            url,
        });
        self.transport.polling = true;
    }

    fn on_post_done(&mut self, ctx: &mut Ctx<P>) {
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
                self.continue_close(ctx);
            } else {
                self.flush(ctx);
            }
            return;
        }
        if self.transport.state == TState::Pausing {
            self.try_finish_pause(ctx);
        }
    }

    fn on_packet(&mut self, now: u64, ctx: &mut Ctx<P>, packet: Received<P>) {
        match packet {
            Received::Control(EnginePacket::Open(hs)) => {
                if self.state == State::Opening {
                    self.on_handshake(now, ctx, hs);
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

    fn on_handshake(&mut self, now: u64, ctx: &mut Ctx<P>, hs: Handshake) {
        self.sid = Some(hs.sid);
        self.ping_interval = hs.ping_interval;
        self.ping_timeout = hs.ping_timeout;
        self.max_payload = hs.max_payload;
        self.state = State::Open;
        ctx.prior_websocket_success = self.transport.kind == TransportKind::WebSocket;
        self.events.push_back(EngineEvent::Open);
        let probe_ws = ctx.cfg.upgrade
            && self.transport.kind == TransportKind::Polling
            && ctx.cfg.transports.contains(&TransportKind::WebSocket)
            && hs.upgrades.iter().any(|u| u == "websocket");
        if probe_ws {
            ctx.prior_websocket_success = false;
            let id = ctx.alloc_transport();
            let url = ctx.url(TransportKind::WebSocket, self.sid.as_deref());
            ctx.transmits
                .push_back(Transmit::OpenWebSocket { transport: id, url });
            self.probe = Some(Probe {
                id,
                state: ProbeState::Opening,
            });
        }
        self.reset_ping_deadline(now);
    }

    fn on_probe(&mut self, ctx: &mut Ctx<P>, input: TransportInput<P>) {
        let Some(probe) = self.probe else { return };
        match input {
            TransportInput::Opened => {
                if probe.state == ProbeState::Opening {
                    ctx.transmits
                        .push_back(frame(probe.id, Out::Packet(String::from("2probe"))));
                    self.set_probe_state(ProbeState::WaitingPong);
                }
            }
            TransportInput::Text(text) => {
                if probe.state != ProbeState::WaitingPong {
                    return;
                }
                match ctx.payloads.head(&text) {
                    ("3probe", true) => {
                        self.upgrading = true;
                        ctx.prior_websocket_success = true;
                        self.set_probe_state(ProbeState::Upgrading);
                        if self.transport.state == TState::Open {
                            self.transport.state = TState::Pausing;
                        }
                        self.try_finish_pause(ctx);
                    }
                    _ => self.probe_failed(ctx, String::from("probe error")),
                }
            }
            TransportInput::Binary(_) => {
                if probe.state == ProbeState::WaitingPong {
                    self.probe_failed(ctx, String::from("probe error"));
                }
            }
            TransportInput::PollResponse(_) | TransportInput::PostDone => {}
            TransportInput::Closed { .. } => {
                self.probe_failed(ctx, String::from("probe error: transport closed"))
            }
            TransportInput::Error { description } => {
                let mut d = String::from("probe error: ");
                d.push_str(&description);
                self.probe_failed(ctx, d);
            }
        }
    }

    fn set_probe_state(&mut self, state: ProbeState) {
        if let Some(p) = self.probe.as_mut() {
            p.state = state;
        }
    }

    fn probe_failed(&mut self, ctx: &mut Ctx<P>, description: String) {
        let Some(probe) = self.probe.take() else {
            return;
        };
        ctx.transmits.push_back(Transmit::Close {
            transport: probe.id,
        });
        if self.upgrading {
            // Resume polling (engine.io-client would stay paused here).
            self.upgrading = false;
            if matches!(self.transport.state, TState::Pausing | TState::Paused) {
                self.transport.state = TState::Open;
                if !self.transport.polling && self.state != State::Closed {
                    self.poll(ctx);
                }
            }
        }
        self.events
            .push_back(EngineEvent::UpgradeError(description));
        if self.state == State::Closing && self.close_wait == CloseWait::Upgrade {
            self.continue_close(ctx);
        }
    }

    fn try_finish_pause(&mut self, ctx: &mut Ctx<P>) {
        if self.transport.state != TState::Pausing
            || self.transport.polling
            || !self.transport.writable
        {
            return;
        }
        self.transport.state = TState::Paused;
        self.complete_upgrade(ctx);
    }

    fn complete_upgrade(&mut self, ctx: &mut Ctx<P>) {
        if self.state == State::Closed {
            return;
        }
        let Some(probe) = self.probe.take() else {
            return;
        };
        ctx.transmits.push_back(Transmit::Close {
            transport: self.transport.id,
        });
        self.transport = Transport {
            id: probe.id,
            kind: TransportKind::WebSocket,
            state: TState::Open,
            writable: true,
            polling: false,
        };
        self.in_flight = 0;
        ctx.transmits
            .push_back(frame(probe.id, Out::Packet(String::from("5"))));
        self.events
            .push_back(EngineEvent::Upgrade(TransportKind::WebSocket));
        self.upgrading = false;
        self.flush(ctx);
        if self.state == State::Closing {
            self.continue_close(ctx);
        }
    }

    fn on_error(&mut self, ctx: &mut Ctx<P>, description: String) {
        ctx.prior_websocket_success = false;
        self.events
            .push_back(EngineEvent::Error(description.clone()));
        self.on_close(ctx, DisconnectReason::TransportError, Some(description));
    }

    /// engine.io-client `_onClose`: release everything, report the close.
    fn on_close(
        &mut self,
        ctx: &mut Ctx<P>,
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
                let url = ctx.url(TransportKind::Polling, self.sid.as_deref());
                let body = ctx.payloads.join(vec![Part::Raw(String::from("1"))]);
                ctx.transmits.push_back(Transmit::PollPost {
                    transport: t.id,
                    url,
                    body,
                });
            }
            ctx.transmits.push_back(Transmit::Close { transport: t.id });
        }
        self.transport.state = TState::Closed;
        if let Some(p) = self.probe.take() {
            ctx.transmits.push_back(Transmit::Close { transport: p.id });
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

/// A received text as an Engine.IO packet: a MESSAGE is kept as the
/// runtime holds it (the Manager reads its header), a binary one (`b` +
/// base64, in polling payloads) and the handshake are read by the runtime,
/// anything else decoded here from its head. `None` when malformed.
fn decode<P: Payloads>(payloads: &P, frame: P::Frame) -> Option<Received<P>> {
    let (head, _) = payloads.head(&frame);
    let data = || head.get(1..).filter(|d| !d.is_empty()).map(String::from);
    let packet = match head.as_bytes().first()? {
        b'4' => return Some(Received::Message(Message::Text(frame))),
        b'b' => {
            let bytes = payloads.decode_base64(&frame, 1)?;
            return Some(Received::Message(Message::Binary(bytes)));
        }
        b'0' => EnginePacket::Open(payloads.handshake(&frame).ok()?),
        b'1' => EnginePacket::Close,
        // A ping's or pong's data is "probe" or nothing (the upgrade probe
        // compares its whole pong itself).
        b'2' => EnginePacket::Ping(data()),
        b'3' => EnginePacket::Pong(data()),
        b'5' => EnginePacket::Upgrade,
        b'6' => EnginePacket::Noop,
        _ => return None,
    };
    Some(Received::Control(packet))
}

fn frame<P: Payloads>(transport: TransportId, packet: Out<P>) -> Transmit<P> {
    match packet {
        Out::Packet(head) => Transmit::SendText {
            transport,
            head,
            body: None,
        },
        Out::Message(head, body) => Transmit::SendText {
            transport,
            head,
            body: Some(body),
        },
        Out::Binary(data) => Transmit::SendBinary { transport, data },
    }
}

/// The parts of a polling payload carrying `packets` (binary as `b` +
/// base64).
fn payload_parts<P: Payloads>(packets: &[Out<P>]) -> Vec<Part<P>> {
    let mut parts = Vec::with_capacity(packets.len() * 3);
    for (i, packet) in packets.iter().enumerate() {
        let mut raw = String::new();
        if i > 0 {
            raw.push(SEPARATOR);
        }
        match packet {
            Out::Packet(text) => {
                raw.push_str(text);
                parts.push(Part::Raw(raw));
            }
            Out::Message(head, body) => {
                raw.push_str(head);
                parts.push(Part::Raw(raw));
                parts.push(Part::Text(body.clone()));
            }
            Out::Binary(data) => {
                raw.push('b');
                parts.push(Part::Raw(raw));
                parts.push(Part::Base64(data.clone()));
            }
        }
    }
    parts
}

/// Length of a packet inside a polling payload (binary as `b` + base64).
fn encoded_len<P: Payloads>(payloads: &P, packet: &Out<P>) -> u64 {
    let len = match packet {
        Out::Packet(text) => text.len(),
        Out::Message(head, body) => head.len() + payloads.text_len(body),
        Out::Binary(data) => 1 + payloads.binary_len(data).div_ceil(3) * 4,
    };
    len as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx<JsonText> {
        Ctx {
            payloads: JsonText::default(),
            cfg: ManagerConfig {
                query: vec![
                    (String::from("a b"), String::from("é&")),
                    (String::from("EIO"), String::from("3")),
                ],
                ..ManagerConfig::new("example.com:3000", false)
            },
            transmits: Queue::default(),
            next_transport: 0,
            token_rng: Rng::new(1),
            prior_websocket_success: false,
        }
    }

    #[test]
    fn urls() {
        let mut c = ctx();
        let u = c.url(TransportKind::WebSocket, Some("ab+/="));
        assert_eq!(
            u,
            "ws://example.com:3000/socket.io/?EIO=4&transport=websocket&sid=ab%2B%2F%3D&a%20b=%C3%A9%26"
        );
        c.cfg.secure = true;
        let u = c.url(TransportKind::Polling, None);
        assert!(u.starts_with("https://example.com:3000/socket.io/?EIO=4&transport=polling&t="));
        assert!(u.ends_with("&a%20b=%C3%A9%26"));
    }

    #[test]
    fn payload_cut_at_max_payload() {
        let mut c = ctx();
        let mut s = Session::open(&mut c);
        s.max_payload = 10;
        for _ in 0..3 {
            // "42" + "abc" = 5 bytes
            s.send(Out::Message(String::from("42"), String::from("abc")));
        }
        let p = JsonText::default();
        // 5 + 1 + 5 = 11 > 10: one packet per POST.
        assert_eq!(s.writable_count(&p), 1);
        s.max_payload = 11;
        assert_eq!(s.writable_count(&p), 2);
        s.max_payload = 0;
        assert_eq!(s.writable_count(&p), 3);
        s.max_payload = 1; // a packet bigger than maxPayload still goes alone
        assert_eq!(s.writable_count(&p), 1);
        assert_eq!(
            p.join(payload_parts(&[
                Out::Packet(String::from("40")),
                Out::Message(String::from("451-"), String::from("[\"a\"]")),
                Out::Binary(vec![1, 2, 3]),
            ])),
            "40\x1e451-[\"a\"]\x1ebAQID"
        );
    }
}
