//! Property tests of the codecs: encode→decode identity, totality (no panic
//! on any input), the JSON scanner's depth handling, and Socket.IO headers
//! decoded from a head of the text as from the whole of it.
//!
//! Host only: proptest does not build for wasm32 (the browser test build
//! compiles every test target).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use socketio_wasm::proto::engine_codec::{self, Data, EnginePacket, Frame, Handshake};
use socketio_wasm::proto::json::{self, JsonError, Kind};
use socketio_wasm::proto::packet::{
    self, Decoder, Header, Limits, Packet, PacketType, RESERVED_EVENTS,
};
use socketio_wasm::proto::DecodeError;

fn json_str(s: &str) -> String {
    let mut out = String::new();
    json::write_string(&mut out, s);
    out
}

/// Valid JSON texts (nesting depth at most 5), optionally with whitespace.
fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        (any::<i32>(), 0u32..1000, -30i32..30).prop_map(|(a, b, e)| format!("{a}.{b}E{e}")),
        any::<String>().prop_map(|s| json_str(&s)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let sep = prop_oneof![Just(","), Just(" , "), Just(",\n\t")];
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..6), sep.clone())
                .prop_map(|(v, sep)| format!("[{}]", v.join(sep))),
            (prop::collection::vec((any::<String>(), inner), 0..6), sep).prop_map(|(v, sep)| {
                let members: Vec<String> = v
                    .iter()
                    .map(|(k, v)| format!("{} : {}", json_str(k), v))
                    .collect();
                format!("{{{}}}", members.join(sep))
            }),
        ]
    })
}

fn no_sep_string() -> impl Strategy<Value = String> + Clone {
    any::<String>().prop_map(|s| s.replace('\x1e', ""))
}

fn handshake() -> impl Strategy<Value = Handshake> {
    (
        any::<String>(),
        prop::collection::vec(any::<String>(), 0..3),
        // The handshake's numbers are what JSON.parse holds exactly.
        0..=json::MAX_SAFE_INTEGER,
        0..=json::MAX_SAFE_INTEGER,
        0..=json::MAX_SAFE_INTEGER,
    )
        .prop_map(|(sid, upgrades, i, t, m)| Handshake {
            sid,
            upgrades,
            ping_interval: i,
            ping_timeout: t,
            max_payload: m,
        })
}

/// Engine.IO packets; text fields come from `text` (which polling payloads
/// restrict to exclude the separator).
fn engine_packet<S>(text: S) -> impl Strategy<Value = EnginePacket>
where
    S: Strategy<Value = String> + Clone + 'static,
{
    let nonempty = text.clone().prop_filter("non-empty", |s| !s.is_empty());
    prop_oneof![
        handshake().prop_map(EnginePacket::Open),
        Just(EnginePacket::Close),
        Just(EnginePacket::Upgrade),
        Just(EnginePacket::Noop),
        prop::option::of(nonempty.clone()).prop_map(EnginePacket::Ping),
        prop::option::of(nonempty).prop_map(EnginePacket::Pong),
        text.prop_map(|t| EnginePacket::Message(Data::Text(t))),
        prop::collection::vec(any::<u8>(), 0..64)
            .prop_map(|b| EnginePacket::Message(Data::Binary(b))),
    ]
}

fn placeholder(n: usize) -> String {
    format!("{{\"_placeholder\":true,\"num\":{n}}}")
}

/// Valid Socket.IO packets of every type.
fn sio_packet() -> impl Strategy<Value = Packet> {
    let nsp = prop_oneof![
        Just("/".to_owned()),
        "[^,]{0,12}".prop_map(|s| format!("/{s}")),
    ];
    let id = prop::option::of(any::<u64>());
    let args = prop::collection::vec(json_value(), 0..4);
    let name = prop_oneof![
        any::<String>()
            .prop_filter("reserved", |s| !RESERVED_EVENTS.contains(&s.as_str()))
            .prop_map(|s| json_str(&s)),
        any::<u32>().prop_map(|n| n.to_string()),
    ];
    (
        0u8..7,
        nsp,
        id,
        args,
        name,
        1usize..=10,
        json_value(),
        any::<String>(),
    )
        .prop_map(|(t, nsp, id, args, name, att, obj_val, msg)| {
            let kind = PacketType::from_u8(t).unwrap_or(PacketType::Event);
            let mut elems = Vec::new();
            if kind.is_event() {
                elems.push(name);
            }
            elems.extend(args);
            let attachments = if kind.is_binary() { att } else { 0 };
            for n in 0..attachments {
                elems.push(placeholder(n));
            }
            let array = format!("[{}]", elems.join(","));
            let object = format!("{{\"k\":{obj_val}}}");
            let data = match kind {
                PacketType::Connect => (t % 2 == 0).then_some(object),
                PacketType::Disconnect => None,
                PacketType::ConnectError if msg.len() % 2 == 0 => Some(json_str(&msg)),
                PacketType::ConnectError => Some(object),
                _ => Some(array),
            };
            Packet {
                kind,
                nsp,
                id,
                data,
                attachments,
            }
        })
}

