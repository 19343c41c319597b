//! What the app may do to a socket's buffers (socket.io-client's
//! `socket.sendBuffer = ...` and `socket.receiveBuffer`): read the offline
//! send buffer's keys and ack ids, keep a chosen part of it in a chosen
//! order (the acks of the rest settle at once), read and clear the events
//! received before CONNECT. The retry queue is not part of the send buffer.

mod common;

use common::{names, Answer, Sim};
use socketio_wasm::proto::{
    AckError, AckMode, Emit, Event, ManagerConfig, Packet, PacketType, RequestId, SocketConfig,
    SocketId,
};

fn ev(name: &str, ack: AckMode) -> Emit {
    Emit {
        data: format!("[\"{name}\"]"),
        ack,
        ..Default::default()
    }
}

fn server_events(sim: &Sim) -> Vec<String> {
    sim.srv
        .received_of("/", PacketType::Event)
        .into_iter()
        .filter_map(|d| d.packet.data)
        .collect()
}

fn keys(sim: &Sim, s: SocketId) -> Vec<RequestId> {
    sim.m.send_buffer(s).into_iter().map(|(k, _)| k).collect()
}

/// Connected, then offline (the server unreachable): emits are buffered.
fn offline() -> (Sim, SocketId) {
    let mut cfg = Sim::default_cfg();
    cfg.randomization_factor = 0.0;
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    sim.srv.kill();
    sim.srv.up = false;
    sim.pump();
    assert!(!sim.m.is_connected(s));
    sim.take_events();
    (sim, s)
}

fn reconnect(sim: &mut Sim, s: SocketId) {
    sim.srv.up = true;
    sim.advance(10_000);
    assert!(sim.m.is_connected(s), "{:?}", names(&sim.events));
}

#[test]
fn keys_are_unique_and_name_the_acks() {
    let (mut sim, s) = offline();
    assert_eq!(sim.m.emit(sim.now, s, ev("a", AckMode::None)), Ok(None));
    let b = sim
        .m
        .emit(sim.now, s, ev("b", AckMode::WithError))
        .unwrap()
        .unwrap();
    assert_eq!(sim.m.emit(sim.now, s, ev("c", AckMode::None)), Ok(None));
    let d = sim
        .m
        .emit(sim.now, s, ev("d", AckMode::Callback))
        .unwrap()
        .unwrap();
    let buffer = sim.m.send_buffer(s);
    assert_eq!(buffer.len(), 4);
    assert_eq!(buffer[1], (b, Some(0)));
    assert_eq!(buffer[3], (d, Some(1)));
    assert_eq!(buffer[0].1, None);
    assert_eq!(buffer[2].1, None);
    let mut all = keys(&sim, s);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4, "keys unique: {buffer:?}");
    // Another socket's buffer is its own.
    let other = sim.m.socket("/other", Default::default());
    assert!(sim.m.send_buffer(other).is_empty());
}

#[test]
fn clearing_settles_acks_and_sends_nothing() {
    let (mut sim, s) = offline();
    sim.m.emit(sim.now, s, ev("a", AckMode::None)).unwrap();
    let b = sim
        .m
        .emit(sim.now, s, ev("b", AckMode::WithError))
        .unwrap()
        .unwrap();
    let c = sim
        .m
        .emit(sim.now, s, ev("c", AckMode::Callback))
        .unwrap()
        .unwrap();
    let d = sim
        .m
        .emit(sim.now, s, ev("d", AckMode::WithTimeout(3_000)))
        .unwrap()
        .unwrap();
    assert_eq!(sim.m.pending_acks(s), 3);
    sim.m.retain_send_buffer(sim.now, s, []);
    assert_eq!(sim.m.buffered(s), 0);
    assert_eq!(sim.m.pending_acks(s), 0);
    sim.pump();
    let settled: Vec<(RequestId, Option<AckError>)> = sim
        .take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::AckResponse {
                request, result, ..
            } => Some((request, result.err())),
            Event::AckDropped { request, .. } => Some((request, None)),
            _ => None,
        })
        .collect();
    assert_eq!(
        settled,
        [
            (b, Some(AckError::Removed)),
            (c, None),
            (d, Some(AckError::Removed))
        ]
    );
    assert_eq!(AckError::Removed.as_str(), "removed from the send buffer");
    // The deadline of `d` was stopped: nothing settles twice.
    reconnect(&mut sim, s);
    assert!(
        !sim.events
            .iter()
            .any(|e| matches!(e, Event::AckResponse { .. } | Event::AckDropped { .. })),
        "{:?}",
        names(&sim.events)
    );
    assert!(server_events(&sim).is_empty());
    // Emits go out again, with fresh wire ids after the removed ones.
    let e = sim.m.emit(sim.now, s, ev("e", AckMode::WithError)).unwrap();
    assert!(e.is_some());
    sim.pump();
    let sent = sim.srv.received_of("/", PacketType::Event);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].packet.data.as_deref(), Some("[\"e\"]"));
    assert_eq!(sent[0].packet.id, Some(3));
}

