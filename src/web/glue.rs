//! The runtime's JS helpers (`glue.js`): one call per browser operation, so
//! that an event crosses the wasm boundary as few times as possible.
#[allow(unused_imports)]
use crate::prelude::*;
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    /// A WebSocket as `openWs` returns it.
    pub(crate) type Ws;

    #[wasm_bindgen(js_name = encodeArgs, catch)]
    pub(crate) fn encode_args(args: &JsValue, blobs: bool, named: bool)
        -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = decodeArgs)]
    pub(crate) fn decode_args(json: &str, buffers: Option<Array>) -> JsValue;
    #[wasm_bindgen(js_name = hasBlob)]
    pub(crate) fn has_blob(args: &JsValue) -> bool;
    /// Calls `done(copy)` with every Blob of `args` read into an
    /// `ArrayBuffer`, or `done(undefined, error)`.
    #[wasm_bindgen(js_name = readBlobs)]
    pub(crate) fn read_blobs(args: &JsValue, done: JsValue);

    /// `performance.now()`, bound once (the receive path reads the clock
    /// once per frame; looking `performance` up on the global each time
    /// showed in profiles).
    pub(crate) fn now() -> f64;

    /// Reports an exception the way an uncaught one would be.
    pub(crate) fn report(error: &JsValue);
    #[wasm_bindgen(js_name = callListener)]
    pub(crate) fn call_listener(
        function: &Function,
        this: &JsValue,
        args: &JsValue,
        from: u32,
        extra: Option<JsValue>,
    );
    #[wasm_bindgen(js_name = callAck)]
    pub(crate) fn call_ack(function: &Function, args: &JsValue, error_first: bool);
    #[wasm_bindgen(js_name = makeVariadic)]
    pub(crate) fn make_variadic(f: &JsValue) -> JsValue;

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

    /// `[protocol, host, pathname, name1, value1, ...]`; throws on a bad URL.
    #[wasm_bindgen(js_name = parseUrl, catch)]
    pub(crate) fn parse_url(uri: &str) -> Result<Array, JsValue>;
}
