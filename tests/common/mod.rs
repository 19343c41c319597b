//! A fake Socket.IO server driving a [`Manager`] in simulated time.
//!
//! The server speaks the server side of Engine.IO v4 (handshake, pings,
//! long-polling with held GETs, WebSocket and the polling → WebSocket
//! upgrade) and of Socket.IO v5 (CONNECT answers with an auth policy,
//! CONNECT_ERROR, acks, connection state recovery with missed events). No
//! sockets, no sleeps: [`Sim::advance`] moves a `u64` clock and fires the
//! Manager's deadlines and the server's pings in order.
#![allow(dead_code)]

use std::collections::VecDeque;

use socketio_wasm::proto::engine_codec::{self, Data, EnginePacket, Frame, Handshake};
use socketio_wasm::proto::json;
use socketio_wasm::proto::packet::{self, Decoded, Decoder, Limits, Packet, PacketType};
use socketio_wasm::proto::{
    Event, Manager, ManagerConfig, SocketId, Transmit, TransportId, TransportInput,
};

/// A decision of the server's namespace policy about a CONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Connect the socket.
    Accept,
    /// Answer CONNECT_ERROR with this `{"message":..,"data":..}` payload.
    Reject(String),
    /// Do not answer at all.
    Ignore,
}

/// The connection policy: `(nsp, auth JSON) -> Answer`.
pub type Policy = Box<dyn FnMut(&str, Option<&str>) -> Answer>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Polling,
    WebSocket,
}

/// One Engine.IO session on the server.
pub struct SrvSession {
    pub sid: String,
    pub polling: Option<TransportId>,
    pub ws: Option<TransportId>,
    pub probe: Option<TransportId>,
    pub upgraded: bool,
    /// `2probe` answered, `5` not received yet: pending GETs get a noop.
    pub probing: bool,
    pub held_get: Option<TransportId>,
    pub outbox: Vec<EnginePacket>,
    pub closed: bool,
    pub next_ping: Option<u64>,
    pub decoder: Decoder,
    /// Namespaces connected on this session: (nsp, socket sid).
    pub nsps: Vec<(String, String)>,
}

/// A stored session for connection state recovery.
pub struct Recoverable {
    pub pid: String,
    pub nsp: String,
    pub sid: String,
    /// Events sent to it, each with its offset (the last argument).
    pub sent: Vec<(String, String)>,
    /// Events to deliver on recovery (sent while disconnected).
    pub missed: Vec<String>,
}

/// The fake server.
pub struct Server {
    pub ping_interval: u64,
    pub ping_timeout: u64,
    pub max_payload: u64,
    pub upgrades: Vec<String>,
    /// Reachable: when false, GETs and WebSocket opens fail.
    pub up: bool,
    /// Takes WebSocket connections (false: a polling-only server).
    pub websocket: bool,
    /// Answers the WebSocket probe's `2probe`.
    pub answer_probe: bool,
    /// Sends pings every `ping_interval`.
    pub pinging: bool,
    /// Acknowledges every event that carries an ack id, echoing its data.
    pub auto_ack: bool,
    /// Holds POSTs until [`Server::release_posts`].
    pub hold_posts: bool,
    /// Connection state recovery enabled.
    pub recovery: bool,
    /// Panic on undecodable client data (off for chaos tests).
    pub strict: bool,
    pub policy: Policy,
    pub sessions: Vec<SrvSession>,
    pub recoverable: Vec<Recoverable>,
    /// Every Socket.IO packet received, in order.
    pub received: Vec<Decoded>,
    /// Every Engine.IO packet received (any transport), in order.
    pub engine_received: Vec<EnginePacket>,
    /// Every transmit, in order.
    pub log: Vec<Transmit>,
    /// Deliveries to make to the Manager.
    pub out: VecDeque<(TransportId, TransportInput)>,
    pub held_posts: Vec<TransportId>,
    /// GET/POST currently in flight, to check "at most one of each".
    pub gets_in_flight: usize,
    pub posts_in_flight: usize,
    pub max_gets_in_flight: usize,
    pub max_posts_in_flight: usize,
    next_sid: u64,
    pub now: u64,
}

