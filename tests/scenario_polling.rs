//! Long-polling bookkeeping: one GET and one POST in flight at most, writes
//! batched into the next POST, cut at `maxPayload`.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{
    engine_codec, Emit, EnginePacket, ManagerConfig, Transmit, TransportInput,
};

fn polling_only() -> ManagerConfig {
    ManagerConfig {
        upgrade: false,
        ..Sim::default_cfg()
    }
}

fn ev(i: usize) -> Emit {
    Emit {
        data: format!("[\"n\",{i}]"),
        ..Default::default()
    }
}

fn posts(sim: &Sim) -> Vec<String> {
    sim.srv
        .log
        .iter()
        .filter_map(|t| match t {
            Transmit::PollPost { body, .. } => Some(body.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn one_post_in_flight_and_batching() {
    let (mut sim, s) = Sim::connected(polling_only(), 1, "/");
    sim.srv.hold_posts = true;
    let before = posts(&sim).len();
    for i in 0..5 {
        sim.m.emit(sim.now, s, ev(i)).unwrap();
        sim.pump();
    }
    // First emit went out alone; the four others wait for its completion.
    let p = posts(&sim);
    assert_eq!(p.len(), before + 1);
    assert_eq!(p[before], "42[\"n\",0]");
    sim.srv.release_posts();
    sim.pump();
    let p = posts(&sim);
    assert_eq!(p.len(), before + 2);
    assert_eq!(
        p[before + 1],
        "42[\"n\",1]\u{1e}42[\"n\",2]\u{1e}42[\"n\",3]\u{1e}42[\"n\",4]"
    );
    sim.srv.release_posts();
    sim.advance(100_000);
    assert_eq!(sim.srv.max_posts_in_flight, 1);
    assert_eq!(sim.srv.max_gets_in_flight, 1);
    assert!(sim.m.is_connected(s));
}

#[test]
fn post_cut_at_max_payload() {
    let mut sim = Sim::new(polling_only(), 1);
    sim.srv.max_payload = 30;
    sim.srv.hold_posts = true;
    let s = sim.m.socket("/", Default::default());
    sim.m.connect(0, s);
    sim.pump();
    for i in 0..6 {
        // "42[\"n\",i]" is 9 bytes; 4 + 9 per packet
        sim.m.emit(sim.now, s, ev(i)).unwrap();
    }
    sim.pump();
    for _ in 0..10 {
        sim.srv.release_posts();
        sim.pump();
    }
    // CONNECT alone (sent before the emits), then the emits: each POST
    // stays within 30 bytes.
    let p = posts(&sim);
    let sent: Vec<String> = p
        .iter()
        .flat_map(|b| engine_codec::decode_payload(b).unwrap())
        .filter_map(|p| match p {
            EnginePacket::Message(engine_codec::Data::Text(t)) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 7);
    for b in &p {
        assert!(b.len() <= 30, "{b:?}");
    }
    assert!(
        p.iter().any(|b| b.contains('\u{1e}')),
        "some batching: {p:?}"
    );
    // Order kept.
    for i in 0..6 {
        assert_eq!(sent[i + 1], format!("2[\"n\",{i}]"));
    }
}

#[test]
fn close_packet_on_get_is_transport_close() {
    let mut cfg = polling_only();
    cfg.reconnection = false;
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    sim.take_events();
    let i = sim.srv.current().unwrap();
    sim.srv.send_engine(i, EnginePacket::Close);
    sim.pump();
    assert_eq!(
        names(&sim.events),
        ["close:transport close", "disconnect:transport close"]
    );
    match &sim.events[0] {
        socketio_wasm::proto::Event::Close { description, .. } => {
            assert_eq!(
                description.as_deref(),
                Some("transport closed by the server")
            )
        }
        e => panic!("{e:?}"),
    }
    assert!(!sim.m.is_connected(s));
}

#[test]
fn failed_post_is_transport_error() {
    let mut cfg = polling_only();
    cfg.reconnection = false;
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    sim.srv.hold_posts = true;
    sim.take_events();
    sim.m.emit(sim.now, s, ev(1)).unwrap();
    sim.pump();
    let t = sim.srv.held_posts.pop().unwrap();
    sim.m.handle_transport(
        sim.now,
        t,
        TransportInput::Error {
            description: "xhr post error".into(),
        },
    );
    sim.pump();
    assert_eq!(
        names(&sim.events),
        [
            "error:xhr post error",
            "close:transport error",
            "disconnect:transport error"
        ]
    );
}

#[test]
fn garbage_payload_is_a_server_error() {
    let mut cfg = polling_only();
    cfg.reconnection = false;
    let (mut sim, _s) = Sim::connected(cfg, 1, "/");
    sim.take_events();
    let i = sim.srv.current().unwrap();
    let get = sim.srv.sessions[i].held_get.take().unwrap();
    sim.m
        .handle_transport(sim.now, get, TransportInput::poll_body("9zz"));
    sim.pump();
    assert_eq!(
        names(&sim.events),
        [
            "error:server error",
            "close:transport error",
            "disconnect:transport error"
        ]
    );
}
