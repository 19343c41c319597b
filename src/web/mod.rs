//! Browser I/O that drives the protocol core: WebSocket and long-polling
//! transports, one timer per Manager, the listener registry, and the Rust API
//! (`Manager`, `Socket`, `ListenerHandle`). It makes no protocol
//! decision: everything it does is what the core's outputs say.
mod api;
mod debug;
mod driver;
mod event;
pub(crate) mod glue;
mod listeners;
mod payload;
mod polling;
mod sink;
mod sys;
mod typed;
mod websocket;

pub use api::{
    AckFuture, DetachedHandle, EmitOptions, ListenerHandle, Manager, Registration, Socket,
};
pub use driver::{AckCallback, AuthProvider, AuthReply};
pub use event::{AckResponder, EventData, Incoming, Payload};
pub use listeners::{Callback, Key};
pub use typed::{
    AckRequest, Binary, ConnectionState, ErrorFirst, EventStream, StateStream, TypedAck, TypedError,
};
