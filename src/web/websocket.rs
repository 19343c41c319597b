//! A WebSocket transport: owns the socket and its four handlers.
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use crate::proto::TransportInput;

/// Receives what happens on a transport.
pub(crate) type Sink = alloc::rc::Rc<dyn Fn(TransportInput)>;

pub(crate) struct WsTransport {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut()>,
}

impl WsTransport {
    /// Opens `url`; a constructor error (bad URL, blocked port) is reported
    /// through `sink` after the caller's turn, like a network failure.
    pub(crate) fn open(url: &str, sink: Sink) -> Result<WsTransport, String> {
        let ws = WebSocket::new(url).map_err(|e| {
            e.dyn_into::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|_| String::from("websocket error"))
        })?;
        ws.set_binary_type(BinaryType::Arraybuffer);

        let s = sink.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || s(TransportInput::Opened));
        let s = sink.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if let Some(text) = data.as_string() {
                s(TransportInput::Text(text));
            } else if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
                s(TransportInput::Binary(
                    js_sys::Uint8Array::new(buffer).to_vec(),
                ));
            }
        });
        let s = sink.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_event: CloseEvent| {
            s(TransportInput::Closed {
                description: String::from("websocket connection closed"),
            })
        });
        let s = sink;
        let on_error = Closure::<dyn FnMut()>::new(move || {
            s(TransportInput::Error {
                description: String::from("websocket error"),
            })
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WsTransport {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    /// Sends a frame; false when the browser refused it (socket not open).
    pub(crate) fn send_text(&self, text: &str) -> bool {
        self.ws.send_with_str(text).is_ok()
    }

    pub(crate) fn send_binary(&self, data: &[u8]) -> bool {
        self.ws.send_with_u8_array(data).is_ok()
    }
}

impl Drop for WsTransport {
    fn drop(&mut self) {
        // Handlers first: the closures die with this struct, and a late event
        // must not call into freed memory.
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}
