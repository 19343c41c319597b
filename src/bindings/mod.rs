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
    self, AuthProvider, AuthReply, DetachedHandle, EmitOptions, EventData, Key, Payload,
    Registration,
};

#[wasm_bindgen]
extern "C" {
    /// Reports a listener's exception the way an uncaught one would be,
    /// without unwinding through the run loop.
    #[wasm_bindgen(js_name = reportError, catch)]
    fn report_error(error: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(error: &JsValue);
}

fn report(error: &JsValue) {
    if report_error(error).is_err() {
        console_error(error);
    }
}

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

    pub fn open(&self) {
        self.inner.open();
    }

    pub fn close(&self) {
        self.inner.close();
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

    /// Listens to a Manager event.
    pub fn on(
        &self,
        event: &str,
        listener: &JsValue,
        this_arg: JsValue,
    ) -> Result<RawHandle, JsValue> {
        let function = listener_function(event, listener)?;
        let callback = js_callback(function.clone(), this_arg, false);
        let handle = self.inner.on(event, move |p| callback(p));
        Ok(RawHandle {
            inner: handle.detach(),
        })
    }

    /// Open transports plus 1 when the timer is armed: 0 means nothing of
    /// this connection is left running in the browser.
    #[wasm_bindgen(js_name = liveResources)]
    pub fn live_resources(&self) -> usize {
        let (transports, timer) = self.inner.resources();
        transports + usize::from(timer)
    }

    #[wasm_bindgen(js_name = getReconnection)]
    pub fn get_reconnection(&self) -> bool {
        self.inner.with_core(|c| c.config().reconnection)
    }
    #[wasm_bindgen(js_name = setReconnection)]
    pub fn set_reconnection(&self, value: bool) {
        self.inner.with_core(|c| c.set_reconnection(value));
    }
    #[wasm_bindgen(js_name = getReconnectionAttempts)]
    pub fn get_reconnection_attempts(&self) -> f64 {
        self.inner.with_core(|c| {
            c.config()
                .reconnection_attempts
                .map_or(f64::INFINITY, f64::from)
        })
    }
    #[wasm_bindgen(js_name = setReconnectionAttempts)]
    pub fn set_reconnection_attempts(&self, value: f64) {
        let attempts = options::attempts(value);
        self.inner
            .with_core(|c| c.set_reconnection_attempts(attempts));
    }
    #[wasm_bindgen(js_name = getReconnectionDelay)]
    pub fn get_reconnection_delay(&self) -> f64 {
        self.inner
            .with_core(|c| c.config().reconnection_delay as f64)
    }
    #[wasm_bindgen(js_name = setReconnectionDelay)]
    pub fn set_reconnection_delay(&self, ms: f64) {
        self.inner
            .with_core(|c| c.set_reconnection_delay(options::millis(ms)));
    }
    #[wasm_bindgen(js_name = getReconnectionDelayMax)]
    pub fn get_reconnection_delay_max(&self) -> f64 {
        self.inner
            .with_core(|c| c.config().reconnection_delay_max as f64)
    }
    #[wasm_bindgen(js_name = setReconnectionDelayMax)]
    pub fn set_reconnection_delay_max(&self, ms: f64) {
        self.inner
            .with_core(|c| c.set_reconnection_delay_max(options::millis(ms)));
    }
    #[wasm_bindgen(js_name = getRandomizationFactor)]
    pub fn get_randomization_factor(&self) -> f64 {
        self.inner.with_core(|c| c.config().randomization_factor)
    }
    #[wasm_bindgen(js_name = setRandomizationFactor)]
    pub fn set_randomization_factor(&self, value: f64) {
        self.inner
            .with_core(|c| c.set_randomization_factor(value.clamp(0.0, 1.0)));
    }
    #[wasm_bindgen(js_name = getTimeout)]
    pub fn get_timeout(&self) -> f64 {
        self.inner
            .with_core(|c| c.config().timeout.map_or(-1.0, |t| t as f64))
    }
    /// A negative or non-finite value disables the connection timeout.
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(&self, ms: f64) {
        let timeout = (ms.is_finite() && ms >= 0.0).then(|| options::millis(ms));
        self.inner.with_core(|c| c.set_timeout(timeout));
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
    name: String,
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
    let Outgoing {
        name,
        args,
        ack,
        mode,
        volatile,
    } = request;
    let (data, attachments) = web::encode_args(&args).map_err(|error| {
        let detail = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        type_error(&cat(&[
            "emit(\"",
            &name,
            "\"): the arguments cannot be serialized: ",
            &detail,
        ]))
    })?;
    let error_first = match mode {
        AckMode::Callback => ack_timeout.is_some(),
        _ => true,
    };
    let callback = ack.map(|function| ack_callback(function, error_first));
    socket
        .emit(
            EventData::with_js(data, attachments, args.into()),
            EmitOptions {
                ack: mode,
                volatile,
            },
            callback,
        )
        .map_err(|error| emit_error(&name, error))
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

#[wasm_bindgen]
impl RawSocket {
    pub fn connect(&self) {
        self.inner.connect();
    }

    pub fn disconnect(&self) {
        self.inner.disconnect();
    }

    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.inner.connected()
    }

    #[wasm_bindgen(getter)]
    pub fn active(&self) -> bool {
        self.inner.active()
    }

    #[wasm_bindgen(getter)]
    pub fn recovered(&self) -> bool {
        self.inner.recovered()
    }

    #[wasm_bindgen(getter)]
    pub fn id(&self) -> Option<String> {
        self.inner.id()
    }

    #[wasm_bindgen(getter)]
    pub fn auth(&self) -> JsValue {
        self.auth.borrow().clone()
    }

    #[wasm_bindgen(setter)]
    pub fn set_auth(&self, value: JsValue) {
        *self.auth.borrow_mut() = value;
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
        let Some(name) = args.get(0).as_string() else {
            return Err(type_error("emit: the event name must be a string"));
        };
        let mode = match (ack.is_some(), ack_mode) {
            (false, _) | (_, ACK_NONE) => AckMode::None,
            _ if timeout_ms >= 0.0 && timeout_ms.is_finite() => {
                AckMode::WithTimeout(options::millis(timeout_ms))
            }
            (_, ACK_CALLBACK) => AckMode::Callback,
            _ => AckMode::WithError,
        };
        let request = Outgoing {
            name,
            args: args.clone(),
            ack,
            mode,
            volatile,
        };
        let has_blob = web::has_blob(args);
        if !has_blob && self.outbox.borrow().is_empty() {
            return send(&self.inner, self.ack_timeout, request);
        }
        // A Blob is read asynchronously; this emit and every one after it
        // wait in the outbox so the server sees them in call order.
        if crate::proto::packet::RESERVED_EVENTS.contains(&request.name.as_str()) {
            return Err(emit_error(&request.name, EmitError::ReservedEvent));
        }
        let ready = Rc::new(core::cell::Cell::new(!has_blob));
        self.outbox.borrow_mut().push_back((ready.clone(), request));
        if has_blob {
            let outbox = self.outbox.clone();
            let socket = self.inner.clone();
            let ack_timeout = self.ack_timeout;
            let args = args.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let resolved = web::resolve_blobs(&args).await;
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

    /// Adds a listener of `event`; returns its handle.
    pub fn on(
        &self,
        event: &str,
        listener: &JsValue,
        once: bool,
        prepend: bool,
    ) -> Result<RawHandle, JsValue> {
        let function = listener_function(event, listener)?;
        Ok(self.listen(
            Key::Named(String::from(event)),
            function,
            once,
            prepend,
            false,
        ))
    }

    /// Adds a catch-all listener (`outgoing`: of sent events).
    #[wasm_bindgen(js_name = onAny)]
    pub fn on_any(
        &self,
        listener: &JsValue,
        prepend: bool,
        outgoing: bool,
    ) -> Result<RawHandle, JsValue> {
        let function = listener_function("onAny", listener)?;
        let key = if outgoing { Key::AnyOutgoing } else { Key::Any };
        Ok(self.listen(key, function, false, prepend, true))
    }

    /// `off(event, fn)`, `off(event)`, `off()`.
    pub fn off(&self, event: Option<String>, listener: Option<Function>) -> usize {
        let key = event.map(Key::Named);
        self.inner
            .remove(key.as_ref(), listener.as_ref().map(|f| f.as_ref()))
    }

    /// `offAny(fn)`, `offAny()` (`outgoing`: the outgoing ones).
    #[wasm_bindgen(js_name = offAny)]
    pub fn off_any(&self, listener: Option<Function>, outgoing: bool) -> usize {
        let key = if outgoing { Key::AnyOutgoing } else { Key::Any };
        self.inner
            .remove(Some(&key), listener.as_ref().map(|f| f.as_ref()))
    }

    /// The functions listening to `event`.
    pub fn listeners(&self, event: &str) -> Array {
        self.inner
            .listener_functions(&Key::Named(String::from(event)))
            .into_iter()
            .collect()
    }

    /// The catch-all functions (`outgoing`: of sent events).
    #[wasm_bindgen(js_name = listenersAny)]
    pub fn listeners_any(&self, outgoing: bool) -> Array {
        let key = if outgoing { Key::AnyOutgoing } else { Key::Any };
        self.inner.listener_functions(&key).into_iter().collect()
    }

    fn listen(
        &self,
        key: Key,
        function: Function,
        once: bool,
        prepend: bool,
        with_name: bool,
    ) -> RawHandle {
        let callback = js_callback(function.clone(), self.this_arg.clone(), with_name);
        let handle = self.inner.listen(
            key,
            callback,
            Registration {
                once,
                prepend,
                identity: Some(function.into()),
            },
        );
        RawHandle {
            inner: handle.detach(),
        }
    }
}

/// A listener registration; `off()` removes exactly it.
#[wasm_bindgen]
pub struct RawHandle {
    inner: DetachedHandle,
}

#[wasm_bindgen]
impl RawHandle {
    /// Removes the listener; true the first time, false after.
    pub fn off(&self) -> bool {
        self.inner.off()
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
    Rc::new(move |payload: &Payload| {
        let args = js_args(payload, with_name);
        if let Err(error) = function.apply(&this_arg, &args) {
            report(&error);
        }
    })
}

fn js_args(payload: &Payload, with_name: bool) -> Array {
    match payload {
        Payload::Unit => Array::new(),
        Payload::Attempt(n) => Array::of1(&JsValue::from(*n)),
        Payload::Error { message, data } => Array::of1(&error_with_data(message, *data)),
        Payload::Close {
            reason,
            description,
        } => {
            let args = Array::of1(&JsValue::from_str(reason));
            if let Some(description) = description {
                args.push(&JsValue::from_str(description));
            }
            args
        }
        Payload::Event(incoming) => {
            let all: Array = incoming
                .args
                .js_array()
                .clone()
                .dyn_into()
                .unwrap_or_default();
            let args = all.slice(if with_name { 0 } else { 1 }, u32::MAX);
            if let Some(responder) = &incoming.ack {
                let responder = responder.clone();
                let ack =
                    Closure::<dyn Fn(Array)>::new(move |reply: Array| {
                        match web::encode_args(&reply) {
                            Ok((data, attachments)) => responder.respond(data, attachments),
                            Err(error) => report(&error),
                        }
                    });
                args.push(&variadic(ack));
            }
            args
        }
        Payload::Outgoing(data) => data
            .js_array()
            .clone()
            .dyn_into::<Array>()
            .unwrap_or_default()
            .slice(0, u32::MAX),
    }
}

/// A JS function `(...args) => f(args)`, freed by the GC.
fn variadic(f: Closure<dyn Fn(Array)>) -> JsValue {
    make_variadic(&f.into_js_value())
}

#[wasm_bindgen(inline_js = "export function makeVariadic(f) { return (...args) => f(args); }")]
extern "C" {
    #[wasm_bindgen(js_name = makeVariadic)]
    fn make_variadic(f: &JsValue) -> JsValue;
}

fn error_with_data(message: &str, data: Option<&str>) -> JsValue {
    let error = js_sys::Error::new(message);
    if let Some(data) = data {
        let value = js_sys::JSON::parse(data).unwrap_or(JsValue::UNDEFINED);
        let _ = Reflect::set(&error, &"data".into(), &value);
    }
    error.into()
}

fn ack_callback(function: Function, error_first: bool) -> web::AckCallback {
    Box::new(move |result: Result<&EventData, AckError>| {
        let outcome = match result {
            Ok(data) => {
                let args = data
                    .js_array()
                    .clone()
                    .dyn_into::<Array>()
                    .unwrap_or_default()
                    .slice(0, u32::MAX);
                if error_first {
                    args.unshift(&JsValue::NULL);
                }
                function.apply(&JsValue::UNDEFINED, &args)
            }
            Err(error) => function.call1(&JsValue::UNDEFINED, &js_sys::Error::new(error.as_str())),
        };
        if let Err(error) = outcome {
            report(&error);
        }
    })
}
