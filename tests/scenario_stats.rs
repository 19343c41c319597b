//! `stats()`: the core's counters over a scripted session, in simulated
//! time: events in and out, pending acks, the send buffer, a dropped
//! volatile emit, the heartbeat, a reconnection.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{AckMode, ConnectionStats, Emit, SocketCounters, SocketStats};

fn emit(data: &str, ack: AckMode, volatile: bool) -> Emit {
    Emit {
        data: data.into(),
        ack,
        volatile,
        ..Default::default()
    }
}

#[test]
fn counts_a_session_with_a_reconnection_and_a_dropped_volatile_emit() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 7, "/");
    assert_eq!(
        sim.m.stats(),
        ConnectionStats {
            reconnections: 0,
            opened_at: Some(0),
            last_ping_at: None,
            ping_interval: 25_000,
            ping_timeout: 20_000,
        }
    );
    assert_eq!(sim.m.socket_stats(s), SocketStats::default());

    // Three emits, one waiting for its ack; two server events.
    sim.srv.auto_ack = false;
    for i in 0..2 {
        sim.m
            .emit(
                sim.now,
                s,
                emit(&format!("[\"a\",{i}]"), AckMode::None, false),
            )
            .unwrap();
    }
    sim.m
        .emit(sim.now, s, emit("[\"b\"]", AckMode::WithError, false))
        .unwrap();
    sim.pump();
    assert_eq!(sim.m.socket_stats(s).pending_acks, 1);
    sim.srv.emit("/", "[\"tick\",1]");
    sim.srv.emit("/", "[\"tick\",2]");
    sim.pump();
    assert_eq!(
        sim.m.socket_stats(s).counters,
        SocketCounters {
            events_in: 2,
            events_out: 3,
            dropped_volatile: 0,
        }
    );

    // A ping at 25 s.
    sim.advance(25_000);
    assert_eq!(sim.m.stats().last_ping_at, Some(25_000));

    // The connection drops: a volatile emit is dropped, a plain one buffered.
    sim.srv.up = false;
    sim.srv.kill();
    sim.pump();
    sim.m
        .emit(sim.now, s, emit("[\"v\"]", AckMode::None, true))
        .unwrap();
    sim.m
        .emit(sim.now, s, emit("[\"later\"]", AckMode::None, false))
        .unwrap();
    assert_eq!(
        sim.m.stats(),
        ConnectionStats::default(),
        "not open: no session, no heartbeat"
    );
    let down = sim.m.socket_stats(s);
    assert_eq!(down.buffered, 1);
    assert_eq!(
        down.pending_acks, 0,
        "the error-first ack failed on disconnect"
    );
    assert_eq!(down.counters.dropped_volatile, 1);

    // Back up: one reconnection, the buffered emit goes out.
    sim.srv.up = true;
    sim.advance(10_000);
    assert!(names(&sim.events).iter().any(|n| n == "reconnect:1"));
    let up = sim.m.stats();
    assert_eq!(up.reconnections, 1);
    assert!(up.opened_at.is_some_and(|t| t > 25_000));
    assert_eq!(up.last_ping_at, None, "no ping on the new session yet");
    assert_eq!(
        sim.m.socket_stats(s),
        SocketStats {
            counters: SocketCounters {
                events_in: 2,
                events_out: 4,
                dropped_volatile: 1,
            },
            pending_acks: 0,
            buffered: 0,
        }
    );
}

#[test]
fn counts_per_namespace_and_buffered_events_when_flushed() {
    let mut sim = Sim::new(Sim::default_cfg(), 3);
    let a = sim.m.socket("/", Default::default());
    let b = sim.m.socket("/b", Default::default());
    sim.m.connect(0, a);
    // Emitted before CONNECT: buffered, counted out when flushed.
    sim.m
        .emit(0, a, emit("[\"early\"]", AckMode::None, false))
        .unwrap();
    assert_eq!(sim.m.socket_stats(a).buffered, 1);
    assert_eq!(sim.m.socket_stats(a).counters.events_out, 0);
    sim.m.connect(0, b);
    sim.pump();
    sim.srv.emit("/b", "[\"x\"]");
    sim.srv.emit("/", "[\"y\"]");
    sim.srv.emit("/b", "[\"z\"]");
    sim.pump();
    assert_eq!(sim.m.socket_stats(a).counters.events_in, 1);
    assert_eq!(sim.m.socket_stats(a).counters.events_out, 1);
    assert_eq!(sim.m.socket_stats(a).buffered, 0);
    assert_eq!(sim.m.socket_stats(b).counters.events_in, 2);
    assert_eq!(sim.m.socket_stats(b).counters.events_out, 0);
}

#[test]
fn counts_each_try_of_a_retried_emit() {
    let (mut sim, _) = Sim::connected(Sim::default_cfg(), 5, "/");
    let cfg = socketio_wasm::proto::SocketConfig {
        ack_timeout: Some(1_000),
        retries: 2,
        ..Default::default()
    };
    let r = sim.m.socket("/r", cfg);
    sim.m.connect(sim.now, r);
    sim.pump();
    sim.srv.auto_ack = false;
    sim.m
        .emit(sim.now, r, emit("[\"once\"]", AckMode::WithError, false))
        .unwrap();
    // The first try and two retries, each after its ack timeout.
    sim.advance(3_500);
    assert_eq!(sim.m.socket_stats(r).counters.events_out, 3);
}