fn query_param<'a>(url: &'a str, key: &str) -> Option<&'a str> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then_some(v)
    })
}

/// `value` of member `key` of the JSON object `text`, as raw JSON.
pub fn member<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let members = json::object_members(text, 64).ok()?;
    let (_, r) = members.into_iter().rev().find(|(k, _)| k == key)?;
    text.get(r)
}

/// `value` of string member `key`.
pub fn member_str(text: &str, key: &str) -> Option<String> {
    json::parse_string(member(text, key)?).ok()
}

impl Default for Server {
    fn default() -> Self {
        Server {
            ping_interval: 25_000,
            ping_timeout: 20_000,
            max_payload: 1_000_000,
            upgrades: vec![String::from("websocket")],
            up: true,
            websocket: true,
            answer_probe: true,
            pinging: true,
            auto_ack: true,
            hold_posts: false,
            recovery: false,
            strict: true,
            policy: Box::new(|_, _| Answer::Accept),
            sessions: Vec::new(),
            recoverable: Vec::new(),
            received: Vec::new(),
            engine_received: Vec::new(),
            log: Vec::new(),
            out: VecDeque::new(),
            held_posts: Vec::new(),
            gets_in_flight: 0,
            posts_in_flight: 0,
            max_gets_in_flight: 0,
            max_posts_in_flight: 0,
            next_sid: 0,
            now: 0,
        }
    }
}

impl Server {
    fn handshake(&mut self) -> (usize, EnginePacket) {
        self.next_sid += 1;
        let sid = format!("eio{}", self.next_sid);
        let hs = Handshake {
            sid: sid.clone(),
            upgrades: self.upgrades.clone(),
            ping_interval: self.ping_interval,
            ping_timeout: self.ping_timeout,
            max_payload: self.max_payload,
        };
        self.sessions.push(SrvSession {
            sid,
            polling: None,
            ws: None,
            probe: None,
            upgraded: false,
            probing: false,
            held_get: None,
            outbox: Vec::new(),
            closed: false,
            next_ping: self.pinging.then_some(self.now + self.ping_interval),
            decoder: Decoder::new(Limits::default()),
            nsps: Vec::new(),
        });
        (self.sessions.len() - 1, EnginePacket::Open(hs))
    }

    fn by_sid(&self, url: &str) -> Option<usize> {
        let sid = query_param(url, "sid")?;
        self.sessions.iter().position(|s| s.sid == sid && !s.closed)
    }

    fn by_transport(&self, id: TransportId) -> Option<usize> {
        self.sessions.iter().position(|s| {
            !s.closed && (s.polling == Some(id) || s.ws == Some(id) || s.probe == Some(id))
        })
    }

    /// The newest open session.
    pub fn current(&self) -> Option<usize> {
        self.sessions.iter().rposition(|s| !s.closed)
    }

