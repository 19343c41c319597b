use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{MessageEvent, WebSocket};

use socketio_wasm::proto::engine_codec::decode_text;
use socketio_wasm::proto::EnginePacket;

use crate::fixture_port;

/// Resolves with the data of the first message the WebSocket receives.
fn first_message(ws: &WebSocket) -> Promise {
    Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |event: MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        let on_error = Closure::once_into_js(move |event: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &event);
        });
        ws.set_onmessage(Some(on_message.unchecked_ref()));
        ws.set_onerror(Some(on_error.unchecked_ref()));
    })
}

#[wasm_bindgen_test]
async fn websocket_receives_the_engine_io_open_packet() {
    let url = format!(
        "ws://127.0.0.1:{}/socket.io/?EIO=4&transport=websocket",
        fixture_port()
    );
    let ws = WebSocket::new(&url).expect("WebSocket constructor");
    let data = JsFuture::from(first_message(&ws))
        .await
        .expect("the fixture server answers");
    ws.set_onmessage(None);
    ws.set_onerror(None);
    let _ = ws.close();

    let text = data.as_string().expect("the open packet is a text frame");
    // The core's codec reads the real server's handshake.
    match decode_text(&text) {
        Ok(EnginePacket::Open(handshake)) => {
            assert_eq!(handshake.sid.len(), 20, "{text}");
            assert_eq!(handshake.ping_interval, 25_000);
            assert_eq!(handshake.ping_timeout, 20_000);
            assert_eq!(handshake.upgrades, Vec::<String>::new(), "{text}");
            assert_eq!(handshake.max_payload, 2_000_000);
        }
        other => panic!("not an Engine.IO open packet: {text} -> {other:?}"),
    }
}
