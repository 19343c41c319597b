//! A WebSocket transport: owns the socket and its two handlers (text frames,
//! and everything else), set up by one call into `glue.js`.
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::glue::{self, Ws};
use super::sink::Sink;
use crate::proto::TransportInput;

pub(crate) struct WsTransport {
    ws: Ws,
    _on_text: Closure<dyn FnMut(String)>,
    _on_bytes: Closure<dyn FnMut(u32, js_sys::Uint8Array)>,
    _on_event: Closure<dyn FnMut(u32)>,
}

impl WsTransport {
    /// Opens `url`; a constructor error (bad URL, blocked port) is reported
    /// through `sink` after the caller's turn, like a network failure.
    pub(crate) fn open(url: &str, sink: Sink) -> Result<WsTransport, String> {
        let s = sink.clone();
        let on_text =
            Closure::<dyn FnMut(String)>::new(move |text: String| s(TransportInput::Text(text)));
        let s = sink.clone();
        // The bytes as a `Uint8Array`, copied here: a `Vec<u8>` parameter's
        // conversion keeps a panic path, and its formatting, in the wasm.
        let on_bytes = Closure::<dyn FnMut(u32, js_sys::Uint8Array)>::new(
            move |kind: u32, array: js_sys::Uint8Array| {
                let bytes = array.to_vec();
                s(if kind == 0 {
                    // Long text frames arrive as UTF-8 (TextEncoder: always valid).
                    TransportInput::Text(String::from_utf8(bytes).unwrap_or_default())
                } else {
                    TransportInput::Binary(bytes)
                })
            },
        );
        let on_event = Closure::<dyn FnMut(u32)>::new(move |kind: u32| {
            sink(match kind {
                0 => TransportInput::Opened,
                1 => TransportInput::Closed {
                    description: String::from("websocket connection closed"),
                },
                _ => TransportInput::Error {
                    description: String::from("websocket error"),
                },
            })
        });
        let ws = glue::open_ws(url, on_text.as_ref(), on_bytes.as_ref(), on_event.as_ref());
        if let Some(message) = ws.as_string() {
            return Err(message);
        }
        Ok(WsTransport {
            ws: ws.unchecked_into(),
            _on_text: on_text,
            _on_bytes: on_bytes,
            _on_event: on_event,
        })
    }

    /// Sends a frame; false when the browser refused it (socket not open).
    pub(crate) fn send_text(&self, text: &str) -> bool {
        glue::ws_send_text(&self.ws, text)
    }

    pub(crate) fn send_binary(&self, data: &[u8]) -> bool {
        glue::ws_send_bytes(&self.ws, data)
    }
}

impl Drop for WsTransport {
    fn drop(&mut self) {
        // Handlers first: the closures die with this struct, and a late event
        // must not call into freed memory.
        glue::ws_close(&self.ws);
    }
}