    /// Handles one transmit of the Manager.
    pub fn on_transmit(&mut self, tx: Transmit) {
        self.log.push(tx.clone());
        match tx {
            Transmit::PollGet { transport, url } => {
                self.gets_in_flight += 1;
                self.max_gets_in_flight = self.max_gets_in_flight.max(self.gets_in_flight);
                if !self.up {
                    self.fail_get(transport);
                    return;
                }
                match query_param(&url, "sid") {
                    None => {
                        let (i, open) = self.handshake();
                        self.sessions[i].polling = Some(transport);
                        self.gets_in_flight = self.gets_in_flight.saturating_sub(1);
                        self.out.push_back((
                            transport,
                            TransportInput::poll_body(&engine_codec::encode_payload(&[open])),
                        ));
                    }
                    Some(_) => match self.by_sid(&url) {
                        Some(i) => {
                            self.sessions[i].held_get = Some(transport);
                            self.flush_polling(i);
                        }
                        None => self.fail_get(transport),
                    },
                }
            }
            Transmit::PollPost {
                transport,
                url,
                body,
            } => {
                self.posts_in_flight += 1;
                self.max_posts_in_flight = self.max_posts_in_flight.max(self.posts_in_flight);
                let Some(i) = self.by_sid(&url) else {
                    self.posts_in_flight = self.posts_in_flight.saturating_sub(1);
                    self.out.push_back((
                        transport,
                        TransportInput::Error {
                            description: String::from("xhr post error"),
                        },
                    ));
                    return;
                };
                let packets = match engine_codec::decode_payload(&body) {
                    Ok(p) => p,
                    Err(e) if self.strict => panic!("client payload: {e:?}"),
                    Err(_) => vec![],
                };
                for p in packets {
                    self.on_engine_packet(i, p);
                }
                if self.hold_posts {
                    self.held_posts.push(transport);
                } else {
                    self.posts_in_flight = self.posts_in_flight.saturating_sub(1);
                    self.out.push_back((transport, TransportInput::PostDone));
                }
            }
            Transmit::OpenWebSocket { transport, url } => {
                if !self.up || !self.websocket {
                    self.out.push_back((
                        transport,
                        TransportInput::Error {
                            description: String::from("websocket error"),
                        },
                    ));
                    self.out.push_back((
                        transport,
                        TransportInput::Closed {
                            description: String::from("websocket connection closed"),
                        },
                    ));
                    return;
                }
                match query_param(&url, "sid") {
                    None => {
                        let (i, open) = self.handshake();
                        self.sessions[i].ws = Some(transport);
                        self.sessions[i].upgraded = true;
                        self.out.push_back((transport, TransportInput::Opened));
                        self.send_engine(i, open);
                    }
                    Some(_) => {
                        if let Some(i) = self.by_sid(&url) {
                            self.sessions[i].probe = Some(transport);
                            self.out.push_back((transport, TransportInput::Opened));
                        }
                    }
                }
            }
            Transmit::SendText {
                transport,
                head,
                body,
            } => {
                let text = head + body.as_deref().unwrap_or_default();
                let Some(i) = self.by_transport(transport) else {
                    return;
                };
                let p = match engine_codec::decode_text(&text) {
                    Ok(p) => p,
                    Err(e) if self.strict => panic!("client frame: {e:?}"),
                    Err(_) => return,
                };
                if self.sessions[i].probe == Some(transport) && !self.sessions[i].upgraded {
                    match p {
                        EnginePacket::Ping(Some(ref d)) if d == "probe" && self.answer_probe => {
                            self.sessions[i].probing = true;
                            self.out.push_back((
                                transport,
                                TransportInput::Text(String::from("3probe")),
                            ));
                            // Make the pending GET return (engine.io sends a noop).
                            if let Some(get) = self.sessions[i].held_get.take() {
                                self.gets_in_flight = self.gets_in_flight.saturating_sub(1);
                                self.out.push_back((get, TransportInput::poll_body("6")));
                            }
                        }
                        EnginePacket::Upgrade => {
                            let s = &mut self.sessions[i];
                            s.upgraded = true;
                            s.probing = false;
                            s.ws = s.probe.take();
                            let pending = std::mem::take(&mut s.outbox);
                            for p in pending {
                                self.send_engine(i, p);
                            }
                        }
                        _ => {}
                    }
                    self.engine_received.push(p);
                    return;
                }
                self.on_engine_packet(i, p);
            }
            Transmit::SendBinary { transport, data } => {
                if let Some(i) = self.by_transport(transport) {
                    self.on_engine_packet(i, EnginePacket::Message(Data::Binary(data)));
                }
            }
            Transmit::Close { transport } => {
                for s in &mut self.sessions {
                    if s.held_get == Some(transport) {
                        s.held_get = None;
                        self.gets_in_flight = self.gets_in_flight.saturating_sub(1);
                    }
                    if s.ws == Some(transport) {
                        s.closed = true;
                    }
                    if s.probe == Some(transport) {
                        s.probe = None;
                    }
                }
            }
        }
    }

