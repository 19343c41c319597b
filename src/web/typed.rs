//! Serde-typed events over the Rust API: emit any `T: Serialize`, listen
//! with any `T: DeserializeOwned`, await acknowledgements as `Result<Res,
//! TypedError>`, and read events or the connection state as a
//! `futures_core::Stream`. Built on [`Socket::emit`] and [`Socket::on`]:
//! the JSON text they carry is what `serde_json` writes and reads here.
//!
//! ```no_run
//! use serde::{Deserialize, Serialize};
//! use socketio_wasm::proto::{ManagerConfig, SocketConfig};
//! use socketio_wasm::web::Manager;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Chat {
//!     room: String,
//!     text: String,
//! }
//!
//! # async fn demo() -> Result<(), socketio_wasm::web::TypedError> {
//! let manager = Manager::new(ManagerConfig::new("chat.example.com", true), false);
//! let socket = manager.socket("/chat", SocketConfig::default(), None);
//! socket.connect();
//! let _handle = socket.on_json("message", |m: Chat| log(&m.text), |e| log(&e.to_string()));
//! socket.emit_json("message", &Chat { room: "general".into(), text: "hi".into() })?;
//! let stored: u64 = socket.emit_with_ack_json("message", &Chat { room: "general".into(), text: "hi".into() })
//!     .timeout(5_000)
//!     .await?;
//! # let _ = stored;
//! # Ok(())
//! # }
//! # fn log(_: &str) {}
//! ```
//!
//! Binary: a [`Binary`] value goes as a Socket.IO attachment (an
//! `ArrayBuffer` / `Buffer` on the other side); a plain `Vec<u8>` goes as
//! JSON (an array of numbers). Attachments the server sends are read into
//! `Binary` or `Vec<u8>` fields alike.
use crate::prelude::*;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use core::cell::RefCell;
use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::api::{AckFuture, ListenerHandle, Socket};
use super::event::{EventData, Payload};
use crate::proto::{AckError, EmitError};

/// Why a typed emit, listener or acknowledgement failed.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedError {
    /// The value could not be written as JSON (a map with non-string keys, …).
    Serialize(String),
    /// What the server sent does not have the listener's or the ack's type.
    Deserialize(String),
    /// The core refused the emit (buffer full, too many pending acks, …).
    Emit(EmitError),
    /// The acknowledgement timed out, or the socket disconnected first.
    Ack(AckError),
}

impl fmt::Display for TypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypedError::Serialize(e) => write!(f, "cannot serialize the arguments: {e}"),
            TypedError::Deserialize(e) => write!(f, "unexpected payload: {e}"),
            TypedError::Emit(e) => f.write_str(e.as_str()),
            TypedError::Ack(e) => f.write_str(e.as_str()),
        }
    }
}

impl std::error::Error for TypedError {}

impl From<EmitError> for TypedError {
    fn from(e: EmitError) -> Self {
        TypedError::Emit(e)
    }
}

/// `["event", ...args]` as JSON text; `spread`: `args` is a tuple or array
/// whose elements are the arguments, else it is the one argument.
fn encode<T: Serialize + ?Sized>(
    event: &str,
    args: &T,
    spread: bool,
) -> Result<EventData, TypedError> {
    let mut value = serde_json::to_value(args).map_err(|e| TypedError::Serialize(e.to_string()))?;
    let mut attachments = Vec::new();
    to_placeholders(&mut value, &mut attachments);
    let mut list = vec![Value::String(String::from(event))];
    match value {
        Value::Array(items) if spread => list.extend(items),
        Value::Null if spread => {}
        other => list.push(other),
    }
    let text = serde_json::to_string(&list).map_err(|e| TypedError::Serialize(e.to_string()))?;
    Ok(EventData::new(text, attachments))
}

/// The key of the object a [`Binary`] serializes to, before it becomes an attachment.
const BINARY_KEY: &str = "\u{0}socketio-wasm:binary";

