//! Auth in CONNECT: static, or asked of the app on every (re)connection.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{member_str, names, Answer, Sim};
use socketio_wasm::proto::{Auth, Event, PacketType, SocketConfig, SocketId};

fn connect_payloads(sim: &Sim, nsp: &str) -> Vec<Option<String>> {
    sim.srv
        .received_of(nsp, PacketType::Connect)
        .into_iter()
        .map(|d| d.packet.data)
        .collect()
}

/// Connects `/` with `auth` asked of the app on every attempt.
fn connect_asking(sim: &mut Sim) -> SocketId {
    let s = sim.m.socket(
        "/",
        SocketConfig {
            auth: Auth::Ask,
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    s
}

#[test]
fn static_auth_is_sent() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let s = sim.m.socket(
        "/",
        SocketConfig {
            auth: Auth::Static(r#"{"token":"abc"}"#.into()),
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
    assert_eq!(
        connect_payloads(&sim, "/"),
        [Some(r#"{"token":"abc"}"#.to_string())]
    );
}

#[test]
fn asked_auth_is_reevaluated_on_reconnect() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let counter = Rc::new(Cell::new(0));
    let c = counter.clone();
    sim.auth = Some(Box::new(move |_| {
        c.set(c.get() + 1);
        Some(format!("{{\"token\":\"t{}\"}}", c.get()))
    }));
    // The server only accepts the current token.
    let expected = counter.clone();
    sim.srv.policy = Box::new(move |_, auth| {
        let token = auth.and_then(|a| member_str(a, "token"));
        if token == Some(format!("t{}", expected.get())) {
            Answer::Accept
        } else {
            Answer::Reject(r#"{"message":"bad token"}"#.into())
        }
    });
    let s = connect_asking(&mut sim);
    assert!(sim.m.is_connected(s));
    assert_eq!(names(&sim.events)[..2], ["open", "need_auth"]);
    for _ in 0..2 {
        sim.srv.kill();
        sim.advance(10_000);
        assert!(sim.m.is_connected(s));
    }
    assert_eq!(
        connect_payloads(&sim, "/"),
        [
            Some(r#"{"token":"t1"}"#.to_string()),
            Some(r#"{"token":"t2"}"#.to_string()),
            Some(r#"{"token":"t3"}"#.to_string())
        ]
    );
    assert_eq!(
        names(&sim.events)
            .iter()
            .filter(|n| *n == "need_auth")
            .count(),
        3
    );
}

#[test]
fn connect_waits_for_the_auth_answer() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let s = connect_asking(&mut sim);
    assert!(sim.events.contains(&Event::NeedAuth { socket: s }));
    assert!(connect_payloads(&sim, "/").is_empty());
    // Asking again does not duplicate the question nor the CONNECT.
    sim.m.connect(sim.now, s);
    sim.pump();
    assert_eq!(
        sim.events
            .iter()
            .filter(|e| matches!(e, Event::NeedAuth { .. }))
            .count(),
        1
    );
    sim.m.set_auth(sim.now, s, None);
    sim.pump();
    assert!(sim.m.is_connected(s));
    assert_eq!(connect_payloads(&sim, "/"), [None]);
    // An unsolicited answer is ignored.
    sim.m.set_auth(sim.now, s, Some("{}".into()));
    sim.pump();
    assert_eq!(connect_payloads(&sim, "/").len(), 1);
}

#[test]
fn rejected_auth_is_a_connect_error_without_retry() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.policy = Box::new(|_, _| Answer::Reject(r#"{"message":"forbidden"}"#.into()));
    let s = sim.m.socket(
        "/",
        SocketConfig {
            auth: Auth::Static("{}".into()),
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    let n = names(&sim.events);
    // The last socket left: the Manager closes, then connect_error.
    assert_eq!(
        n[n.len() - 2..],
        ["close:forced close", "connect_error:forbidden"]
    );
    sim.advance(100_000);
    assert_eq!(connect_payloads(&sim, "/").len(), 1);
    assert!(!sim.m.is_active(s));
}
