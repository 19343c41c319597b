//! The typed Rust API (`web::typed`) against the real fixture server:
//! serde round trips, ack futures (answer, timeout, disconnect), the event
//! stream's bound, listeners removed on drop, a malformed payload for a
//! typed listener.
use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::pin::Pin;
use std::rc::Rc;

use futures_core::Stream;
use js_sys::Promise;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use socketio_wasm::proto::{AckError, ManagerConfig, SocketConfig, TransportKind};
use socketio_wasm::web::{
    Binary, ConnectionState, ErrorFirst, Manager, Payload, Socket, TypedError,
};

use crate::fixture_port;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Mood {
    Happy,
    Busy { until: u64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Message {
    room: String,
    text: String,
    mood: Mood,
    reply_to: Option<u64>,
    tags: Vec<String>,
    bytes: Vec<u8>,
}

fn message(n: u64) -> Message {
    Message {
        room: "général".into(),
        text: format!("hi {n} 👋"),
        mood: if n % 2 == 0 {
            Mood::Happy
        } else {
            Mood::Busy { until: n }
        },
        reply_to: n.checked_sub(1),
        tags: vec!["a".into(), "b".into()],
        bytes: vec![0, 1, 255],
    }
}

fn sleep(ms: i32) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout = js_sys::Reflect::get(&global, &"setTimeout".into()).expect("setTimeout");
        let set_timeout: js_sys::Function = set_timeout.into();
        let _ = set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from(ms));
    }))
}

async fn connected() -> Socket {
    let mut config = ManagerConfig::new(format!("127.0.0.1:{}", fixture_port()), false);
    config.transports = vec![TransportKind::WebSocket];
    let manager = Manager::new(config, false);
    let socket = manager.socket("/", SocketConfig::default(), None);
    let mut states = socket.states();
    socket.connect();
    assert_eq!(next(&mut states).await, ConnectionState::Connected);
    socket
}

/// The stream's next item.
async fn next<S: Stream + Unpin>(stream: &mut S) -> S::Item {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx))
        .await
        .expect("the stream never ends")
}

#[wasm_bindgen_test]
async fn typed_emit_and_listen_round_trip_nested_structs_enums_options() {
    let socket = connected().await;
    let seen = Rc::new(RefCell::new(Vec::new()));
    let errors = Rc::new(Cell::new(0));
    let (s, e) = (seen.clone(), errors.clone());
    let _handle = socket.on_json(
        "echo",
        move |m: Message| s.borrow_mut().push(m),
        move |_| e.set(e.get() + 1),
    );
    for n in 0..3 {
        socket.emit_json("echo", &message(n)).expect("emit");
    }
    // Several arguments: a tuple each way.
    let pair = Rc::new(RefCell::new(None));
    let p = pair.clone();
    let _pair = socket.on_args(
        "echo",
        move |(a, b): (u32, String)| *p.borrow_mut() = Some((a, b)),
        |_| {},
    );
    socket.emit_args("echo", &(7u32, "seven")).expect("emit");
    sleep(300).await.expect("sleep");
    assert_eq!(*seen.borrow(), vec![message(0), message(1), message(2)]);
    // The tuple's echo is not a Message: counted, not a panic.
    assert_eq!(errors.get(), 1);
    assert_eq!(*pair.borrow(), Some((7, String::from("seven"))));
    socket.disconnect();
}