/// Bytes that travel as a Socket.IO binary attachment (an `ArrayBuffer` /
/// `Buffer` on the other side), not as JSON. A `Binary` or a `Vec<u8>`
/// field receives the server's attachments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Binary(pub Vec<u8>);

impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // A mark that `encode` turns into a placeholder and an attachment.
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(BINARY_KEY, &self.0)?;
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `decode` has put the attachment's bytes where its placeholder was.
        Vec::<u8>::deserialize(deserializer).map(Binary)
    }
}

/// An error-first acknowledgement, `(err, res)` (socket.io-client's
/// `errorFirst`): `Ok(res)` when `err` is `null` or missing, `Err(err)`
/// otherwise. Read it with [`Socket::emit_with_ack_args`]; a server that
/// answers a failure with the error alone (`ack(err)`) is read too.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorFirst<T, E>(pub Result<T, E>);

impl<T, E> ErrorFirst<T, E> {
    /// The answer as a `Result`.
    pub fn into_result(self) -> Result<T, E> {
        self.0
    }
}

impl<'de, T: serde::Deserialize<'de>, E: serde::Deserialize<'de>> serde::Deserialize<'de>
    for ErrorFirst<T, E>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit<T, E>(core::marker::PhantomData<(T, E)>);
        impl<'de, T: serde::Deserialize<'de>, E: serde::Deserialize<'de>> serde::de::Visitor<'de>
            for Visit<T, E>
        {
            type Value = ErrorFirst<T, E>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the arguments (err, res)")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let answer = match seq.next_element::<Option<E>>()?.flatten() {
                    Some(err) => Err(err),
                    None => match seq.next_element::<T>()? {
                        Some(res) => Ok(res),
                        None => {
                            return Err(serde::de::Error::invalid_length(
                                1,
                                &"a result after a null error",
                            ))
                        }
                    },
                };
                // Arguments after the ones read (`ack(err, null)`, an extra
                // one) are not an error: a sequence left unread would be.
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(ErrorFirst(answer))
            }
        }
        deserializer.deserialize_seq(Visit(core::marker::PhantomData))
    }
}

/// Replaces every [`Binary`] mark in `value` by a placeholder, its bytes pushed to `attachments`.
fn to_placeholders(value: &mut Value, attachments: &mut Vec<Vec<u8>>) {
    match value {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| to_placeholders(v, attachments)),
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::Array(bytes)) = map.get(BINARY_KEY) {
                    let data: Vec<u8> = bytes
                        .iter()
                        .map(|b| b.as_u64().map_or(0, |b| b as u8))
                        .collect();
                    let num = attachments.len();
                    attachments.push(data);
                    *value = serde_json::json!({ "_placeholder": true, "num": num });
                    return;
                }
            }
            map.values_mut()
                .for_each(|v| to_placeholders(v, attachments));
        }
        _ => {}
    }
}

/// Replaces every placeholder in `value` by its attachment's bytes (an array of numbers).
fn from_placeholders(value: &mut Value, attachments: &[Vec<u8>]) {
    match value {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| from_placeholders(v, attachments)),
        Value::Object(map) => {
            let placeholder = map.get("_placeholder") == Some(&Value::Bool(true));
            let num = map.get("num").and_then(Value::as_u64);
            if let (true, Some(bytes)) =
                (placeholder, num.and_then(|n| attachments.get(n as usize)))
            {
                *value = Value::Array(bytes.iter().map(|b| Value::from(*b)).collect());
                return;
            }
            map.values_mut()
                .for_each(|v| from_placeholders(v, attachments));
        }
        _ => {}
    }
}

