//! Every JS function the Rust API calls, in one place (the npm package's
//! boundary is `src/bindings`): the runtime's helpers in `glue.js`, one call
//! per browser operation so that an event crosses the wasm boundary as few
//! times as possible, and the few globals it needs.
use crate::prelude::*;
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    /// A WebSocket as `openWs` returns it.
    pub(crate) type Ws;

    #[wasm_bindgen(js_name = decodeArgs)]
    pub(crate) fn decode_args(json: &str, buffers: Option<Array>) -> JsValue;

    /// `performance.now()`, bound once (the receive path reads the clock
    /// once per frame; looking `performance` up on the global each time
    /// showed in profiles).
    pub(crate) fn now() -> f64;

    /// The socket, or the constructor's error message (a string).
    #[wasm_bindgen(js_name = openWs)]
    pub(crate) fn open_ws(
        url: &str,
        on_text: &JsValue,
        on_bytes: &JsValue,
        on_event: &JsValue,
    ) -> JsValue;
    #[wasm_bindgen(js_name = wsSend)]
    pub(crate) fn ws_send_text(ws: &Ws, data: &str) -> bool;
    #[wasm_bindgen(js_name = wsSend)]
    pub(crate) fn ws_send_bytes(ws: &Ws, data: &[u8]) -> bool;
    #[wasm_bindgen(js_name = wsClose)]
    pub(crate) fn ws_close(ws: &Ws);

    /// A fetch calling `done(body text)`, or `done(undefined)` on any
    /// failure; returns its `AbortController`.
    pub(crate) fn request(
        url: &str,
        method: &str,
        body: Option<String>,
        with_credentials: bool,
        done: JsValue,
    ) -> Abort;
    /// An `AbortController`.
    pub(crate) type Abort;
    #[wasm_bindgen(method)]
    pub(crate) fn abort(this: &Abort);
}

// Bound as globals so they work in a window, a worker and Node alike
// (web-sys would tie them to `Window`).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &JsValue, delay_ms: i32) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);

    #[wasm_bindgen(js_namespace = console, js_name = debug)]
    pub(crate) fn console_debug(prefix: &str, message: &str);
}
