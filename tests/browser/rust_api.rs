//! The Rust API (what a Leptos or Yew app uses, no JS involved) against the
//! real fixture server.
use std::cell::Cell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use socketio_wasm::proto::{AckError, ManagerConfig, SocketConfig, TransportKind};
use socketio_wasm::web::{EventData, Manager, Payload, Socket};

use crate::fixture_port;

fn manager(transports: Vec<TransportKind>) -> Manager {
    let mut config = ManagerConfig::new(format!("127.0.0.1:{}", fixture_port()), false);
    config.transports = transports;
    Manager::new(config, false)
}

/// Resolves on the socket's next `event`.
fn next(socket: &Socket, event: &str) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        let handle = socket.on(event, move |_payload: &Payload| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        // Kept for the test's lifetime: the promise settles once anyway.
        let _ = handle.detach();
    })
}

#[wasm_bindgen_test]
async fn connects_emits_and_awaits_acks() {
    for transports in [
        vec![TransportKind::WebSocket],
        vec![TransportKind::Polling],
        vec![TransportKind::Polling, TransportKind::WebSocket],
    ] {
        let manager = manager(transports);
        let socket = manager.socket("/", SocketConfig::default(), None);
        let connected = next(&socket, "connect");
        socket.connect();
        JsFuture::from(connected).await.expect("connect");
        assert!(socket.connected());
        assert_eq!(socket.id().map(|id| id.len()), Some(20));

        let reply = socket
            .emit_with_ack(
                EventData::new(r#"["echo",{"a":"é👋"},2]"#.into(), vec![]),
                Some(5_000),
            )
            .expect("emit")
            .await
            .expect("ack");
        assert_eq!(reply.data, r#"[{"a":"é👋"},2]"#);

        let timed_out = socket
            .emit_with_ack(EventData::new(r#"["noAck"]"#.into(), vec![]), Some(100))
            .expect("emit")
            .await;
        assert!(matches!(timed_out, Err(AckError::Timeout)));

        socket.disconnect();
        assert!(!socket.connected());
    }
}

#[wasm_bindgen_test]
async fn events_reach_listeners_and_handles_deregister_on_drop() {
    let manager = manager(vec![TransportKind::WebSocket]);
    let socket = manager.socket("/", SocketConfig::default(), None);
    let seen = Rc::new(Cell::new(0));
    let counter = seen.clone();
    let handle = socket.on("burst", move |payload: &Payload| {
        if let Payload::Event(incoming) = payload {
            assert_eq!(incoming.name, "burst");
            counter.set(counter.get() + 1);
        }
    });
    {
        let _scoped = socket.on("burst", |_: &Payload| {});
        assert_eq!(socket.listener_count("burst"), 2);
    }
    assert_eq!(
        socket.listener_count("burst"),
        1,
        "a dropped handle removes its listener"
    );

    let connected = next(&socket, "connect");
    socket.connect();
    JsFuture::from(connected).await.expect("connect");
    // The server emits burst(0..5); the ack of `counted` comes after them.
    socket
        .emit(
            EventData::new(r#"["burst",5]"#.into(), vec![]),
            Default::default(),
            None,
        )
        .expect("emit");
    socket
        .emit_with_ack(EventData::new(r#"["counted"]"#.into(), vec![]), Some(5_000))
        .expect("emit")
        .await
        .expect("ack");
    assert_eq!(seen.get(), 5);

    drop(handle);
    assert_eq!(socket.listener_count("burst"), 0);
    socket.disconnect();
}