/// The arguments of JSON array text, the first `skip` left out: the first
/// one as `T`, or (`whole`) all of them as `T` (a tuple, a `Vec`).
fn decode<T: DeserializeOwned>(
    data: &EventData,
    skip: usize,
    whole: bool,
) -> Result<T, TypedError> {
    let error = |e: serde_json::Error| TypedError::Deserialize(e.to_string());
    let mut parsed = serde_json::from_str::<Value>(&data.data).map_err(error)?;
    from_placeholders(&mut parsed, &data.attachments);
    let Value::Array(mut items) = parsed else {
        return Err(TypedError::Deserialize(String::from("not a JSON array")));
    };
    items.drain(..skip.min(items.len()));
    if !whole {
        return serde_json::from_value(items.into_iter().next().unwrap_or(Value::Null))
            .map_err(error);
    }
    // Read from a reference: a failed attempt does not cost a copy.
    let mut all = Value::Array(items);
    match T::deserialize(&all) {
        Ok(value) => Ok(value),
        Err(e) => {
            // With connection state recovery on, the server appends its
            // offset (a string) to every event: all the arguments but that one.
            let Value::Array(items) = &mut all else {
                return Err(error(e));
            };
            if items.len() < 2 || !items.last().is_some_and(Value::is_string) {
                return Err(error(e));
            }
            items.pop();
            T::deserialize(&all).map_err(|_| error(e))
        }
    }
}

impl Socket {
    /// Sends `event` with one argument, `value` (any `Serialize`).
    pub fn emit_json<T: Serialize + ?Sized>(
        &self,
        event: &str,
        value: &T,
    ) -> Result<(), TypedError> {
        self.emit(encode(event, value, false)?, Default::default(), None)?;
        Ok(())
    }

    /// Sends `event` with the elements of `args` (a tuple, an array or a
    /// `Vec`; `()` for none) as its arguments.
    pub fn emit_args<T: Serialize + ?Sized>(
        &self,
        event: &str,
        args: &T,
    ) -> Result<(), TypedError> {
        self.emit(encode(event, args, true)?, Default::default(), None)?;
        Ok(())
    }

