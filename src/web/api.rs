//! The Rust API of the browser runtime: the same objects the npm package's
//! `io()` wraps, usable from Rust wasm apps (Leptos, Yew) without any JS.
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use super::driver::{pump, AckCallback, AuthProvider, Driver, Shared};
use super::event::{EventData, Payload};
use super::listeners::{Callback, Key, Target};
use super::sys::now_ms;
use crate::proto::{
    AckError, AckMode, Auth, Emit, EmitError, ManagerConfig, SocketConfig, SocketId,
};
use core::cell::RefCell;

/// One connection to one server (socket.io-client's `Manager`). Clones share
/// the connection.
#[derive(Clone)]
pub struct Manager {
    pub(crate) shared: Shared,
}

impl Manager {
    /// A closed Manager for `config`; `with_credentials` sends cookies with
    /// cross-origin polling requests.
    ///
    /// ```no_run
    /// use socketio_wasm::proto::{ManagerConfig, TransportKind};
    /// use socketio_wasm::web::Manager;
    ///
    /// let mut config = ManagerConfig::new("chat.example.com", true);
    /// config.transports = vec![TransportKind::WebSocket];
    /// let manager = Manager::new(config, false);
    /// ```
    pub fn new(config: ManagerConfig, with_credentials: bool) -> Manager {
        Manager {
            shared: Driver::new(config, with_credentials),
        }
    }

    /// Opens the connection.
    pub fn open(&self) {
        self.shared.borrow_mut().core.open(now_ms());
        pump(&self.shared);
    }

    /// Closes the connection; sockets stay active and reconnect on `open`.
    pub fn close(&self) {
        self.shared.borrow_mut().core.close(now_ms());
        pump(&self.shared);
    }

    /// The socket of namespace `nsp` on this connection (not connected yet).
    /// `auth`, when given, is asked for the CONNECT payload on every
    /// (re)connection.
    ///
    /// ```no_run
    /// # use socketio_wasm::proto::{ManagerConfig, SocketConfig};
    /// # use socketio_wasm::web::Manager;
    /// # let manager = Manager::new(ManagerConfig::new("chat.example.com", true), false);
    /// let chat = manager.socket("/chat", SocketConfig::default(), None);
    /// chat.connect();
    /// ```
    pub fn socket(&self, nsp: &str, config: SocketConfig, auth: Option<AuthProvider>) -> Socket {
        let mut driver = self.shared.borrow_mut();
        let config = SocketConfig {
            auth: if auth.is_some() {
                Auth::Ask
            } else {
                config.auth
            },
            ..config
        };
        let id = driver.core.socket(nsp, config);
        if auth.is_some() {
            driver.slot(id).auth = auth;
        }
        Socket {
            shared: self.shared.clone(),
            id,
        }
    }

    /// Listens to a Manager event (`open`, `close`, `error`, `ping`,
    /// `reconnect_attempt`, `reconnect`, `reconnect_error`, `reconnect_failed`).
    ///
    /// ```no_run
    /// # use socketio_wasm::proto::ManagerConfig;
    /// # use socketio_wasm::web::{Manager, Payload};
    /// # let manager = Manager::new(ManagerConfig::new("chat.example.com", true), false);
    /// let _handle = manager.on("reconnect_attempt", |p: &Payload| {
    ///     if let Payload::Attempt(n) = p { let _ = n; /* show "reconnecting (n)" */ }
    /// }); // dropping the handle removes the listener
    /// ```
    pub fn on(&self, event: &str, callback: impl Fn(&Payload) + 'static) -> ListenerHandle {
        add(
            &self.shared,
            Target::Manager,
            Key::Named(String::from(event)),
            Rc::new(callback),
            Registration::default(),
        )
    }

    /// Browser resources held now: (open transports, timer armed). After the
    /// last socket disconnects both are zero: nothing is left running.
    pub fn resources(&self) -> (usize, bool) {
        self.shared.borrow().resources()
    }

    /// Runs `f` on the core (getters and setters of the reconnection options).
    pub fn with_core<R>(&self, f: impl FnOnce(&mut crate::proto::Manager) -> R) -> R {
        let out = f(&mut self.shared.borrow_mut().core);
        pump(&self.shared);
        out
    }
}

/// One namespace on a [`Manager`] (socket.io-client's `Socket`).
#[derive(Clone)]
pub struct Socket {
    pub(crate) shared: Shared,
    pub(crate) id: SocketId,
}

/// How to send one event.
#[derive(Default)]
pub struct EmitOptions {
    /// Acknowledgement mode (with `callback`).
    pub ack: AckMode,
    /// Drop instead of buffering while offline.
    pub volatile: bool,
}

impl Socket {
    /// Connects (opening the Manager if needed).
    pub fn connect(&self) {
        self.shared.borrow_mut().core.connect(now_ms(), self.id);
        pump(&self.shared);
    }

