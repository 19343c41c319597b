//! The `#[wasm_bindgen]` surface of the npm package: one class, [`Core`]
//! (a [`Manager`] whose payloads are JS values), a few functions, and the
//! enums both sides name. js/runtime.ts owns the browser resources and calls
//! in; the core answers through the runtime's [`Host`] methods. Bodies cross
//! as JS values, never copied into wasm memory; only the first
//! [`Manager::head_len`] characters of a received frame are.
use crate::prelude::*;
mod enums;
mod host;
mod report;

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::proto::{
    AckMode, Auth, Emit, EmitError, Manager, ManagerConfig, RequestId, SocketConfig, SocketId,
    Transmit, TransportId, TransportInput, TransportKind, RESERVED_EVENTS, SEPARATOR,
};
pub use enums::{EmitRefused, Info, Input, Output, Setting, State};
use host::{Frame, Host, Js};

#[cfg(all(debug_assertions, feature = "std"))]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(error: &JsValue);
}

/// Runs when the module is instantiated. Debug builds report any panic with
/// its location on the console (release builds abort without formatting).
#[wasm_bindgen(start)]
fn start() {
    #[cfg(all(debug_assertions, feature = "std"))]
    std::panic::set_hook(std::boxed::Box::new(|info| {
        console_error(&JsValue::from_str(&std::format!(
            "socketio-wasm panicked: {info}"
        )));
    }));
}

/// The crate version, so the JS layer can report what it loaded. (A JS
/// string made here, as [`Core::info`]'s are: no `String` handed out.)
#[wasm_bindgen(unchecked_return_type = "string")]
pub fn version() -> JsValue {
    JsValue::from_str(env!("CARGO_PKG_VERSION"))
}

/// The protocol's constants js/runtime.ts needs, in one string (one export
/// instead of two): the character that separates the packets of a
/// long-polling payload, then the event names an app may not emit, each
/// ended by a comma.
#[wasm_bindgen(js_name = protocolConstants, unchecked_return_type = "string")]
pub fn protocol_constants() -> JsValue {
    let mut out = String::from(SEPARATOR);
    for name in RESERVED_EVENTS {
        out.push_str(name);
        out.push(',');
    }
    JsValue::from_str(&out)
}

/// `transports` from [`Setting::Transports`]'s digits: js/index.ts drops
/// repeated names first (the core only asks which comes first and which are
/// there), so the list is one of four and needs no digit loop.
fn transport_list(digits: f64) -> Vec<TransportKind> {
    let (p, w) = (TransportKind::Polling, TransportKind::WebSocket);
    match digits as u32 {
        1 => vec![p],
        2 => vec![w],
        21 => vec![w, p],
        _ => vec![p, w],
    }
}

/// Milliseconds from a JS number (fractions dropped, negatives and NaN as 0).
fn millis(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else if ms == f64::INFINITY {
        u64::MAX
    } else {
        0
    }
}

/// A non-negative deadline in ms, or none (negative, NaN).
fn optional_millis(ms: f64) -> Option<u64> {
    (ms >= 0.0).then(|| millis(ms))
}

/// `reconnectionAttempts`: `Infinity` (or anything past u32) is unbounded.
fn attempts(value: f64) -> Option<u32> {
    (value.is_finite() && value < u32::MAX as f64).then(|| value.max(0.0) as u32)
}

/// Query names and values, alternating, each ended by a NUL (a byte loop:
/// `str::split` would bring its searcher into the wasm).
fn parse_query(query: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut name: Option<String> = None;
    let mut start = 0;
    // The end of the text ends a last part, as `split` would.
    for (i, b) in query.bytes().chain([0]).enumerate() {
        if b != 0 {
            continue;
        }
        let part = String::from(query.get(start..i).unwrap_or_default());
        start = i + 1;
        match name.take() {
            None => name = Some(part),
            Some(name) => pairs.push((name, part)),
        }
    }
    pairs
}

/// The items of an attachments array (none: no array). By index, not
/// `Array::iter`: its iterator brings an import of its own (`get` is one
/// the core has anyway).
fn values(array: Option<Array>) -> Vec<JsValue> {
    array.map_or_else(Vec::new, |a| (0..a.length()).map(|i| a.get(i)).collect())
}

fn transport_id(t: f64) -> TransportId {
    TransportId(t as u64)
}

