//! The run loop: feeds browser inputs to the core, carries out its transmits,
//! keeps one `setTimeout` on its next deadline, and dispatches its events to
//! listeners. Every browser resource here is owned and released on drop.
use crate::prelude::*;
use alloc::collections::VecDeque;
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

use super::debug;
use super::event::{AckResponder, AckSink, EventData, Incoming, Payload};
use super::listeners::{Key, Listeners, Target};
use super::polling::PollTransport;
use super::sink::Sink;
use super::sys::{self, now_ms};
use super::websocket::WsTransport;
use crate::no_fmt::{cat, num};
use crate::proto::{
    self, AckError, Event, ManagerConfig, RequestId, SocketId, Transmit, TransportId,
    TransportInput,
};

pub(crate) type Shared = Rc<RefCell<Driver>>;

/// Settles an emit that asked for an acknowledgement.
pub type AckCallback = Box<dyn FnOnce(Result<&EventData, AckError>)>;

/// Supplies a socket's auth payload on every (re)connection.
pub type AuthProvider = Rc<dyn Fn(AuthReply)>;

/// The answer to an [`AuthProvider`]: call [`AuthReply::send`] once, now or later.
pub struct AuthReply {
    driver: Weak<RefCell<Driver>>,
    socket: SocketId,
    used: Cell<bool>,
}

impl AuthReply {
    /// Sends CONNECT with `auth` (a JSON object text, or none).
    pub fn send(&self, auth: Option<String>) {
        if self.used.replace(true) {
            return;
        }
        if let Some(shared) = self.driver.upgrade() {
            shared
                .borrow_mut()
                .core
                .set_auth(now_ms(), self.socket, auth);
            pump(&shared);
        }
    }
}

enum Transport {
    Ws(WsTransport),
    Poll(PollTransport),
}

/// What the runtime keeps per namespace socket.
#[derive(Default)]
pub(crate) struct SocketSlot {
    pub(crate) auth: Option<AuthProvider>,
    pub(crate) acks: Vec<(RequestId, AckCallback)>,
    /// Emits the core buffered while offline, for the `onAnyOutgoing`
    /// listeners, which hear them when they are flushed (as in
    /// socket.io-client). Never longer than the core's buffer.
    pub(crate) unsent: VecDeque<EventData>,
}

pub(crate) struct Driver {
    pub(crate) core: proto::Manager,
    pub(crate) listeners: Listeners,
    pub(crate) sockets: Vec<SocketSlot>,
    fallback_slot: SocketSlot,
    pub(crate) with_credentials: bool,
    transports: Vec<(TransportId, Transport)>,
    /// The armed `setTimeout`: its deadline and id.
    timer: Option<(u64, JsValue)>,
    /// One callback for every `setTimeout`, so re-arming allocates nothing.
    timer_callback: Closure<dyn FnMut()>,
    queue: VecDeque<Event>,
    dispatching: bool,
    /// `localStorage.debug` enabled this runtime's logs when it was created.
    debug: bool,
    weak: Weak<RefCell<Driver>>,
}

impl Driver {
    pub(crate) fn new(config: ManagerConfig, with_credentials: bool) -> Shared {
        Rc::new_cyclic(|weak: &Weak<RefCell<Driver>>| {
            let on_timer = weak.clone();
            RefCell::new(Driver {
                core: proto::Manager::new(config, sys::random_seed()),
                listeners: Listeners::default(),
                sockets: Vec::new(),
                fallback_slot: SocketSlot::default(),
                with_credentials,
                transports: Vec::new(),
                timer: None,
                timer_callback: Closure::new(move || {
                    if let Some(shared) = on_timer.upgrade() {
                        if let Ok(mut driver) = shared.try_borrow_mut() {
                            driver.timer = None;
                            driver.core.handle_timeout(now_ms());
                        }
                        pump(&shared);
                    }
                }),
                queue: VecDeque::new(),
                dispatching: false,
                debug: debug::enabled(),
                weak: weak.clone(),
            })
        })
    }

    /// Browser resources held right now: open transports, and whether the
    /// timer is armed. Both are zero once every socket has disconnected.
    pub(crate) fn resources(&self) -> (usize, bool) {
        (self.transports.len(), self.timer.is_some())
    }

    pub(crate) fn slot(&mut self, socket: SocketId) -> &mut SocketSlot {
        let index = socket.index() as usize;
        if self.sockets.len() <= index {
            self.sockets.resize_with(index + 1, SocketSlot::default);
        }
        // `get_mut`, not `[index]`: no bounds-check panic, whose message
        // formatting would stay in the wasm (`fallback_slot` is never used).
        match self.sockets.get_mut(index) {
            Some(slot) => slot,
            None => &mut self.fallback_slot,
        }
    }

