//! The JSON scanner. Input: one byte of maximum depth, then the text.
//! Nothing may panic, the helpers must agree with `validate`, and
//! `Scanner::finish` with the token loop.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socketio_wasm::proto::json::{self, Kind};

fuzz_target!(|data: &[u8]| {
    let Some((&depth, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let depth = usize::from(depth);
    let kind = json::validate(text, depth);
    // `finish` after any number of tokens gives the token loop's verdict.
    let mut all = json::Scanner::new(text, depth);
    let by_tokens = loop {
        match all.next_token() {
            Ok(Some(_)) => {}
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    for first in 0..3 {
        let mut some = json::Scanner::new(text, depth);
        let mut early = None;
        for _ in 0..first {
            match some.next_token() {
                Ok(Some(_)) => {}
                Ok(None) => early = Some(Ok(())),
                Err(e) => early = Some(Err(e)),
            }
            if early.is_some() {
                break;
            }
        }
        assert_eq!(early.unwrap_or_else(|| some.finish()), by_tokens);
    }
    let elems = json::array_elements(text, depth);
    let members = json::object_members(text, depth);
    assert_eq!(elems.is_ok(), kind == Ok(Kind::Array));
    if let Ok(elems) = elems {
        for r in elems {
            let e = text.get(r).expect("element range");
            assert!(json::validate(e, depth).is_ok());
        }
    }
    if kind == Ok(Kind::Object) {
        // keys with lone surrogates cannot become Rust strings
        if let Ok(members) = members {
            for (_, r) in members {
                let v = text.get(r).expect("member range");
                assert!(json::validate(v, depth).is_ok());
            }
        }
    } else {
        assert!(members.is_err());
    }
    if let Ok(s) = json::parse_string(text) {
        assert_eq!(kind, Ok(Kind::String));
        let mut q = String::new();
        json::write_string(&mut q, &s);
        assert_eq!(json::parse_string(&q), Ok(s));
    }
    if let Ok(n) = json::parse_count(text) {
        assert_eq!(kind, Ok(Kind::Number));
        let mut q = String::new();
        json::write_u64(&mut q, n);
        assert_eq!(json::parse_count(&q), Ok(n));
    }
});
