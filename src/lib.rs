//! # socketio-wasm
//!
//! A Socket.IO client (Engine.IO protocol v4, Socket.IO protocol v5) written in
//! Rust for the browser.
//!
//! - [`proto`]: the sans-IO protocol core. Codecs and state machines, no I/O, no
//!   clock, no randomness of its own; it builds and is tested on any target.
//! - `web` (wasm32 only): browser I/O that drives the core — WebSocket,
//!   long-polling, timers. It makes no protocol decisions.
//! - `bindings` (wasm32 only): the `#[wasm_bindgen]` surface used by the npm
//!   package's `io()` API.

pub mod proto;

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod debug_filter;

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
pub mod web;
