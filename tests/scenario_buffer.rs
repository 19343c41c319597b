//! The offline send buffer: bounded, flushed in order on CONNECT, volatile
//! drops, and a throttled heartbeat timer must not lose an emit
//! (socket.io issue #5134).

mod common;

use common::{names, Answer, Sim};
use socketio_wasm::proto::{
    AckMode, Emit, EmitError, ManagerConfig, Packet, PacketType, SocketConfig, Transmit,
};

fn ev(name: &str) -> Emit {
    Emit {
        data: format!("[\"{name}\"]"),
        ..Default::default()
    }
}

fn server_events(sim: &Sim) -> Vec<String> {
    sim.srv
        .received_of("/", PacketType::Event)
        .into_iter()
        .map(|d| d.packet.data.unwrap())
        .collect()
}

#[test]
fn bound_reached() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.up = false;
    let s = sim.m.socket(
        "/",
        SocketConfig {
            max_buffered_packets: 3,
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    for i in 0..3 {
        sim.m.emit(sim.now, s, ev(&format!("e{i}"))).unwrap();
    }
    assert_eq!(sim.m.emit(sim.now, s, ev("e3")), Err(EmitError::BufferFull));
    let with_ack = Emit {
        ack: AckMode::WithError,
        ..ev("e4")
    };
    assert_eq!(sim.m.emit(sim.now, s, with_ack), Err(EmitError::BufferFull));
    assert_eq!(sim.m.pending_acks(s), 0);
    assert_eq!(sim.m.buffered(s), 3);
    sim.srv.up = true;
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    assert_eq!(server_events(&sim), ["[\"e0\"]", "[\"e1\"]", "[\"e2\"]"]);
    assert_eq!(sim.m.buffered(s), 0);
}

#[test]
fn retry_queue_is_bounded_too() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let s = sim.m.socket(
        "/",
        SocketConfig {
            max_buffered_packets: 2,
            retries: 1,
            ..Default::default()
        },
    );
    for _ in 0..2 {
        sim.m.emit(0, s, ev("q")).unwrap();
    }
    assert_eq!(sim.m.emit(0, s, ev("q")), Err(EmitError::BufferFull));
}

#[test]
fn late_timer_buffers_instead_of_losing() {
    let mut cfg = Sim::default_cfg();
    cfg.randomization_factor = 0.0;
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    sim.srv.pinging = false;
    let deadline = sim.m.poll_timeout().unwrap();
    assert_eq!(deadline, 45_000);
    // The tab slept: the runtime wakes at deadline + 10 s and an emit runs
    // before the timer callback.
    sim.now = deadline + 10_000;
    let before = sim.srv.log.len();
    sim.take_events();
    sim.m.emit(sim.now, s, ev("precious")).unwrap();
    let txs: Vec<Transmit> = std::iter::from_fn(|| sim.m.poll_transmit()).collect();
    assert!(
        !txs.iter()
            .any(|t| t.text().is_some_and(|text| text.contains("precious"))),
        "written to a dead transport: {txs:?}"
    );
    for t in txs {
        sim.srv.on_transmit(t);
    }
    sim.pump();
    assert_eq!(
        names(&sim.events)[..2],
        ["close:ping timeout", "disconnect:ping timeout"]
    );
    assert_eq!(sim.m.buffered(s), 1);
    assert!(server_events(&sim).is_empty());
    let _ = before;
    sim.srv.pinging = true;
    sim.advance(1000);
    assert!(sim.m.is_connected(s));
    assert_eq!(server_events(&sim), ["[\"precious\"]"]);
}

#[test]
fn at_the_deadline_is_not_late() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    let deadline = sim.m.poll_timeout().unwrap();
    sim.now = deadline;
    sim.m.emit(sim.now, s, ev("ok")).unwrap();
    sim.pump();
    assert_eq!(server_events(&sim), ["[\"ok\"]"]);
}

#[test]
fn volatile_drops_while_not_writable() {
    let cfg = ManagerConfig {
        upgrade: false,
        ..Sim::default_cfg()
    };
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    // Polling with a POST in flight: not writable, the volatile is dropped.
    sim.srv.hold_posts = true;
    sim.m.emit(sim.now, s, ev("a")).unwrap();
    sim.pump();
    let v = Emit {
        volatile: true,
        ..ev("v1")
    };
    sim.m.emit(sim.now, s, v).unwrap();
    sim.srv.release_posts();
    sim.srv.hold_posts = false;
    sim.pump();
    assert_eq!(server_events(&sim), ["[\"a\"]"]);
    // Writable: it goes.
    let v = Emit {
        volatile: true,
        ..ev("v2")
    };
    sim.m.emit(sim.now, s, v).unwrap();
    sim.pump();
    assert_eq!(server_events(&sim), ["[\"a\"]", "[\"v2\"]"]);
    // Offline: dropped, not buffered.
    sim.srv.kill();
    sim.pump();
    let v = Emit {
        volatile: true,
        ..ev("v3")
    };
    sim.m.emit(sim.now, s, v).unwrap();
    assert_eq!(sim.m.buffered(s), 0);
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    assert_eq!(server_events(&sim), ["[\"a\"]", "[\"v2\"]"]);
}

#[test]
fn order_on_connect() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    // The server holds its CONNECT answer.
    sim.srv.policy = Box::new(|_, _| Answer::Ignore);
    let s = sim.m.socket(
        "/",
        SocketConfig {
            retries: 1,
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.is_open() && !sim.m.is_connected(s));
    // Emits while connecting: one to the retry queue, one volatile (the
    // transport is writable, so it is buffered).
    sim.m.emit(sim.now, s, ev("queued")).unwrap();
    let v = Emit {
        volatile: true,
        ..ev("buffered")
    };
    sim.m.emit(sim.now, s, v).unwrap();
    sim.pump();
    assert!(server_events(&sim).is_empty());
    // The server sends an event, then the CONNECT answer.
    let i = sim.srv.current().unwrap();
    sim.take_events();
    let event = Packet {
        kind: PacketType::Event,
        nsp: "/".into(),
        id: None,
        data: Some("[\"early\"]".into()),
        attachments: 0,
    };
    sim.srv.send_packet(i, &event, &[]);
    let connect = Packet {
        kind: PacketType::Connect,
        nsp: "/".into(),
        id: None,
        data: Some(r#"{"sid":"abc"}"#.into()),
        attachments: 0,
    };
    sim.srv.send_packet(i, &connect, &[]);
    sim.pump();
    let n: Vec<String> = names(&sim.events)
        .into_iter()
        .filter(|n| !n.starts_with("upgrade"))
        .collect();
    assert_eq!(n, ["event:[\"early\"]", "connect:false"]);
    assert_eq!(server_events(&sim), ["[\"buffered\"]", "[\"queued\"]"]);
}
