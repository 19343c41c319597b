//! One Engine.IO polling payload. Decoding must not panic, and a decoded
//! payload must survive encode→decode unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socketio_wasm::proto::engine_codec;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = engine_codec::base64_decode(text);
    if let Ok(packets) = engine_codec::decode_payload(text) {
        let again = engine_codec::decode_payload(&engine_codec::encode_payload(&packets));
        assert_eq!(again, Ok(packets));
    }
});
