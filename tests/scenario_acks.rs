//! Acknowledgements: wire ids per socket from 0, deadlines, settlement on
//! disconnect, the bounded table, answering the server's acks.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{
    AckError, AckMode, Emit, EmitError, Event, PacketType, RequestId, SocketConfig,
};

fn emit(data: &str, ack: AckMode) -> Emit {
    Emit {
        data: data.into(),
        ack,
        ..Default::default()
    }
}

fn result_of(sim: &Sim, r: RequestId) -> Option<Result<String, AckError>> {
    sim.events.iter().find_map(|e| match e {
        Event::AckResponse {
            request, result, ..
        } if *request == r => Some(result.clone().map(|d| d.data)),
        _ => None,
    })
}

#[test]
fn wire_ids_count_from_zero_per_socket() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let a = sim.m.socket("/", Default::default());
    let b = sim.m.socket("/b", Default::default());
    sim.m.connect(0, a);
    sim.m.connect(0, b);
    sim.pump();
    let mut reqs = vec![];
    for i in 0..3 {
        let r = sim
            .m
            .emit(sim.now, a, emit(&format!("[\"e\",{i}]"), AckMode::Callback))
            .unwrap()
            .unwrap();
        reqs.push(r);
    }
    let rb = sim
        .m
        .emit(sim.now, b, emit("[\"e\"]", AckMode::WithError))
        .unwrap()
        .unwrap();
    assert_eq!(
        sim.m.emit(sim.now, a, emit("[\"e\"]", AckMode::None)),
        Ok(None)
    );
    sim.pump();
    let ids: Vec<_> = sim
        .srv
        .received_of("/", PacketType::Event)
        .iter()
        .map(|d| d.packet.id)
        .collect();
    assert_eq!(ids, [Some(0), Some(1), Some(2), None]);
    assert_eq!(
        sim.srv.received_of("/b", PacketType::Event)[0].packet.id,
        Some(0)
    );
    // The server echoes: each request settles with its own data.
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(result_of(&sim, *r), Some(Ok(format!("[\"e\",{i}]"))));
    }
    assert_eq!(result_of(&sim, rb), Some(Ok("[\"e\"]".into())));
    assert_eq!(sim.m.pending_acks(a), 0);
}

#[test]
fn timeout_settles_once_and_late_ack_is_ignored() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.auto_ack = false;
    let t0 = sim.now;
    let r = sim
        .m
        .emit(t0, s, emit("[\"slow\"]", AckMode::WithTimeout(3000)))
        .unwrap()
        .unwrap();
    sim.pump();
    assert_eq!(sim.m.poll_timeout(), Some(t0 + 3000));
    sim.advance(2999);
    assert_eq!(result_of(&sim, r), None);
    sim.advance(1);
    assert_eq!(result_of(&sim, r), Some(Err(AckError::Timeout)));
    // The server answers late: ignored.
    let i = sim.srv.current().unwrap();
    let late = socketio_wasm::proto::Packet {
        kind: PacketType::Ack,
        nsp: "/".into(),
        id: Some(0),
        data: Some("[1]".into()),
        attachments: 0,
    };
    sim.srv.send_packet(i, &late, &[]);
    sim.pump();
    let settled = sim
        .events
        .iter()
        .filter(|e| matches!(e, Event::AckResponse { .. }))
        .count();
    assert_eq!(settled, 1);
    assert!(sim.m.is_connected(s));
}

