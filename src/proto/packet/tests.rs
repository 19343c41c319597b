use super::*;

fn d(s: &str) -> Result<Packet, DecodeError> {
    decode(s, &Limits::default())
}

fn p(kind: PacketType, nsp: &str, id: Option<u64>, data: Option<&str>, att: usize) -> Packet {
    Packet {
        kind,
        nsp: nsp.into(),
        id,
        data: data.map(Into::into),
        attachments: att,
    }
}

#[test]
fn decodes_header() {
    use PacketType::*;
    assert_eq!(d("0"), Ok(p(Connect, "/", None, None, 0)));
    assert_eq!(d("0/admin,"), Ok(p(Connect, "/admin", None, None, 0)));
    // a namespace without a comma runs to the end, as in socket.io-parser
    assert_eq!(d("1/admin"), Ok(p(Disconnect, "/admin", None, None, 0)));
    assert_eq!(d("0/,"), Ok(p(Connect, "/", None, None, 0)));
    assert_eq!(
        d("3/admin,13[\"bar\"]"),
        Ok(p(Ack, "/admin", Some(13), Some("[\"bar\"]"), 0))
    );
    assert_eq!(
        d("61-15[\"bar\",{\"_placeholder\":true,\"num\":0}]"),
        Ok(p(
            BinaryAck,
            "/",
            Some(15),
            Some("[\"bar\",{\"_placeholder\":true,\"num\":0}]"),
            1
        ))
    );
    assert_eq!(d("2 [\"a\"]"), Ok(p(Event, "/", None, Some(" [\"a\"]"), 0)));
    assert_eq!(d("2[1]"), Ok(p(Event, "/", None, Some("[1]"), 0)));
    assert_eq!(
        d("218446744073709551615[\"a\"]").map(|p| p.id),
        Ok(Some(u64::MAX))
    );
}

#[test]
fn rejects_type() {
    assert_eq!(d(""), Err(DecodeError::Empty));
    assert_eq!(d("7"), Err(DecodeError::UnknownType));
    assert_eq!(d("x"), Err(DecodeError::UnknownType));
    assert_eq!(d(" 0"), Err(DecodeError::UnknownType));
    assert_eq!(d("é"), Err(DecodeError::UnknownType));
}

#[test]
fn rejects_attachments() {
    let ph = "[\"a\",{\"_placeholder\":true,\"num\":0}]";
    assert_eq!(d(&format!("5{ph}")), Err(DecodeError::BadAttachments));
    assert_eq!(d(&format!("5-{ph}")), Err(DecodeError::BadAttachments));
    assert_eq!(d(&format!("50-{ph}")), Err(DecodeError::BadAttachments));
    assert_eq!(d(&format!("5x-{ph}")), Err(DecodeError::BadAttachments));
    assert_eq!(d("51"), Err(DecodeError::BadAttachments));
    assert_eq!(
        d(&format!("611-{ph}")),
        Err(DecodeError::TooManyAttachments)
    );
    assert_eq!(
        d(&format!("599999999999999999999999999-{ph}")),
        Err(DecodeError::TooManyAttachments)
    );
    assert!(d(&format!("510-{ph}")).is_ok());
    let tight = Limits {
        max_attachments: 1,
        ..Limits::default()
    };
    assert!(decode(&format!("51-{ph}"), &tight).is_ok());
    assert_eq!(
        decode(&format!("52-{ph}"), &tight),
        Err(DecodeError::TooManyAttachments)
    );
}

#[test]
fn rejects_ack_id() {
    assert_eq!(
        d("218446744073709551616[\"a\"]"),
        Err(DecodeError::BadAckId)
    );
}

fn head(text: &str) -> Result<Header<'_>, DecodeError> {
    decode_header(text, false, &Limits::default())
}

fn full(text: &str) -> Result<Header<'_>, DecodeError> {
    decode_header(text, true, &Limits::default())
}

fn header(
    kind: PacketType,
    attachments: usize,
    nsp: Option<&str>,
    id: Option<u64>,
    body: usize,
) -> Header<'_> {
    Header {
        kind,
        attachments,
        nsp,
        id,
        body,
    }
}

