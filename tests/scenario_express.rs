//! The express lane (`Manager::express_lane`): while it is open, a plain emit
//! does nothing but send one WebSocket frame `prefix + JSON`, so the browser
//! runtime may send that frame itself. Checked on every plain emit of a long
//! run of random faults, and on the states where it must be closed.

mod common;

use common::Sim;
use socketio_wasm::proto::{
    Emit, Event, Manager, ManagerConfig, SocketConfig, SocketId, Transmit, TransportInput,
    TransportKind,
};

fn plain(i: u64) -> Emit {
    Emit {
        data: format!("[\"n\",{i}]"),
        ..Default::default()
    }
}

/// Emits a plain event through the core and, when the lane was open,
/// asserts that the core did exactly what the runtime would have done
/// alone. Returns whether the lane was open.
fn emit_checked(sim: &mut Sim, s: SocketId, i: u64) -> bool {
    let lane = sim.m.express_lane(s).filter(|l| sim.now <= l.until);
    let prefix = sim.m.plain_event_prefix(s).unwrap();
    let timeout = sim.m.poll_timeout();
    let result = sim.m.emit(sim.now, s, plain(i));
    if let Some(lane) = lane {
        assert_eq!(result, Ok(None));
        let frame = sim.m.poll_transmit();
        assert_eq!(
            frame,
            Some(Transmit::SendText {
                transport: lane.transport,
                text: format!("{prefix}[\"n\",{i}]"),
            })
        );
        assert_eq!(sim.m.poll_transmit(), None, "one frame, nothing else");
        assert_eq!(sim.m.poll_event(), None, "no event");
        assert_eq!(sim.m.poll_timeout(), timeout, "no timer moved");
        assert_eq!(sim.m.buffered(s), 0);
        sim.srv.now = sim.now;
        sim.srv.on_transmit(frame.unwrap());
    }
    sim.pump();
    lane.is_some()
}

/// When the receive lane is open, feeds the core a plain event frame on it
/// and asserts that the core only queued that event (what the runtime does
/// alone on the lane). Returns whether the lane was open.
fn receive_checked(sim: &mut Sim, s: SocketId, i: u64) -> bool {
    let Some(lane) = sim.m.receive_lane(s) else {
        return false;
    };
    let prefix = sim.m.plain_event_prefix(s).unwrap();
    let timeout = sim.m.poll_timeout();
    let json = format!("[\"n\",{i},\"off{i}\"]");
    sim.m.handle_transport(
        sim.now,
        lane.transport,
        TransportInput::Text(format!("{prefix}{json}")),
    );
    let event = sim.m.poll_event();
    assert_eq!(
        event,
        Some(Event::Event {
            socket: s,
            data: json,
            attachments: Vec::new(),
            ack_id: None,
        })
    );
    assert_eq!(sim.m.poll_event(), None, "nothing else to deliver");
    assert_eq!(sim.m.poll_transmit(), None, "nothing sent");
    assert_eq!(sim.m.poll_timeout(), timeout, "no timer moved");
    sim.events.extend(event);
    true
}

#[test]
fn receive_lane_open_while_connected_on_a_websocket_and_its_offset() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    let lane = sim.m.receive_lane(s).expect("open after the upgrade");
    assert!(!lane.recovers);
    assert!(receive_checked(&mut sim, s, 1));
    // Binary in progress: a text frame would be a parse error, not an event.
    sim.m.handle_transport(
        sim.now,
        lane.transport,
        TransportInput::Text(String::from(
            "451-[\"b\",{\"_placeholder\":true,\"num\":0}]",
        )),
    );
    assert!(sim.m.receive_lane(s).is_none(), "an attachment is awaited");
    sim.m
        .handle_transport(sim.now, lane.transport, TransportInput::Binary(vec![1]));
    assert!(sim.m.receive_lane(s).is_some());
    sim.srv.kill();
    sim.pump();
    assert!(sim.m.receive_lane(s).is_none(), "disconnected");

    // With connection state recovery, the offset the runtime notes is the
    // one the next CONNECT resumes from.
    let mut cfg = Sim::default_cfg();
    cfg.randomization_factor = 0.0;
    let mut sim = Sim::new(cfg, 1);
    sim.srv.recovery = true;
    let s = sim.m.socket("/", SocketConfig::default());
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.receive_lane(s).expect("open").recovers);
    sim.m.note_offset(s, String::from("from-the-lane"));
    sim.srv.kill();
    sim.pump();
    sim.advance(1_000);
    assert!(sim.m.is_connected(s));
    let connects = sim
        .srv
        .received_of("/", socketio_wasm::proto::PacketType::Connect);
    let again = connects.last().unwrap().packet.data.clone().unwrap();
    assert_eq!(
        common::member_str(&again, "offset").as_deref(),
        Some("from-the-lane")
    );
}

