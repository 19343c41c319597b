//! Debug logging, switched at runtime as socket.io-client's is:
//! `localStorage.debug = "socketio-wasm:*"` (any `debug`-package pattern
//! that matches `socketio-wasm:runtime`). Off by default. It logs what
//! happens — transports, frame sizes, event kinds and names — never payload
//! contents, so auth and messages stay out of the console.
use js_sys::Reflect;

use super::glue::console_debug;

const NAMESPACE: &str = "socketio-wasm:runtime";

/// Whether `localStorage.debug` enables this namespace.
pub(crate) fn enabled() -> bool {
    let patterns = Reflect::get(&js_sys::global(), &"localStorage".into())
        .ok()
        .filter(|storage| storage.is_object())
        .and_then(|storage| Reflect::get(&storage, &"debug".into()).ok())
        .and_then(|value| value.as_string());
    patterns.is_some_and(|p| crate::debug_filter::matches(&p, NAMESPACE))
}

/// Writes one line.
pub(crate) fn log(message: &str) {
    console_debug(NAMESPACE, message);
}
