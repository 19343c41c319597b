use super::super::config::ManagerConfig;
use super::super::payloads::JsonText;
use super::super::rng::Rng;
use super::*;

fn env() -> SessionEnv<JsonText> {
    SessionEnv {
        payloads: JsonText::default(),
        cfg: ManagerConfig {
            query: vec![
                (String::from("a b"), String::from("é&")),
                (String::from("EIO"), String::from("3")),
            ],
            ..ManagerConfig::new("example.com:3000", false)
        },
        transmits: Queue::default(),
        next_transport: 0,
        token_rng: Rng::new(1),
        prior_websocket_success: false,
    }
}

#[test]
fn urls() {
    let mut c = env();
    let u = c.url(TransportKind::WebSocket, Some("ab+/="));
    assert_eq!(
        u,
        "ws://example.com:3000/socket.io/?EIO=4&transport=websocket&sid=ab%2B%2F%3D&a%20b=%C3%A9%26"
    );
    c.cfg.secure = true;
    let u = c.url(TransportKind::Polling, None);
    assert!(u.starts_with("https://example.com:3000/socket.io/?EIO=4&transport=polling&t="));
    assert!(u.ends_with("&a%20b=%C3%A9%26"));
}

#[test]
fn payload_cut_at_max_payload() {
    let mut c = env();
    let mut s = Session::open(&mut c);
    s.max_payload = 10;
    for _ in 0..3 {
        // "42" + "abc" = 5 bytes
        s.send(Out::Message(String::from("42"), String::from("abc")));
    }
    let p = JsonText::default();
    // 5 + 1 + 5 = 11 > 10: one packet per POST.
    assert_eq!(s.writable_count(&p), 1);
    s.max_payload = 11;
    assert_eq!(s.writable_count(&p), 2);
    s.max_payload = 0;
    assert_eq!(s.writable_count(&p), 3);
    s.max_payload = 1; // a packet bigger than maxPayload still goes alone
    assert_eq!(s.writable_count(&p), 1);
    assert_eq!(
        p.join(payload_parts(&[
            Out::Packet(String::from("40")),
            Out::Message(String::from("451-"), String::from("[\"a\"]")),
            Out::Binary(vec![1, 2, 3]),
        ])),
        "40\x1e451-[\"a\"]\x1ebAQID"
    );
}