    fn fail_get(&mut self, transport: TransportId) {
        self.gets_in_flight = self.gets_in_flight.saturating_sub(1);
        self.out.push_back((
            transport,
            TransportInput::Error {
                description: String::from("xhr poll error"),
            },
        ));
    }

    /// Acknowledges the held POSTs.
    pub fn release_posts(&mut self) {
        for t in std::mem::take(&mut self.held_posts) {
            self.posts_in_flight = self.posts_in_flight.saturating_sub(1);
            self.out.push_back((t, TransportInput::PostDone));
        }
    }

    fn flush_polling(&mut self, i: usize) {
        let s = &mut self.sessions[i];
        if s.probing && s.outbox.is_empty() {
            if let Some(get) = s.held_get.take() {
                self.gets_in_flight = self.gets_in_flight.saturating_sub(1);
                self.out.push_back((get, TransportInput::poll_body("6")));
            }
            return;
        }
        if s.outbox.is_empty() {
            return;
        }
        if let Some(get) = s.held_get.take() {
            let body = engine_codec::encode_payload(&s.outbox);
            s.outbox.clear();
            self.gets_in_flight = self.gets_in_flight.saturating_sub(1);
            self.out.push_back((get, TransportInput::poll_body(&body)));
        }
    }

    /// Sends an Engine.IO packet on session `i`'s current transport.
    pub fn send_engine(&mut self, i: usize, p: EnginePacket) {
        let s = &mut self.sessions[i];
        if s.closed {
            return;
        }
        match (s.upgraded, s.ws) {
            (true, Some(ws)) => {
                let input = match engine_codec::encode_ws(&p) {
                    Frame::Text(t) => TransportInput::Text(t),
                    Frame::Binary(b) => TransportInput::Binary(b),
                };
                self.out.push_back((ws, input));
            }
            _ => {
                s.outbox.push(p);
                self.flush_polling(i);
            }
        }
    }

    /// Sends a Socket.IO packet (and its attachments) on session `i`.
    pub fn send_packet(&mut self, i: usize, p: &Packet, attachments: &[Vec<u8>]) {
        self.send_engine(i, EnginePacket::Message(Data::Text(packet::encode(p))));
        for a in attachments {
            self.send_engine(i, EnginePacket::Message(Data::Binary(a.clone())));
        }
    }

    /// Emits an event to namespace `nsp` on the current session; with
    /// recovery on, appends an offset and records it (or stores it as
    /// missed when the namespace is not connected).
    pub fn emit(&mut self, nsp: &str, data: &str) {
        let mut data = data.to_string();
        if self.recovery {
            if let Some(r) = self.recoverable.iter_mut().find(|r| r.nsp == nsp) {
                let offset = format!("off{}", r.sent.len() + r.missed.len() + 1);
                let body = data.trim_end_matches(']');
                data = format!("{body},\"{offset}\"]");
                let connected = self
                    .sessions
                    .iter()
                    .any(|s| !s.closed && s.nsps.iter().any(|(n, sid)| n == nsp && *sid == r.sid));
                if !connected {
                    r.missed.push(data);
                    return;
                }
                r.sent.push((offset, data.clone()));
            }
        }
        let Some(i) = self.current() else { return };
        let p = Packet {
            kind: PacketType::Event,
            nsp: nsp.to_string(),
            id: None,
            data: Some(data),
            attachments: 0,
        };
        self.send_packet(i, &p, &[]);
    }

    /// Sends an event that wants an ack (`id`) to `nsp`.
    pub fn emit_with_ack(&mut self, nsp: &str, data: &str, id: u64) {
        let Some(i) = self.current() else { return };
        let p = Packet {
            kind: PacketType::Event,
            nsp: nsp.to_string(),
            id: Some(id),
            data: Some(data.to_string()),
            attachments: 0,
        };
        self.send_packet(i, &p, &[]);
    }

