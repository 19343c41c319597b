//! Upgrade polling → WebSocket: `2probe`/`3probe`, pause polling (wait for
//! the in-flight GET and POST), `5`, flush on the WebSocket.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{
    Emit, ManagerConfig, Transmit, TransportId, TransportInput, TransportKind,
};

fn ev(i: usize) -> Emit {
    Emit {
        data: format!("[\"n\",{i}]"),
        ..Default::default()
    }
}

/// The first WebSocket the client opened (the upgrade probe).
fn first_websocket(sim: &Sim) -> TransportId {
    sim.srv
        .log
        .iter()
        .find_map(|t| match t {
            Transmit::OpenWebSocket { transport, .. } => Some(*transport),
            _ => None,
        })
        .expect("a WebSocket was opened")
}

fn ws_texts(sim: &Sim) -> Vec<String> {
    sim.srv
        .log
        .iter()
        .filter_map(|t| match t {
            t @ Transmit::SendText { .. } => t.text(),
            _ => None,
        })
        .collect()
}

#[test]
fn upgrade_sequence() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    assert_eq!(sim.m.transport(), Some(TransportKind::WebSocket));
    assert!(names(&sim.events).contains(&"upgrade:websocket".to_string()));
    let log = &sim.srv.log;
    let probe_id = first_websocket(&sim);
    // 2probe right after the probe opened; 5 after the pause.
    assert_eq!(ws_texts(&sim)[..2], ["2probe", "5"]);
    // The polling transport was released, after its last GET came back.
    let polling_id = TransportId(0);
    let close_pos = log
        .iter()
        .position(|t| {
            *t == Transmit::Close {
                transport: polling_id,
            }
        })
        .expect("polling released");
    let five_pos = log
        .iter()
        .position(|t| t.text().as_deref() == Some("5"))
        .unwrap();
    assert!(close_pos < five_pos);
    // No polling request after the upgrade.
    assert!(log[five_pos..]
        .iter()
        .all(|t| !matches!(t, Transmit::PollGet { .. } | Transmit::PollPost { .. })));
    sim.m.emit(sim.now, s, ev(1)).unwrap();
    sim.pump();
    assert_eq!(
        sim.srv.log.last(),
        Some(&Transmit::SendText {
            transport: probe_id,
            head: "42".into(),
            body: Some("[\"n\",1]".into())
        })
    );
    assert!(sim.srv.max_gets_in_flight <= 1);
}

#[test]
fn pause_waits_for_post_in_flight_and_buffers() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    // Hold the probe: run the handshake GET only.
    let get = sim.m.poll_transmit().unwrap();
    sim.srv.on_transmit(get);
    let (id, input) = sim.srv.out.pop_front().unwrap();
    sim.m.handle_transport(0, id, input);
    // Transmits now: OpenWebSocket (probe), next GET, POST (CONNECT).
    let mut txs = vec![];
    while let Some(t) = sim.m.poll_transmit() {
        txs.push(t);
    }
    assert!(matches!(txs[0], Transmit::OpenWebSocket { .. }));
    assert!(matches!(txs[1], Transmit::PollGet { .. }));
    assert!(matches!(txs[2], Transmit::PollPost { .. }));
    let Transmit::OpenWebSocket {
        transport: probe, ..
    } = txs[0].clone()
    else {
        unreachable!()
    };
    // The server takes the GET and POST but holds the POST.
    sim.srv.hold_posts = true;
    for t in txs.into_iter().skip(1) {
        sim.srv.on_transmit(t);
    }
    sim.pump();
    assert!(sim.m.is_connected(s)); // CONNECT answered on the GET
                                    // Emit: POST in flight, so it waits in the write buffer.
    sim.m.emit(sim.now, s, ev(1)).unwrap();
    // Now the probe.
    sim.m.handle_transport(0, probe, TransportInput::Opened);
    assert_eq!(
        sim.m.poll_transmit(),
        Some(Transmit::SendText {
            transport: probe,
            head: "2probe".into(),
            body: None
        })
    );
    sim.m
        .handle_transport(0, probe, TransportInput::Text("3probe".into()));
    sim.pump();
    // The server ends the pending GET with a noop (fast upgrade).
    let i = sim.srv.current().unwrap();
    sim.srv.sessions[i].probe = Some(probe);
    sim.srv.sessions[i].probing = true;
    let get = sim.srv.sessions[i].held_get.take().unwrap();
    sim.srv.gets_in_flight -= 1;
    let log_len = sim.srv.log.len();
    sim.m
        .handle_transport(0, get, TransportInput::poll_body("6"));
    sim.pump();
    // GET done, but the POST is still in flight: no "5" yet, no new request.
    assert!(!ws_texts(&sim).contains(&"5".to_string()));
    assert_eq!(sim.m.transport(), Some(TransportKind::Polling));
    assert_eq!(sim.srv.log.len(), log_len);
    sim.srv.release_posts();
    sim.pump();
    assert_eq!(sim.m.transport(), Some(TransportKind::WebSocket));
    // "5", then the emit that waited, on the WebSocket.
    let texts = ws_texts(&sim);
    assert_eq!(texts[texts.len() - 2..], ["5", "42[\"n\",1]"]);
    assert_eq!(sim.srv.max_posts_in_flight, 1);
    assert_eq!(sim.srv.max_gets_in_flight, 1);
    assert!(names(&sim.events).contains(&"upgrade:websocket".to_string()));
    // The emitted event reached the server exactly once.
    let got = sim
        .srv
        .received_of("/", socketio_wasm::proto::PacketType::Event);
    assert_eq!(got.len(), 1);
}

