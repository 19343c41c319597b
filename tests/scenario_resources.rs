//! Nothing is left running once the last socket disconnects: every transport
//! the core opened is closed and no deadline remains (the runtime then holds
//! no WebSocket, no fetch and no timer).

mod common;

use std::collections::BTreeSet;

use common::Sim;
use socketio_wasm::proto::{ManagerConfig, Transmit, TransportKind};

fn opened_and_closed(sim: &Sim) -> (BTreeSet<u64>, BTreeSet<u64>) {
    let mut opened = BTreeSet::new();
    let mut closed = BTreeSet::new();
    for t in &sim.srv.log {
        match t {
            Transmit::OpenWebSocket { transport, .. }
            | Transmit::PollGet { transport, .. }
            | Transmit::PollPost { transport, .. } => {
                opened.insert(transport.0);
            }
            Transmit::Close { transport } => {
                closed.insert(transport.0);
            }
            _ => {}
        }
    }
    (opened, closed)
}

fn check(cfg: ManagerConfig) {
    let mut sim = Sim::new(cfg, 7);
    let root = sim.m.socket("/", Default::default());
    let chat = sim.m.socket("/chat", Default::default());
    sim.m.connect(0, root);
    sim.m.connect(0, chat);
    sim.advance(100);
    assert!(sim.m.is_connected(root) && sim.m.is_connected(chat));
    sim.m.disconnect(sim.now, root);
    sim.pump();
    assert!(
        sim.m.poll_timeout().is_some(),
        "the heartbeat runs while /chat is connected"
    );
    sim.m.disconnect(sim.now, chat);
    sim.pump();
    assert_eq!(sim.m.poll_timeout(), None, "a deadline is left");
    let (opened, closed) = opened_and_closed(&sim);
    assert_eq!(opened, closed, "transports left open");
}

#[test]
fn websocket_only() {
    let mut cfg = Sim::default_cfg();
    cfg.transports = vec![TransportKind::WebSocket];
    check(cfg);
}

#[test]
fn polling_only() {
    let mut cfg = Sim::default_cfg();
    cfg.transports = vec![TransportKind::Polling];
    check(cfg);
}

#[test]
fn polling_upgraded_to_websocket() {
    check(Sim::default_cfg());
}