/// One connection to one server (wrapped by js/index.ts `Manager`, driven by
/// js/runtime.ts `Runtime`). Every method takes the runtime's clock, `now`
/// (ms, monotonic), when the core may act on it.
#[wasm_bindgen]
pub struct Core {
    manager: Manager<Js>,
    host: Host,
    /// The deadline the host's timer is armed for.
    armed: Option<u64>,
    /// The packets of the poll response being handed over.
    polled: Vec<Frame>,
    /// Recent frame heads as JS strings (most are `42` or `42/nsp,`), so
    /// an emit does not decode the same header into a new string each time.
    heads: Vec<(String, JsValue)>,
}

#[wasm_bindgen]
impl Core {
    /// A closed connection. `transports` as [`Setting::Transports`] takes
    /// them; `query` is names and values alternating, each ended by a NUL;
    /// `timeout` < 0 disables the connection timeout; `engine` holds bits:
    /// 1 `tryAllTransports`, 2 `addTrailingSlash`, and from bit 2 on
    /// `timestampRequests` (0 polling only, 1 all, 2 none); `seed` feeds the
    /// reconnection jitter. js/index.ts validates the options first.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        host: Host,
        secure: bool,
        host_port: String,
        path: String,
        query: &str,
        transports: f64,
        upgrade: bool,
        remember_upgrade: bool,
        timeout: f64,
        reconnection: bool,
        reconnection_attempts: f64,
        reconnection_delay: f64,
        reconnection_delay_max: f64,
        randomization_factor: f64,
        engine: u32,
        timestamp_param: String,
        seed: f64,
    ) -> Core {
        let mut config = ManagerConfig::new(host_port, secure);
        config.path = path;
        config.query = parse_query(query);
        config.transports = transport_list(transports);
        config.upgrade = upgrade;
        config.remember_upgrade = remember_upgrade;
        config.timeout = optional_millis(timeout);
        config.reconnection = reconnection;
        config.reconnection_attempts = attempts(reconnection_attempts);
        config.reconnection_delay = millis(reconnection_delay);
        config.reconnection_delay_max = millis(reconnection_delay_max);
        config.randomization_factor = randomization_factor.clamp(0.0, 1.0);
        config.try_all_transports = engine & 1 != 0;
        config.add_trailing_slash = engine & 2 != 0;
        config.timestamp_requests = match engine >> 2 & 3 {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        };
        config.timestamp_param = timestamp_param;
        let payloads = Js { host: host.clone() };
        Core {
            manager: Manager::with_payloads(config, millis(seed), payloads),
            host,
            armed: None,
            polled: Vec::new(),
            heads: Vec::new(),
        }
    }

    /// `close()` (0), `open()` (1) or `open(fn)` (2: a failure is the
    /// callback's, no reconnection follows).
    pub fn open(&mut self, now: f64, mode: u8) {
        match mode {
            0 => self.manager.close(millis(now)),
            1 => self.manager.open(millis(now)),
            _ => self.manager.open_for_callback(millis(now)),
        }
        self.flush();
    }

    /// The socket of `nsp` (its first options are kept); its auth payload is
    /// asked for on every (re)connection ([`Output::NeedAuth`]).
    pub fn socket(
        &mut self,
        nsp: &str,
        ack_timeout: f64,
        retries: f64,
        max_buffered_packets: f64,
        max_pending_acks: f64,
    ) -> u32 {
        let config = SocketConfig {
            auth: Auth::Ask,
            ack_timeout: optional_millis(ack_timeout),
            retries: millis(retries).min(u64::from(u32::MAX)) as u32,
            max_buffered_packets: millis(max_buffered_packets) as usize,
            max_pending_acks: millis(max_pending_acks) as usize,
        };
        self.manager.socket(nsp, config).index()
    }

    /// `connect()` (true) or `disconnect()` (false) of a socket.
    pub fn connect(&mut self, now: f64, socket: u32, connect: bool) {
        if connect {
            self.manager.connect(millis(now), SocketId(socket));
        } else {
            self.manager.disconnect(millis(now), SocketId(socket));
        }
        self.flush();
    }

    /// The answer to [`Output::NeedAuth`]: a JSON object text, or none.
    /// Read with `as_string` (an import the core has anyway): an
    /// `Option<String>` parameter brings glue of its own.
    pub fn auth(
        &mut self,
        now: f64,
        socket: u32,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] auth: JsValue,
    ) {
        self.manager
            .set_auth(millis(now), SocketId(socket), auth.as_string());
        self.flush();
    }

    /// Sends an event: `data` its JSON array (a string) with binary values
    /// replaced by placeholders, `attachments` those values in order. `ack`:
    /// 0 none, 1 a plain callback, 2 error-first; `timeout` >= 0 sets a
    /// deadline (error-first). Returns `(request + 1) * 4 + status`:
    /// `request` the one its [`Output::Ack`] will name, or when buffered its
    /// key in [`Core::send_buffer`] (-1: neither); `status` 2 when it went
    /// into the offline buffer, else 1 when the socket was connected (it
    /// went out), else 0; or minus an [`EmitRefused`].
    #[allow(clippy::too_many_arguments)]
    pub fn emit(
        &mut self,
        now: f64,
        socket: u32,
        data: JsValue,
        attachments: Option<Array>,
        ack: u8,
        timeout: f64,
        volatile: bool,
    ) -> f64 {
        let ack = match ack {
            0 => AckMode::None,
            _ if timeout >= 0.0 => AckMode::WithTimeout(millis(timeout)),
            1 => AckMode::Callback,
            _ => AckMode::WithError,
        };
        let emit = Emit {
            data,
            attachments: values(attachments),
            ack,
            volatile,
        };
        let socket = SocketId(socket);
        let m = &mut self.manager;
        let mut status = f64::from(u8::from(m.is_connected(socket)));
        let before = m.buffered(socket);
        let mut result = m.emit(millis(now), socket, emit);
        if m.buffered(socket) > before {
            status = 2.0;
            result = Ok(m.send_buffer(socket).last().map(|(key, _)| *key));
        }
        self.flush();
        match result {
            Ok(Some(request)) => (request.value() as f64 + 1.0) * 4.0 + status,
            Ok(None) => status,
            Err(EmitError::BufferFull) => -f64::from(EmitRefused::BufferFull as u8),
            Err(EmitError::TooManyPendingAcks) => -f64::from(EmitRefused::TooManyPendingAcks as u8),
            // The runtime checks names first: a reserved one never gets here.
            Err(_) => -f64::from(EmitRefused::UnknownSocket as u8),
        }
    }

    /// Answers a server event's ack id (as [`Core::emit`] takes arguments).
    pub fn ack(
        &mut self,
        now: f64,
        socket: u32,
        id: f64,
        data: JsValue,
        attachments: Option<Array>,
    ) {
        let attachments = values(attachments);
        self.manager
            .ack(millis(now), SocketId(socket), id as u64, data, attachments);
        self.flush();
    }

    /// A WebSocket text frame: `frame` the JS string, `head` its first
    /// `State::HeadLength` characters (all of it when `whole`).
    pub fn text(&mut self, now: f64, transport: f64, head: String, whole: bool, frame: JsValue) {
        let frame = Frame {
            value: frame,
            head,
            whole,
        };
        self.manager.handle_transport(
            millis(now),
            transport_id(transport),
            TransportInput::Text(frame),
        );
        self.flush();
    }

    /// A WebSocket binary frame (an `ArrayBuffer`).
    pub fn binary(&mut self, now: f64, transport: f64, data: JsValue) {
        self.manager.handle_transport(
            millis(now),
            transport_id(transport),
            TransportInput::Binary(data),
        );
        self.flush();
    }

    /// One packet of a long-polling response (as [`Core::text`] takes a
    /// frame); [`Input::PollEnd`] hands them over.
    #[wasm_bindgen(js_name = pollPacket)]
    pub fn poll_packet(&mut self, head: String, whole: bool, packet: JsValue) {
        self.polled.push(Frame {
            value: packet,
            head,
            whole,
        });
    }

    /// Something else happened to a transport.
    pub fn input(
        &mut self,
        now: f64,
        transport: f64,
        input: Input,
        // As `auth`'s: no `Option<String>` glue.
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] description: JsValue,
    ) {
        let description = description.as_string().unwrap_or_default();
        let input = match input {
            Input::Opened => TransportInput::Opened,
            Input::PollEnd => TransportInput::PollResponse(core::mem::take(&mut self.polled)),
            Input::PostDone => TransportInput::PostDone,
            Input::Closed => TransportInput::Closed { description },
            Input::Error => TransportInput::Error { description },
        };
        self.manager
            .handle_transport(millis(now), transport_id(transport), input);
        self.flush();
    }

    /// The query of every request from the next one on (as `new` takes
    /// it): socket.io-client's live `opts.query`.
    #[wasm_bindgen(js_name = setQuery)]
    pub fn set_query(&mut self, query: &str) {
        self.manager.set_query(parse_query(query));
    }

    /// The timer fired.
    pub fn timeout(&mut self, now: f64) {
        self.armed = None;
        self.manager.handle_timeout(millis(now));
        self.flush();
    }

    /// Reads, and sets unless `value` is NaN, a reconnection setting.
    pub fn option(&mut self, which: Setting, value: f64) -> f64 {
        let m = &mut self.manager;
        if !value.is_nan() {
            match which {
                Setting::Reconnection => m.set_reconnection(value != 0.0),
                Setting::ReconnectionAttempts => m.set_reconnection_attempts(attempts(value)),
                Setting::ReconnectionDelay => m.set_reconnection_delay(millis(value)),
                Setting::ReconnectionDelayMax => m.set_reconnection_delay_max(millis(value)),
                Setting::RandomizationFactor => m.set_randomization_factor(value.clamp(0.0, 1.0)),
                Setting::Timeout => {
                    m.set_timeout((value.is_finite() && value >= 0.0).then(|| millis(value)))
                }
                Setting::Transports => m.set_transports(transport_list(value)),
            }
        }
        let config = m.config();
        let out = match which {
            Setting::Reconnection => f64::from(u8::from(config.reconnection)),
            Setting::ReconnectionAttempts => config
                .reconnection_attempts
                .map_or(f64::INFINITY, f64::from),
            Setting::ReconnectionDelay => config.reconnection_delay as f64,
            Setting::ReconnectionDelayMax => config.reconnection_delay_max as f64,
            Setting::RandomizationFactor => config.randomization_factor,
            Setting::Timeout => config.timeout.map_or(-1.0, |t| t as f64),
            // Nothing reads the transports back (js/index.ts keeps what it set).
            Setting::Transports => f64::NAN,
        };
        self.flush();
        out
    }

    /// A number about the connection or a socket (one export for the
    /// three: each export costs the wasm its own shim, about 0.1 KB):
    /// [`State::Socket`] bit 0 connected, 1 active, 2 recovered, and the
    /// count of emits in its offline buffer from bit 3 on;
    /// [`State::Engine`] the Engine.IO session: 0 closed, 1 opening, 2 open,
    /// plus 4 when its transport is WebSocket (else long-polling, when
    /// open), and from bit 3 on the reconnection attempt (0: not
    /// reconnecting); [`State::HeadLength`] how many characters of each
    /// received text [`Core::text`] needs. `socket` is unused but for
    /// [`State::Socket`].
    pub fn state(&self, which: State, socket: u32) -> f64 {
        let m = &self.manager;
        match which {
            State::Socket => {
                let s = SocketId(socket);
                let bits = u32::from(m.is_connected(s))
                    | (u32::from(m.is_active(s)) << 1)
                    | (u32::from(m.is_recovered(s)) << 2);
                f64::from(bits) + (m.buffered(s) as f64) * 8.0
            }
            State::Engine => {
                let ready = if m.is_open() {
                    2
                } else {
                    u32::from(m.is_opening())
                };
                let websocket = m.transport() == Some(TransportKind::WebSocket);
                f64::from(ready | (u32::from(websocket) << 2) | (m.reconnect_attempt() << 3))
            }
            State::HeadLength => m.head_len() as f64,
        }
    }

    /// The socket's offline send buffer, in send order: for each emit its
    /// key, then its wire ack id or -1. With `keep`, first keeps only the
    /// emits whose keys it lists, in that order
    /// ([`Manager::retain_send_buffer`]).
    #[wasm_bindgen(js_name = sendBuffer)]
    pub fn send_buffer(&mut self, now: f64, socket: u32, keep: Option<Box<[f64]>>) -> Vec<f64> {
        let socket = SocketId(socket);
        if let Some(keep) = keep {
            let keep = keep.iter().map(|k| RequestId(*k as u64));
            self.manager.retain_send_buffer(millis(now), socket, keep);
            self.flush();
        }
        let mut out = Vec::new();
        for (key, id) in self.manager.send_buffer(socket) {
            out.push(key.value() as f64);
            out.push(id.map_or(-1.0, |id| id as f64));
        }
        out
    }

    /// The arguments of the events received before the socket's CONNECT was
    /// answered, in order; emptied when `clear`.
    #[wasm_bindgen(js_name = receiveBuffer)]
    pub fn receive_buffer(&mut self, socket: u32, clear: bool) -> Array {
        // An `Array` filled here, not a `Vec<JsValue>` handed out: no boxed
        // slice, no glue of its own to read one.
        let out = Array::new();
        for args in self.manager.receive_buffer(SocketId(socket), clear) {
            out.push(&args);
        }
        out
    }

    /// Counters for `stats()`: the socket's events in, events out,
    /// dropped volatile emits, pending acks and buffered emits (zeros for
    /// no socket), then the connection's reconnections, when the session
    /// opened and got its last ping (-1: not open, no ping), and the
    /// handshake's ping interval and timeout.
    pub fn stats(&self, socket: u32) -> Vec<f64> {
        let m = &self.manager;
        let s = m.socket_stats(SocketId(socket));
        let c = m.stats();
        let time = |t: Option<u64>| t.map_or(-1.0, |t| t as f64);
        [
            s.counters.events_in as f64,
            s.counters.events_out as f64,
            s.counters.dropped_volatile as f64,
            s.pending_acks as f64,
            s.buffered as f64,
            f64::from(c.reconnections),
            time(c.opened_at),
            time(c.last_ping_at),
            c.ping_interval as f64,
            c.ping_timeout as f64,
        ]
        .to_vec()
    }

    /// A text about the connection or a socket, or none (one export for
    /// the three: each export costs the wasm its own shim):
    /// [`Info::Sid`] the server-given id of a connected socket;
    /// [`Info::EngineId`] the Engine.IO session's id once open (`socket`
    /// unused); [`Info::Recovery`] connection state recovery's session id
    /// and last offset, joined by a NUL (the offset empty when none), none
    /// before the server gave one.
    #[wasm_bindgen(unchecked_return_type = "string | undefined")]
    pub fn info(&self, which: Info, socket: u32) -> JsValue {
        // A JS string made here (or undefined), not an `Option<String>`
        // handed out: that one's shim and glue copy and free it (0.1 KB).
        let m = &self.manager;
        let socket = SocketId(socket);
        let text = match which {
            Info::Sid => m.socket_sid(socket).map(String::from),
            Info::EngineId => m.engine_id().map(String::from),
            Info::Recovery => m.socket_recovery(socket).map(|(pid, offset)| {
                let mut out = String::from(pid);
                out.push('\0');
                out.push_str(offset.unwrap_or_default());
                out
            }),
        };
        text.map_or(JsValue::UNDEFINED, |t| JsValue::from_str(&t))
    }
}