#[test]
fn failed_probe_keeps_polling() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.answer_probe = false;
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
    let probe = first_websocket(&sim);
    sim.m.handle_transport(
        sim.now,
        probe,
        TransportInput::Error {
            description: "websocket error".into(),
        },
    );
    sim.pump();
    assert!(names(&sim.events).contains(&"upgrade_error:probe error: websocket error".into()));
    assert_eq!(
        sim.srv.log.last(),
        Some(&Transmit::Close { transport: probe })
    );
    assert_eq!(sim.m.transport(), Some(TransportKind::Polling));
    sim.m.emit(sim.now, s, ev(7)).unwrap();
    sim.advance(60_000);
    assert!(sim.m.is_connected(s));
    assert_eq!(
        sim.srv
            .received_of("/", socketio_wasm::proto::PacketType::Event)
            .len(),
        1
    );
}

#[test]
fn wrong_probe_answer_resumes_polling() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.answer_probe = false;
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    sim.pump();
    let probe = first_websocket(&sim);
    sim.m
        .handle_transport(sim.now, probe, TransportInput::Text("3nope".into()));
    sim.pump();
    assert!(names(&sim.events).contains(&"upgrade_error:probe error".into()));
    sim.advance(60_000);
    assert!(sim.m.is_connected(s));
    assert_eq!(sim.m.transport(), Some(TransportKind::Polling));
}

#[test]
fn remember_upgrade_opens_websocket_directly() {
    let cfg = ManagerConfig {
        remember_upgrade: true,
        ..Sim::default_cfg()
    };
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    assert_eq!(sim.m.transport(), Some(TransportKind::WebSocket));
    let n = sim.srv.log.len();
    sim.srv.kill();
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    let reopened = sim.srv.log[n..]
        .iter()
        .find(|t| matches!(t, Transmit::OpenWebSocket { .. } | Transmit::PollGet { .. }))
        .unwrap();
    match reopened {
        Transmit::OpenWebSocket { url, .. } => assert!(!url.contains("sid=")),
        t => panic!("expected a direct WebSocket, got {t:?}"),
    }
}

#[test]
fn without_remember_upgrade_reconnects_with_polling() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    let n = sim.srv.log.len();
    sim.srv.kill();
    sim.advance(10_000);
    assert!(sim.m.is_connected(s));
    assert!(matches!(
        sim.srv.log[n..]
            .iter()
            .find(|t| matches!(t, Transmit::OpenWebSocket { .. } | Transmit::PollGet { .. })),
        Some(Transmit::PollGet { .. })
    ));
}

#[test]
fn close_during_upgrade_waits_for_it() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    sim.srv.answer_probe = false;
    sim.pump();
    let probe = first_websocket(&sim);
    // The GET is held by the server; pong arrives: pausing, waiting on the GET.
    sim.m
        .handle_transport(sim.now, probe, TransportInput::Text("3probe".into()));
    sim.pump();
    sim.take_events();
    sim.m.disconnect(sim.now, s);
    sim.pump();
    // The DISCONNECT packet is not lost: it goes out on the WebSocket once
    // the pause completes, then everything closes.
    let i = sim.srv.current().unwrap();
    let get = sim.srv.sessions[i].held_get.take().unwrap();
    sim.srv.gets_in_flight -= 1;
    sim.m
        .handle_transport(sim.now, get, TransportInput::poll_body("6"));
    sim.pump();
    let texts = ws_texts(&sim);
    assert_eq!(texts[texts.len() - 2..], ["5", "41"]);
    assert_eq!(
        sim.srv.log.last(),
        Some(&Transmit::Close { transport: probe })
    );
    assert_eq!(
        names(&sim.events),
        ["close:forced close", "disconnect:io client disconnect"]
    );
}