/// Strings over an alphabet that exercises the protocol grammars.
fn protocol_ish() -> impl Strategy<Value = String> {
    prop::string::string_regex("[0-9b/,\\-\\[\\]{}\":_a-z \\\\\u{1e}\u{1}éA-Z+=.]{0,40}")
        .unwrap_or_else(|_| unreachable!())
}

/// How a generated header writes its namespace.
#[derive(Debug, Clone)]
enum Nsp {
    /// Left out: the main namespace.
    Omitted,
    /// `<nsp>,`, `/,` included.
    Comma(String),
    /// Running to the end of the text, as socket.io-parser reads it: no id
    /// and no payload after it.
    ToEnd(String),
}

fn nsp_form() -> impl Strategy<Value = Nsp> {
    // Any text but the comma, non-ASCII included, some of it longer than
    // the shortest head.
    let name = prop_oneof![
        "[^,]{0,12}".prop_map(|s| format!("/{s}")),
        "[^,]{30,80}".prop_map(|s| format!("/{s}")),
    ];
    prop_oneof![
        Just(Nsp::Omitted),
        name.clone().prop_map(Nsp::Comma),
        name.prop_map(Nsp::ToEnd),
    ]
}

/// Zero padding before a count or an id: mostly a little, sometimes past the
/// 20-digit bound and past the shortest head.
fn padding() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0usize..3, 1 => 0usize..50]
}

/// The shortest head the runtime passes: `Manager::head_len()` without the
/// Engine.IO type, for the shortest namespace `Manager::socket` takes ("").
const MIN_HEAD: usize = packet::header_len(0);

/// Every head of `t` shorter than `t` the runtime may pass: each
/// char-boundary prefix, and the prefix before a 4-byte character followed
/// by U+FFFD (JavaScript's `slice` between a surrogate pair, as the lone
/// surrogate crosses into wasm).
fn heads(t: &str) -> Vec<String> {
    let mut v: Vec<String> = (0..t.len())
        .filter(|&k| t.is_char_boundary(k))
        .map(|k| t[..k].to_owned())
        .collect();
    v.extend(
        t.char_indices()
            .filter(|(_, c)| c.len_utf8() == 4)
            .map(|(k, _)| format!("{}\u{FFFD}", &t[..k])),
    );
    v
}

