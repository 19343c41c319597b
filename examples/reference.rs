//! The Rust reference codec as a process, for the differential test
//! (tests/js/differential.test.ts): the same inputs go through this and
//! through js/codec.ts, and the answers must agree.
//!
//! stdin: one JSON case a line,
//! - `{"kind":"packet","text":T,"attachments":N?}`: `T` a Socket.IO packet
//!   (without the Engine.IO `4`), its body given `N` attachments (default:
//!   the header's count);
//! - `{"kind":"handshake","text":T}`: `T` an Engine.IO OPEN packet (`0{...}`).
//!
//! stdout: one JSON answer a line, in order, computed as the core and
//! [`JsonText`] compute them (`decode_header`, then the [`Payloads`] method
//! the core would call), errors by their `Debug` names.
//!
//! `cargo run --quiet --example reference < cases.jsonl`

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use std::io::{BufRead, BufWriter, Write};

    use serde_json::{json, Value};
    use socketio_wasm::proto::json::{self, Event, Kind, Scanner};
    use socketio_wasm::proto::packet::{self, Limits, PacketType};
    use socketio_wasm::proto::{JsonText, Payloads};

    /// The JS codec takes any nesting depth (V8's `JSON.parse` is
    /// iterative), so the reference is run without the scanner's depth
    /// bound: a depth refusal would be a difference of configuration, not
    /// of rules.
    const LIMITS: Limits = Limits {
        max_attachments: 10,
        max_depth: usize::MAX,
    };

    fn err(e: impl core::fmt::Debug) -> Value {
        json!({ "ok": false, "error": format!("{e:?}") })
    }

    /// Whether the first element of the array `body` is a number token (an
    /// event name `"12"` and `12` read the same through `event_name`).
    fn name_is_number(body: &str) -> bool {
        let mut s = Scanner::new(body, usize::MAX);
        let _root = s.next_token();
        matches!(s.next_token(), Ok(Some(t)) if t.event == Event::Scalar && t.kind == Kind::Number)
    }

    /// Whether the message `parse_connect_error` gives for `body` is the raw
    /// JSON text of its `message` member rather than a string's value:
    /// the member is not a string a Rust `String` can hold.
    fn message_is_raw(body: &str) -> bool {
        if json::validate(body, usize::MAX) == Ok(Kind::String) {
            return false;
        }
        let members = json::object_members(body, usize::MAX).unwrap_or_default();
        match members.iter().rev().find(|(k, _)| k == "message") {
            Some((_, range)) => json::parse_string(&body[range.clone()]).is_err(),
            None => false,
        }
    }

    fn packet_case(text: &str, attachments: Option<usize>) -> Value {
        let h = match packet::decode_header(text, true, &LIMITS) {
            Ok(h) => h,
            Err(e) => return json!({ "header_error": format!("{e:?}") }),
        };
        let p = JsonText { limits: LIMITS };
        // The frame as the core holds it: with the Engine.IO type.
        let frame = format!("4{text}");
        let head = &frame[..1 + h.body];
        let body = &text[h.body..];
        let present = !body.is_empty();
        let mut out = json!({
            "header": {
                "kind": h.kind as u8,
                "nsp": h.nsp,
                // A u64 is more than a JS number holds exactly.
                "id": h.id.map(|id| id.to_string()),
                "attachments": h.attachments,
                // JS strings index in UTF-16 units.
                "start": text[..h.body].encode_utf16().count(),
            },
            "present": present,
        });
        match h.kind {
            // The core decides these itself (manager.rs `decode`): no body
            // to parse, or none to hand to the runtime.
            PacketType::Disconnect => {}
            PacketType::Connect | PacketType::ConnectError if !present => {}
            PacketType::Connect => {
                out["connect"] = match p.connect(&frame, head) {
                    Ok(Some(ack)) => json!({ "ok": true, "sid": ack.sid, "pid": ack.pid }),
                    Ok(None) => json!({ "ok": true, "sid": null, "pid": null }),
                    Err(e) => err(e),
                };
            }
            PacketType::ConnectError => {
                out["connect_error"] = match p.connect_error(&frame, head) {
                    Ok((message, data)) => json!({
                        "ok": true,
                        "message": message,
                        "message_raw": message_is_raw(body),
                        "data": data,
                    }),
                    Err(e) => err(e),
                };
            }
            kind => {
                let n = attachments.unwrap_or(h.attachments);
                out["delivered"] = json!(n);
                out["body"] = match p.parse(kind, &frame, head, &vec![Vec::new(); n]) {
                    Ok(args) => {
                        let mut v = json!({ "ok": true, "text": args, "offset": p.offset(&args) });
                        if kind.is_event() {
                            v["name"] = match packet::event_name(&args) {
                                Ok(name) => json!(name),
                                Err(e) => json!(format!("event_name failed: {e:?}")),
                            };
                            v["name_number"] = json!(name_is_number(&args));
                        }
                        v
                    }
                    Err(e) => err(e),
                };
            }
        }
        out
    }

    fn handshake_case(text: &str) -> Value {
        let p = JsonText { limits: LIMITS };
        match p.handshake(&text.to_owned()) {
            Ok(h) => json!({
                "ok": true,
                "sid": h.sid,
                "upgrades": h.upgrades,
                "ping_interval": h.ping_interval,
                "ping_timeout": h.ping_timeout,
                "max_payload": h.max_payload,
            }),
            Err(e) => err(e),
        }
    }

    fn case(line: &str) -> Value {
        let case: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => return json!({ "input_error": e.to_string() }),
        };
        let Some(text) = case["text"].as_str() else {
            return json!({ "input_error": "no text" });
        };
        match case["kind"].as_str() {
            Some("packet") => {
                let n = case["attachments"].as_u64().map(|n| n as usize);
                packet_case(text, n)
            }
            Some("handshake") => handshake_case(text),
            _ => json!({ "input_error": "unknown kind" }),
        }
    }

    pub fn main() {
        let stdin = std::io::stdin().lock();
        let mut out = BufWriter::new(std::io::stdout().lock());
        for line in stdin.lines() {
            let line = line.expect("stdin is UTF-8");
            serde_json::to_writer(&mut out, &case(&line)).expect("stdout");
            out.write_all(b"\n").expect("stdout");
        }
        out.flush().expect("stdout");
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    host::main();
}

// serde_json is a host-only dev-dependency: on wasm32 the example is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}
