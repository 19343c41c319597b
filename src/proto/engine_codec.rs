//! Engine.IO protocol v4 codec: WebSocket frames and polling payloads.
//!
//! A text packet is `<type digit>[<data>]`. Over WebSocket each packet is one
//! frame and binary messages are raw binary frames. Over HTTP long-polling,
//! packets are joined by the record separator `\x1e` and binary messages are
//! written `b<base64>`. As in engine.io-parser, a `b<base64>` text packet is
//! accepted in any text frame, and extra data after Close/Upgrade/Noop is
//! ignored.

use super::error::DecodeError;
use super::json;
use crate::prelude::*;

/// The packet separator of polling payloads (ASCII record separator).
pub const SEPARATOR: char = '\x1e';

/// The Engine.IO OPEN handshake sent by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The session id.
    pub sid: String,
    /// Transports the client may upgrade to (e.g. `["websocket"]`).
    pub upgrades: Vec<String>,
    /// Milliseconds between the server's pings.
    pub ping_interval: u64,
    /// Milliseconds the server waits for a pong.
    pub ping_timeout: u64,
    /// Largest payload (bytes) the server accepts in one polling request;
    /// 0 when the server did not say (no limit, as in engine.io-client).
    pub max_payload: u64,
}

impl Handshake {
    /// Parses the JSON payload of an OPEN packet. `sid`, `pingInterval` and
    /// `pingTimeout` are required; `upgrades` and `maxPayload` default to
    /// empty and 0; unknown keys are ignored, at any depth; a repeated key's
    /// last value wins, and only that one must be valid (engine.io-client
    /// reads what `JSON.parse` gives).
    pub fn from_json(text: &str) -> Result<Handshake, DecodeError> {
        let bad = |_| DecodeError::BadHandshake;
        let members = json::object_members(text, usize::MAX).map_err(bad)?;
        let (mut sid, mut upgrades, mut interval, mut timeout, mut max_payload) =
            (None, None, None, None, None);
        for (key, range) in members {
            let slot = match key.as_str() {
                "sid" => &mut sid,
                "upgrades" => &mut upgrades,
                "pingInterval" => &mut interval,
                "pingTimeout" => &mut timeout,
                "maxPayload" => &mut max_payload,
                _ => continue,
            };
            *slot = Some(json::slice(text, range).map_err(bad)?);
        }
        let int = |v: &str| json::parse_count(v).map_err(bad);
        let (Some(sid), Some(interval), Some(timeout)) = (sid, interval, timeout) else {
            return Err(DecodeError::BadHandshake);
        };
        let mut names = Vec::new();
        if let Some(value) = upgrades {
            for r in json::array_elements(value, 1).map_err(bad)? {
                names.push(
                    json::slice(value, r)
                        .and_then(json::parse_string)
                        .map_err(bad)?,
                );
            }
        }
        Ok(Handshake {
            sid: json::parse_string(sid).map_err(bad)?,
            upgrades: names,
            ping_interval: int(interval)?,
            ping_timeout: int(timeout)?,
            max_payload: max_payload.map_or(Ok(0), int)?,
        })
    }

    /// Serializes this handshake as the JSON payload of an OPEN packet.
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(96 + self.sid.len());
        s.push_str("{\"sid\":");
        json::write_string(&mut s, &self.sid);
        s.push_str(",\"upgrades\":[");
        for (i, u) in self.upgrades.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            json::write_string(&mut s, u);
        }
        s.push_str("],\"pingInterval\":");
        json::write_u64(&mut s, self.ping_interval);
        s.push_str(",\"pingTimeout\":");
        json::write_u64(&mut s, self.ping_timeout);
        s.push_str(",\"maxPayload\":");
        json::write_u64(&mut s, self.max_payload);
        s.push('}');
        s
    }
}

/// The data of an Engine.IO MESSAGE packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
}