/// `decode_header` on a head decides as on the whole text `t` (the
/// property the npm runtime relies on: see the `sio_header` fuzz target).
fn check_heads(t: &str, limits: &Limits) -> Result<(), TestCaseError> {
    let whole = packet::decode_header(t, true, limits);
    for p in heads(t) {
        let head = packet::decode_header(&p, false, limits);
        // A head that names a namespace is the whole text's header, at any
        // length.
        if head.is_ok_and(|h| h.nsp.is_some()) {
            prop_assert_eq!(head, whole, "head {:?} of {:?}", p, t);
        }
        if p.len() < MIN_HEAD {
            continue;
        }
        match whole {
            // As long as a client with namespace `n` is passed: the same.
            Ok(h) if p.len() >= packet::header_len(h.nsp.map_or(0, str::len)) => {
                prop_assert_eq!(head, whole, "head {:?} of {:?}", p, t);
            }
            // Shorter: the same, or dropped, kind and attachments known.
            Ok(h) => {
                if head != whole {
                    let hp = head.map_err(|e| TestCaseError::fail(format!("{p:?}: {e:?}")))?;
                    prop_assert_eq!(hp.nsp, None, "head {:?} of {:?}", p, t);
                    prop_assert_eq!((hp.kind, hp.attachments), (h.kind, h.attachments));
                }
            }
            // The same error, or dropped: a packet for a namespace longer
            // than the client's is not validated.
            Err(e) => {
                if let Ok(hp) = head {
                    prop_assert_eq!(hp.nsp, None, "head {:?} of {:?}", p, t);
                } else {
                    prop_assert_eq!(head, Err(e), "head {:?} of {:?}", p, t);
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum In {
    Text(String),
    Bin(Vec<u8>),
    Reset,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn engine_ws_roundtrip(p in engine_packet(any::<String>())) {
        let decoded = match engine_codec::encode_ws(&p) {
            Frame::Text(t) => engine_codec::decode_text(&t),
            Frame::Binary(b) => Ok(engine_codec::decode_binary(&b)),
        };
        prop_assert_eq!(decoded, Ok(p.clone()));
    }

    #[test]
    fn engine_text_roundtrip(p in engine_packet(any::<String>())) {
        let t = engine_codec::encode_text(&p);
        prop_assert_eq!(engine_codec::decode_text(&t), Ok(p));
    }

    #[test]
    fn engine_payload_roundtrip(ps in prop::collection::vec(engine_packet(no_sep_string()), 1..8)) {
        let s = engine_codec::encode_payload(&ps);
        prop_assert_eq!(engine_codec::decode_payload(&s), Ok(ps));
    }

    #[test]
    fn sio_roundtrip(p in sio_packet()) {
        let text = packet::encode(&p);
        prop_assert_eq!(packet::decode(&text, &Limits::default()), Ok(p.clone()));
        // and through the reassembler, with as many attachments as announced
        let mut dec = Decoder::default();
        let mut out = dec.push_text(&text).unwrap();
        for n in 0..p.attachments {
            prop_assert!(out.is_none());
            out = dec.push_binary(vec![n as u8]).unwrap();
        }
        let done = out.unwrap();
        prop_assert_eq!(done.attachments.len(), p.attachments);
        prop_assert_eq!(&done.packet, &p);
        if p.kind.is_event() {
            let data = p.data.as_deref().unwrap();
            prop_assert!(packet::event_name(data).is_ok());
        }
    }

    #[test]
    fn sio_header_from_a_head(
        t in 0u8..7,
        att in 1u64..=12,
        att_pad in padding(),
        nsp in nsp_form(),
        id in prop::option::of(any::<u64>()),
        id_pad in padding(),
        body in prop_oneof![Just(String::new()), json_value(), any::<String>()],
    ) {
        let kind = PacketType::from_u8(t).unwrap_or(PacketType::Event);
        let limits = Limits::default();
        let mut text = String::from(char::from(b'0' + t));
        let att_digits = format!("{}{att}", "0".repeat(att_pad));
        if kind.is_binary() {
            text.push_str(&att_digits);
            text.push('-');
        }
        let id_digits = id.map(|id| format!("{}{id}", "0".repeat(id_pad)));
        let (name, id, body) = match &nsp {
            Nsp::Omitted => ("/", id, body.as_str()),
            Nsp::Comma(n) => (n.as_str(), id, body.as_str()),
            Nsp::ToEnd(n) => (n.as_str(), None, ""),
        };
        match &nsp {
            Nsp::Omitted => {}
            Nsp::Comma(n) => {
                text.push_str(n);
                text.push(',');
            }
            Nsp::ToEnd(n) => text.push_str(n),
        }
        if id.is_some() {
            text.push_str(id_digits.as_deref().unwrap_or_default());
        }
        let header_end = text.len();
        text.push_str(body);

        // What the whole text decodes to, unless the body reads on as
        // part of the header.
        let ambiguous = body.starts_with(|c: char| {
            c.is_ascii_digit() || (c == '/' && id.is_none() && matches!(nsp, Nsp::Omitted))
        });
        let expected = if !kind.is_binary() {
            Ok(0)
        } else if att_digits.len() > 20 {
            let first: u128 = att_digits[..21].parse().unwrap_or(u128::MAX);
            Err(if first > limits.max_attachments as u128 {
                DecodeError::TooManyAttachments
            } else {
                DecodeError::BadAttachments
            })
        } else if att > limits.max_attachments as u64 {
            Err(DecodeError::TooManyAttachments)
        } else {
            Ok(att as usize)
        };
        let expected = expected.and_then(|attachments| {
            if id.is_some() && id_digits.as_ref().is_some_and(|d| d.len() > 20) {
                return Err(DecodeError::BadAckId);
            }
            Ok(Header { kind, attachments, nsp: Some(name), id, body: header_end })
        });
        let whole = packet::decode_header(&text, true, &limits);
        if !ambiguous {
            prop_assert_eq!(whole, expected, "{:?}", text);
        }
        check_heads(&text, &limits)?;
    }

    #[test]
    fn sio_header_from_a_head_protocol_ish(s in protocol_ish()) {
        check_heads(&s, &Limits::default())?;
        check_heads(&s, &Limits { max_attachments: 2, max_depth: 3 })?;
    }

    #[test]
    fn base64_roundtrip(b in prop::collection::vec(any::<u8>(), 0..200)) {
        let e = engine_codec::base64_encode(&b);
        prop_assert_eq!(e.len() % 4, 0);
        prop_assert_eq!(engine_codec::base64_decode(&e), Ok(b.clone()));
        prop_assert_eq!(engine_codec::base64_decode(e.trim_end_matches('=')), Ok(b));
    }

    #[test]
    fn json_string_roundtrip(s in any::<String>()) {
        let q = json_str(&s);
        prop_assert_eq!(json::validate(&q, 0), Ok(Kind::String));
        prop_assert_eq!(json::parse_string(&q), Ok(s.clone()));
        let arr = format!("[{q},1]");
        prop_assert_eq!(packet::last_arg_string(&format!("[1,{q}]")), Some(s.clone()));
        prop_assert_eq!(packet::event_name(&arr), Ok(s));
    }

    #[test]
    fn json_count_roundtrip(n in 0..=json::MAX_SAFE_INTEGER) {
        let mut s = String::new();
        json::write_u64(&mut s, n);
        prop_assert_eq!(&s, &n.to_string());
        prop_assert_eq!(json::parse_count(&s), Ok(n));
        // Any spelling of the same value reads the same (as JSON.parse does).
        prop_assert_eq!(json::parse_count(&format!("{n}.0")), Ok(n));
        prop_assert_eq!(json::parse_count(&format!("{n}e0")), Ok(n));
    }

    #[test]
    fn json_generated_values_validate(v in json_value()) {
        prop_assert!(json::validate(&v, 16).is_ok(), "{}", v);
        let arr = format!("[{v}, {v}]");
        let elems = json::array_elements(&arr, 16).unwrap();
        prop_assert_eq!(elems.len(), 2);
        for r in elems {
            prop_assert_eq!(&arr[r], v.as_str());
        }
        let obj = format!("{{\"a\":{v}}}");
        let members = json::object_members(&obj, 16).unwrap();
        prop_assert_eq!(members.len(), 1);
        prop_assert_eq!(&obj[members[0].1.clone()], v.as_str());
    }

    #[test]
    fn json_truncation_is_an_error(v in json_value(), cut in any::<prop::sample::Index>()) {
        // any strict prefix of a complete container is rejected (not a panic)
        if v.starts_with('[') || v.starts_with('{') || v.starts_with('"') {
            let mut at = cut.index(v.len());
            while !v.is_char_boundary(at) {
                at -= 1;
            }
            prop_assert!(json::validate(&v[..at], 16).is_err());
        }
    }

    #[test]
    fn json_finish_agrees_with_the_token_loop(
        v in json_value(),
        edit in any::<prop::sample::Index>(),
        byte in prop::sample::select(b"[]{},:\"\\ 0-.eEtfnu1x".to_vec()),
        tokens_first in 0usize..4,
        depth in 0usize..6,
    ) {
        // A valid value, and the same with one byte replaced: `finish` after
        // a few tokens must give exactly the verdict of reading every token.
        let mut broken = v.clone().into_bytes();
        let at = edit.index(broken.len().max(1)).min(broken.len().saturating_sub(1));
        if !broken.is_empty() {
            broken[at] = byte;
        }
        for text in [v.clone(), String::from_utf8_lossy(&broken).into_owned()] {
            let mut all = json::Scanner::new(&text, depth);
            let by_tokens = loop {
                match all.next_token() {
                    Ok(Some(_)) => {}
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            let mut some = json::Scanner::new(&text, depth);
            let mut early = None;
            for _ in 0..tokens_first {
                match some.next_token() {
                    Ok(Some(_)) => {}
                    Ok(None) => { early = Some(Ok(())); break; }
                    Err(e) => { early = Some(Err(e)); break; }
                }
            }
            let by_finish = early.unwrap_or_else(|| some.finish());
            prop_assert_eq!(by_finish, by_tokens, "{}", text);
        }
    }

    #[test]
    fn json_never_panics(s in any::<String>(), depth in 0usize..8) {
        let _ = json::validate(&s, depth);
        let _ = json::array_elements(&s, depth);
        let _ = json::object_members(&s, depth);
        let _ = json::parse_string(&s);
        let _ = json::parse_count(&s);
    }

    #[test]
    fn json_never_panics_protocol_ish(s in protocol_ish(), depth in 0usize..8) {
        let _ = json::validate(&s, depth);
        let _ = json::array_elements(&s, depth);
        let _ = json::object_members(&s, depth);
        let _ = json::parse_string(&s);
        let _ = json::parse_count(&s);
    }

    #[test]
    fn decoders_never_panic(s in any::<String>(), b in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = engine_codec::decode_text(&s);
        let _ = engine_codec::decode_payload(&s);
        let _ = engine_codec::decode_binary(&b);
        let _ = engine_codec::base64_decode(&s);
        let _ = engine_codec::Handshake::from_json(&s);
        let _ = packet::decode(&s, &Limits::default());
        let _ = packet::event_name(&s);
        let _ = packet::last_arg_string(&s);
        let _ = packet::parse_connect(&s);
        let _ = packet::parse_connect_error(&s);
    }

    #[test]
    fn decoders_never_panic_protocol_ish(s in protocol_ish()) {
        let _ = engine_codec::decode_text(&s);
        let _ = engine_codec::decode_payload(&s);
        let _ = engine_codec::base64_decode(&s);
        let tight = Limits { max_attachments: 2, max_depth: 3 };
        let _ = packet::decode(&s, &tight);
        let _ = packet::decode(&s, &Limits::default());
        let _ = packet::event_name(&s);
        let _ = packet::last_arg_string(&s);
        let _ = packet::parse_connect(&s);
        let _ = packet::parse_connect_error(&s);
    }

    #[test]
    fn reassembler_never_panics(inputs in prop::collection::vec(prop_oneof![
        protocol_ish().prop_map(In::Text),
        "5[0-3]-\\[\"a\",\\{\"_placeholder\":true,\"num\":[0-3]\\}\\]".prop_map(In::Text),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(In::Bin),
        Just(In::Reset),
    ], 0..16)) {
        let mut dec = Decoder::new(Limits::default());
        for i in inputs {
            let out = match i {
                In::Text(t) => dec.push_text(&t),
                In::Bin(b) => dec.push_binary(b),
                In::Reset => { dec.reset(); Ok(None) }
            };
            if let Ok(Some(d)) = out {
                prop_assert_eq!(d.attachments.len(), d.packet.attachments);
                prop_assert!(!dec.is_pending());
            }
        }
    }
}

fn nested(open: &str, close: &str, n: usize) -> String {
    let mut s = open.repeat(n);
    s.push_str(&close.repeat(n));
    s
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let n = 100_000;
    let arrays = nested("[", "]", n);
    let objects = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    let unclosed = "[".repeat(n);
    for text in [&arrays, &objects, &unclosed] {
        assert_eq!(
            json::validate(text, json::DEFAULT_MAX_DEPTH),
            Err(JsonError::TooDeep)
        );
        let payload = format!("2[\"e\",{text}]");
        assert_eq!(
            packet::decode(&payload, &Limits::default()),
            Err(socketio_wasm::proto::DecodeError::Json(JsonError::TooDeep))
        );
        // helpers that take no limit stay iterative too
        let _ = packet::last_arg_string(&payload);
        let _ = packet::parse_connect(text);
        let _ = packet::parse_connect_error(text);
    }
}

#[test]
fn deep_nesting_within_the_limit_validates_on_a_small_stack() {
    // A 64 KiB stack could not hold 100,000 recursive frames: this proves the
    // scanner is iterative.
    let worker = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(|| {
            let n = 100_000;
            let arrays = nested("[", "]", n);
            let objects = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
            (
                json::validate(&arrays, n),
                json::validate(&objects, n),
                json::validate(&arrays, n - 1),
                json::array_elements(&arrays, n).map(|e| e.len()),
            )
        })
        .unwrap();
    let (a, o, a_short, elems) = worker.join().unwrap();
    assert_eq!(a, Ok(Kind::Array));
    assert_eq!(o, Ok(Kind::Object));
    assert_eq!(a_short, Err(JsonError::TooDeep));
    assert_eq!(elems, Ok(1));
}