    /// Server-side DISCONNECT of `nsp`.
    pub fn disconnect(&mut self, nsp: &str) {
        let Some(i) = self.current() else { return };
        self.sessions[i].nsps.retain(|(n, _)| n != nsp);
        let p = Packet {
            kind: PacketType::Disconnect,
            nsp: nsp.to_string(),
            id: None,
            data: None,
            attachments: 0,
        };
        self.send_packet(i, &p, &[]);
    }

    /// Drops the current session's connection (as a network failure).
    pub fn kill(&mut self) {
        let Some(i) = self.current() else { return };
        let s = &mut self.sessions[i];
        s.closed = true;
        if let (true, Some(ws)) = (s.upgraded, s.ws) {
            self.out.push_back((
                ws,
                TransportInput::Closed {
                    description: String::from("websocket connection closed"),
                },
            ));
        } else if let Some(get) = s.held_get.take() {
            self.gets_in_flight = self.gets_in_flight.saturating_sub(1);
            self.out.push_back((
                get,
                TransportInput::Error {
                    description: String::from("xhr poll error"),
                },
            ));
        }
    }

    fn on_engine_packet(&mut self, i: usize, p: EnginePacket) {
        self.engine_received.push(p.clone());
        let decoded = match p {
            EnginePacket::Message(Data::Text(t)) => self.sessions[i].decoder.push_text(&t),
            EnginePacket::Message(Data::Binary(b)) => self.sessions[i].decoder.push_binary(b),
            EnginePacket::Close => {
                self.sessions[i].closed = true;
                return;
            }
            _ => return,
        };
        match decoded {
            Ok(Some(d)) => self.on_packet(i, d),
            Ok(None) => {}
            Err(e) if self.strict => panic!("client packet: {e:?}"),
            Err(_) => self.sessions[i].decoder.reset(),
        }
    }

    fn on_packet(&mut self, i: usize, d: Decoded) {
        self.received.push(d.clone());
        let p = d.packet;
        match p.kind {
            PacketType::Connect => {
                let auth = p.data.clone();
                match (self.policy)(&p.nsp, auth.as_deref()) {
                    Answer::Accept => self.accept(i, &p.nsp, auth.as_deref()),
                    Answer::Reject(payload) => {
                        let r = Packet {
                            kind: PacketType::ConnectError,
                            nsp: p.nsp.clone(),
                            id: None,
                            data: Some(payload),
                            attachments: 0,
                        };
                        self.send_packet(i, &r, &[]);
                    }
                    Answer::Ignore => {}
                }
            }
            PacketType::Event | PacketType::BinaryEvent => {
                if let (true, Some(id)) = (self.auto_ack, p.id) {
                    let kind = if d.attachments.is_empty() {
                        PacketType::Ack
                    } else {
                        PacketType::BinaryAck
                    };
                    let r = Packet {
                        kind,
                        nsp: p.nsp.clone(),
                        id: Some(id),
                        data: p.data.clone(),
                        attachments: d.attachments.len(),
                    };
                    self.send_packet(i, &r, &d.attachments);
                }
            }
            PacketType::Disconnect => {
                self.sessions[i].nsps.retain(|(n, _)| *n != p.nsp);
            }
            _ => {}
        }
    }