#[test]
fn header_from_a_head() {
    use PacketType::*;
    // A namespace longer than the head allows for: cut inside, none of ours.
    let long = format!("2/{},7[\"a\"]", "n".repeat(100));
    let cut = &long[..header_len(6)];
    assert_eq!(head(cut), Ok(header(Event, 0, None, None, cut.len())));
    assert_eq!(
        full(&long).map(|h| (h.nsp, h.id)),
        Ok((Some(&long[1..102]), Some(7)))
    );
    // Kind and attachments are read even so: a dropped binary packet
    // still takes its attachments.
    let bin = format!("52-/{},[\"a\"]", "n".repeat(100));
    assert_eq!(
        head(&bin[..header_len(1)]).map(|h| (h.kind, h.attachments, h.nsp)),
        Ok((BinaryEvent, 2, None))
    );
    // A head ending right after the header cannot tell whether the id
    // goes on; one more byte can.
    assert_eq!(head("2/admin,12"), Ok(header(Event, 0, None, Some(12), 10)));
    assert_eq!(head("2/admin,"), Ok(header(Event, 0, None, None, 8)));
    assert_eq!(head("2"), Ok(header(Event, 0, None, None, 1)));
    assert_eq!(
        head("2/admin,12["),
        Ok(header(Event, 0, Some("/admin"), Some(12), 10))
    );
    assert_eq!(head("2["), Ok(header(Event, 0, Some("/"), None, 1)));
    assert_eq!(
        full("2/admin,12"),
        Ok(header(Event, 0, Some("/admin"), Some(12), 10))
    );
    // The longest header for a namespace, then a byte: header_len exactly.
    let longest = format!("6{}1-/admin,{}[", "0".repeat(19), u64::MAX);
    assert_eq!(longest.len(), header_len("/admin".len()));
    let whole = header(BinaryAck, 1, Some("/admin"), Some(u64::MAX), 49);
    assert_eq!(head(&longest), Ok(whole));
    assert_eq!(head(&longest[..49]).map(|h| h.nsp), Ok(None));
    // Non-ASCII namespace: byte lengths, char boundaries.
    let text = "2/café/😀,42[\"😀\"]";
    let nsp = "/café/😀";
    assert_eq!(
        full(text),
        Ok(header(Event, 0, Some(nsp), Some(42), nsp.len() + 4))
    );
    assert_eq!(head(text), Ok(header(Event, 0, Some(nsp), Some(42), 15)));
    assert_eq!(head("2/café/").map(|h| h.nsp), Ok(None));
    assert_eq!(head("2/café/\u{FFFD}").map(|h| h.nsp), Ok(None));
}

#[test]
fn header_digit_bounds() {
    use DecodeError::*;
    // 21 digits of an ack id: more than a u64 holds.
    let id21 = format!("21{}[\"a\"]", "0".repeat(20));
    assert_eq!(full(&id21), Err(BadAckId));
    assert_eq!(head(&id21[..22]), Err(BadAckId));
    // Zero-padded past 20 digits: fits a u64, still rejected
    // (socket.io-parser takes it), as the head may not hold it.
    let padded = format!("2{}1[\"a\"]", "0".repeat(20));
    assert_eq!(full(&padded), Err(BadAckId));
    assert_eq!(head(&padded[..22]), Err(BadAckId));
    assert_eq!(
        full(&format!("2{}1[\"a\"]", "0".repeat(19))).map(|h| h.id),
        Ok(Some(1))
    );
    // Attachment counts likewise (fuzz regression: a head cut inside a
    // long zero padding failed a packet the whole text accepted).
    let ph = "[\"a\",{\"_placeholder\":true,\"num\":0}]";
    let padded = format!("5{}1-{ph}", "0".repeat(47));
    assert_eq!(full(&padded), Err(BadAttachments));
    assert_eq!(head(&padded[..header_len(1)]), Err(BadAttachments));
    let fits = format!("5{}1-{ph}", "0".repeat(19));
    assert_eq!(full(&fits).map(|h| h.attachments), Ok(1));
    // fuzz regression: too many by the digits a head holds
    let many = format!("5{}1-{ph}", "3".repeat(47));
    assert_eq!(full(&many), Err(TooManyAttachments));
    assert_eq!(head(&many[..header_len(1)]), Err(TooManyAttachments));
    assert_eq!(
        full(&format!("5{}11-{ph}", "0".repeat(19))),
        Err(TooManyAttachments)
    );
}

