//! Socket.IO packets and the binary reassembler.
//!
//! Input: pieces separated by NUL bytes. The first piece is one packet's text
//! (decoded alone, then re-encoded and decoded again: it must not change).
//! All pieces then go through a `Decoder`: the first as a text message, then a
//! piece starting with `t` is a text message (the rest), any other piece a
//! binary message.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socketio_wasm::proto::packet::{self, Decoder, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_attachments: 4,
        max_depth: 16,
    };
    let mut pieces = data.split(|&b| b == 0);
    if let Some(Ok(first)) = pieces.next().map(std::str::from_utf8) {
        if let Ok(p) = packet::decode(first, &limits) {
            let again = packet::decode(&packet::encode(&p), &limits);
            assert_eq!(again.as_ref(), Ok(&p));
            if let Some(d) = p.data.as_deref() {
                if p.kind.is_event() {
                    assert!(packet::event_name(d).is_ok());
                }
                let _ = packet::last_arg_string(d);
                let _ = packet::parse_connect(d);
                let _ = packet::parse_connect_error(d);
            }
        }
    }
    let mut dec = Decoder::new(limits);
    for (i, piece) in data.split(|&b| b == 0).enumerate() {
        let text = match (i, piece.split_first()) {
            (0, _) => Some(piece),
            (_, Some((b't', rest))) => Some(rest),
            _ => None,
        };
        let out = match text {
            Some(t) => match std::str::from_utf8(t) {
                Ok(t) => dec.push_text(t),
                Err(_) => continue,
            },
            None => dec.push_binary(piece.to_vec()),
        };
        if let Ok(Some(done)) = out {
            assert_eq!(done.attachments.len(), done.packet.attachments);
            assert!(!dec.is_pending());
        }
    }
});
