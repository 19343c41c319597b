//! # socketio-wasm
//!
//! A Socket.IO client (Engine.IO protocol v4, Socket.IO protocol v5) written in
//! Rust for the browser. It talks to an unmodified Node `socket.io` 4.x server.
//!
//! - [`proto`]: the sans-IO protocol core. Codecs and state machines, no I/O, no
//!   clock, no randomness of its own; it builds and is tested on any target.
//!   Its module documentation explains the run loop.
//! - `web` (wasm32 only): browser I/O that drives the core — WebSocket,
//!   long-polling with `fetch`, one timer per connection, the listener
//!   registry — and the Rust API below. It makes no protocol decisions.
//! - `bindings` (wasm32 only): the `#[wasm_bindgen]` surface used by the npm
//!   package's `io()` API.
//!
//! ## From Rust (Leptos, Yew, ...)
//!
//! On `wasm32`, `socketio_wasm::web` offers the same objects as the npm
//! package, without any JS: a `Manager` per server, a `Socket` per
//! namespace, listeners whose `ListenerHandle` removes them when dropped,
//! and acknowledgements as futures. Arguments travel as JSON array text
//! (`["event", ...args]`), as on the wire; bring your own serializer.
//!
//! ```ignore
//! use socketio_wasm::proto::{ManagerConfig, SocketConfig};
//! use socketio_wasm::web::{EventData, Manager, Payload};
//!
//! let manager = Manager::new(ManagerConfig::new("chat.example.com", true), false);
//! let socket = manager.socket("/chat", SocketConfig::default(), None);
//! // Dropping `messages` removes the listener (`detach()` keeps it).
//! let messages = socket.on("message", |payload: &Payload| {
//!     if let Payload::Event(event) = payload {
//!         web_sys::console::log_1(&event.args.data.as_str().into());
//!     }
//! });
//! socket.connect();
//! let reply = socket
//!     .emit_with_ack(EventData::new(r#"["join","lobby"]"#.into(), vec![]), Some(5_000))?
//!     .await?; // Err(AckError::Timeout | AckError::Disconnected)
//! ```

// `no_std` + `alloc`: the release wasm (built without the `std` feature)
// then carries its own panic handler and allocator (`no_std_runtime`), and
// none of std's panic formatting, which was a fifth of the module. Host
// builds and the wasm test builds link std as usual (default feature `std`).
#![no_std]
extern crate alloc;
#[cfg(test)]
#[macro_use]
extern crate std;
#[cfg(all(feature = "std", not(test)))]
extern crate std;

// ----- the layers: `proto` under `web` and `bindings`, which do not use
// each other (the npm wasm has no `web`) -----

/// The npm package's `#[wasm_bindgen]` surface (wasm32, feature `npm`).
#[cfg(all(target_arch = "wasm32", feature = "npm"))]
mod bindings;
// The sans-IO protocol core (any target).
pub mod proto;
/// Browser runtime and the Rust API (wasm32, feature `rust-api`).
#[cfg(all(target_arch = "wasm32", feature = "rust-api"))]
pub mod web;

// ----- crate-wide helpers -----

/// The `debug` package's `localStorage.debug` patterns (the Rust API's;
/// the npm package's runtime has them in js/debug.ts).
#[cfg_attr(
    not(all(target_arch = "wasm32", feature = "rust-api")),
    allow(dead_code)
)]
mod debug_filter;
/// Strings without `format!`.
#[cfg_attr(
    not(all(target_arch = "wasm32", feature = "rust-api")),
    allow(dead_code)
)]
mod no_fmt;
/// The panic handler and allocator of the `no_std` release wasm.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod no_std_runtime;
/// What std's prelude would bring, for this `no_std` crate.
mod prelude;