impl Core {
    /// A frame head as the host takes it: a JS string from the recent ones,
    /// and the number its trailing digits spell (or -1). Heads differ
    /// mostly by their ack id (`42/chat,17`): so the prefix is met again,
    /// and no new string is decoded out of wasm memory for every emit.
    fn head(&mut self, head: &str) -> (JsValue, f64) {
        // The digits after the two type digits (`4`, the packet type), when
        // an f64 holds them exactly and writes them back the same (no
        // leading zero).
        let b = head.as_bytes();
        let mut start = b.len();
        while start > 2 && b.get(start - 1).is_some_and(u8::is_ascii_digit) {
            start -= 1;
        }
        let mut number = -1.0;
        let mut prefix = head;
        let run = b.get(start..).unwrap_or_default();
        if !run.is_empty() && run.len() <= 15 && (run.len() == 1 || run.first() != Some(&b'0')) {
            let mut n = 0u64;
            for d in run {
                n = n * 10 + u64::from(d - b'0');
            }
            number = n as f64;
            // `get`, not `truncate`: no char-boundary assertion (and its
            // message) in the wasm; `start` is one, before ASCII digits.
            prefix = head.get(..start).unwrap_or(head);
        }
        if let Some((_, value)) = self.heads.iter().find(|(h, _)| h == prefix) {
            return (value.clone(), number);
        }
        let value = JsValue::from_str(prefix);
        if self.heads.len() >= 4 {
            self.heads.remove(0);
        }
        self.heads.push((String::from(prefix), value.clone()));
        (value, number)
    }

