//! Table-driven protocol vectors: the data lives in `tests/vectors/*.txt`
//! (transcribed from the Engine.IO v4 and Socket.IO v5 specs' examples); this
//! file only parses those tables and checks both directions.

use socketio_wasm::proto::engine_codec::{self, Data, EnginePacket, Frame, Handshake};
use socketio_wasm::proto::packet::{self, Decoder, Limits, Packet, PacketType};

const ENGINE_WS: &str = include_str!("vectors/engine_ws.txt");
const ENGINE_PAYLOAD: &str = include_str!("vectors/engine_payload.txt");
const SOCKETIO: &str = include_str!("vectors/socketio.txt");

/// The vector lines of a table: (line number, TAB-separated fields).
fn load(text: &str) -> Vec<(usize, Vec<String>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(str::to_owned).collect()))
        .collect()
}

/// `\\`, `\t`, `\n` and `\xNN` escapes.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let b = u8::from_str_radix(&hex, 16).expect("bad \\x escape");
                assert!(b < 0x80, "\\x escape must be ASCII");
                out.push(char::from(b));
            }
            other => panic!("bad escape \\{other:?}"),
        }
    }
    out
}

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("bad hex"))
        .collect()
}

fn frame(s: &str) -> Frame {
    if let Some(t) = s.strip_prefix("text:") {
        Frame::Text(unescape(t))
    } else if let Some(h) = s.strip_prefix("bin:") {
        Frame::Binary(hex(h))
    } else {
        panic!("bad frame {s}")
    }
}

fn engine_packet(s: &str) -> EnginePacket {
    let (kind, rest) = s.split_once(':').unwrap_or((s, ""));
    let opt = |r: &str| (!r.is_empty()).then(|| unescape(r));
    match kind {
        "open" => {
            let f: Vec<&str> = rest.split(';').collect();
            assert_eq!(f.len(), 5, "open needs 5 fields: {s}");
            EnginePacket::Open(Handshake {
                sid: f[0].to_owned(),
                upgrades: f[1]
                    .split(',')
                    .filter(|u| !u.is_empty())
                    .map(str::to_owned)
                    .collect(),
                ping_interval: f[2].parse().unwrap(),
                ping_timeout: f[3].parse().unwrap(),
                max_payload: f[4].parse().unwrap(),
            })
        }
        "close" => EnginePacket::Close,
        "ping" => EnginePacket::Ping(opt(rest)),
        "pong" => EnginePacket::Pong(opt(rest)),
        "upgrade" => EnginePacket::Upgrade,
        "noop" => EnginePacket::Noop,
        "message" => match rest.split_once(':') {
            Some(("text", t)) => EnginePacket::Message(Data::Text(unescape(t))),
            Some(("bin", h)) => EnginePacket::Message(Data::Binary(hex(h))),
            _ => panic!("bad message {s}"),
        },
        _ => panic!("bad packet {s}"),
    }
}

fn decode_frame(f: &Frame) -> Result<EnginePacket, String> {
    match f {
        Frame::Text(t) => engine_codec::decode_text(t).map_err(|e| format!("{e:?}")),
        Frame::Binary(b) => Ok(engine_codec::decode_binary(b)),
    }
}

#[test]
fn engine_ws_vectors() {
    let rows = load(ENGINE_WS);
    assert!(rows.len() >= 20);
    for (line, f) in rows {
        let at = format!("engine_ws.txt:{line}");
        assert_eq!(f.len(), 3, "{at}: 3 fields expected");
        let fr = frame(&f[1]);
        match f[0].as_str() {
            "both" | "decode" => {
                let p = engine_packet(&f[2]);
                assert_eq!(decode_frame(&fr), Ok(p.clone()), "{at}: decode");
                if f[0] == "both" {
                    assert_eq!(engine_codec::encode_ws(&p), fr, "{at}: encode");
                }
            }
            "error" => assert_eq!(decode_frame(&fr), Err(f[2].clone()), "{at}"),
            d => panic!("{at}: bad direction {d}"),
        }
    }
}

