//! `ackTimeout` + `retries`: one packet in flight, order kept, a new wire id
//! per try, give up after `retries`.

mod common;

use common::Sim;
use socketio_wasm::proto::{
    AckError, AckMode, Emit, Event, Packet, PacketType, RequestId, SocketConfig, SocketId,
};

fn cfg(retries: u32) -> SocketConfig {
    SocketConfig {
        retries,
        ack_timeout: Some(1000),
        ..Default::default()
    }
}

fn setup(retries: u32) -> (Sim, SocketId) {
    let mut m = Sim::default_cfg();
    m.randomization_factor = 0.0;
    let mut sim = Sim::new(m, 1);
    sim.srv.auto_ack = false;
    let s = sim.m.socket("/", cfg(retries));
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
    (sim, s)
}

fn emit(sim: &mut Sim, s: SocketId, name: &str, ack: AckMode) -> Option<RequestId> {
    sim.m
        .emit(
            sim.now,
            s,
            Emit {
                data: format!("[\"{name}\"]"),
                ack,
                ..Default::default()
            },
        )
        .unwrap()
}

/// (event name, wire id) of every EVENT the server got.
fn tries(sim: &Sim) -> Vec<(String, Option<u64>)> {
    sim.srv
        .received_of("/", PacketType::Event)
        .iter()
        .map(|d| {
            (
                socketio_wasm::proto::packet::event_name(d.packet.data.as_deref().unwrap())
                    .unwrap(),
                d.packet.id,
            )
        })
        .collect()
}

fn server_ack(sim: &mut Sim, id: u64) {
    let i = sim.srv.current().unwrap();
    let p = Packet {
        kind: PacketType::Ack,
        nsp: "/".into(),
        id: Some(id),
        data: Some("[\"ok\"]".into()),
        attachments: 0,
    };
    sim.srv.send_packet(i, &p, &[]);
    sim.pump();
}

fn results(sim: &Sim) -> Vec<(RequestId, Result<String, AckError>)> {
    sim.events
        .iter()
        .filter_map(|e| match e {
            Event::AckResponse {
                request, result, ..
            } => Some((*request, result.clone().map(|d| d.data))),
            _ => None,
        })
        .collect()
}

#[test]
fn one_in_flight_in_order() {
    let (mut sim, s) = setup(3);
    let a = emit(&mut sim, s, "a", AckMode::Callback).unwrap();
    assert_eq!(emit(&mut sim, s, "b", AckMode::None), None);
    let c = emit(&mut sim, s, "c", AckMode::WithError).unwrap();
    sim.pump();
    assert_eq!(tries(&sim), [("a".into(), Some(0))]);
    server_ack(&mut sim, 0);
    assert_eq!(tries(&sim), [("a".into(), Some(0)), ("b".into(), Some(1))]);
    server_ack(&mut sim, 1);
    server_ack(&mut sim, 2);
    assert_eq!(
        tries(&sim),
        [
            ("a".into(), Some(0)),
            ("b".into(), Some(1)),
            ("c".into(), Some(2))
        ]
    );
    assert_eq!(
        results(&sim),
        [(a, Ok("[\"ok\"]".into())), (c, Ok("[\"ok\"]".into()))]
    );
}

#[test]
fn retries_with_new_ids_then_gives_up() {
    let (mut sim, s) = setup(2);
    let a = emit(&mut sim, s, "a", AckMode::Callback).unwrap();
    let b = emit(&mut sim, s, "b", AckMode::Callback).unwrap();
    sim.pump();
    // 1 try + 2 retries, 1000 ms apart, each with a new wire id.
    sim.advance(999);
    assert_eq!(tries(&sim).len(), 1);
    sim.advance(1);
    sim.advance(1000);
    assert_eq!(
        tries(&sim),
        [
            ("a".into(), Some(0)),
            ("a".into(), Some(1)),
            ("a".into(), Some(2))
        ]
    );
    assert!(results(&sim).is_empty());
    sim.advance(1000);
    // Given up: the error, then "b" goes out.
    assert_eq!(results(&sim), [(a, Err(AckError::Timeout))]);
    assert_eq!(tries(&sim).last().unwrap(), &("b".to_string(), Some(3)));
    // A late ack of an old try of "a" is ignored; b's ack settles b.
    server_ack(&mut sim, 1);
    server_ack(&mut sim, 3);
    assert_eq!(
        results(&sim),
        [(a, Err(AckError::Timeout)), (b, Ok("[\"ok\"]".into()))]
    );
}

#[test]
fn disconnect_counts_as_a_try_and_resends_on_reconnect() {
    let (mut sim, s) = setup(5);
    let a = emit(&mut sim, s, "a", AckMode::Callback).unwrap();
    sim.pump();
    sim.srv.kill();
    sim.pump();
    assert!(results(&sim).is_empty());
    // Offline emits queue behind "a".
    emit(&mut sim, s, "b", AckMode::None);
    sim.advance(1000); // reconnection delay
    assert!(sim.m.is_connected(s));
    // On CONNECT the head is sent again (new id), "b" still waits.
    assert_eq!(tries(&sim), [("a".into(), Some(0)), ("a".into(), Some(1))]);
    server_ack(&mut sim, 1);
    assert_eq!(results(&sim), [(a, Ok("[\"ok\"]".into()))]);
    assert_eq!(tries(&sim).last().unwrap(), &("b".to_string(), Some(2)));
}

#[test]
fn volatile_bypasses_the_queue() {
    let (mut sim, s) = setup(2);
    emit(&mut sim, s, "a", AckMode::None);
    sim.m
        .emit(
            sim.now,
            s,
            Emit {
                data: "[\"v\"]".into(),
                volatile: true,
                ..Default::default()
            },
        )
        .unwrap();
    sim.pump();
    let t = tries(&sim);
    assert_eq!(t.len(), 2);
    assert!(t.contains(&("v".into(), None)));
}

/// Regression (found by `scenario_memory`): with `retries`, an emit without
/// an ack still gets `ackTimeout` (socket.io-client's queue adds a callback
/// to every packet); it used to wait for the server forever, blocking every
/// later emit of the socket until a reconnection.
#[test]
fn unanswered_emit_without_ack_does_not_block_the_queue() {
    let (mut sim, s) = setup(1);
    assert_eq!(emit(&mut sim, s, "fire", AckMode::None), None);
    let b = emit(&mut sim, s, "b", AckMode::Callback).unwrap();
    sim.pump();
    assert_eq!(tries(&sim), [("fire".into(), Some(0))]);
    // Not answered: retried once after ackTimeout, then given up silently.
    sim.advance(2000);
    assert_eq!(
        tries(&sim),
        [
            ("fire".into(), Some(0)),
            ("fire".into(), Some(1)),
            ("b".into(), Some(2))
        ]
    );
    server_ack(&mut sim, 2);
    assert_eq!(results(&sim), [(b, Ok("[\"ok\"]".into()))]);
    assert_eq!(sim.m.pending_acks(s), 0);
}