    fn accept(&mut self, i: usize, nsp: &str, auth: Option<&str>) {
        self.next_sid += 1;
        let mut sid = format!("sock{}", self.next_sid);
        let mut pid = None;
        let mut missed = Vec::new();
        if self.recovery {
            let claimed = auth.and_then(|a| member_str(a, "pid"));
            let offset = auth.and_then(|a| member_str(a, "offset"));
            let found = claimed.as_deref().and_then(|c| {
                self.recoverable
                    .iter_mut()
                    .find(|r| r.pid == c && r.nsp == nsp)
            });
            match found {
                Some(r) => {
                    sid = r.sid.clone();
                    pid = Some(r.pid.clone());
                    // Events sent after the client's offset were lost too.
                    if let Some(off) = offset {
                        if let Some(pos) = r.sent.iter().position(|(o, _)| *o == off) {
                            for (_, d) in r.sent.drain(pos + 1..) {
                                missed.push(d);
                            }
                        }
                    }
                    missed.append(&mut r.missed);
                    r.sent.extend(
                        missed
                            .iter()
                            .map(|d| (packet::last_arg_string(d).unwrap_or_default(), d.clone())),
                    );
                }
                None => {
                    let p = format!("pid{}", self.next_sid);
                    self.recoverable.push(Recoverable {
                        pid: p.clone(),
                        nsp: nsp.to_string(),
                        sid: sid.clone(),
                        sent: Vec::new(),
                        missed: Vec::new(),
                    });
                    pid = Some(p);
                }
            }
        }
        // Missed packets go first (as the server's Socket constructor does).
        for data in missed {
            let p = Packet {
                kind: PacketType::Event,
                nsp: nsp.to_string(),
                id: None,
                data: Some(data),
                attachments: 0,
            };
            self.send_packet(i, &p, &[]);
        }
        let mut data = format!("{{\"sid\":\"{sid}\"");
        if let Some(pid) = pid {
            data.push_str(&format!(",\"pid\":\"{pid}\""));
        }
        data.push('}');
        self.sessions[i].nsps.push((nsp.to_string(), sid));
        let p = Packet {
            kind: PacketType::Connect,
            nsp: nsp.to_string(),
            id: None,
            data: Some(data),
            attachments: 0,
        };
        self.send_packet(i, &p, &[]);
    }

    /// The next time a session is due a ping.
    pub fn next_ping(&self) -> Option<u64> {
        if !self.pinging {
            return None;
        }
        self.sessions
            .iter()
            .filter(|s| !s.closed)
            .filter_map(|s| s.next_ping)
            .min()
    }

    fn ping_due(&mut self, now: u64) {
        for i in 0..self.sessions.len() {
            let s = &mut self.sessions[i];
            if s.closed {
                continue;
            }
            if let Some(at) = s.next_ping.filter(|at| *at <= now) {
                s.next_ping = Some(at + self.ping_interval);
                self.send_engine(i, EnginePacket::Ping(None));
            }
        }
    }

    /// Socket.IO packets received of `kind` for `nsp`.
    pub fn received_of(&self, nsp: &str, kind: PacketType) -> Vec<Decoded> {
        self.received
            .iter()
            .filter(|d| d.packet.nsp == nsp && d.packet.kind == kind)
            .cloned()
            .collect()
    }
}

/// The Manager, the server, a clock, and what the app saw.
pub struct Sim {
    pub m: Manager,
    pub srv: Server,
    pub now: u64,
    pub events: Vec<Event>,
    /// Answers `NeedAuth` automatically with this function's result.
    pub auth: Option<Box<dyn FnMut(SocketId) -> Option<String>>>,
    /// Answers server events' ack ids automatically with `["ok"]`.
    pub auto_answer: bool,
    /// Cap of deadlines handled by one [`Sim::advance`].
    pub max_steps: usize,
}

impl Sim {
    /// A Manager with `cfg` and `seed` against a default server.
    pub fn new(cfg: ManagerConfig, seed: u64) -> Sim {
        Sim {
            m: Manager::new(cfg, seed),
            srv: Server::default(),
            now: 0,
            events: Vec::new(),
            auth: None,
            auto_answer: false,
            max_steps: 100_000,
        }
    }

    /// Default config, polling then WebSocket.
    pub fn default_cfg() -> ManagerConfig {
        ManagerConfig::new("example.com", false)
    }

