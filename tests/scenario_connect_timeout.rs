//! A namespace CONNECT the server never answers (a middleware that never
//! calls `next()`): socket.io-client waits forever; the core reports it
//! after the Manager's `timeout` and sends CONNECT again on the reconnection
//! schedule, while the other namespaces of the connection go on.

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{names, Answer, Sim};
use socketio_wasm::proto::{PacketType, SocketConfig};

#[test]
fn an_unanswered_connect_times_out_and_is_sent_again() {
    let mut cfg = Sim::default_cfg();
    cfg.timeout = Some(2_000);
    cfg.reconnection_delay = 1_000;
    cfg.reconnection_delay_max = 4_000;
    cfg.randomization_factor = 0.0;
    let mut sim = Sim::new(cfg, 1);
    // The server swallows /silent's CONNECTs until told otherwise.
    let answer = Rc::new(Cell::new(false));
    let open = answer.clone();
    sim.srv.policy = Box::new(move |nsp, _| {
        if nsp == "/silent" && !open.get() {
            Answer::Ignore
        } else {
            Answer::Accept
        }
    });
    let root = sim.m.socket("/", SocketConfig::default());
    let silent = sim.m.socket("/silent", SocketConfig::default());
    sim.m.connect(0, root);
    sim.m.connect(0, silent);
    sim.pump();
    assert!(sim.m.is_connected(root));
    assert!(!sim.m.is_connected(silent));
    sim.take_events();

    // 2 s without an answer: connect_error; the next CONNECT 1 s later,
    // then 2 s, then 4 s (the reconnection delays, doubling).
    sim.advance(1_999);
    assert!(names(&sim.take_events()).is_empty());
    sim.advance(1);
    assert_eq!(
        names(&sim.take_events()),
        ["connect_error:namespace connect timeout"]
    );
    let connects = |sim: &Sim| sim.srv.received_of("/silent", PacketType::Connect).len();
    assert_eq!(connects(&sim), 1);
    sim.advance(1_000);
    assert_eq!(connects(&sim), 2);
    sim.advance(2_000); // its timeout
    sim.advance(2_000); // the next delay
    assert_eq!(connects(&sim), 3);
    // The connection itself never dropped: the root socket stayed.
    assert!(sim.m.is_connected(root));
    assert!(sim.m.is_open());

    // The server answers the next one: connected, and the timers are gone.
    answer.set(true);
    sim.advance(2_000 + 4_000);
    assert!(sim.m.is_connected(silent));
    let before = connects(&sim);
    sim.advance(60_000);
    assert_eq!(connects(&sim), before);
}

#[test]
fn a_disconnect_while_connecting_leaves_no_timer() {
    let mut cfg = Sim::default_cfg();
    cfg.timeout = Some(2_000);
    let mut sim = Sim::new(cfg, 1);
    sim.srv.policy = Box::new(|_, _| Answer::Ignore);
    let s = sim.m.socket("/", SocketConfig::default());
    sim.m.connect(0, s);
    sim.pump();
    sim.m.disconnect(sim.now, s);
    sim.pump();
    sim.take_events();
    sim.advance(30_000);
    assert!(
        !names(&sim.take_events())
            .iter()
            .any(|e| e.starts_with("connect_error")),
        "no timeout after the disconnect"
    );
    assert_eq!(sim.m.poll_timeout(), None);
}

#[test]
fn without_reconnection_the_first_timeout_is_final() {
    let mut cfg = Sim::default_cfg();
    cfg.timeout = Some(2_000);
    cfg.reconnection = false;
    let mut sim = Sim::new(cfg, 1);
    let answer = Rc::new(Cell::new(false));
    let open = answer.clone();
    sim.srv.policy = Box::new(move |_, _| {
        if open.get() {
            Answer::Accept
        } else {
            Answer::Ignore
        }
    });
    let s = sim.m.socket("/", SocketConfig::default());
    sim.m.connect(0, s);
    sim.pump();
    sim.take_events();
    sim.advance(2_000);
    assert_eq!(
        names(&sim.take_events()),
        ["connect_error:namespace connect timeout"]
    );
    assert!(!sim.m.is_active(s));
    sim.advance(60_000);
    assert_eq!(sim.srv.received_of("/", PacketType::Connect).len(), 1);

    // connect() is the app's retry.
    answer.set(true);
    sim.m.connect(sim.now, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
}