#[test]
fn payload_rules() {
    use DecodeError::*;
    // CONNECT: object or absent
    assert!(d("0{\"token\":1}").is_ok());
    assert_eq!(d("0[]"), Err(InvalidPayload));
    assert_eq!(d("0\"x\""), Err(InvalidPayload));
    assert_eq!(d("0{"), Err(Json(json::JsonError::UnexpectedEnd)));
    // DISCONNECT: no payload
    assert_eq!(d("1{}"), Err(InvalidPayload));
    assert_eq!(d("1/a,{}"), Err(InvalidPayload));
    // EVENT: non-empty array, first a number or a non-reserved string
    assert_eq!(d("2"), Err(InvalidPayload));
    assert_eq!(d("2[]"), Err(InvalidPayload));
    assert_eq!(d("2{}"), Err(InvalidPayload));
    assert_eq!(d("2\"a\""), Err(InvalidPayload));
    assert_eq!(d("2[null]"), Err(InvalidPayload));
    assert_eq!(d("2[true]"), Err(InvalidPayload));
    assert_eq!(d("2[[\"a\"]]"), Err(InvalidPayload));
    assert_eq!(d("2[{\"a\":1}]"), Err(InvalidPayload));
    assert_eq!(d("2[\"a\""), Err(Json(json::JsonError::UnexpectedEnd)));
    assert_eq!(d("2[\"a\"]x"), Err(Json(json::JsonError::TrailingData)));
    assert_eq!(d("2 "), Err(Json(json::JsonError::UnexpectedEnd)));
    for r in RESERVED_EVENTS {
        assert_eq!(d(&format!("2[\"{r}\"]")), Err(ReservedEventName), "{r}");
        assert_eq!(
            d(&format!("51-[\"{r}\",{{\"_placeholder\":true,\"num\":0}}]")),
            Err(ReservedEventName)
        );
    }
    // escaped reserved names are still reserved
    assert_eq!(d("2[\"\\u0063onnect\"]"), Err(ReservedEventName));
    assert!(d("2[\"connected\"]").is_ok());
    // a name that cannot be unescaped into a Rust string (fuzz regression:
    // decode accepted it, then event_name failed)
    assert_eq!(d("2[\"\\ud800\"]"), Err(Json(json::JsonError::BadEscape)));
    assert_eq!(
        d("2/admin,1[\"tel\\ud800x\",\"off1\"]"),
        Err(Json(json::JsonError::BadEscape))
    );
    // lone surrogates elsewhere in the payload stay valid JSON
    assert!(d("2[\"a\",\"\\ud800\"]").is_ok());
    // ACK: an array, possibly empty
    assert!(d("30[]").is_ok());
    assert_eq!(d("30{}"), Err(InvalidPayload));
    assert_eq!(d("30"), Err(InvalidPayload));
    assert_eq!(
        d("61-0{\"_placeholder\":true,\"num\":0}"),
        Err(InvalidPayload)
    );
    // CONNECT_ERROR: object or string
    assert!(d("4{\"message\":\"Not authorized\"}").is_ok());
    assert!(d("4\"nope\"").is_ok());
    assert_eq!(d("4[]"), Err(InvalidPayload));
    assert_eq!(d("41"), Err(InvalidPayload));
    assert_eq!(d("4"), Err(InvalidPayload));
    // depth limit
    let deep = format!("2[\"a\",{}{}]", "[".repeat(200), "]".repeat(200));
    assert_eq!(d(&deep), Err(Json(json::JsonError::TooDeep)));
    let lax = Limits {
        max_depth: 1000,
        ..Limits::default()
    };
    assert!(decode(&deep, &lax).is_ok());
}

