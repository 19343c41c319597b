//! One Engine.IO WebSocket frame (text or binary). Decoding must not panic,
//! and a decoded packet must survive encode→decode unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socketio_wasm::proto::engine_codec::{self, Frame};

fuzz_target!(|data: &[u8]| {
    let _ = engine_codec::decode_binary(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = engine_codec::decode_text(text) {
        let again = engine_codec::decode_text(&engine_codec::encode_text(&p));
        assert_eq!(again.as_ref(), Ok(&p));
        let via_ws = match engine_codec::encode_ws(&p) {
            Frame::Text(t) => engine_codec::decode_text(&t),
            Frame::Binary(b) => Ok(engine_codec::decode_binary(&b)),
        };
        assert_eq!(via_ws, Ok(p));
    }
});
