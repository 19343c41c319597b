//! Totality: any sequence of app commands, transport inputs (valid, stale or
//! garbage) and clock values must not panic, and the Manager keeps its
//! basic promises (transport ids are never reused).
//!
//! Host only: proptest does not build for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Sim;
use proptest::prelude::*;
use socketio_wasm::proto::{
    AckMode, Auth, Emit, ManagerConfig, SocketConfig, Transmit, TransportId, TransportInput,
    TransportKind,
};

#[derive(Debug, Clone)]
enum Op {
    Open,
    Close,
    Connect(u8),
    Disconnect(u8),
    Emit(u8, u8, u8, bool),
    Ack(u8, u64),
    SetAuth(u8, bool),
    Advance(u32),
    Timeout,
    Pump,
    Kill,
    ServerUp(bool),
    ServerEmit(u8),
    Raw(u8, u8, String),
    Setter(u8, u16),
}

fn op() -> impl Strategy<Value = Op> {
    let text = prop_oneof![
        Just(String::new()),
        Just("0".to_string()),
        Just("0{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1}".to_string()),
        Just("2".to_string()),
        Just("3probe".to_string()),
        Just("40{\"sid\":\"s\",\"pid\":\"p\"}".to_string()),
        Just("42[\"e\",\"o\"]".to_string()),
        Just("451-[\"e\",{\"_placeholder\":true,\"num\":0}]".to_string()),
        Just("43[1]".to_string()),
        Just("44{\"message\":\"m\"}".to_string()),
        Just("41".to_string()),
        Just("1".to_string()),
        Just("6".to_string()),
        any::<String>(),
    ];
    prop_oneof![
        Just(Op::Open),
        Just(Op::Close),
        any::<u8>().prop_map(Op::Connect),
        any::<u8>().prop_map(Op::Disconnect),
        (any::<u8>(), any::<u8>(), any::<u8>(), any::<bool>())
            .prop_map(|(a, b, c, d)| Op::Emit(a, b, c, d)),
        (any::<u8>(), 0u64..4).prop_map(|(a, b)| Op::Ack(a, b)),
        (any::<u8>(), any::<bool>()).prop_map(|(a, b)| Op::SetAuth(a, b)),
        (0u32..100_000).prop_map(Op::Advance),
        Just(Op::Timeout),
        Just(Op::Pump),
        Just(Op::Kill),
        any::<bool>().prop_map(Op::ServerUp),
        any::<u8>().prop_map(Op::ServerEmit),
        (0u8..12, 0u8..8, text).prop_map(|(a, b, c)| Op::Raw(a, b, c)),
        (0u8..6, any::<u16>()).prop_map(|(a, b)| Op::Setter(a, b)),
    ]
}

fn config(seed: u64) -> ManagerConfig {
    let mut c = Sim::default_cfg();
    match seed % 3 {
        0 => {}
        1 => c.transports = vec![TransportKind::WebSocket],
        _ => {
            c.upgrade = false;
            c.timeout = Some(0);
            c.reconnection_delay = 0;
        }
    }
    c.remember_upgrade = seed % 2 == 0;
    c
}

fn socket_cfg(i: u8) -> SocketConfig {
    SocketConfig {
        auth: match i % 3 {
            0 => Auth::None,
            1 => Auth::Static("{\"a\":1}".into()),
            _ => Auth::Ask,
        },
        ack_timeout: (i % 2 == 0).then_some(300),
        retries: u32::from(i % 3),
        max_buffered_packets: 5,
        max_pending_acks: 5,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics(seed in any::<u64>(), ops in prop::collection::vec(op(), 0..60)) {
        let mut sim = Sim::new(config(seed), seed);
        sim.srv.strict = false;
        sim.max_steps = 200;
        let nsps = ["/", "/a", "/b"];
        let ids: Vec<_> = nsps
            .iter()
            .enumerate()
            .map(|(i, n)| sim.m.socket(n, socket_cfg(i as u8)))
            .collect();
        let mut seen_transports: Vec<TransportId> = vec![];
        for op in ops {
            let now = sim.now;
            match op {
                Op::Open => sim.m.open(now),
                Op::Close => sim.m.close(now),
                Op::Connect(i) => sim.m.connect(now, ids[i as usize % 3]),
                Op::Disconnect(i) => sim.m.disconnect(now, ids[i as usize % 3]),
                Op::Emit(i, kind, ack, volatile) => {
                    let data = match kind % 4 {
                        0 => "[\"e\",1]".to_string(),
                        1 => "[\"connect\"]".to_string(),
                        2 => "not json".to_string(),
                        _ => "[\"b\",{\"_placeholder\":true,\"num\":0}]".to_string(),
                    };
                    let attachments = if kind % 4 == 3 { vec![vec![1, 2]] } else { vec![] };
                    let ack = match ack % 4 {
                        0 => AckMode::None,
                        1 => AckMode::Callback,
                        2 => AckMode::WithError,
                        _ => AckMode::WithTimeout(u64::from(ack)),
                    };
                    let _ = sim.m.emit(now, ids[i as usize % 3], Emit { data, attachments, ack, volatile });
                }
                Op::Ack(i, id) => sim.m.ack(now, ids[i as usize % 3], id, "[1]".into(), vec![]),
                Op::SetAuth(i, some) => {
                    sim.m.set_auth(now, ids[i as usize % 3], some.then(|| "{}".to_string()))
                }
                Op::Advance(ms) => sim.advance(u64::from(ms)),
                Op::Timeout => sim.m.handle_timeout(now),
                Op::Pump => sim.pump(),
                Op::Kill => { sim.srv.kill(); }
                Op::ServerUp(up) => sim.srv.up = up,
                Op::ServerEmit(i) => sim.srv.emit(nsps[i as usize % 3], "[\"srv\",1]"),
                Op::Raw(t, kind, text) => {
                    let id = TransportId(u64::from(t));
                    let input = match kind {
                        0 => TransportInput::Opened,
                        1 => TransportInput::Text(text),
                        2 => TransportInput::Binary(text.into_bytes()),
                        3 => TransportInput::poll_body(&text),
                        4 => TransportInput::PostDone,
                        5 => TransportInput::Closed { description: text },
                        _ => TransportInput::Error { description: text },
                    };
                    sim.m.handle_transport(now, id, input);
                }
                Op::Setter(which, v) => match which {
                    0 => sim.m.set_reconnection(v % 2 == 0),
                    1 => sim.m.set_reconnection_attempts((v % 3 != 0).then_some(u32::from(v % 5))),
                    2 => sim.m.set_reconnection_delay(u64::from(v)),
                    3 => sim.m.set_reconnection_delay_max(u64::from(v)),
                    4 => sim.m.set_randomization_factor(f64::from(v) / 1000.0),
                    _ => sim.m.set_timeout((v % 2 == 0).then_some(u64::from(v))),
                },
            }
            // Raw transmits (not given to the server): check id freshness.
            while let Some(t) = sim.m.poll_transmit() {
                if let Transmit::OpenWebSocket { transport, .. } | Transmit::PollGet { transport, .. } = &t {
                    if !seen_transports.contains(transport) {
                        if let Some(max) = seen_transports.iter().max() {
                            prop_assert!(transport > max, "transport ids are never reused");
                        }
                        seen_transports.push(*transport);
                    }
                }
                sim.srv.on_transmit(t);
            }
            while sim.m.poll_event().is_some() {}
        }
    }
}