#[test]
fn engine_payload_vectors() {
    let rows = load(ENGINE_PAYLOAD);
    assert!(rows.len() >= 15);
    for (line, f) in rows {
        let at = format!("engine_payload.txt:{line}");
        let payload = unescape(&f[1]);
        match f[0].as_str() {
            "both" | "decode" => {
                let packets: Vec<EnginePacket> = f[2..].iter().map(|s| engine_packet(s)).collect();
                assert_eq!(
                    engine_codec::decode_payload(&payload),
                    Ok(packets.clone()),
                    "{at}: decode"
                );
                if f[0] == "both" {
                    assert_eq!(
                        engine_codec::encode_payload(&packets),
                        payload,
                        "{at}: encode"
                    );
                }
            }
            "error" => {
                assert_eq!(f.len(), 3, "{at}");
                let got = engine_codec::decode_payload(&payload).map_err(|e| format!("{e:?}"));
                assert_eq!(got, Err(f[2].clone()), "{at}");
            }
            d => panic!("{at}: bad direction {d}"),
        }
    }
}

fn sio_packet(f: &[String]) -> Packet {
    let opt = |s: &str| (s != "-").then(|| s.to_owned());
    Packet {
        kind: PacketType::from_u8(f[0].parse().unwrap()).expect("bad type"),
        nsp: f[1].clone(),
        id: opt(&f[2]).map(|s| s.parse().unwrap()),
        attachments: f[3].parse().unwrap(),
        data: opt(&f[4]),
    }
}

#[test]
fn socketio_vectors() {
    let rows = load(SOCKETIO);
    assert!(rows.len() >= 40);
    let limits = Limits::default();
    for (line, f) in rows {
        let at = format!("socketio.txt:{line}");
        let text = unescape(&f[1]);
        match f[0].as_str() {
            "both" | "decode" => {
                assert!(f.len() == 7 || f.len() == 8, "{at}: 7 or 8 fields");
                let p = sio_packet(&f[2..7]);
                assert_eq!(
                    packet::decode(&text, &limits),
                    Ok(p.clone()),
                    "{at}: decode"
                );
                if f[0] == "both" {
                    assert_eq!(packet::encode(&p), text, "{at}: encode");
                }
                // the reassembler: text, then the attachments
                let buffers: Vec<Vec<u8>> = f
                    .get(7)
                    .map(|b| b.split(',').map(hex).collect())
                    .unwrap_or_default();
                assert_eq!(buffers.len(), p.attachments, "{at}: buffers vs attachments");
                let mut dec = Decoder::new(limits);
                let mut out = dec.push_text(&text).unwrap();
                for (i, b) in buffers.iter().enumerate() {
                    assert!(out.is_none(), "{at}: complete before attachment {i}");
                    out = dec.push_binary(b.clone()).unwrap();
                }
                let done = out.unwrap_or_else(|| panic!("{at}: not complete"));
                assert_eq!(done.packet, p, "{at}");
                assert_eq!(done.attachments, buffers, "{at}");
                assert!(!dec.is_pending(), "{at}");
            }
            "error" => {
                assert_eq!(f.len(), 3, "{at}");
                let got = packet::decode(&text, &limits).map_err(|e| format!("{e:?}"));
                assert_eq!(got, Err(f[2].clone()), "{at}");
                let mut dec = Decoder::new(limits);
                let got = dec.push_text(&text).map_err(|e| format!("{e:?}"));
                assert_eq!(got, Err(f[2].clone()), "{at}: reassembler");
            }
            d => panic!("{at}: bad direction {d}"),
        }
    }
}

/// The full stack of the spec's sample session: a polling payload carrying
/// Socket.IO packets inside Engine.IO messages.
#[test]
fn sample_session_layers() {
    let body = "42[\"hello\"]\x1e42[\"world\"]";
    let packets = engine_codec::decode_payload(body).unwrap();
    let names: Vec<String> = packets
        .iter()
        .map(|p| match p {
            EnginePacket::Message(Data::Text(t)) => {
                let sio = packet::decode(t, &Limits::default()).unwrap();
                packet::event_name(sio.data.as_deref().unwrap()).unwrap()
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(names, ["hello", "world"]);
}
