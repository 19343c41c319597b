//! Engine.IO handshake and the first Socket.IO CONNECT.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{
    Event, ManagerConfig, PacketType, Transmit, TransportInput, TransportKind,
};

#[test]
fn polling_handshake_then_connect() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.m.socket("/", Default::default());
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    // The first request is a handshake GET without sid.
    let first = sim.m.poll_transmit().expect("a first transmit");
    let Transmit::PollGet { url, .. } = &first else {
        panic!("expected a GET, got {first:?}");
    };
    assert!(
        url.starts_with("http://example.com/socket.io/?EIO=4&transport=polling&t="),
        "{url}"
    );
    assert!(!url.contains("sid="));
    sim.srv.on_transmit(first);
    sim.pump();

    assert!(sim.m.is_open());
    assert!(sim.m.is_connected(s));
    assert_eq!(sim.m.socket_sid(s), Some("sock2"));
    let n = names(&sim.events);
    assert_eq!(n[0], "open");
    assert!(n.contains(&"connect:false".to_string()), "{n:?}");
    assert!(n.contains(&"upgrade:websocket".to_string()), "{n:?}");
    // CONNECT to "/" without auth: "0".
    let connects = sim.srv.received_of("/", PacketType::Connect);
    assert_eq!(connects.len(), 1);
    assert_eq!(connects[0].packet.data, None);
    // Later requests carry the sid.
    let with_sid = sim.srv.log.iter().skip(1).all(|t| match t {
        Transmit::PollGet { url, .. } | Transmit::PollPost { url, .. } => url.contains("&sid=eio1"),
        Transmit::OpenWebSocket { url, .. } => {
            url.starts_with("ws://example.com/socket.io/?EIO=4&transport=websocket&sid=eio1")
        }
        _ => true,
    });
    assert!(with_sid, "{:?}", sim.srv.log);
}

#[test]
fn websocket_only_handshake_and_query() {
    let cfg = ManagerConfig {
        transports: vec![TransportKind::WebSocket],
        secure: true,
        path: "/custom".into(),
        query: vec![("token".into(), "a b".into())],
        ..ManagerConfig::new("example.com:8443", true)
    };
    let mut sim = Sim::new(cfg, 1);
    let s = sim.m.socket("/chat", Default::default());
    sim.m.connect(0, s);
    sim.pump();
    let Transmit::OpenWebSocket { url, .. } = &sim.srv.log[0] else {
        panic!("{:?}", sim.srv.log[0]);
    };
    assert_eq!(
        url,
        "wss://example.com:8443/custom/?EIO=4&transport=websocket&token=a%20b"
    );
    assert!(sim.m.is_connected(s));
    assert_eq!(sim.m.transport(), Some(TransportKind::WebSocket));
    // CONNECT for a custom namespace: "0/chat,".
    let sent: Vec<_> = sim
        .srv
        .log
        .iter()
        .filter_map(|t| match t {
            t @ Transmit::SendText { .. } => t.text(),
            _ => None,
        })
        .collect();
    assert_eq!(sent[0], "40/chat,");
    assert_eq!(names(&sim.events), ["open", "connect:false"]);
}

#[test]
fn no_transports_is_an_error() {
    let cfg = ManagerConfig {
        transports: vec![],
        reconnection: false,
        ..Sim::default_cfg()
    };
    let mut sim = Sim::new(cfg, 1);
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    sim.pump();
    assert_eq!(
        names(&sim.events),
        [
            "error:No transports available",
            "connect_error:No transports available"
        ]
    );
}

#[test]
fn open_timeout_is_timeout_error_and_reconnects() {
    let cfg = ManagerConfig {
        timeout: Some(5000),
        randomization_factor: 0.0,
        ..Sim::default_cfg()
    };
    let mut sim = Sim::new(cfg, 1);
    sim.srv.hold_posts = false;
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    // Swallow the handshake GET: the server never answers.
    let get = sim.m.poll_transmit().unwrap();
    assert!(matches!(get, Transmit::PollGet { .. }));
    assert_eq!(sim.m.poll_timeout(), Some(5000));
    sim.now = 5000;
    sim.m.handle_timeout(5000);
    let mut ev = vec![];
    while let Some(e) = sim.m.poll_event() {
        ev.push(e);
    }
    assert_eq!(names(&ev), ["error:timeout", "connect_error:timeout"]);
    // The stuck GET is released, and a reconnection is scheduled after 1000 ms.
    let Transmit::PollGet { transport, .. } = get else {
        unreachable!()
    };
    assert_eq!(sim.m.poll_transmit(), Some(Transmit::Close { transport }));
    assert_eq!(sim.m.poll_timeout(), Some(6000));
    assert!(sim.m.is_reconnecting());
    // Late answer to the old GET is ignored.
    sim.m
        .handle_transport(5001, transport, TransportInput::poll_body("6"));
    assert_eq!(sim.m.poll_transmit(), None);
    sim.advance(1000);
    assert!(sim.m.is_connected(s));
    let n = names(&sim.events);
    assert_eq!(n[0], "reconnect_attempt:1");
    assert_eq!(n[1], "open");
    assert!(n.contains(&"reconnect:1".into()));
}

#[test]
fn manager_events_open_ping() {
    let (mut sim, _s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.take_events();
    sim.advance(25_000);
    assert_eq!(names(&sim.events), ["ping"]);
    // The pong went out at once.
    assert!(matches!(
        sim.srv.engine_received.last(),
        Some(socketio_wasm::proto::EnginePacket::Pong(None))
    ));
    let _: Event = Event::Ping;
}
