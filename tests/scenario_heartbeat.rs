//! Engine.IO heartbeat: pong at once, deadline reset on every ping,
//! `"ping timeout"` when the server goes silent.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{EnginePacket, Event};

fn pongs(sim: &Sim) -> usize {
    sim.srv
        .engine_received
        .iter()
        .filter(|p| matches!(p, EnginePacket::Pong(None)))
        .count()
}

#[test]
fn pings_keep_the_session_alive() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.take_events();
    sim.advance(10 * 25_000);
    assert!(sim.m.is_connected(s));
    assert_eq!(pongs(&sim), 10);
    assert!(names(&sim.events).iter().all(|n| n == "ping"));
    // The deadline is the last ping + pingInterval + pingTimeout.
    assert_eq!(sim.m.poll_timeout(), Some(250_000 + 45_000));
}

#[test]
fn silence_closes_with_ping_timeout_and_reconnects() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.advance(25_000); // one ping at 25 000
    sim.srv.pinging = false;
    sim.take_events();
    sim.advance(45_000 - 1);
    assert!(
        sim.m.is_connected(s),
        "still alive 1 ms before the deadline"
    );
    // Keep the server from answering the reconnection for this check.
    sim.srv.up = false;
    sim.advance(1);
    let n = names(&sim.events);
    assert_eq!(n[..2], ["close:ping timeout", "disconnect:ping timeout"]);
    assert!(!sim.m.is_connected(s));
    assert!(sim.m.is_reconnecting());
    sim.srv.up = true;
    sim.srv.pinging = true;
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
}

#[test]
fn ping_resets_the_deadline() {
    let mut cfg = Sim::default_cfg();
    cfg.transports = vec![socketio_wasm::proto::TransportKind::WebSocket];
    let (mut sim, _s) = Sim::connected(cfg, 1, "/");
    assert_eq!(sim.m.poll_timeout(), Some(45_000));
    sim.srv.pinging = false;
    // A ping at t=30 000 (late but within the deadline) moves it to 75 000.
    sim.advance(30_000);
    let i = sim.srv.current().unwrap();
    sim.srv.send_engine(i, EnginePacket::Ping(None));
    sim.pump();
    assert_eq!(sim.m.poll_timeout(), Some(75_000));
    assert!(sim.events.contains(&Event::Ping));
    // A ping during the handshake-less period does not exist; a pong from the
    // server is ignored and does not move the deadline.
    sim.srv.send_engine(i, EnginePacket::Pong(None));
    sim.pump();
    assert_eq!(sim.m.poll_timeout(), Some(75_000));
}