    /// Calls `listener` with each `event`'s first argument as `T`; an event
    /// whose argument is not a `T` goes to `on_error` instead (the other
    /// listeners are not affected). The handle removes the listener, on
    /// `off()` or when dropped.
    pub fn on_json<T: DeserializeOwned + 'static>(
        &self,
        event: &str,
        listener: impl Fn(T) + 'static,
        on_error: impl Fn(TypedError) + 'static,
    ) -> ListenerHandle {
        self.on_typed(event, false, listener, on_error)
    }

    /// As [`Socket::on_json`], with all of the event's arguments as `T` (a
    /// tuple for several). With connection state recovery on, the server
    /// appends its offset (a string) to every event: when all the arguments
    /// are not a `T`, all but that last string are tried.
    pub fn on_args<T: DeserializeOwned + 'static>(
        &self,
        event: &str,
        listener: impl Fn(T) + 'static,
        on_error: impl Fn(TypedError) + 'static,
    ) -> ListenerHandle {
        self.on_typed(event, true, listener, on_error)
    }

    fn on_typed<T: DeserializeOwned + 'static>(
        &self,
        event: &str,
        whole: bool,
        listener: impl Fn(T) + 'static,
        on_error: impl Fn(TypedError) + 'static,
    ) -> ListenerHandle {
        self.on(event, move |payload: &Payload| {
            if let Payload::Event(incoming) = payload {
                match decode::<T>(&incoming.args, 1, whole) {
                    Ok(value) => listener(value),
                    Err(e) => on_error(e),
                }
            }
        })
    }

    /// Sends `event` with one argument, `value`, and resolves with the
    /// acknowledgement's first argument as `Res`. Chain
    /// [`AckRequest::timeout`] for a deadline; without one it waits until
    /// answered or disconnected.
    pub fn emit_with_ack_json<Req: Serialize + ?Sized, Res: DeserializeOwned>(
        &self,
        event: &str,
        value: &Req,
    ) -> AckRequest<Res> {
        self.ack_request(encode(event, value, false), false)
    }

    /// As [`Socket::emit_with_ack_json`], with the elements of `args` as the
    /// arguments (as [`Socket::emit_args`]) and all of the acknowledgement's
    /// arguments as `Res`: a tuple, or [`ErrorFirst`] for the common
    /// `(err, res)` answer.
    ///
    /// ```no_run
    /// # use serde::Deserialize;
    /// # use socketio_wasm::web::{ErrorFirst, Socket, TypedError};
    /// #[derive(Deserialize)]
    /// struct Refusal { code: String, message: String }
    /// #[derive(Deserialize)]
    /// struct Joined { room: String }
    ///
    /// # async fn demo(socket: Socket) -> Result<(), TypedError> {
    /// let answer: ErrorFirst<Joined, Refusal> = socket
    ///     .emit_with_ack_args("join", &("general",))
    ///     .timeout(5_000)
    ///     .await?;
    /// match answer.0 {
    ///     Ok(joined) => { let _ = joined.room; }
    ///     Err(refusal) => { let _ = (refusal.code, refusal.message); }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn emit_with_ack_args<Req: Serialize + ?Sized, Res: DeserializeOwned>(
        &self,
        event: &str,
        args: &Req,
    ) -> AckRequest<Res> {
        self.ack_request(encode(event, args, true), true)
    }

    /// `whole`: the answer's arguments all read as `Res`, not its first.
    fn ack_request<Res>(
        &self,
        data: Result<EventData, TypedError>,
        whole: bool,
    ) -> AckRequest<Res> {
        AckRequest {
            socket: self.clone(),
            data,
            timeout: None,
            whole,
            result: core::marker::PhantomData,
        }
    }

    /// Each `event`'s first argument as `T`, as a `Stream`. It holds at
    /// most `capacity` items the consumer has not taken yet: past that the
    /// oldest is dropped (counted by [`EventStream::dropped`]), so a slow
    /// consumer sees the latest events, never unbounded memory. An event
    /// that is not a `T` is counted by [`EventStream::malformed`] and
    /// skipped. Dropping the stream removes its listener.
    pub fn events<T: DeserializeOwned + 'static>(
        &self,
        event: &str,
        capacity: usize,
    ) -> EventStream<T> {
        let queue = Rc::new(RefCell::new(Queue::new(capacity)));
        let feed = queue.clone();
        let malformed = queue.clone();
        let handle = self.on_json(
            event,
            move |value: T| feed.borrow_mut().push(value),
            move |_| malformed.borrow_mut().malformed += 1,
        );
        EventStream {
            queue,
            _handle: handle,
        }
    }

    /// The socket's connection state as a `Stream` (for a signal or a
    /// banner): `Connected` on `connect`, `Reconnecting(n)` on each of the
    /// Manager's attempts, `Disconnected(reason)` on `disconnect`. It keeps
    /// the last 16 changes a slow consumer has not taken.
    pub fn states(&self) -> StateStream {
        let queue = Rc::new(RefCell::new(Queue::new(16)));
        let (connect, disconnect, attempt) = (queue.clone(), queue.clone(), queue.clone());
        let handles = [
            self.on("connect", move |_: &Payload| {
                connect.borrow_mut().push(ConnectionState::Connected)
            }),
            self.on("disconnect", move |payload: &Payload| {
                let reason = match payload {
                    Payload::Close { reason, .. } => String::from(*reason),
                    _ => String::new(),
                };
                disconnect
                    .borrow_mut()
                    .push(ConnectionState::Disconnected(reason));
            }),
            self.manager()
                .on("reconnect_attempt", move |payload: &Payload| {
                    if let Payload::Attempt(n) = payload {
                        attempt.borrow_mut().push(ConnectionState::Reconnecting(*n));
                    }
                }),
        ];
        StateStream {
            queue,
            _handles: handles,
        }
    }
}

/// An acknowledged emit not sent yet: `.timeout(ms)`, then `.await` it.
#[must_use = "an AckRequest sends nothing until it is awaited"]
pub struct AckRequest<Res> {
    socket: Socket,
    data: Result<EventData, TypedError>,
    timeout: Option<u64>,
    /// All of the acknowledgement's arguments as `Res`, not its first.
    whole: bool,
    result: core::marker::PhantomData<Res>,
}