    /// Where a transport's browser events go: into the core, then the loop.
    fn sink(&self, transport: TransportId) -> Sink {
        let weak = self.weak.clone();
        let debug = self.debug;
        Rc::new(move |input: TransportInput| {
            if debug {
                debug::log(&describe_input(transport, &input));
            }
            let Some(shared) = weak.upgrade() else { return };
            // Browser events arrive on their own turn, never while the driver
            // is borrowed; if that ever changed, the input would be dropped
            // here rather than panic.
            if let Ok(mut driver) = shared.try_borrow_mut() {
                driver.core.handle_transport(now_ms(), transport, input);
            }
            pump(&shared);
        })
    }

    fn poll_transport(&mut self, transport: TransportId) -> Option<&mut PollTransport> {
        if !self.transports.iter().any(|(id, _)| *id == transport) {
            let poll = PollTransport::new(self.sink(transport), self.with_credentials);
            self.transports.push((transport, Transport::Poll(poll)));
        }
        self.transports.iter_mut().find_map(|(id, t)| match t {
            Transport::Poll(p) if *id == transport => Some(p),
            _ => None,
        })
    }

    fn websocket(&self, transport: TransportId) -> Option<&WsTransport> {
        self.transports.iter().find_map(|(id, t)| match t {
            Transport::Ws(ws) if *id == transport => Some(ws),
            _ => None,
        })
    }

    /// Carries out the core's transmits, queues its events, re-arms the timer.
    pub(crate) fn flush(&mut self) {
        while let Some(transmit) = self.core.poll_transmit() {
            if self.debug {
                debug::log(&describe_transmit(&transmit));
            }
            match transmit {
                Transmit::OpenWebSocket { transport, url } => {
                    match WsTransport::open(&url, self.sink(transport)) {
                        Ok(ws) => self.transports.push((transport, Transport::Ws(ws))),
                        Err(description) => self.core.handle_transport(
                            now_ms(),
                            transport,
                            TransportInput::Error { description },
                        ),
                    }
                }
                Transmit::SendText {
                    transport,
                    head,
                    body,
                } => {
                    let text = head + body.as_deref().unwrap_or_default();
                    let sent = self.websocket(transport).map(|ws| ws.send_text(&text));
                    if sent == Some(false) {
                        self.websocket_failed(transport);
                    }
                }
                Transmit::SendBinary { transport, data } => {
                    let sent = self.websocket(transport).map(|ws| ws.send_binary(&data));
                    if sent == Some(false) {
                        self.websocket_failed(transport);
                    }
                }
                Transmit::PollGet { transport, url } => {
                    if let Some(poll) = self.poll_transport(transport) {
                        poll.get(&url);
                    }
                }
                Transmit::PollPost {
                    transport,
                    url,
                    body,
                } => {
                    if let Some(poll) = self.poll_transport(transport) {
                        poll.post(&url, &body);
                    }
                }
                Transmit::Close { transport } => {
                    self.transports.retain(|(id, _)| *id != transport);
                }
            }
        }
        while let Some(event) = self.core.poll_event() {
            self.queue.push_back(event);
        }
        self.rearm();
    }

    fn websocket_failed(&mut self, transport: TransportId) {
        self.core.handle_transport(
            now_ms(),
            transport,
            TransportInput::Error {
                description: String::from("websocket error"),
            },
        );
    }