    /// Exchanges transmits, deliveries and events until nothing moves.
    pub fn pump(&mut self) {
        for round in 0.. {
            assert!(round < 1_000_000, "livelock: the exchange never settles");
            let mut moved = false;
            while let Some(tx) = self.m.poll_transmit() {
                self.srv.now = self.now;
                self.srv.on_transmit(tx);
                moved = true;
            }
            if let Some((id, input)) = self.srv.out.pop_front() {
                self.m.handle_transport(self.now, id, input);
                moved = true;
            }
            while let Some(e) = self.m.poll_event() {
                self.on_event(&e);
                self.events.push(e);
                moved = true;
            }
            if !moved {
                break;
            }
        }
    }

    fn on_event(&mut self, e: &Event) {
        match e {
            Event::NeedAuth { socket } => {
                if let Some(f) = self.auth.as_mut() {
                    let a = f(*socket);
                    self.m.set_auth(self.now, *socket, a);
                }
            }
            Event::Event {
                socket,
                ack_id: Some(id),
                ..
            } if self.auto_answer => {
                self.m
                    .ack(self.now, *socket, *id, String::from("[\"ok\"]"), Vec::new());
            }
            _ => {}
        }
    }

    /// Moves the clock by `ms`, firing deadlines in order.
    pub fn advance(&mut self, ms: u64) {
        let target = self.now + ms;
        // A zero reconnection delay with a zero timeout never lets time
        // move: cap the steps per call.
        for _ in 0..self.max_steps {
            self.pump();
            let next_m = self.m.poll_timeout();
            let next_s = self.srv.next_ping();
            let next = match (next_m, next_s) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(n) => n,
                    None => break,
                },
            };
            if next > target {
                break;
            }
            self.now = self.now.max(next);
            self.srv.now = self.now;
            if next_s.is_some_and(|s| s <= self.now) {
                self.srv.ping_due(self.now);
            }
            if next_m.is_some_and(|t| t <= self.now) {
                self.m.handle_timeout(self.now);
            }
        }
        self.now = target;
        self.srv.now = target;
        self.pump();
    }

    /// Takes the events seen so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Opens the Manager, connects a socket on `nsp` and runs until it is
    /// connected (WebSocket upgrade included).
    pub fn connected(cfg: ManagerConfig, seed: u64, nsp: &str) -> (Sim, SocketId) {
        let mut sim = Sim::new(cfg, seed);
        let s = sim.m.socket(nsp, Default::default());
        sim.m.connect(0, s);
        sim.pump();
        assert!(sim.m.is_connected(s), "socket connected: {:?}", sim.events);
        (sim, s)
    }
}

/// Short names for events in assertions.
pub fn names(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Event::Open => "open".into(),
            Event::Close { reason, .. } => format!("close:{}", reason.as_str()),
            Event::Error { description } => format!("error:{description}"),
            Event::Ping => "ping".into(),
            Event::ReconnectAttempt(n) => format!("reconnect_attempt:{n}"),
            Event::Reconnect(n) => format!("reconnect:{n}"),
            Event::ReconnectError { description } => format!("reconnect_error:{description}"),
            Event::ReconnectFailed => "reconnect_failed".into(),
            Event::Upgrade { transport } => format!("upgrade:{}", transport.as_str()),
            Event::UpgradeError { description } => format!("upgrade_error:{description}"),
            Event::NeedAuth { .. } => "need_auth".into(),
            Event::Connect { recovered, .. } => format!("connect:{recovered}"),
            Event::ConnectError { message, .. } => format!("connect_error:{message}"),
            Event::Disconnect { reason, .. } => format!("disconnect:{}", reason.as_str()),
            Event::Event { data, .. } => format!("event:{data}"),
            Event::AckResponse { result, .. } => match result {
                Ok(d) => format!("ack:{}", d.data),
                Err(e) => format!("ack_err:{}", e.as_str()),
            },
            Event::AckDropped { .. } => "ack_dropped".into(),
        })
        .collect()
}
