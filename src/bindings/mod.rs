//! The `#[wasm_bindgen]` surface used by the npm package (js/index.ts wraps
//! it in socket.io-client's API). JS values are converted here and only here;
//! errors cross as JS `TypeError`/`Error` with messages that name the event.
#[allow(unused_imports)]
use crate::prelude::*;
mod options;

use alloc::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::proto::{AckError, AckMode, EmitError};
use crate::text::cat;
use crate::web::{
    self, glue, AuthProvider, AuthReply, EmitOptions, EventData, Key, Payload, Registration,
};

#[cfg(all(debug_assertions, feature = "std"))]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(error: &JsValue);
}

use crate::web::glue::report;

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
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

/// The crate version, so the JS layer can report what it loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// One connection (wrapped by the JS `Manager`).
#[wasm_bindgen]
pub struct RawManager {
    inner: web::Manager,
}

#[wasm_bindgen]
impl RawManager {
    /// A closed connection to the server of `uri` with socket.io-client's
    /// Manager options.
    #[wasm_bindgen(constructor)]
    pub fn new(uri: &str, options: &JsValue) -> Result<RawManager, JsValue> {
        let parsed = options::parse_url(uri, options)?;
        let (config, with_credentials) = options::manager_config(&parsed, options)?;
        Ok(RawManager {
            inner: web::Manager::new(config, with_credentials),
        })
    }

    /// `open()` (true) or `close()` (false).
    pub fn open(&self, open: bool) {
        if open {
            self.inner.open();
        } else {
            self.inner.close();
        }
    }

    /// The socket of `nsp`; `this_arg` is the JS object listeners see as `this`.
    pub fn socket(
        &self,
        nsp: &str,
        options: &JsValue,
        this_arg: JsValue,
    ) -> Result<RawSocket, JsValue> {
        let config = options::socket_config(options)?;
        let ack_timeout = config.ack_timeout;
        let auth = Reflect::get(options, &"auth".into()).unwrap_or(JsValue::UNDEFINED);
        let auth_cell = Rc::new(core::cell::RefCell::new(auth));
        let provider: AuthProvider = {
            let auth_cell = auth_cell.clone();
            Rc::new(move |reply: AuthReply| ask_auth(&auth_cell.borrow(), reply))
        };
        let socket = self.inner.socket(nsp, config, Some(provider));
        Ok(RawSocket {
            inner: socket,
            outbox: Outbox::default(),
            auth: auth_cell,
            ack_timeout,
            this_arg,
        })
    }

    /// Listens to a Manager event; returns the registration's id.
    pub fn on(&self, event: &str, listener: &JsValue, this_arg: JsValue) -> Result<f64, JsValue> {
        let function = listener_function(event, listener)?;
        let callback = js_callback(function, this_arg, false);
        let handle = self.inner.on(event, move |p| callback(p));
        Ok(handle.detach().id() as f64)
    }

    /// Removes the listener registered as `id` (of the Manager or any of its
    /// sockets); true the first time, false after.
    #[wasm_bindgen(js_name = offId)]
    pub fn off_id(&self, id: f64) -> bool {
        self.inner.remove_listener(id as u64)
    }

    /// Open transports plus 1 when the timer is armed: 0 means nothing of
    /// this connection is left running in the browser.
    #[wasm_bindgen(js_name = liveResources)]
    pub fn live_resources(&self) -> usize {
        let (transports, timer) = self.inner.resources();
        transports + usize::from(timer)
    }

    /// Reads, and sets unless `value` is NaN, one reconnection option:
    /// 0 `reconnection` (0 or 1), 1 `reconnectionAttempts` (Infinity: no
    /// bound), 2 `reconnectionDelay`, 3 `reconnectionDelayMax`,
    /// 4 `randomizationFactor`, 5 `timeout` (negative: none). One export for
    /// the twelve accessors keeps the module small.
    pub fn option(&self, which: u8, value: f64) -> f64 {
        let set = !value.is_nan();
        self.inner.with_core(|c| {
            if set {
                match which {
                    0 => c.set_reconnection(value != 0.0),
                    1 => c.set_reconnection_attempts(options::attempts(value)),
                    2 => c.set_reconnection_delay(options::millis(value)),
                    3 => c.set_reconnection_delay_max(options::millis(value)),
                    4 => c.set_randomization_factor(value.clamp(0.0, 1.0)),
                    _ => c.set_timeout(
                        (value.is_finite() && value >= 0.0).then(|| options::millis(value)),
                    ),
                }
            }
            let config = c.config();
            match which {
                0 => f64::from(u8::from(config.reconnection)),
                1 => config
                    .reconnection_attempts
                    .map_or(f64::INFINITY, f64::from),
                2 => config.reconnection_delay as f64,
                3 => config.reconnection_delay_max as f64,
                4 => config.randomization_factor,
                _ => config.timeout.map_or(-1.0, |t| t as f64),
            }
        })
    }
}