    fn rearm(&mut self) {
        let next = self.core.poll_timeout();
        if self.timer.as_ref().map(|(at, _)| *at) == next {
            return;
        }
        if let Some((_, id)) = self.timer.take() {
            sys::clear_timeout(&id);
        }
        if let Some(at) = next {
            let delay = at.saturating_sub(now_ms()).min(i32::MAX as u64) as i32;
            let id = sys::set_timeout(self.timer_callback.as_ref(), delay);
            self.timer = Some((at, id));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some((_, id)) = self.timer.take() {
            sys::clear_timeout(&id);
        }
        // Transports close themselves as they drop.
    }
}

/// Runs the loop after any input: transmits and timer at once, then the
/// events in order. A listener that emits re-enters here; its events join
/// the queue that the outermost call is draining, so order is kept.
impl AckSink for RefCell<Driver> {
    fn send_ack(
        self: Rc<Self>,
        socket: SocketId,
        id: u64,
        data: String,
        attachments: Vec<Vec<u8>>,
    ) {
        let now = now_ms();
        self.borrow_mut()
            .core
            .ack(now, socket, id, data, attachments);
        pump(&self);
    }
}

pub(crate) fn pump(shared: &Shared) {
    {
        let Ok(mut driver) = shared.try_borrow_mut() else {
            return;
        };
        driver.flush();
        if driver.dispatching {
            return;
        }
        driver.dispatching = true;
    }
    loop {
        let next = match shared.try_borrow_mut() {
            Ok(mut driver) => driver.queue.pop_front(),
            Err(_) => None,
        };
        let Some(event) = next else { break };
        if shared.try_borrow().is_ok_and(|d| d.debug) {
            debug::log(&describe_event(&event));
        }
        dispatch(shared, event);
        if let Ok(mut driver) = shared.try_borrow_mut() {
            driver.flush();
        }
    }
    if let Ok(mut driver) = shared.try_borrow_mut() {
        driver.dispatching = false;
    }
}

/// Calls the listeners of `key` on `target` (once-listeners are removed first).
pub(crate) fn emit_local(shared: &Shared, target: Target, key: &Key, payload: &Payload) {
    let callbacks = match shared.try_borrow_mut() {
        Ok(mut driver) => driver.listeners.take_matching(target, key),
        Err(_) => return,
    };
    for callback in callbacks {
        callback(payload);
    }
}

fn named(name: &str) -> Key {
    Key::Named(String::from(name))
}

fn dispatch(shared: &Shared, event: Event) {
    let manager =
        |name: &str, payload: Payload| emit_local(shared, Target::Manager, &named(name), &payload);
    match event {
        Event::Open => manager("open", Payload::Unit),
        Event::Close {
            reason,
            description,
        } => manager(
            "close",
            Payload::Close {
                reason: reason.as_str(),
                description: description.as_deref(),
            },
        ),
        Event::Error { description } => manager(
            "error",
            Payload::Error {
                message: &description,
                data: None,
            },
        ),
        Event::Ping => manager("ping", Payload::Unit),
        Event::ReconnectAttempt(n) => manager("reconnect_attempt", Payload::Attempt(n)),
        Event::Reconnect(n) => manager("reconnect", Payload::Attempt(n)),
        Event::ReconnectError { description } => manager(
            "reconnect_error",
            Payload::Error {
                message: &description,
                data: None,
            },
        ),
        Event::ReconnectFailed => manager("reconnect_failed", Payload::Unit),
        Event::Upgrade { .. } | Event::UpgradeError { .. } => {}
        Event::NeedAuth { socket } => {
            let provider = match shared.try_borrow_mut() {
                Ok(mut driver) => driver.slot(socket).auth.clone(),
                Err(_) => return,
            };
            let reply = AuthReply {
                driver: Rc::downgrade(shared),
                socket,
                used: Cell::new(false),
            };
            match provider {
                Some(provider) => provider(reply),
                None => reply.send(None),
            }
        }
        Event::Connect { socket, .. } => {
            // The core flushed its send buffer on CONNECT: tell the outgoing
            // listeners before `connect`, in send order.
            let unsent = match shared.try_borrow_mut() {
                Ok(mut driver) => core::mem::take(&mut driver.slot(socket).unsent),
                Err(_) => VecDeque::new(),
            };
            let target = Target::Socket(socket);
            for args in &unsent {
                emit_local(shared, target, &Key::AnyOutgoing, &Payload::Outgoing(args));
            }
            emit_local(shared, target, &named("connect"), &Payload::Unit);
        }
        Event::ConnectError {
            socket,
            message,
            data,
        } => emit_local(
            shared,
            Target::Socket(socket),
            &named("connect_error"),
            &Payload::Error {
                message: &message,
                data: data.as_deref(),
            },
        ),
        Event::Disconnect {
            socket,
            reason,
            description,
        } => emit_local(
            shared,
            Target::Socket(socket),
            &named("disconnect"),
            &Payload::Close {
                reason: reason.as_str(),
                description: description.as_deref(),
            },
        ),
        Event::Event {
            socket,
            data,
            attachments,
            ack_id,
        } => {
            // The decoder has validated the name; an empty one cannot match.
            let name = proto::packet::event_name(&data).unwrap_or_default();
            let incoming = Incoming {
                args: EventData::new(data, attachments),
                ack: ack_id.map(|id| {
                    let driver: Rc<dyn AckSink> = shared.clone();
                    Rc::new(AckResponder {
                        driver: Rc::downgrade(&driver),
                        socket,
                        id,
                        used: Cell::new(false),
                    })
                }),
                name,
            };
            deliver(shared, socket, &incoming);
        }
        Event::AckResponse {
            socket,
            request,
            result,
        } => {
            if let Some(callback) = take_ack(shared, socket, request) {
                match result {
                    Ok(ack) => callback(Ok(&EventData::new(ack.data, ack.attachments))),
                    Err(error) => callback(Err(error)),
                }
            }
        }
        Event::AckDropped { socket, request } => {
            drop(take_ack(shared, socket, request));
        }
    }
}

/// Runs a server event's listeners: catch-all ones first, then its own.
fn deliver(shared: &Shared, socket: SocketId, incoming: &Incoming) {
    let target = Target::Socket(socket);
    emit_local(shared, target, &Key::Any, &Payload::Event(incoming));
    emit_local(
        shared,
        target,
        &Key::Named(incoming.name.clone()),
        &Payload::Event(incoming),
    );
}

fn take_ack(shared: &Shared, socket: SocketId, request: RequestId) -> Option<AckCallback> {
    let mut driver = shared.try_borrow_mut().ok()?;
    let acks = &mut driver.slot(socket).acks;
    let index = acks.iter().position(|(r, _)| *r == request)?;
    Some(acks.swap_remove(index).1)
}

// ----- debug descriptions: kinds, ids and sizes, never contents -----------

fn describe_transmit(transmit: &Transmit) -> String {
    let (what, transport, size) = match transmit {
        Transmit::OpenWebSocket { transport, .. } => ("open websocket", transport, None),
        Transmit::SendText {
            transport,
            head,
            body,
        } => (
            "send text",
            transport,
            Some(head.len() + body.as_ref().map_or(0, String::len)),
        ),
        Transmit::SendBinary { transport, data } => ("send binary", transport, Some(data.len())),
        Transmit::PollGet { transport, .. } => ("poll GET", transport, None),
        Transmit::PollPost {
            transport, body, ..
        } => ("poll POST", transport, Some(body.len())),
        Transmit::Close { transport } => ("close", transport, None),
    };
    cat(&[what, " #", &num(transport.0), &bytes(size)])
}

/// ` (N bytes)`, or nothing.
fn bytes(size: Option<usize>) -> String {
    size.map_or_else(String::new, |n| cat(&[" (", &num(n as u64), " bytes)"]))
}

fn describe_input(transport: TransportId, input: &TransportInput) -> String {
    let (what, size, detail) = match input {
        TransportInput::Opened => ("opened", None, ""),
        TransportInput::Text(text) => ("text", Some(text.len()), ""),
        TransportInput::Binary(data) => ("binary", Some(data.len()), ""),
        TransportInput::PollResponse(body) => ("poll response", Some(body.len()), ""),
        TransportInput::PostDone => ("post done", None, ""),
        TransportInput::Closed { description } => ("closed: ", None, description.as_str()),
        TransportInput::Error { description } => ("error: ", None, description.as_str()),
    };
    cat(&["#", &num(transport.0), ": ", what, detail, &bytes(size)])
}

fn describe_event(event: &Event) -> String {
    let on = |socket: &SocketId| cat(&[" on socket ", &num(u64::from(socket.index()))]);
    match event {
        Event::Event {
            socket,
            data,
            attachments,
            ack_id,
        } => cat(&[
            "event \"",
            &proto::packet::event_name(data).unwrap_or_default(),
            "\"",
            &on(socket),
            &bytes(Some(data.len())),
            " ",
            &num(attachments.len() as u64),
            " attachments",
            if ack_id.is_some() {
                ", wants an ack"
            } else {
                ""
            },
        ]),
        Event::AckResponse {
            socket, request, ..
        } => cat(&["ack ", &num(request.value()), " settled", &on(socket)]),
        Event::ConnectError {
            socket, message, ..
        } => cat(&["connect_error", &on(socket), ": ", message]),
        Event::Connect {
            socket, recovered, ..
        } => cat(&[
            "connect",
            &on(socket),
            if *recovered { " (recovered)" } else { "" },
        ]),
        Event::Disconnect { socket, reason, .. } => {
            cat(&["disconnect", &on(socket), ": ", reason.as_str()])
        }
        Event::Close { reason, .. } => cat(&["close: ", reason.as_str()]),
        Event::NeedAuth { socket } => cat(&["auth asked", &on(socket)]),
        Event::Open => String::from("open"),
        Event::Error { description } => cat(&["error: ", description]),
        Event::Ping => String::from("ping"),
        Event::ReconnectAttempt(n) => cat(&["reconnect_attempt ", &num(u64::from(*n))]),
        Event::Reconnect(n) => cat(&["reconnect ", &num(u64::from(*n))]),
        Event::ReconnectError { description } => cat(&["reconnect_error: ", description]),
        Event::ReconnectFailed => String::from("reconnect_failed"),
        Event::Upgrade { .. } => String::from("upgrade"),
        Event::UpgradeError { .. } => String::from("upgrade error"),
        Event::AckDropped { socket, request } => {
            cat(&["ack ", &num(request.value()), " dropped", &on(socket)])
        }
    }
}
