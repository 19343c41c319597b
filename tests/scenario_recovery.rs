//! Connection state recovery: `pid` from CONNECT, offset = last string
//! argument of each event, `{"pid","offset"}` merged with auth on reconnect,
//! missed events delivered before `connect`, the `recovered` flag.

mod common;

use common::{member_str, names, Sim};
use socketio_wasm::proto::{Auth, Event, PacketType, SocketConfig};

/// Event and connect names only.
fn app_names(sim: &Sim) -> Vec<String> {
    names(&sim.events)
        .into_iter()
        .filter(|n| n.starts_with("event:") || n.starts_with("connect:"))
        .collect()
}

fn recovery_sim(auth: Auth) -> (Sim, socketio_wasm::proto::SocketId) {
    let mut cfg = Sim::default_cfg();
    cfg.randomization_factor = 0.0;
    let mut sim = Sim::new(cfg, 1);
    sim.srv.recovery = true;
    let s = sim.m.socket(
        "/",
        SocketConfig {
            auth,
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
    (sim, s)
}

#[test]
fn missed_events_before_connect_and_recovered_flag() {
    let (mut sim, s) = recovery_sim(Auth::Static(r#"{"token":"x"}"#.into()));
    let first_sid = sim.m.socket_sid(s).unwrap().to_string();
    assert!(!sim.m.is_recovered(s));
    sim.srv.emit("/", "[\"msg\",1]");
    sim.srv.emit("/", "[\"msg\",2]");
    sim.pump();
    // What the next CONNECT will send (the tabs' hub reads it too).
    assert_eq!(sim.m.socket_recovery(s), Some(("pid2", Some("off2"))));
    sim.srv.kill();
    sim.pump();
    // Sent while the client is away.
    sim.srv.emit("/", "[\"msg\",3]");
    sim.srv.emit("/", "[\"msg\",4]");
    sim.take_events();
    sim.advance(1000);
    assert!(sim.m.is_connected(s));
    // CONNECT carries pid + offset merged with the auth object.
    let connects = sim.srv.received_of("/", PacketType::Connect);
    let second = connects[1].packet.data.clone().unwrap();
    assert_eq!(member_str(&second, "pid").as_deref(), Some("pid2"));
    assert_eq!(member_str(&second, "offset").as_deref(), Some("off2"));
    assert_eq!(member_str(&second, "token").as_deref(), Some("x"));
    // Missed events, then connect (recovered), in this order.
    assert_eq!(
        app_names(&sim),
        [
            "event:[\"msg\",3,\"off3\"]",
            "event:[\"msg\",4,\"off4\"]",
            "connect:true"
        ]
    );
    assert!(sim.m.is_recovered(s));
    assert_eq!(sim.m.socket_sid(s), Some(first_sid.as_str()));
    assert_eq!(sim.m.socket_recovery(s), Some(("pid2", Some("off4"))));
}

#[test]
fn events_lost_in_flight_are_replayed_from_the_offset() {
    let (mut sim, s) = recovery_sim(Auth::None);
    sim.srv.emit("/", "[\"a\"]");
    sim.pump();
    // The server sent "b", but the connection dropped before it arrived.
    sim.srv.emit("/", "[\"b\"]");
    sim.srv.out.clear();
    let i = sim.srv.current().unwrap();
    sim.srv.sessions[i].outbox.clear();
    sim.srv.kill();
    sim.take_events();
    sim.advance(1000);
    assert!(sim.m.is_connected(s));
    assert_eq!(app_names(&sim), ["event:[\"b\",\"off2\"]", "connect:true"]);
    let connects = sim.srv.received_of("/", PacketType::Connect);
    assert_eq!(
        connects[1].packet.data.as_deref(),
        Some(r#"{"pid":"pid2","offset":"off1"}"#)
    );
}

#[test]
fn no_recovery_when_the_server_does_not_know_the_pid() {
    let (mut sim, s) = recovery_sim(Auth::None);
    sim.srv.kill();
    sim.pump();
    sim.srv.recoverable.clear();
    sim.take_events();
    sim.advance(1000);
    assert!(sim.m.is_connected(s));
    assert!(!sim.m.is_recovered(s));
    assert!(sim.events.iter().any(|e| matches!(
        e,
        Event::Connect {
            recovered: false,
            ..
        }
    )));
}

#[test]
fn without_pid_no_offset_tracking() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.emit("/", "[\"a\",\"looks-like-an-offset\"]");
    sim.pump();
    sim.srv.kill();
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    let connects = sim.srv.received_of("/", PacketType::Connect);
    assert_eq!(connects[1].packet.data, None);
}

#[test]
fn events_with_ack_ids_do_not_move_the_offset() {
    let (mut sim, s) = recovery_sim(Auth::None);
    sim.srv.emit("/", "[\"a\"]"); // off1
    sim.srv.emit_with_ack("/", "[\"q\",\"not-an-offset\"]", 3);
    sim.pump();
    sim.srv.kill();
    sim.advance(1000);
    assert!(sim.m.is_connected(s));
    let connects = sim.srv.received_of("/", PacketType::Connect);
    assert_eq!(
        member_str(connects[1].packet.data.as_deref().unwrap(), "offset").as_deref(),
        Some("off1")
    );
}