#[test]
fn kept_ones_go_in_the_order_given() {
    let (mut sim, s) = offline();
    sim.srv.auto_ack = true;
    for name in ["e0", "e1", "e2", "e3"] {
        sim.m.emit(sim.now, s, ev(name, AckMode::None)).unwrap();
    }
    let r = sim
        .m
        .emit(sim.now, s, ev("e4", AckMode::WithError))
        .unwrap()
        .unwrap();
    let k = keys(&sim, s);
    assert_eq!(k.len(), 5);
    assert_eq!(k[4], r);
    sim.m.retain_send_buffer(sim.now, s, [k[3], k[4], k[1]]);
    assert_eq!(keys(&sim, s), [k[3], k[4], k[1]]);
    assert_eq!(sim.m.pending_acks(s), 1);
    sim.pump();
    assert!(sim.take_events().is_empty(), "nothing settled");
    reconnect(&mut sim, s);
    assert_eq!(server_events(&sim), ["[\"e3\"]", "[\"e4\"]", "[\"e1\"]"]);
    let acked = sim
        .events
        .iter()
        .any(|e| matches!(e, Event::AckResponse { request, result: Ok(_), .. } if *request == r));
    assert!(acked, "{:?}", names(&sim.events));
    assert_eq!(sim.m.buffered(s), 0);
}

#[test]
fn unknown_keys_and_repeats_are_ignored() {
    let (mut sim, s) = offline();
    sim.m.emit(sim.now, s, ev("a", AckMode::WithError)).unwrap();
    sim.m.emit(sim.now, s, ev("b", AckMode::None)).unwrap();
    sim.m.emit(sim.now, s, ev("c", AckMode::None)).unwrap();
    let k = keys(&sim, s);
    // A key of another socket's buffer.
    let other = sim.m.socket("/other", Default::default());
    sim.m.emit(sim.now, other, ev("o", AckMode::None)).unwrap();
    let unknown = keys(&sim, other)[0];
    assert!(!k.contains(&unknown));
    // Keeping all, in order, changes nothing.
    sim.m.retain_send_buffer(sim.now, s, k.clone());
    assert_eq!(keys(&sim, s), k);
    sim.m
        .retain_send_buffer(sim.now, s, [k[2], unknown, k[0], k[2], k[0]]);
    assert_eq!(keys(&sim, s), [k[2], k[0]]);
    assert_eq!(keys(&sim, other), [unknown]);
    assert_eq!(sim.m.pending_acks(s), 1);
    sim.pump();
    assert!(sim.take_events().is_empty());
    reconnect(&mut sim, s);
    assert_eq!(server_events(&sim), ["[\"c\"]", "[\"a\"]"]);
}

