//! Binary attachments round trips, over WebSocket and over polling.

mod common;

use common::Sim;
use socketio_wasm::proto::{AckMode, Emit, Event, ManagerConfig, Packet, PacketType, Transmit};

const PH0: &str = r#"{"_placeholder":true,"num":0}"#;
const PH1: &str = r#"{"_placeholder":true,"num":1}"#;

fn bin_emit(ack: AckMode) -> Emit {
    Emit {
        data: format!("[\"file\",{PH0},{PH1}]"),
        attachments: vec![vec![1, 2, 3], vec![0xff; 5]],
        ack,
        volatile: false,
    }
}

fn check_round_trip(sim: &mut Sim, s: socketio_wasm::proto::SocketId) {
    let r = sim
        .m
        .emit(sim.now, s, bin_emit(AckMode::WithError))
        .unwrap()
        .unwrap();
    sim.pump();
    let got = sim.srv.received_of("/", PacketType::BinaryEvent);
    let last = got.last().unwrap();
    assert_eq!(last.packet.attachments, 2);
    assert_eq!(last.packet.data, Some(format!("[\"file\",{PH0},{PH1}]")));
    assert_eq!(last.attachments, [vec![1, 2, 3], vec![0xff; 5]]);
    // The server's echo ack is a BINARY_ACK with the same attachments.
    let ack = sim
        .events
        .iter()
        .find_map(|e| match e {
            Event::AckResponse {
                request, result, ..
            } if *request == r => Some(result.clone()),
            _ => None,
        })
        .unwrap()
        .unwrap();
    assert_eq!(ack.data, format!("[\"file\",{PH0},{PH1}]"));
    assert_eq!(ack.attachments, [vec![1, 2, 3], vec![0xff; 5]]);

    // Server → client binary event, and a binary answer to its ack.
    let i = sim.srv.current().unwrap();
    let p = Packet {
        kind: PacketType::BinaryEvent,
        nsp: "/".into(),
        id: Some(9),
        data: Some(format!("[\"img\",{PH0}]")),
        attachments: 1,
    };
    sim.srv.send_packet(i, &p, &[vec![7; 300]]);
    sim.pump();
    assert!(sim.events.contains(&Event::Event {
        socket: s,
        data: format!("[\"img\",{PH0}]"),
        attachments: vec![vec![7; 300]],
        ack_id: Some(9)
    }));
    sim.m
        .ack(sim.now, s, 9, format!("[{PH0}]"), vec![vec![4, 5]]);
    sim.pump();
    let acks = sim.srv.received_of("/", PacketType::BinaryAck);
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].packet.id, Some(9));
    assert_eq!(acks[0].attachments, [vec![4, 5]]);
}

#[test]
fn round_trip_over_websocket() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.m.emit(sim.now, s, bin_emit(AckMode::None)).unwrap();
    let frames: Vec<_> = std::iter::from_fn(|| sim.m.poll_transmit()).collect();
    assert!(frames[0]
        .text()
        .is_some_and(|text| text.starts_with("452-[\"file\"")));
    assert_eq!(
        frames[1..]
            .iter()
            .map(|f| match f {
                Transmit::SendBinary { data, .. } => data.clone(),
                f => panic!("{f:?}"),
            })
            .collect::<Vec<_>>(),
        [vec![1, 2, 3], vec![0xff; 5]]
    );
    for f in frames {
        sim.srv.on_transmit(f);
    }
    sim.pump();
    check_round_trip(&mut sim, s);
}

#[test]
fn round_trip_over_polling() {
    let cfg = ManagerConfig {
        upgrade: false,
        ..Sim::default_cfg()
    };
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    sim.m.emit(sim.now, s, bin_emit(AckMode::None)).unwrap();
    let post = std::iter::from_fn(|| sim.m.poll_transmit())
        .find_map(|t| match t {
            Transmit::PollPost { body, .. } => Some(body),
            _ => None,
        })
        .unwrap();
    assert!(post.starts_with("452-[\"file\""));
    assert!(post.ends_with("\u{1e}bAQID\u{1e}b//////8="), "{post}");
    // Start over with a fresh sim to drive the full exchange.
    let (mut sim, s) = Sim::connected(
        ManagerConfig {
            upgrade: false,
            ..Sim::default_cfg()
        },
        1,
        "/",
    );
    check_round_trip(&mut sim, s);
}

#[test]
fn buffered_binary_emit_is_sent_whole_after_reconnect() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.kill();
    sim.pump();
    sim.m.emit(sim.now, s, bin_emit(AckMode::None)).unwrap();
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    let got = sim.srv.received_of("/", PacketType::BinaryEvent);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].attachments.len(), 2);
}