#[test]
fn placeholders() {
    use DecodeError::*;
    let ok = [
        "52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
        "52-[\"a\",{\"x\":[{\"num\":1,\"_placeholder\":true}]}]",
        "51-[\"a\",{\"_placeholder\":false,\"num\":7}]",
        // any spelling of an index, as JSON.parse reads numbers
        "51-[\"a\",{\"_placeholder\":true,\"num\":0.0}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":-0}]",
        "51-[\"a\",{\"_placeholder\":\"true\"}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":9,\"num\":0}]",
        "51-[\"a\",{\"\\u005fplaceholder\":true,\"n\\u0075m\":0}]",
        "51-[\"a\",{\"_placeholder\":true,\"_placeholder\":false}]",
        // a value JSON.parse drops (a repeated key's earlier one) is not
        // reconstructed: its placeholders are not checked
        "51-[\"a\",{\"x\":{\"_placeholder\":true,\"num\":5},\"x\":1}]",
        "51-[\"a\",{\"x\":[{\"_placeholder\":true}],\"\\u0078\":{}}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":0,\"k\":{\"_placeholder\":true},\"k\":0}]",
        // placeholders in non-binary packets are not reconstructed: not checked
        "2[\"a\",{\"_placeholder\":true,\"num\":5}]",
    ];
    for s in ok {
        assert!(d(s).is_ok(), "{s}");
    }
    let bad = [
        "51-[\"a\",{\"_placeholder\":true,\"num\":1}]",
        "51-[\"a\",{\"_placeholder\":true}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":-1}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":0.5}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":1e0}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":[0]}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":99999999999999999999999}]",
        "51-[\"a\",{\"_placeholder\":true,\"num\":0,\"num\":1}]",
        "51-[\"a\",{\"_placeholder\":false,\"num\":1,\"_placeholder\":true}]",
        "51-[\"a\",[{\"b\":{\"_placeholder\":true,\"num\":3}}]]",
        "51-[\"a\",{\"\\u005fplaceholder\":true,\"num\":1}]",
        // the last value of a repeated key is checked
        "51-[\"a\",{\"x\":1,\"x\":{\"_placeholder\":true,\"num\":5}}]",
        "51-[\"a\",{\"x\":{\"_placeholder\":true},\"y\":1,\"x\":1,\"x\":[{\"_placeholder\":true}]}]",
        // lone surrogate keys are distinct keys, as in JSON.parse
        "51-[\"a\",{\"\\ud800\":{\"_placeholder\":true},\"\\udc00\":1}]",
        // in a placeholder, under a placeholder, in arrays
        "51-[\"a\",{\"_placeholder\":true,\"num\":0,\"k\":[[{\"_placeholder\":true}]]}]",
    ];
    for s in bad {
        assert_eq!(d(s), Err(BadPlaceholder), "{s}");
    }
}

#[test]
fn encodes() {
    use PacketType::*;
    assert_eq!(encode(&p(Connect, "/", None, None, 0)), "0");
    assert_eq!(encode(&p(Connect, "", None, None, 0)), "0");
    assert_eq!(encode(&p(Disconnect, "/admin", None, None, 0)), "1/admin,");
    assert_eq!(
        encode(&p(Event, "/admin", Some(12), Some("[\"foo\"]"), 0)),
        "2/admin,12[\"foo\"]"
    );
    assert_eq!(
        encode(&p(BinaryEvent, "/", None, Some("[\"a\"]"), 3)),
        "53-[\"a\"]"
    );
}

#[test]
fn decoder_reassembles() {
    let mut dec = Decoder::default();
    let done = dec.push_text("2[\"a\"]").unwrap().unwrap();
    assert_eq!(done.packet.kind, PacketType::Event);
    assert!(done.attachments.is_empty());

    let two = "52-[\"a\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
    assert_eq!(dec.push_text(two), Ok(None));
    assert!(dec.is_pending());
    assert_eq!(dec.push_binary(vec![1]), Ok(None));
    let done = dec.push_binary(vec![2, 3]).unwrap().unwrap();
    assert_eq!(done.packet.attachments, 2);
    assert_eq!(done.attachments, vec![vec![1], vec![2, 3]]);
    assert!(!dec.is_pending());

    // binary without a pending packet
    assert_eq!(dec.push_binary(vec![1]), Err(DecodeError::UnexpectedBinary));
    // text while attachments are pending; the decoder then starts afresh
    assert_eq!(dec.push_text(two), Ok(None));
    assert_eq!(
        dec.push_text("2[\"a\"]"),
        Err(DecodeError::MissingAttachments)
    );
    assert!(!dec.is_pending());
    assert!(dec.push_text("2[\"a\"]").unwrap().is_some());
    // reset drops the partial packet
    assert_eq!(dec.push_text(two), Ok(None));
    dec.reset();
    assert_eq!(dec.push_binary(vec![1]), Err(DecodeError::UnexpectedBinary));
    // decode errors propagate and leave nothing pending
    assert_eq!(dec.push_text("9"), Err(DecodeError::UnknownType));
    assert!(!dec.is_pending());
}