impl<Res> AckRequest<Res> {
    /// Fails with `TypedError::Ack(AckError::Timeout)` after `ms`.
    pub fn timeout(mut self, ms: u64) -> Self {
        self.timeout = Some(ms);
        self
    }
}

impl<Res: DeserializeOwned> IntoFuture for AckRequest<Res> {
    type Output = Result<Res, TypedError>;
    type IntoFuture = TypedAck<Res>;

    fn into_future(self) -> TypedAck<Res> {
        let sent = self
            .data
            .and_then(|data| Ok(self.socket.emit_with_ack(data, self.timeout)?));
        TypedAck {
            state: match sent {
                Ok(future) => AckStep::Waiting(future),
                Err(e) => AckStep::Failed(Some(e)),
            },
            whole: self.whole,
            result: core::marker::PhantomData,
        }
    }
}

enum AckStep {
    Waiting(AckFuture),
    Failed(Option<TypedError>),
}

/// The future of an [`AckRequest`].
pub struct TypedAck<Res> {
    state: AckStep,
    whole: bool,
    result: core::marker::PhantomData<Res>,
}

// Nothing in it is pinned structurally: `AckFuture` is `Unpin`.
impl<Res> Unpin for TypedAck<Res> {}

impl<Res: DeserializeOwned> Future for TypedAck<Res> {
    type Output = Result<Res, TypedError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match &mut this.state {
            AckStep::Failed(e) => Poll::Ready(Err(e
                .take()
                .unwrap_or(TypedError::Ack(AckError::Disconnected)))),
            AckStep::Waiting(future) => match Pin::new(future).poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Err(e)) => Poll::Ready(Err(TypedError::Ack(e))),
                Poll::Ready(Ok(reply)) => Poll::Ready(decode(&reply, 0, this.whole)),
            },
        }
    }
}

/// A bounded queue feeding a stream: past `capacity` the oldest goes.
struct Queue<T> {
    items: VecDeque<T>,
    capacity: usize,
    dropped: u64,
    malformed: u64,
    waker: Option<Waker>,
}

impl<T> Queue<T> {
    fn new(capacity: usize) -> Self {
        Queue {
            items: VecDeque::new(),
            capacity: capacity.max(1),
            dropped: 0,
            malformed: 0,
            waker: None,
        }
    }

    fn push(&mut self, item: T) {
        if self.items.len() >= self.capacity {
            self.items.pop_front();
            self.dropped += 1;
        }
        self.items.push_back(item);
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        match self.items.pop_front() {
            Some(item) => Poll::Ready(Some(item)),
            None => {
                self.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// The events of [`Socket::events`]. It never ends by itself: drop it.
pub struct EventStream<T> {
    queue: Rc<RefCell<Queue<T>>>,
    _handle: ListenerHandle,
}

impl<T> EventStream<T> {
    /// Events dropped because the consumer was `capacity` behind.
    pub fn dropped(&self) -> u64 {
        self.queue.borrow().dropped
    }
    /// Events skipped because their argument was not a `T`.
    pub fn malformed(&self) -> u64 {
        self.queue.borrow().malformed
    }
}

impl<T> Stream for EventStream<T> {
    type Item = T;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.queue.borrow_mut().poll(cx)
    }
}

/// A socket's connection state, as [`Socket::states`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Connected to its namespace.
    Connected,
    /// The Manager's reconnection attempt `n` (from 1).
    Reconnecting(u32),
    /// Disconnected, with socket.io-client's reason (`"transport close"`, …).
    Disconnected(String),
}

/// The changes of [`Socket::states`]. Dropping it removes its listeners.
pub struct StateStream {
    queue: Rc<RefCell<Queue<ConnectionState>>>,
    _handles: [ListenerHandle; 3],
}

impl Stream for StateStream {
    type Item = ConnectionState;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ConnectionState>> {
        self.queue.borrow_mut().poll(cx)
    }
}