/// Calls the app's `auth` (an object, or a function taking a callback) and
/// sends the result.
fn ask_auth(auth: &JsValue, reply: AuthReply) {
    if let Some(function) = auth.dyn_ref::<Function>() {
        let reply = Rc::new(reply);
        let callback = Closure::once_into_js(move |value: JsValue| {
            reply.send(auth_json(&value));
        });
        if let Err(error) = function.call1(&JsValue::UNDEFINED, &callback) {
            report(&error);
        }
    } else {
        reply.send(auth_json(auth));
    }
}

fn auth_json(value: &JsValue) -> Option<String> {
    if value.is_null() || value.is_undefined() {
        return None;
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .filter(|s| s.starts_with('{'))
}

/// An emit as the app made it.
struct Outgoing {
    args: Array,
    ack: Option<Function>,
    mode: AckMode,
    volatile: bool,
}

/// Emits waiting behind a Blob being read, with whether each is ready.
type Outbox =
    Rc<core::cell::RefCell<alloc::collections::VecDeque<(Rc<core::cell::Cell<bool>>, Outgoing)>>>;

/// Sends the ready emits at the head of the outbox, in order.
fn drain(socket: &web::Socket, ack_timeout: Option<u64>, outbox: &Outbox) {
    loop {
        let next = {
            let mut queue = outbox.borrow_mut();
            match queue.front() {
                Some((ready, _)) if ready.get() => queue.pop_front(),
                _ => None,
            }
        };
        let Some((_, request)) = next else { break };
        if let Err(error) = send(socket, ack_timeout, request) {
            report(&error);
        }
    }
}

fn send(socket: &web::Socket, ack_timeout: Option<u64>, request: Outgoing) -> Result<(), JsValue> {
    let encoded =
        web::encode_args(&request.args).map_err(|error| serialize_error(&request.args, &error))?;
    send_encoded(socket, ack_timeout, request, encoded)
}

/// The event name of `[event, ...args]`, read only to word an error (the
/// hot path does not copy it out of JS).
fn event_name(args: &Array) -> String {
    args.get(0).as_string().unwrap_or_default()
}

fn serialize_error(args: &Array, error: &JsValue) -> JsValue {
    let detail = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default();
    type_error(&cat(&[
        "emit(\"",
        &event_name(args),
        "\"): the arguments cannot be serialized: ",
        &detail,
    ]))
}

fn send_encoded(
    socket: &web::Socket,
    ack_timeout: Option<u64>,
    request: Outgoing,
    (data, attachments): (String, Vec<Vec<u8>>),
) -> Result<(), JsValue> {
    let Outgoing {
        args,
        ack,
        mode,
        volatile,
    } = request;
    let callback = ack.map(|function| ack_callback(function, mode, ack_timeout));
    let name = || event_name(&args);
    socket
        .emit(
            EventData::with_js(data, attachments, args.clone().into()),
            EmitOptions {
                ack: mode,
                volatile,
            },
            callback,
        )
        .map_err(|error| emit_error(&name(), error))
}

/// One namespace (wrapped by the JS `Socket`).
#[wasm_bindgen]
pub struct RawSocket {
    inner: web::Socket,
    outbox: Outbox,
    auth: Rc<core::cell::RefCell<JsValue>>,
    ack_timeout: Option<u64>,
    this_arg: JsValue,
}

/// How `emit` waits for an acknowledgement (`AckMode` for JS): 0 none,
/// 1 callback, anything else error-first (`emitWithAck`).
const ACK_NONE: u8 = 0;
const ACK_CALLBACK: u8 = 1;

/// The core's mode for an emit's `ack_mode` and `timeout_ms` (>= 0 sets a
/// deadline, error-first).
fn ack_mode_of(has_ack: bool, ack_mode: u8, timeout_ms: f64) -> AckMode {
    match (has_ack, ack_mode) {
        (false, _) | (_, ACK_NONE) => AckMode::None,
        _ if timeout_ms >= 0.0 && timeout_ms.is_finite() => {
            AckMode::WithTimeout(options::millis(timeout_ms))
        }
        (_, ACK_CALLBACK) => AckMode::Callback,
        _ => AckMode::WithError,
    }
}

/// Which listeners (`kind` in `on`, `off`, `listeners`): 0 of a named event,
/// 1 catch-all (`onAny`), 2 catch-all of sent events (`onAnyOutgoing`).
fn key(kind: u8, event: Option<String>) -> Option<Key> {
    match kind {
        0 => event.map(Key::Named),
        1 => Some(Key::Any),
        _ => Some(Key::AnyOutgoing),
    }
}

#[wasm_bindgen]
impl RawSocket {
    /// `connect()` (true) or `disconnect()` (false).
    pub fn connect(&self, connect: bool) {
        if connect {
            self.inner.connect();
        } else {
            self.inner.disconnect();
        }
    }

    /// 1 connected, 2 active, 4 recovered (bits).
    pub fn state(&self) -> u8 {
        u8::from(self.inner.connected())
            | (u8::from(self.inner.active()) << 1)
            | (u8::from(self.inner.recovered()) << 2)
    }

    /// The server-given id while connected.
    pub fn id(&self) -> Option<String> {
        self.inner.id()
    }

    /// The `auth` option; replaced by `value` when `set`.
    pub fn auth(&self, set: bool, value: JsValue) -> JsValue {
        if set {
            *self.auth.borrow_mut() = value;
        }
        self.auth.borrow().clone()
    }

    /// Sends `args` (`[event, ...args]`). `ack_mode`: 0 none, 1 callback,
    /// 2 error-first (`emitWithAck`); `timeout_ms` >= 0 sets a deadline
    /// (error-first). Throws a `TypeError`/`Error` naming the event when
    /// nothing can be sent.
    pub fn emit(
        &self,
        args: &Array,
        ack: Option<Function>,
        ack_mode: u8,
        timeout_ms: f64,
        volatile: bool,
    ) -> Result<(), JsValue> {
        let mode = ack_mode_of(ack.is_some(), ack_mode, timeout_ms);
        let request = Outgoing {
            args: args.clone(),
            ack,
            mode,
            volatile,
        };
        let has_blob = if self.outbox.borrow().is_empty() {
            // The common case: encoded and sent now, one call to JS.
            // (glue.js checks that the name is a string: no copy of it here.)
            match web::encode_unless_blob(args, true) {
                Ok(Some(encoded)) => {
                    return send_encoded(&self.inner, self.ack_timeout, request, encoded)
                }
                Ok(None) => true,
                Err(error) if error.is_null() => return Err(name_type_error()),
                Err(error) => return Err(serialize_error(args, &error)),
            }
        } else {
            web::has_blob(args)
        };
        let Some(name) = args.get(0).as_string() else {
            return Err(name_type_error());
        };
        // A Blob is read asynchronously; this emit and every one after it
        // wait in the outbox so the server sees them in call order.
        if crate::proto::packet::RESERVED_EVENTS.contains(&name.as_str()) {
            return Err(emit_error(&name, EmitError::ReservedEvent));
        }
        let ready = Rc::new(core::cell::Cell::new(!has_blob));
        self.outbox.borrow_mut().push_back((ready.clone(), request));
        if has_blob {
            let outbox = self.outbox.clone();
            let socket = self.inner.clone();
            let ack_timeout = self.ack_timeout;
            let args = args.clone();
            web::read_blobs(&args, move |resolved| {
                if let Some(entry) = outbox
                    .borrow_mut()
                    .iter_mut()
                    .find(|(r, _)| Rc::ptr_eq(r, &ready))
                {
                    match resolved {
                        Ok(args) => entry.1.args = args,
                        Err(error) => report(&error),
                    }
                }
                ready.set(true);
                drain(&socket, ack_timeout, &outbox);
            });
        }
        Ok(())
    }

    /// Adds a listener (`kind`: see [`key`]); returns its id (for
    /// `RawManager.offId`).
    pub fn on(
        &self,
        kind: u8,
        event: &str,
        listener: &JsValue,
        once: bool,
        prepend: bool,
    ) -> Result<f64, JsValue> {
        let function = listener_function(if kind == 0 { event } else { "onAny" }, listener)?;
        let key = key(kind, Some(String::from(event))).unwrap_or(Key::Any);
        let callback = js_callback(function.clone(), self.this_arg.clone(), kind != 0);
        let handle = self.inner.listen(
            key,
            callback,
            Registration {
                once: once && kind == 0,
                prepend,
                identity: Some(function.into()),
            },
        );
        Ok(handle.detach().id() as f64)
    }

    /// `off(event, fn)`, `off(event)`, `off()` (kind 0); `offAny(fn)`,
    /// `offAny()` (1), `offAnyOutgoing(...)` (2).
    pub fn off(&self, kind: u8, event: Option<String>, listener: Option<Function>) -> usize {
        let key = key(kind, event);
        self.inner
            .remove(key.as_ref(), listener.as_ref().map(|f| f.as_ref()))
    }

    /// The functions listening (`kind`: see [`key`]).
    pub fn listeners(&self, kind: u8, event: Option<String>) -> Array {
        match key(kind, event) {
            Some(key) => self.inner.listener_functions(&key).into_iter().collect(),
            None => Array::new(),
        }
    }
}

fn listener_function(event: &str, listener: &JsValue) -> Result<Function, JsValue> {
    listener.dyn_ref::<Function>().cloned().ok_or_else(|| {
        type_error(&cat(&[
            "the listener of \"",
            event,
            "\" must be a function, got ",
            &listener.js_typeof().as_string().unwrap_or_default(),
        ]))
    })
}

fn name_type_error() -> JsValue {
    type_error("emit: the event name must be a string")
}

fn emit_error(name: &str, error: EmitError) -> JsValue {
    let message = match error {
        EmitError::ReservedEvent => cat(&["\"", name, "\" is a reserved event name"]),
        other => cat(&["emit(\"", name, "\"): ", other.as_str()]),
    };
    match error {
        EmitError::ReservedEvent => type_error(&message),
        _ => js_sys::Error::new(&message).into(),
    }
}

/// A JS listener as a runtime callback. `with_name`: catch-all listeners get
/// the event name first.
fn js_callback(function: Function, this_arg: JsValue, with_name: bool) -> web::Callback {
    Rc::new(move |payload: &Payload| match payload {
        // The hot path: the parsed arguments (built once per event, however
        // many listeners) go to JS with the ack, in one call.
        Payload::Event(incoming) => glue::call_listener(
            &function,
            &this_arg,
            incoming.args.js_array(),
            u32::from(!with_name),
            incoming
                .ack
                .as_ref()
                .map(|responder| ack_responder(responder.clone())),
        ),
        Payload::Outgoing(data) => {
            glue::call_listener(&function, &this_arg, data.js_array(), 0, None)
        }
        other => glue::call_listener(&function, &this_arg, &js_args(other), 0, None),
    })
}

/// The arguments of a Manager or lifecycle event.
fn js_args(payload: &Payload) -> JsValue {
    match payload {
        Payload::Attempt(n) => Array::of1(&JsValue::from(*n)).into(),
        Payload::Error { message, data } => Array::of1(&error_with_data(message, *data)).into(),
        Payload::Close {
            reason,
            description,
        } => {
            let args = Array::of1(&JsValue::from_str(reason));
            if let Some(description) = description {
                args.push(&JsValue::from_str(description));
            }
            args.into()
        }
        _ => Array::new().into(),
    }
}

/// The function a listener calls to answer a server's acknowledgement request.
fn ack_responder(responder: Rc<web::AckResponder>) -> JsValue {
    let ack = Closure::<dyn Fn(Array)>::new(move |reply: Array| match web::encode_args(&reply) {
        Ok((data, attachments)) => responder.respond(data, attachments),
        Err(error) => report(&error),
    });
    // `(...args) => f(args)`, freed by the GC.
    glue::make_variadic(&ack.into_js_value())
}

fn error_with_data(message: &str, data: Option<&str>) -> JsValue {
    let error = js_sys::Error::new(message);
    if let Some(data) = data {
        let value = js_sys::JSON::parse(data).unwrap_or(JsValue::UNDEFINED);
        let _ = Reflect::set(&error, &"data".into(), &value);
    }
    error.into()
}

/// Settles an emit's ack callback: error-first unless a plain callback
/// without `ackTimeout` (as socket.io-client).
fn ack_callback(function: Function, mode: AckMode, ack_timeout: Option<u64>) -> web::AckCallback {
    let error_first = match mode {
        AckMode::Callback => ack_timeout.is_some(),
        _ => true,
    };
    Box::new(move |result: Result<&EventData, AckError>| match result {
        Ok(data) => glue::call_ack(&function, data.js_array(), error_first),
        Err(error) => glue::call_ack(
            &function,
            &Array::of1(&js_sys::Error::new(error.as_str())),
            false,
        ),
    })
}
