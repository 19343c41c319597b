//! Namespaces multiplexed on one Engine.IO session; server DISCONNECT,
//! CONNECT_ERROR, parse errors; the engine closes with the last socket.

mod common;

use common::{names, Answer, Sim};
use socketio_wasm::proto::{
    Data, DisconnectReason, EnginePacket, Event, PacketType, SocketId, Transmit, TransportKind,
};

/// `/` and `/chat` connected on one Manager.
fn root_and_chat() -> (Sim, SocketId, SocketId) {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let a = sim.m.socket("/", Default::default());
    let b = sim.m.socket("/chat", Default::default());
    sim.m.connect(0, a);
    sim.m.connect(0, b);
    sim.pump();
    (sim, a, b)
}

fn handshakes(sim: &Sim) -> usize {
    sim.srv.sessions.len()
}

#[test]
fn two_namespaces_one_session() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let a = sim.m.socket("/", Default::default());
    let b = sim.m.socket("/chat", Default::default());
    assert_eq!(sim.m.socket("/chat", Default::default()), b);
    assert_ne!(a, b);
    sim.m.connect(0, a);
    sim.m.connect(0, b);
    sim.pump();
    assert!(sim.m.is_connected(a) && sim.m.is_connected(b));
    assert_eq!(handshakes(&sim), 1);
    // Both CONNECTs went in the same POST.
    let first_post = sim
        .srv
        .log
        .iter()
        .find_map(|t| match t {
            Transmit::PollPost { body, .. } => Some(body.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(first_post, "40\u{1e}40/chat,");
    sim.take_events();
    sim.srv.emit("/chat", "[\"hi\",1]");
    sim.srv.emit("/", "[\"hi\",2]");
    sim.srv.emit("/other", "[\"hi\",3]");
    sim.pump();
    assert_eq!(
        sim.events,
        [
            Event::Event {
                socket: b,
                data: "[\"hi\",1]".into(),
                attachments: vec![],
                ack_id: None
            },
            Event::Event {
                socket: a,
                data: "[\"hi\",2]".into(),
                attachments: vec![],
                ack_id: None
            }
        ]
    );
}

#[test]
fn engine_closes_with_the_last_socket() {
    let (mut sim, a, b) = root_and_chat();
    assert_eq!(sim.m.transport(), Some(TransportKind::WebSocket));
    sim.take_events();
    sim.m.disconnect(sim.now, a);
    sim.pump();
    assert_eq!(names(&sim.events), ["disconnect:io client disconnect"]);
    assert!(sim.m.is_open());
    assert!(!sim.m.is_active(a));
    sim.take_events();
    sim.m.disconnect(sim.now, b);
    sim.pump();
    assert_eq!(
        names(&sim.events),
        ["close:forced close", "disconnect:io client disconnect"]
    );
    assert!(!sim.m.is_open());
    // DISCONNECT frames, then the WebSocket is closed.
    let tail: Vec<_> = sim.srv.log[sim.srv.log.len() - 3..].to_vec();
    assert_eq!(tail[0].text().as_deref(), Some("41"));
    assert_eq!(tail[1].text().as_deref(), Some("41/chat,"));
    assert!(matches!(tail[2], Transmit::Close { .. }));
    // No reconnection.
    assert_eq!(sim.m.poll_timeout(), None);
    sim.advance(100_000);
    assert_eq!(handshakes(&sim), 1);
}

#[test]
fn server_disconnect_stops_that_socket_only() {
    let (mut sim, a, b) = root_and_chat();
    sim.take_events();
    sim.srv.disconnect("/chat");
    sim.pump();
    assert_eq!(names(&sim.events), ["disconnect:io server disconnect"]);
    assert!(!sim.m.is_active(b));
    // A network failure: "/" reconnects, "/chat" does not.
    sim.take_events();
    sim.srv.kill();
    sim.advance(10_000);
    assert!(sim.m.is_connected(a));
    assert!(!sim.m.is_connected(b));
    assert_eq!(sim.srv.received_of("/chat", PacketType::Connect).len(), 1);
    assert_eq!(sim.srv.received_of("/", PacketType::Connect).len(), 2);
    // It can connect again by hand.
    sim.m.connect(sim.now, b);
    sim.pump();
    assert!(sim.m.is_connected(b));
}

#[test]
fn server_disconnect_of_the_last_socket_closes() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.take_events();
    sim.srv.disconnect("/");
    sim.pump();
    assert_eq!(
        names(&sim.events),
        ["close:forced close", "disconnect:io server disconnect"]
    );
    assert!(!sim.m.is_active(s));
    assert_eq!(sim.m.poll_timeout(), None);
}

#[test]
fn connect_error_ends_attempts() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.policy = Box::new(|nsp, _| {
        if nsp == "/admin" {
            Answer::Reject(r#"{"message":"not authorized","data":{"code":42}}"#.into())
        } else {
            Answer::Accept
        }
    });
    let a = sim.m.socket("/", Default::default());
    let b = sim.m.socket("/admin", Default::default());
    sim.m.connect(0, a);
    sim.m.connect(0, b);
    sim.pump();
    let err = sim
        .events
        .iter()
        .find(|e| matches!(e, Event::ConnectError { .. }))
        .unwrap();
    assert_eq!(
        err,
        &Event::ConnectError {
            socket: b,
            message: "not authorized".into(),
            data: Some(r#"{"code":42}"#.into())
        }
    );
    assert!(!sim.m.is_active(b));
    sim.srv.kill();
    sim.advance(10_000);
    assert!(sim.m.is_connected(a));
    assert_eq!(sim.srv.received_of("/admin", PacketType::Connect).len(), 1);
}

#[test]
fn parse_error_closes_and_reconnects() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.take_events();
    let i = sim.srv.current().unwrap();
    sim.srv.send_engine(
        i,
        EnginePacket::Message(Data::Text("2[\"unterminated".into())),
    );
    sim.pump();
    let n = names(&sim.events);
    assert_eq!(n, ["close:parse error", "disconnect:parse error"]);
    match &sim.events[1] {
        Event::Disconnect {
            reason: DisconnectReason::ParseError,
            description: Some(_),
            ..
        } => {}
        e => panic!("{e:?}"),
    }
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    assert_eq!(handshakes(&sim), 2);
}

#[test]
fn manager_close_is_forced_and_final() {
    let (mut sim, a, b) = root_and_chat();
    sim.take_events();
    sim.m.close(sim.now);
    sim.pump();
    assert_eq!(
        names(&sim.events),
        [
            "close:forced close",
            "disconnect:forced close",
            "disconnect:forced close"
        ]
    );
    sim.advance(100_000);
    assert_eq!(handshakes(&sim), 1);
    // Sockets are still active: opening again reconnects both.
    sim.m.open(sim.now);
    sim.pump();
    assert!(sim.m.is_connected(a) && sim.m.is_connected(b));
}