    /// Disconnects (`"io client disconnect"`); no reconnection.
    pub fn disconnect(&self) {
        self.shared.borrow_mut().core.disconnect(now_ms(), self.id);
        pump(&self.shared);
    }

    /// Whether connected to the namespace.
    pub fn connected(&self) -> bool {
        self.shared.borrow().core.is_connected(self.id)
    }

    /// Whether it reconnects with the Manager.
    pub fn active(&self) -> bool {
        self.shared.borrow().core.is_active(self.id)
    }

    /// Whether the last connection recovered the session state.
    pub fn recovered(&self) -> bool {
        self.shared.borrow().core.is_recovered(self.id)
    }

    /// The server-given socket id while connected.
    pub fn id(&self) -> Option<String> {
        self.shared
            .borrow()
            .core
            .socket_sid(self.id)
            .map(String::from)
    }

    /// The Manager this socket belongs to.
    pub fn manager(&self) -> Manager {
        Manager {
            shared: self.shared.clone(),
        }
    }

    /// Sends `args` (a JSON array text `["event", ...]` with binary
    /// placeholders) and its attachments. `callback` receives the
    /// acknowledgement when `options.ack` asks for one. (`emit_json` is
    /// the typed way.)
    ///
    /// ```no_run
    /// # use socketio_wasm::proto::{ManagerConfig, SocketConfig};
    /// # use socketio_wasm::web::{EventData, Manager};
    /// # let socket = Manager::new(ManagerConfig::new("chat.example.com", true), false).socket("/", SocketConfig::default(), None);
    /// socket.emit(EventData::new(r#"["chat","hi"]"#.into(), vec![]), Default::default(), None)?;
    /// # Ok::<(), socketio_wasm::proto::EmitError>(())
    /// ```
    pub fn emit(
        &self,
        mut args: EventData,
        options: EmitOptions,
        callback: Option<AckCallback>,
    ) -> Result<(), EmitError> {
        let ack = if callback.is_some() {
            options.ack
        } else {
            AckMode::None
        };
        let volatile = options.volatile;
        let target = Target::Socket(self.id);
        let outgoing_now = {
            let mut driver = self.shared.borrow_mut();
            let connected = driver.core.is_connected(self.id);
            // The arguments are needed after the core took them only by
            // outgoing listeners and the offline buffer: copy them only then.
            let outgoing = driver.listeners.has(target, &Key::AnyOutgoing);
            let keep = outgoing || (!connected && !volatile);
            let (data, attachments) = if keep {
                (args.data.clone(), args.attachments.clone())
            } else {
                (
                    core::mem::take(&mut args.data),
                    core::mem::take(&mut args.attachments),
                )
            };
            let emit = Emit {
                data,
                attachments,
                ack,
                volatile,
            };
            let request = driver.core.emit(now_ms(), self.id, emit)?;
            let buffered = driver.core.buffered(self.id);
            let slot = driver.slot(self.id);
            if let (Some(request), Some(callback)) = (request, callback) {
                slot.acks.push((request, callback));
            }
            if connected {
                // The frame leaves before outgoing listeners run: one of
                // them may emit.
                driver.flush();
                outgoing.then_some(args)
            } else {
                if !volatile {
                    slot.unsent.push_back(args);
                    while slot.unsent.len() > buffered {
                        slot.unsent.pop_front();
                    }
                }
                None
            }
        };
        if let Some(args) = outgoing_now {
            super::driver::emit_local(
                &self.shared,
                target,
                &Key::AnyOutgoing,
                &Payload::Outgoing(&args),
            );
        }
        pump(&self.shared);
        Ok(())
    }

    /// Sends `args` and resolves with the server's acknowledgement (its
    /// arguments as JSON array text), or fails with [`AckError::Timeout`]
    /// after `timeout_ms` (when given) or [`AckError::Disconnected`].
    ///
    /// ```no_run
    /// # use socketio_wasm::proto::{ManagerConfig, SocketConfig};
    /// # use socketio_wasm::web::{EventData, Manager};
    /// # async fn demo(socket: socketio_wasm::web::Socket) -> Result<(), Box<dyn std::error::Error>> {
    /// let reply = socket
    ///     .emit_with_ack(EventData::new(r#"["save",{"n":1}]"#.into(), vec![]), Some(5_000))
    ///     .map_err(|e| e.as_str())?
    ///     .await
    ///     .map_err(|e| e.as_str())?;
    /// let _json: &str = &reply.data; // `[...]`, the ack's arguments
    /// # Ok(()) }
    /// ```
    pub fn emit_with_ack(
        &self,
        args: EventData,
        timeout_ms: Option<u64>,
    ) -> Result<AckFuture, EmitError> {
        let state = Rc::new(RefCell::new(AckState::default()));
        let settle = AckSettle {
            state: state.clone(),
            done: Cell::new(false),
        };
        let ack = timeout_ms.map_or(AckMode::WithError, AckMode::WithTimeout);
        self.emit(
            args,
            EmitOptions {
                ack,
                volatile: false,
            },
            Some(Box::new(move |result| {
                settle.finish(result.map(|d| EventData::new(d.data.clone(), d.attachments.clone())))
            })),
        )?;
        Ok(AckFuture { state })
    }