/// One Engine.IO packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnginePacket {
    /// `0`: the handshake.
    Open(Handshake),
    /// `1`: close the session.
    Close,
    /// `2`: ping, optionally with a payload (`"probe"` during upgrade).
    /// `Some("")` is encoded as, and decodes back to, `None`.
    Ping(Option<String>),
    /// `3`: pong, optionally with a payload (`"probe"` during upgrade).
    /// `Some("")` is encoded as, and decodes back to, `None`.
    Pong(Option<String>),
    /// `4`: a message.
    Message(Data),
    /// `5`: upgrade.
    Upgrade,
    /// `6`: noop.
    Noop,
}

/// A WebSocket frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
}

fn optional(data: &str) -> Option<String> {
    (!data.is_empty()).then(|| data.to_owned())
}

/// Decodes one text packet: a WebSocket text frame, or one packet of a
/// polling payload.
pub fn decode_text(text: &str) -> Result<EnginePacket, DecodeError> {
    let first = *text.as_bytes().first().ok_or(DecodeError::Empty)?;
    // `first` is ASCII in every accepted case, so byte 1 is a char boundary.
    let data = || text.get(1..).unwrap_or_default();
    Ok(match first {
        b'0' => EnginePacket::Open(Handshake::from_json(data())?),
        b'1' => EnginePacket::Close,
        b'2' => EnginePacket::Ping(optional(data())),
        b'3' => EnginePacket::Pong(optional(data())),
        b'4' => EnginePacket::Message(Data::Text(data().to_owned())),
        b'5' => EnginePacket::Upgrade,
        b'6' => EnginePacket::Noop,
        b'b' => EnginePacket::Message(Data::Binary(base64_decode(data())?)),
        _ => return Err(DecodeError::UnknownType),
    })
}

/// Decodes one WebSocket binary frame: always a binary MESSAGE.
pub fn decode_binary(bytes: &[u8]) -> EnginePacket {
    EnginePacket::Message(Data::Binary(bytes.to_vec()))
}

/// Appends the text form of `packet` to `out` (binary messages as
/// `b<base64>`, as in polling payloads).
fn write_text(out: &mut String, packet: &EnginePacket) {
    let (digit, data): (char, &str) = match packet {
        EnginePacket::Open(h) => {
            out.push('0');
            out.push_str(&h.to_json());
            return;
        }
        EnginePacket::Close => ('1', ""),
        EnginePacket::Ping(d) => ('2', d.as_deref().unwrap_or_default()),
        EnginePacket::Pong(d) => ('3', d.as_deref().unwrap_or_default()),
        EnginePacket::Message(Data::Text(t)) => ('4', t),
        EnginePacket::Message(Data::Binary(b)) => {
            out.push('b');
            base64_encode_into(out, b);
            return;
        }
        EnginePacket::Upgrade => ('5', ""),
        EnginePacket::Noop => ('6', ""),
    };
    out.push(digit);
    out.push_str(data);
}

/// Encodes a packet as its text form (binary messages as `b<base64>`).
pub fn encode_text(packet: &EnginePacket) -> String {
    let mut s = String::new();
    write_text(&mut s, packet);
    s
}

/// Encodes a packet as one WebSocket frame (binary messages as binary frames).
pub fn encode_ws(packet: &EnginePacket) -> Frame {
    match packet {
        EnginePacket::Message(Data::Binary(b)) => Frame::Binary(b.clone()),
        p => Frame::Text(encode_text(p)),
    }
}

/// Decodes a polling payload: packets separated by `\x1e`, binary messages
/// as `b` + base64. The first bad packet fails the whole payload.
pub fn decode_payload(text: &str) -> Result<Vec<EnginePacket>, DecodeError> {
    text.split(SEPARATOR).map(decode_text).collect()
}

/// Encodes packets as one polling payload. Text messages must not contain
/// `\x1e` (the protocol has no escape for it).
pub fn encode_payload(packets: &[EnginePacket]) -> String {
    let mut s = String::new();
    for (i, p) in packets.iter().enumerate() {
        if i > 0 {
            s.push(SEPARATOR);
        }
        write_text(&mut s, p);
    }
    s
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode_into(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len().div_ceil(3) * 4);
    let sym = |v: u32| char::from(B64[(v & 63) as usize]);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(v >> 18));
        out.push(sym(v >> 12));
        out.push(if chunk.len() > 1 { sym(v >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(v) } else { '=' });
    }
}