#[test]
fn open_on_a_connected_websocket_with_the_namespace_in_the_prefix() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    assert_eq!(sim.m.transport(), Some(TransportKind::WebSocket));
    assert_eq!(sim.m.plain_event_prefix(s).as_deref(), Some("42"));
    let lane = sim.m.express_lane(s).expect("open after the upgrade");
    assert!(lane.until > sim.now && lane.until < u64::MAX);
    assert!(emit_checked(&mut sim, s, 1));
    let chat = sim.m.socket("/chat", SocketConfig::default());
    assert!(sim.m.express_lane(chat).is_none(), "not connected yet");
    sim.m.connect(sim.now, chat);
    sim.pump();
    assert_eq!(sim.m.plain_event_prefix(chat).as_deref(), Some("42/chat,"));
    assert!(emit_checked(&mut sim, chat, 2));
    let received = sim
        .srv
        .received_of("/chat", socketio_wasm::proto::PacketType::Event);
    assert_eq!(
        received.last().map(|d| d.packet.data.clone()),
        Some(Some("[\"n\",2]".into()))
    );
}

#[test]
fn closed_on_polling_with_retries_and_while_disconnected() {
    let mut cfg = Sim::default_cfg();
    cfg.transports = vec![TransportKind::Polling];
    let (sim, s) = Sim::connected(cfg, 1, "/");
    assert!(
        sim.m.express_lane(s).is_none(),
        "polling: POSTs batch frames"
    );

    let mut sim = Sim::new(Sim::default_cfg(), 1);
    let s = sim.m.socket(
        "/",
        SocketConfig {
            retries: 2,
            ack_timeout: Some(1_000),
            ..SocketConfig::default()
        },
    );
    sim.m.connect(0, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
    assert!(
        sim.m.express_lane(s).is_none(),
        "retries: every emit goes through the queue"
    );

    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.kill();
    sim.pump();
    assert!(!sim.m.is_connected(s));
    assert!(sim.m.express_lane(s).is_none());
    assert!(!emit_checked(&mut sim, s, 1));
    assert_eq!(
        sim.m.buffered(s),
        1,
        "buffered by the core, as without a lane"
    );
}

#[test]
fn the_deadline_is_the_heartbeat_past_which_an_emit_closes_the_connection() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    let lane = sim.m.express_lane(s).unwrap();
    // A throttled timer: the clock passed the deadline, the timer has not
    // fired. The lane no longer holds; the core closes with "ping timeout".
    sim.now = lane.until + 1;
    assert!(!emit_checked(&mut sim, s, 1));
    assert!(common::names(&sim.events).contains(&"close:ping timeout".to_string()));
}