#[test]
fn ack_timeout_config_makes_callbacks_error_first() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.auto_ack = false;
    let s = sim.m.socket(
        "/",
        SocketConfig {
            ack_timeout: Some(500),
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    let r = sim
        .m
        .emit(sim.now, s, emit("[\"x\"]", AckMode::Callback))
        .unwrap()
        .unwrap();
    sim.advance(500);
    assert_eq!(result_of(&sim, r), Some(Err(AckError::Timeout)));
}

#[test]
fn disconnect_settles_error_first_acks_and_drops_plain_ones() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.auto_ack = false;
    let with_timeout = sim
        .m
        .emit(sim.now, s, emit("[\"a\"]", AckMode::WithTimeout(60_000)))
        .unwrap()
        .unwrap();
    let with_error = sim
        .m
        .emit(sim.now, s, emit("[\"b\"]", AckMode::WithError))
        .unwrap()
        .unwrap();
    let plain = sim
        .m
        .emit(sim.now, s, emit("[\"c\"]", AckMode::Callback))
        .unwrap()
        .unwrap();
    sim.pump();
    sim.take_events();
    sim.srv.kill();
    sim.pump();
    assert_eq!(
        result_of(&sim, with_timeout),
        Some(Err(AckError::Disconnected))
    );
    assert_eq!(
        result_of(&sim, with_error),
        Some(Err(AckError::Disconnected))
    );
    assert_eq!(result_of(&sim, plain), None);
    assert!(sim.events.contains(&Event::AckDropped {
        socket: s,
        request: plain
    }));
    assert_eq!(sim.m.pending_acks(s), 0);
    // Disconnect first, then the settlements.
    assert_eq!(names(&sim.events)[1], "disconnect:transport close");
    // The deadline timer is gone.
    sim.advance(100_000);
    assert_eq!(
        sim.events
            .iter()
            .filter(|e| matches!(e, Event::AckResponse { .. }))
            .count(),
        2
    );
}

#[test]
fn buffered_emit_keeps_its_ack_across_reconnection() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.up = false;
    sim.srv.kill();
    sim.pump();
    // Offline: buffered with its ack.
    let r = sim
        .m
        .emit(sim.now, s, emit("[\"later\"]", AckMode::WithError))
        .unwrap()
        .unwrap();
    assert_eq!(sim.m.buffered(s), 1);
    sim.advance(1500); // a failed attempt: the buffered ack is kept
    assert_eq!(result_of(&sim, r), None);
    sim.srv.up = true;
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    assert_eq!(result_of(&sim, r), Some(Ok("[\"later\"]".into())));
}

#[test]
fn timeout_of_a_buffered_emit_removes_it() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.up = false;
    sim.srv.kill();
    sim.pump();
    let r = sim
        .m
        .emit(sim.now, s, emit("[\"gone\"]", AckMode::WithTimeout(500)))
        .unwrap()
        .unwrap();
    sim.advance(500);
    assert_eq!(result_of(&sim, r), Some(Err(AckError::Timeout)));
    assert_eq!(sim.m.buffered(s), 0);
    sim.srv.up = true;
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    assert!(sim.srv.received_of("/", PacketType::Event).is_empty());
}

#[test]
fn pending_ack_table_is_bounded() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.auto_ack = false;
    let s = sim.m.socket(
        "/",
        SocketConfig {
            max_pending_acks: 2,
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    for _ in 0..2 {
        sim.m
            .emit(sim.now, s, emit("[\"x\"]", AckMode::Callback))
            .unwrap();
    }
    assert_eq!(
        sim.m.emit(sim.now, s, emit("[\"x\"]", AckMode::Callback)),
        Err(EmitError::TooManyPendingAcks)
    );
    // Without an ack it still goes.
    assert_eq!(
        sim.m.emit(sim.now, s, emit("[\"x\"]", AckMode::None)),
        Ok(None)
    );
    sim.pump();
    assert_eq!(sim.srv.received_of("/", PacketType::Event).len(), 3);
}

#[test]
fn answering_server_acks() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.take_events();
    sim.srv.emit_with_ack("/", "[\"question\",1]", 7);
    sim.pump();
    assert_eq!(
        sim.events,
        [Event::Event {
            socket: s,
            data: "[\"question\",1]".into(),
            attachments: vec![],
            ack_id: Some(7)
        }]
    );
    sim.m.ack(sim.now, s, 7, "[\"answer\"]".into(), vec![]);
    sim.pump();
    let acks = sim.srv.received_of("/", PacketType::Ack);
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].packet.id, Some(7));
    assert_eq!(acks[0].packet.data.as_deref(), Some("[\"answer\"]"));
}

#[test]
fn reserved_and_unknown() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    assert_eq!(
        sim.m
            .emit(sim.now, s, emit("[\"disconnect\"]", AckMode::None)),
        Err(EmitError::ReservedEvent)
    );
    let other = {
        let mut o = Sim::new(Sim::default_cfg(), 2);
        o.m.socket("/", Default::default());
        o.m.socket("/x", Default::default())
    };
    assert_eq!(
        sim.m.emit(sim.now, other, emit("[\"e\"]", AckMode::None)),
        Err(EmitError::UnknownSocket)
    );
}