    /// How many listeners `event` has.
    pub fn listener_count(&self, event: &str) -> usize {
        self.listeners_of(&Key::Named(String::from(event)))
    }

    /// Adds a listener; see [`Registration`] for `once` and `prepend`.
    pub fn listen(
        &self,
        key: Key,
        callback: Callback,
        registration: Registration,
    ) -> ListenerHandle {
        add(
            &self.shared,
            Target::Socket(self.id),
            key,
            callback,
            registration,
        )
    }

    /// Listens to `event` (also `connect`, `connect_error`, `disconnect`).
    /// (`on_json` is the typed way.)
    ///
    /// ```no_run
    /// # use socketio_wasm::proto::{ManagerConfig, SocketConfig};
    /// # use socketio_wasm::web::{Manager, Payload};
    /// # let socket = Manager::new(ManagerConfig::new("chat.example.com", true), false).socket("/", SocketConfig::default(), None);
    /// let handle = socket.on("news", |p: &Payload| {
    ///     if let Payload::Event(e) = p { let _args_json = &e.args.data; }
    /// });
    /// handle.off(); // or drop it: a component's handle goes with the component
    /// ```
    pub fn on(&self, event: &str, callback: impl Fn(&Payload) + 'static) -> ListenerHandle {
        self.listen(
            Key::Named(String::from(event)),
            Rc::new(callback),
            Registration::default(),
        )
    }

    fn listeners_of(&self, key: &Key) -> usize {
        self.shared
            .borrow()
            .listeners
            .count(Target::Socket(self.id), key)
    }
}

/// Options of one listener registration.
#[derive(Default)]
pub struct Registration {
    /// Removed before its first call.
    pub once: bool,
    /// Runs before the listeners already registered.
    pub prepend: bool,
}

fn add(
    shared: &Shared,
    target: Target,
    key: Key,
    callback: Callback,
    registration: Registration,
) -> ListenerHandle {
    let mut driver = shared.borrow_mut();
    let id = driver.listeners.add(
        target,
        key,
        callback,
        registration.once,
        registration.prepend,
    );
    drop(driver);
    ListenerHandle {
        registration: DetachedHandle {
            driver: Rc::downgrade(shared),
            id,
        },
        remove_on_drop: true,
    }
}

/// One listener registration. [`ListenerHandle::off`] removes exactly it;
/// so does dropping the handle, unless [`ListenerHandle::detach`] was called.
pub struct ListenerHandle {
    registration: DetachedHandle,
    remove_on_drop: bool,
}

impl ListenerHandle {
    /// Removes the listener; true the first time, false after.
    pub fn off(&self) -> bool {
        self.registration.off()
    }

    /// Keeps the listener after the handle drops (JS handles are garbage
    /// collected whenever the engine likes; the listener must not go with them).
    pub fn detach(mut self) -> DetachedHandle {
        self.remove_on_drop = false;
        self.registration.clone()
    }
}

impl Drop for ListenerHandle {
    fn drop(&mut self) {
        if self.remove_on_drop {
            self.off();
        }
    }
}

/// A registration that stays until [`DetachedHandle::off`].
#[derive(Clone)]
pub struct DetachedHandle {
    driver: Weak<RefCell<Driver>>,
    id: u64,
}

impl DetachedHandle {
    /// Removes the listener; true the first time, false after.
    pub fn off(&self) -> bool {
        let Some(shared) = self.driver.upgrade() else {
            return false;
        };
        let removed = match shared.try_borrow_mut() {
            Ok(mut driver) => driver.listeners.remove(self.id),
            Err(_) => false,
        };
        removed
    }
}

#[derive(Default)]
struct AckState {
    result: Option<Result<EventData, AckError>>,
    waker: Option<Waker>,
}

/// Settles an [`AckFuture`] once; dropped unsettled (the runtime let go of
/// the callback), it settles as [`AckError::Disconnected`].
struct AckSettle {
    state: Rc<RefCell<AckState>>,
    done: Cell<bool>,
}

impl AckSettle {
    fn finish(&self, result: Result<EventData, AckError>) {
        if self.done.replace(true) {
            return;
        }
        let waker = {
            let mut state = self.state.borrow_mut();
            state.result = Some(result);
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Drop for AckSettle {
    fn drop(&mut self) {
        self.finish(Err(AckError::Disconnected));
    }
}

/// The acknowledgement of [`Socket::emit_with_ack`].
pub struct AckFuture {
    state: Rc<RefCell<AckState>>,
}

impl Future for AckFuture {
    type Output = Result<EventData, AckError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.state.borrow_mut();
        match state.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