/// A small deterministic generator for the fault schedule.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn a_plain_emit_on_an_open_lane_only_ever_sends_its_frame() {
    let mut open = 0;
    let mut closed = 0;
    let mut received = 0;
    for seed in 1..=20 {
        let mut rng = Lcg(seed);
        let mut cfg: ManagerConfig = Sim::default_cfg();
        cfg.reconnection_delay = 100;
        cfg.reconnection_delay_max = 1_000;
        let mut sim = Sim::new(cfg, seed);
        let root = sim.m.socket("/", SocketConfig::default());
        let chat = sim.m.socket("/chat", SocketConfig::default());
        sim.m.connect(0, root);
        sim.m.connect(0, chat);
        sim.pump();
        for i in 0..400 {
            let s = if rng.next(2) == 0 { root } else { chat };
            match rng.next(14) {
                12 | 13 => {
                    if receive_checked(&mut sim, s, i) {
                        received += 1;
                    }
                }
                0..=5 => {
                    if emit_checked(&mut sim, s, i) {
                        open += 1;
                    } else {
                        closed += 1;
                    }
                }
                6 => sim.advance(rng.next(30_000)),
                7 => sim.srv.emit("/", "[\"tick\",1]"),
                8 => {
                    sim.srv.pinging = rng.next(4) != 0;
                    sim.advance(rng.next(5_000));
                }
                9 => {
                    sim.srv.kill();
                    sim.pump();
                }
                10 => {
                    sim.srv.disconnect("/chat");
                    sim.pump();
                    sim.m.connect(sim.now, chat);
                    sim.pump();
                }
                _ => {
                    let e = Emit {
                        ack: socketio_wasm::proto::AckMode::Callback,
                        ..plain(i)
                    };
                    let _ = sim.m.emit(sim.now, s, e);
                    sim.pump();
                }
            }
        }
        check_consistent(&sim.m, root);
    }
    // Both states were visited often: the property was really exercised.
    assert!(open > 800 && closed > 150, "open {open}, closed {closed}");
    assert!(received > 300, "received on the lane {received}");
}

fn check_consistent(m: &Manager, s: SocketId) {
    if m.express_lane(s).is_some() {
        assert!(m.is_connected(s));
        assert_eq!(m.transport(), Some(TransportKind::WebSocket));
    }
}

#[test]
fn an_ack_on_the_lane_is_booked_as_the_core_path_books_it() {
    use socketio_wasm::proto::{AckError, AckMode, Event};
    let mut cfg = Sim::default_cfg();
    cfg.reconnection = false;
    let (mut sim, s) = Sim::connected(cfg, 1, "/");
    // The core path first: wire id 0.
    let via_core = sim
        .m
        .emit(
            sim.now,
            s,
            Emit {
                ack: AckMode::WithError,
                ..plain(1)
            },
        )
        .unwrap()
        .unwrap();
    sim.pump();
    // The lane: the core books id 1 and writes nothing.
    let (request, wire) = sim
        .m
        .emit_express_ack(sim.now, s, AckMode::WithTimeout(500))
        .unwrap()
        .expect("the lane is open");
    assert_ne!(request, via_core);
    assert_eq!(wire, 1);
    assert_eq!(sim.m.poll_transmit(), None);
    assert_eq!(sim.m.pending_acks(s), 1, "the first one was answered");
    // The runtime writes the frame; the server answers; the ack settles.
    let lane = sim.m.express_lane(s).unwrap();
    sim.srv.on_transmit(Transmit::SendText {
        transport: lane.transport,
        text: format!("{}{wire}[\"n\",2]", sim.m.plain_event_prefix(s).unwrap()),
    });
    sim.pump();
    assert!(sim.events.iter().any(|e| matches!(e,
        Event::AckResponse { request: r, result: Ok(_), .. } if *r == request)));
    // Unanswered: its deadline fires as the core path's would.
    sim.srv.auto_ack = false;
    let (late, _) = sim
        .m
        .emit_express_ack(sim.now, s, AckMode::WithTimeout(500))
        .unwrap()
        .unwrap();
    sim.advance(501);
    assert!(sim.events.iter().any(|e| matches!(e,
        Event::AckResponse { request: r, result: Err(AckError::Timeout), .. } if *r == late)));
    // Closed lane: the caller must take the core's path.
    sim.srv.kill();
    sim.pump();
    assert_eq!(
        sim.m.emit_express_ack(sim.now, s, AckMode::WithError),
        Ok(None)
    );
    assert_eq!(sim.m.emit_express_ack(sim.now, s, AckMode::None), Ok(None));
}