#[wasm_bindgen_test]
async fn ack_futures_answer_time_out_and_fail_on_disconnect() {
    let socket = connected().await;
    let answer: Message = socket
        .emit_with_ack_json("echo", &message(4))
        .timeout(5_000)
        .await
        .expect("ack");
    assert_eq!(answer, message(4));

    let wrong: Result<Message, _> = socket.emit_with_ack_json("echo", &42u8).await;
    assert!(
        matches!(wrong, Err(TypedError::Deserialize(_))),
        "{wrong:?}"
    );

    let late: Result<String, _> = socket.emit_with_ack_json("noAck", &()).timeout(100).await;
    assert_eq!(late, Err(TypedError::Ack(AckError::Timeout)));

    let pending = socket.emit_with_ack_json::<_, String>("slowAck", &5_000u32);
    let s = socket.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(100).await.expect("sleep");
        s.disconnect();
    });
    assert_eq!(pending.await, Err(TypedError::Ack(AckError::Disconnected)));
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Refusal {
    message: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Stored {
    id: u64,
}

#[wasm_bindgen_test]
async fn acks_with_several_arguments_and_error_first_answers() {
    let socket = connected().await;
    // The arguments spread, the answer read whole as a tuple.
    let both: (Message, Option<u64>) = socket
        .emit_with_ack_args("echo", &(message(1), Some(9u64)))
        .timeout(5_000)
        .await
        .expect("ack");
    assert_eq!(both, (message(1), Some(9)));

    // (null, res), (err, null) and a failure answered with the error alone.
    let answer = |event: &'static str, arg: &'static str| {
        let sent = socket.emit_with_ack_args::<_, ErrorFirst<Stored, Refusal>>(event, &(arg,));
        async move { sent.await.expect("ack").into_result() }
    };
    let refusal = |message: &str| {
        Err(Refusal {
            message: message.into(),
        })
    };
    assert_eq!(
        answer("ackShape", "errorFirstOk").await,
        Ok(Stored { id: 8 })
    );
    assert_eq!(answer("ackError", "no room").await, refusal("no room"));
    assert_eq!(
        answer("ackShape", "errorFirstOne").await,
        refusal("Message text required")
    );
    // A success that is not a `Stored`: an error, not a panic.
    let wrong: Result<ErrorFirst<Stored, Refusal>, _> = socket
        .emit_with_ack_args("ackShape", &("errorFirstShaped",))
        .await;
    assert!(
        matches!(wrong, Err(TypedError::Deserialize(_))),
        "{wrong:?}"
    );
    socket.disconnect();
}

#[wasm_bindgen_test]
async fn the_event_stream_is_bounded_and_drops_the_oldest() {
    let socket = connected().await;
    let mut burst = socket.events::<u32>("burst", 10);
    socket.emit_json("burst", &50u32).expect("emit");
    sleep(300).await.expect("sleep");
    // 50 arrived, the consumer took none: the last 10 are kept.
    assert_eq!(burst.dropped(), 40);
    let mut got = Vec::new();
    for _ in 0..10 {
        got.push(next(&mut burst).await);
    }
    assert_eq!(got, (40..50).collect::<Vec<u32>>());
    socket.emit_json("burst", &1u32).expect("emit");
    assert_eq!(next(&mut burst).await, 0);
    assert_eq!(burst.malformed(), 0);
    drop(burst);
    assert_eq!(socket.listener_count("burst"), 0);
    socket.disconnect();
}

#[wasm_bindgen_test]
async fn dropping_handles_and_streams_leaves_no_listener() {
    let socket = connected().await;
    for _ in 0..1_000 {
        let handle = socket.on_json("echo", |_: Message| {}, |_| {});
        let stream = socket.events::<Message>("echo", 4);
        drop(handle);
        drop(stream);
    }
    assert_eq!(socket.listener_count("echo"), 0);
    // Other listeners keep working after a malformed payload for a typed one.
    let plain = Rc::new(Cell::new(0));
    let p = plain.clone();
    let _raw = socket.on("echo", move |payload: &Payload| {
        if let Payload::Event(_) = payload {
            p.set(p.get() + 1);
        }
    });
    let errors = Rc::new(RefCell::new(Vec::new()));
    let e = errors.clone();
    let _typed = socket.on_json(
        "echo",
        |_: Message| panic!("not a Message"),
        move |err| e.borrow_mut().push(err.to_string()),
    );
    socket.emit_json("echo", &"just a string").expect("emit");
    sleep(300).await.expect("sleep");
    assert_eq!(plain.get(), 1);
    assert_eq!(errors.borrow().len(), 1);
    assert!(
        errors.borrow()[0].starts_with("unexpected payload"),
        "{:?}",
        errors.borrow()
    );
    socket.disconnect();
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct File {
    name: String,
    data: Binary,
    parts: Vec<Binary>,
    raw: Vec<u8>,
}

#[wasm_bindgen_test]
async fn binary_values_travel_as_attachments_and_come_back_typed() {
    let socket = connected().await;
    let file = File {
        name: "a.bin".into(),
        data: Binary(vec![0, 1, 2, 255]),
        parts: vec![Binary(vec![7]), Binary(vec![])],
        raw: vec![9, 8],
    };
    // The server got Buffers (attachments) for the Binary values, JSON for the Vec<u8>.
    let seen: serde_json::Value = socket
        .emit_with_ack_json("describe", &file)
        .timeout(5_000)
        .await
        .expect("ack");
    assert_eq!(
        seen,
        serde_json::json!([{ "name": "string", "data": "binary(4)", "parts": ["binary(1)", "binary(0)"], "raw": ["number", "number"] }])
    );
    // Echoed back: the attachments are read into the Binary fields.
    let back: File = socket
        .emit_with_ack_json("echo", &file)
        .timeout(5_000)
        .await
        .expect("ack");
    assert_eq!(back, file);
    socket.disconnect();
}
