//! engine.io-client's options that shape the connection itself:
//! `tryAllTransports`, `addTrailingSlash`, `timestampRequests` /
//! `timestampParam`, and `transports` changed between connections.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{SocketConfig, Transmit, TransportKind};

fn urls(sim: &Sim) -> Vec<String> {
    sim.srv
        .log
        .iter()
        .filter_map(|t| match t {
            Transmit::PollGet { url, .. }
            | Transmit::PollPost { url, .. }
            | Transmit::OpenWebSocket { url, .. } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn try_all_transports_reaches_a_polling_only_server_from_websocket_first() {
    for try_all in [true, false] {
        let mut cfg = Sim::default_cfg();
        cfg.transports = vec![TransportKind::WebSocket, TransportKind::Polling];
        cfg.try_all_transports = try_all;
        cfg.reconnection = false;
        let mut sim = Sim::new(cfg, 1);
        sim.srv.websocket = false;
        sim.srv.upgrades.clear();
        let s = sim.m.socket("/", SocketConfig::default());
        sim.m.connect(0, s);
        sim.pump();
        let events = names(&sim.take_events());
        if try_all {
            assert!(sim.m.is_connected(s), "{events:?}");
            assert_eq!(sim.m.transport(), Some(TransportKind::Polling));
            // The failure was not the app's business: no error, one open.
            assert_eq!(events, ["open", "connect:false"]);
        } else {
            assert!(!sim.m.is_connected(s));
            assert!(
                events.iter().any(|e| e.starts_with("connect_error")),
                "{events:?}"
            );
        }
    }
}

#[test]
fn try_all_transports_gives_up_once_each_was_tried() {
    let mut cfg = Sim::default_cfg();
    cfg.try_all_transports = true;
    cfg.reconnection = false;
    let mut sim = Sim::new(cfg, 1);
    sim.srv.up = false;
    let s = sim.m.socket("/", SocketConfig::default());
    sim.m.connect(0, s);
    sim.pump();
    let events = names(&sim.take_events());
    assert!(
        events.iter().any(|e| e.starts_with("connect_error")),
        "{events:?}"
    );
    let u = urls(&sim);
    assert_eq!(u.len(), 2, "polling, then websocket, then nothing: {u:?}");
    assert!(u[0].contains("transport=polling") && u[1].contains("transport=websocket"));
}

#[test]
fn the_path_keeps_no_trailing_slash_when_asked() {
    let mut cfg = Sim::default_cfg();
    cfg.path = String::from("/socket.io");
    cfg.add_trailing_slash = false;
    let mut sim = Sim::new(cfg, 1);
    let s = sim.m.socket("/", SocketConfig::default());
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
    assert!(urls(&sim)
        .iter()
        .all(|u| u.starts_with("http://example.com/socket.io?EIO=4")
            || u.starts_with("ws://example.com/socket.io?EIO=4")));
}

#[test]
fn timestamps_follow_timestamp_requests_and_param() {
    let stamped = |stamp: Option<bool>, param: &str| {
        let mut cfg = Sim::default_cfg();
        cfg.timestamp_requests = stamp;
        cfg.timestamp_param = String::from(param);
        cfg.query = vec![(String::from("t"), String::from("mine"))];
        let mut sim = Sim::new(cfg, 1);
        let s = sim.m.socket("/", SocketConfig::default());
        sim.m.connect(0, s);
        sim.pump();
        assert!(sim.m.is_connected(s));
        let u = urls(&sim);
        let poll = u
            .iter()
            .find(|u| u.contains("transport=polling"))
            .cloned()
            .unwrap_or_default();
        let ws = u
            .iter()
            .find(|u| u.contains("transport=websocket"))
            .cloned()
            .unwrap_or_default();
        let has = |url: &str| {
            url.contains(&format!("&{param}=")) && !url.contains(&format!("&{param}=mine"))
        };
        (has(&poll), has(&ws), poll.contains("&t=mine"))
    };
    // Default: polling requests only; the app's own `t` gives way.
    assert_eq!(stamped(None, "t"), (true, false, false));
    assert_eq!(stamped(Some(true), "t"), (true, true, false));
    // None: the app's `t` goes through.
    assert!(stamped(Some(false), "t").2);
    // Another name leaves the app's `t` alone.
    assert_eq!(stamped(None, "ts"), (true, false, true));
}

#[test]
fn transports_changed_between_connections_apply_to_the_next() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let s = sim.m.socket("/", SocketConfig::default());
    sim.m.connect(0, s);
    sim.pump();
    assert!(urls(&sim)[0].contains("transport=polling"));
    sim.m.close(sim.now);
    sim.pump();
    sim.m.set_transports(vec![TransportKind::WebSocket]);
    sim.srv.log.clear();
    sim.m.connect(sim.now, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
    let u = urls(&sim);
    assert!(u[0].contains("transport=websocket"), "{u:?}");
    assert!(u.iter().all(|u| !u.contains("transport=polling")));
    // An empty list is refused: a connection needs a transport.
    sim.m.set_transports(Vec::new());
    assert_eq!(sim.m.config().transports, [TransportKind::WebSocket]);
}