#[test]
fn cleared_in_the_reconnect_event() {
    // socket.io's docs: `socket.io.on("reconnect", () => socket.sendBuffer
    // = [])`. `reconnect` comes with the Engine.IO handshake, before the
    // namespace's CONNECT is answered and the buffer flushed.
    let (mut sim, s) = offline();
    for name in ["x", "y"] {
        sim.m.emit(sim.now, s, ev(name, AckMode::None)).unwrap();
    }
    sim.srv.policy = Box::new(|_, _| Answer::Ignore);
    sim.srv.up = true;
    sim.advance(10_000);
    assert!(names(&sim.events)
        .iter()
        .any(|n| n.starts_with("reconnect:")));
    assert!(sim.m.is_open() && !sim.m.is_connected(s));
    assert_eq!(sim.m.buffered(s), 2);
    sim.m.retain_send_buffer(sim.now, s, []);
    let i = sim.srv.current().unwrap();
    let connect = Packet {
        kind: PacketType::Connect,
        nsp: "/".into(),
        id: None,
        data: Some(r#"{"sid":"abc"}"#.into()),
        attachments: 0,
    };
    sim.srv.send_packet(i, &connect, &[]);
    sim.pump();
    assert!(sim.m.is_connected(s));
    assert!(server_events(&sim).is_empty());
}

#[test]
fn the_retry_queue_is_not_the_send_buffer() {
    // socket.io-client: with `retries`, emits wait in `_queue`, and
    // `sendBuffer` stays empty while offline.
    let mut cfg = Sim::default_cfg();
    cfg.randomization_factor = 0.0;
    let mut sim = Sim::new(cfg, 1);
    sim.srv.auto_ack = true;
    let s = sim.m.socket(
        "/",
        SocketConfig {
            retries: 2,
            ack_timeout: Some(1_000),
            ..Default::default()
        },
    );
    sim.srv.up = false;
    sim.m.connect(0, s);
    sim.pump();
    let r = sim
        .m
        .emit(sim.now, s, ev("q", AckMode::WithError))
        .unwrap()
        .unwrap();
    assert_eq!(sim.m.buffered(s), 0);
    assert!(sim.m.send_buffer(s).is_empty());
    sim.m.retain_send_buffer(sim.now, s, []);
    sim.m.retain_send_buffer(sim.now, s, [r]);
    assert!(sim.m.send_buffer(s).is_empty());
    reconnect(&mut sim, s);
    assert_eq!(server_events(&sim), ["[\"q\"]"]);
}

#[test]
fn volatile_buffered_while_connecting_is_in_the_buffer() {
    // The transport is writable but the namespace not connected yet: a
    // volatile emit is buffered (socket.io-client does the same).
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.policy = Box::new(|_, _| Answer::Ignore);
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    sim.pump();
    let v = Emit {
        volatile: true,
        ..ev("v", AckMode::None)
    };
    sim.m.emit(sim.now, s, v).unwrap();
    assert_eq!(sim.m.send_buffer(s).len(), 1);
}

#[test]
fn receive_buffer_read_and_cleared() {
    let cfg = ManagerConfig {
        upgrade: false,
        ..Sim::default_cfg()
    };
    let mut sim = Sim::new(cfg, 1);
    sim.srv.policy = Box::new(|_, _| Answer::Ignore);
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.receive_buffer(s, false).is_empty());
    let i = sim.srv.current().unwrap();
    for data in ["[\"early\",1]", "[\"early\",2]"] {
        let event = Packet {
            kind: PacketType::Event,
            nsp: "/".into(),
            id: None,
            data: Some(data.into()),
            attachments: 0,
        };
        sim.srv.send_packet(i, &event, &[]);
    }
    sim.pump();
    assert_eq!(
        sim.m.receive_buffer(s, false),
        ["[\"early\",1]", "[\"early\",2]"]
    );
    // Reading does not take them out.
    assert_eq!(sim.m.receive_buffer(s, false).len(), 2);
    assert_eq!(sim.m.receive_buffer(s, true).len(), 2);
    assert!(sim.m.receive_buffer(s, false).is_empty());
    sim.take_events();
    let connect = Packet {
        kind: PacketType::Connect,
        nsp: "/".into(),
        id: None,
        data: Some(r#"{"sid":"abc"}"#.into()),
        attachments: 0,
    };
    sim.srv.send_packet(i, &connect, &[]);
    sim.pump();
    assert_eq!(names(&sim.events), ["connect:false"]);
    // Once connected, events are delivered, not buffered.
    sim.srv.send_packet(
        i,
        &Packet {
            kind: PacketType::Event,
            nsp: "/".into(),
            id: None,
            data: Some("[\"late\"]".into()),
            attachments: 0,
        },
        &[],
    );
    sim.pump();
    assert!(sim.m.receive_buffer(s, false).is_empty());
    assert_eq!(names(&sim.events), ["connect:false", "event:[\"late\"]"]);
}