/// Standard base64 (RFC 4648 alphabet, with padding) encoding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut s = String::new();
    base64_encode_into(&mut s, bytes);
    s
}

fn b64_value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Standard base64 decoding. Padding is optional, but when present the text
/// length must be a multiple of 4; unused trailing bits are ignored.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let all = text.as_bytes();
    let mut body = all;
    for _ in 0..2 {
        if let Some(rest) = body.strip_suffix(b"=") {
            body = rest;
        }
    }
    if (body.len() != all.len() && all.len() % 4 != 0) || body.len() % 4 == 1 {
        return Err(DecodeError::BadBase64);
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in body {
        acc = (acc << 6) | b64_value(c).ok_or(DecodeError::BadBase64)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hs() -> Handshake {
        Handshake {
            sid: "lv_VI97HAXpY6yYWAAAC".into(),
            upgrades: vec!["websocket".into()],
            ping_interval: 25000,
            ping_timeout: 20000,
            max_payload: 1000000,
        }
    }

    #[test]
    fn handshake() {
        let text = r#"{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;
        assert_eq!(Handshake::from_json(text), Ok(hs()));
        assert_eq!(hs().to_json(), text);
        // optional fields, unknown keys, whitespace, last duplicate wins
        let h = Handshake::from_json(
            r#" { "x":{"y":[1]}, "sid":"a", "sid":"b", "pingInterval":1, "pingTimeout":2 } "#,
        )
        .unwrap();
        assert_eq!(h.sid, "b");
        assert_eq!(h.upgrades, Vec::<String>::new());
        assert_eq!(h.max_payload, 0);
    }

    #[test]
    fn handshake_as_json_parse_reads_it() {
        // only the last of a repeated key counts, even when an earlier one is bad
        let h = Handshake::from_json(
            r#"{"sid":1,"sid":"a","pingInterval":"x","pingInterval":2.5e4,"pingTimeout":1,"upgrades":[1],"upgrades":["websocket"],"maxPayload":-1,"maxPayload":9}"#,
        )
        .unwrap();
        assert_eq!(
            (h.sid.as_str(), h.ping_interval, h.upgrades, h.max_payload),
            ("a", 25000, vec![String::from("websocket")], 9)
        );
        // unknown keys are ignored at any depth, and with any name
        let deep = format!(
            r#"{{"x":{}1{},"\ud800":1,"sid":"a","pingInterval":1,"pingTimeout":2}}"#,
            "[".repeat(1000),
            "]".repeat(1000)
        );
        assert_eq!(Handshake::from_json(&deep).map(|h| h.ping_timeout), Ok(2));
        // the last one bad
        assert_eq!(
            Handshake::from_json(r#"{"sid":"a","sid":1,"pingInterval":1,"pingTimeout":2}"#),
            Err(DecodeError::BadHandshake)
        );
    }

    #[test]
    fn handshake_errors() {
        let bad = [
            "",
            "[]",
            "{",
            r#"{"pingInterval":1,"pingTimeout":2}"#,
            r#"{"sid":"a","pingTimeout":2}"#,
            r#"{"sid":"a","pingInterval":1}"#,
            r#"{"sid":1,"pingInterval":1,"pingTimeout":2}"#,
            r#"{"sid":"a","pingInterval":"1","pingTimeout":2}"#,
            r#"{"sid":"a","pingInterval":-1,"pingTimeout":2}"#,
            r#"{"sid":"a","pingInterval":1,"pingTimeout":2.5}"#,
            r#"{"sid":"a","pingInterval":1,"pingTimeout":2,"maxPayload":null}"#,
            r#"{"sid":"a","pingInterval":1,"pingTimeout":2,"upgrades":"websocket"}"#,
            r#"{"sid":"a","pingInterval":1,"pingTimeout":2,"upgrades":[1]}"#,
            r#"{"sid":"a","pingInterval":1,"pingTimeout":2,"upgrades":[["x"]]}"#,
            r#"{"sid":"\ud800","pingInterval":1,"pingTimeout":2}"#,
        ];
        for b in bad {
            assert_eq!(
                Handshake::from_json(b),
                Err(DecodeError::BadHandshake),
                "{b}"
            );
            assert_eq!(
                decode_text(&format!("0{b}")),
                Err(DecodeError::BadHandshake)
            );
        }
    }

    #[test]
    fn text_packets() {
        use EnginePacket::*;
        assert_eq!(decode_text("1"), Ok(Close));
        assert_eq!(decode_text("2"), Ok(Ping(None)));
        assert_eq!(decode_text("2probe"), Ok(Ping(Some("probe".into()))));
        assert_eq!(decode_text("3probe"), Ok(Pong(Some("probe".into()))));
        assert_eq!(decode_text("3"), Ok(Pong(None)));
        assert_eq!(decode_text("4"), Ok(Message(Data::Text("".into()))));
        assert_eq!(decode_text("4€€"), Ok(Message(Data::Text("€€".into()))));
        assert_eq!(decode_text("5"), Ok(Upgrade));
        assert_eq!(decode_text("6"), Ok(Noop));
        // extra data after close/upgrade/noop is ignored, as engine.io-parser does
        assert_eq!(decode_text("1x"), Ok(Close));
        assert_eq!(
            decode_text("bAQID"),
            Ok(Message(Data::Binary(vec![1, 2, 3])))
        );
        assert_eq!(decode_text(""), Err(DecodeError::Empty));
        assert_eq!(decode_text("7"), Err(DecodeError::UnknownType));
        assert_eq!(decode_text("é"), Err(DecodeError::UnknownType));
        assert_eq!(decode_text("b!!!!"), Err(DecodeError::BadBase64));
        assert_eq!(decode_binary(&[1, 2]), Message(Data::Binary(vec![1, 2])));
    }

    #[test]
    fn ws_frames() {
        use EnginePacket::*;
        assert_eq!(encode_ws(&Ping(None)), Frame::Text("2".into()));
        assert_eq!(
            encode_ws(&Pong(Some("probe".into()))),
            Frame::Text("3probe".into())
        );
        assert_eq!(encode_ws(&Upgrade), Frame::Text("5".into()));
        assert_eq!(encode_ws(&Noop), Frame::Text("6".into()));
        assert_eq!(encode_ws(&Close), Frame::Text("1".into()));
        assert_eq!(
            encode_ws(&Message(Data::Text("hello".into()))),
            Frame::Text("4hello".into())
        );
        assert_eq!(
            encode_ws(&Message(Data::Binary(vec![1, 2, 3]))),
            Frame::Binary(vec![1, 2, 3])
        );
        let open = encode_ws(&Open(hs()));
        assert_eq!(open, Frame::Text(format!("0{}", hs().to_json())));
    }

    #[test]
    fn payloads() {
        use EnginePacket::*;
        let p = vec![
            Message(Data::Text("hello".into())),
            Ping(None),
            Message(Data::Binary(vec![1, 2, 3, 4])),
        ];
        let s = encode_payload(&p);
        assert_eq!(s, "4hello\x1e2\x1ebAQIDBA==");
        assert_eq!(decode_payload(&s), Ok(p));
        assert_eq!(decode_payload(""), Err(DecodeError::Empty));
        assert_eq!(decode_payload("4a\x1e"), Err(DecodeError::Empty));
        assert_eq!(decode_payload("4a\x1e9"), Err(DecodeError::UnknownType));
        assert_eq!(encode_payload(&[]), "");
    }

    #[test]
    fn base64() {
        let cases: [(&[u8], &str); 5] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (&[0xfb, 0xff, 0xfe, 1], "+//+AQ=="),
        ];
        for (raw, enc) in cases {
            assert_eq!(base64_encode(raw), enc);
            assert_eq!(base64_decode(enc).as_deref(), Ok(raw));
        }
        // padding is optional
        assert_eq!(base64_decode("Zg").as_deref(), Ok(&b"f"[..]));
        assert_eq!(base64_decode("Zm8").as_deref(), Ok(&b"fo"[..]));
        for bad in [
            "Z", "Zg=", "Zm9vZ", "Z===", "Zg==Zg==", "Zm9v=", "Zm-v", "Zm9v\n", "====",
        ] {
            assert_eq!(base64_decode(bad), Err(DecodeError::BadBase64), "{bad}");
        }
    }
}