#[test]
fn helpers() {
    assert_eq!(event_name(" [ \"h\\u00e9\" , 1]").as_deref(), Ok("hé"));
    assert_eq!(event_name("[12,1]").as_deref(), Ok("12"));
    assert_eq!(event_name("[]"), Err(DecodeError::InvalidPayload));
    assert_eq!(event_name("[null]"), Err(DecodeError::InvalidPayload));
    assert_eq!(event_name("[[\"a\"]]"), Err(DecodeError::InvalidPayload));
    assert_eq!(event_name("{}"), Err(DecodeError::InvalidPayload));
    assert_eq!(
        event_name(""),
        Err(DecodeError::Json(json::JsonError::UnexpectedEnd))
    );

    assert_eq!(
        last_arg_string("[\"ev\",1,\"off\\u0031\"]").as_deref(),
        Some("off1")
    );
    assert_eq!(last_arg_string("[\"ev\",\"x\",{}]"), None);
    assert_eq!(last_arg_string("[\"ev\"]"), None);
    assert_eq!(last_arg_string("[\"ev\",\"x\""), None);
    assert_eq!(last_arg_string("{}"), None);

    assert_eq!(
        parse_connect("{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}"),
        Ok(ConnectAck {
            sid: "wZX3oN0bSVIhsaknAAAI".into(),
            pid: None
        })
    );
    assert_eq!(
        parse_connect("{\"sid\":\"a\",\"pid\":\"b\"}"),
        Ok(ConnectAck {
            sid: "a".into(),
            pid: Some("b".into())
        })
    );
    assert_eq!(
        parse_connect("{\"sid\":\"a\",\"pid\":null}").map(|c| c.pid),
        Ok(None)
    );
    assert_eq!(parse_connect("{}"), Err(DecodeError::InvalidPayload));
    assert_eq!(
        parse_connect("{\"sid\":\"\"}"),
        Err(DecodeError::InvalidPayload)
    );
    assert_eq!(
        parse_connect("{\"sid\":1}"),
        Err(DecodeError::InvalidPayload)
    );
    assert_eq!(
        parse_connect("[]"),
        Err(DecodeError::Json(json::JsonError::WrongKind))
    );

    assert_eq!(
        parse_connect_error("{\"message\":\"Not authorized\",\"data\":{\"code\":1}}"),
        Ok(ConnectErrorPayload {
            message: "Not authorized".into(),
            data: Some("{\"code\":1}".into())
        })
    );
    assert_eq!(
        parse_connect_error("\"nope\"").map(|e| e.message),
        Ok("nope".into())
    );
    assert_eq!(
        parse_connect_error("{\"message\":42}").map(|e| e.message),
        Ok("42".into())
    );
    assert_eq!(
        parse_connect_error("{}").map(|e| e.message),
        Ok(String::new())
    );
    assert!(parse_connect_error("[]").is_err());
    assert!(parse_connect_error("{").is_err());
    // a key no Rust string holds (a lone surrogate) does not hide the rest
    assert_eq!(
        parse_connect("{\"\\ud800\":1,\"sid\":\"a\"}").map(|c| c.sid),
        Ok("a".into())
    );
    assert_eq!(
        parse_connect_error("{\"\\ud800\":1,\"message\":\"m\"}").map(|e| e.message),
        Ok("m".into())
    );

    assert_eq!(connect_payload(None, None, None), None);
    assert_eq!(
        connect_payload(Some("{\"token\":\"1\"}"), None, None).as_deref(),
        Some("{\"token\":\"1\"}")
    );
    assert_eq!(
        connect_payload(None, Some("p\"1"), Some("o1")).as_deref(),
        Some("{\"pid\":\"p\\\"1\",\"offset\":\"o1\"}")
    );
    assert_eq!(
        connect_payload(Some(" { \"token\" : 1 } "), Some("p"), None).as_deref(),
        Some("{\"pid\":\"p\",\"token\" : 1}")
    );
    assert_eq!(
        connect_payload(Some("{}"), Some("p"), Some("o")).as_deref(),
        Some("{\"pid\":\"p\",\"offset\":\"o\"}")
    );
}

#[test]
fn packet_type_helpers() {
    for n in 0..7u8 {
        let t = PacketType::from_u8(n).unwrap();
        assert_eq!(t as u8, n);
        assert_eq!(t.is_binary(), n >= 5);
        assert_eq!(t.is_event(), n == 2 || n == 5);
    }
    assert_eq!(PacketType::from_u8(7), None);
}