    /// Carries out the core's transmits, queues its events on the host,
    /// re-arms the timer: after every input.
    fn flush(&mut self) {
        while let Some(transmit) = self.manager.poll_transmit() {
            match transmit {
                Transmit::OpenWebSocket { transport, url } => {
                    self.host.open(transport.0 as f64, &url, true)
                }
                Transmit::PollGet { transport, url } => {
                    self.host.open(transport.0 as f64, &url, false)
                }
                Transmit::PollPost {
                    transport,
                    url,
                    body,
                } => self.host.post(transport.0 as f64, &url, &body),
                Transmit::SendText {
                    transport,
                    head,
                    body,
                } => {
                    let (head, digits) = self.head(&head);
                    let body = body.unwrap_or(JsValue::UNDEFINED);
                    self.host.send(transport.0 as f64, &head, digits, &body)
                }
                Transmit::SendBinary { transport, data } => {
                    self.host
                        .send(transport.0 as f64, &JsValue::UNDEFINED, -1.0, &data)
                }
                Transmit::Close { transport } => self.host.close(transport.0 as f64),
            }
        }
        while let Some(event) = self.manager.poll_event() {
            self.report(event);
        }
        let next = self.manager.poll_timeout();
        if next != self.armed {
            self.armed = next;
            self.host.timer(next.map_or(f64::NAN, |at| at as f64));
        }
    }
}
