//! Reconnection with socket.io-client's backoff (backo2), jitter from the
//! seeded RNG, `reconnectionAttempts` → `reconnect_failed`, reset on success.

mod common;

use common::{names, Sim};
use socketio_wasm::proto::{Backoff, Event, ManagerConfig, Rng, Transmit};

/// Jumps from deadline to deadline, returning the delay between each
/// failure (close or reconnect_error) and the next `reconnect_attempt`.
fn attempt_delays(sim: &mut Sim, count: usize) -> Vec<u64> {
    let mut delays = vec![];
    let mut last_fail = sim.now;
    let mut n = 0;
    while delays.len() < count {
        let next = sim.m.poll_timeout().expect("a reconnection is scheduled");
        sim.now = next;
        sim.m.handle_timeout(next);
        sim.pump();
        for e in sim.take_events() {
            match e {
                Event::ReconnectAttempt(k) => {
                    n += 1;
                    assert_eq!(k, n, "attempts are numbered from 1");
                    delays.push(next - last_fail);
                }
                Event::ReconnectError { .. } => last_fail = sim.now,
                _ => {}
            }
        }
    }
    delays
}

fn down_after_connect(cfg: ManagerConfig, seed: u64) -> Sim {
    let (mut sim, _s) = Sim::connected(cfg, seed, "/");
    sim.take_events();
    sim.srv.up = false;
    sim.srv.pinging = false;
    sim.srv.kill();
    sim.pump();
    let n = names(&sim.take_events());
    assert_eq!(n, ["close:transport close", "disconnect:transport close"]);
    sim
}

#[test]
fn schedule_matches_backo2_for_a_fixed_seed() {
    let seed = 0xDEC0DE;
    // The Manager draws jitter from Rng::new(seed), nothing else.
    let mut rng = Rng::new(seed);
    let mut backoff = Backoff::new(1000, 5000, 0.5);
    let expected: Vec<u64> = (0..8).map(|_| backoff.duration(&mut rng)).collect();

    let mut sim = down_after_connect(Sim::default_cfg(), seed);
    let delays = attempt_delays(&mut sim, 8);
    assert_eq!(delays, expected);
    // Bounds of each attempt: base * (1 ± 0.5), capped at 5000.
    for (n, d) in delays.iter().enumerate() {
        let base = 1000f64 * 2f64.powi(n as i32);
        assert!(
            *d as f64 >= (base * 0.5).min(5000.0).floor(),
            "attempt {n}: {d}"
        );
        assert!(*d as f64 <= (base * 1.5).min(5000.0), "attempt {n}: {d}");
    }
    // Another seed, another schedule.
    let mut other = down_after_connect(Sim::default_cfg(), seed + 1);
    assert_ne!(attempt_delays(&mut other, 8), expected);
}

#[test]
fn every_delay_within_bounds_over_10000_draws() {
    let cfg = ManagerConfig {
        reconnection_delay: 100,
        reconnection_delay_max: 400,
        ..Sim::default_cfg()
    };
    let mut sim = down_after_connect(cfg, 7);
    let delays = attempt_delays(&mut sim, 10_000);
    for (i, d) in delays.iter().enumerate() {
        let base = 100f64 * 2f64.powi(i.min(60) as i32);
        let lo = (base * 0.5).floor().min(400.0) as u64;
        assert!(*d >= lo && *d <= 400, "draw {i}: {d}");
    }
    // From the 3rd attempt on, `base * (1 - 0.5)` >= 400: always the cap.
    assert!(delays[3..].iter().all(|d| *d == 400));
}

#[test]
fn jitter_draws_within_bounds_and_both_sides() {
    // 10,000 draws of the first four attempts (the ones jitter affects).
    let mut rng = Rng::new(11);
    let mut b = Backoff::new(1000, 5000, 0.5);
    let (mut below, mut above) = (0, 0);
    for i in 0..10_000 {
        if i % 4 == 0 {
            b.reset();
        }
        let n = i % 4;
        let base = 1000 * (1u64 << n);
        let d = b.duration(&mut rng);
        assert!(
            d >= base / 2 && d <= (base * 3 / 2).min(5000),
            "draw {i}: {d}"
        );
        if d < base {
            below += 1;
        }
        if d > base {
            above += 1;
        }
    }
    assert!(below > 3000 && above > 2000, "{below} {above}");
}

#[test]
fn reconnect_failed_after_attempts() {
    let cfg = ManagerConfig {
        reconnection_attempts: Some(3),
        ..Sim::default_cfg()
    };
    let mut sim = down_after_connect(cfg, 3);
    sim.advance(100_000);
    let mut n = vec![
        "close:transport close".to_string(),
        "disconnect:transport close".to_string(),
    ];
    n.extend(names(&sim.take_events()));
    let expect_tail = [
        "reconnect_attempt:3",
        "error:xhr poll error",
        "connect_error:xhr poll error",
        "reconnect_failed",
        "reconnect_error:xhr poll error",
    ];
    assert_eq!(n[n.len() - 5..], expect_tail, "{n:?}");
    assert_eq!(
        n.iter()
            .filter(|e| e.starts_with("reconnect_attempt"))
            .count(),
        3
    );
    assert_eq!(sim.m.poll_timeout(), None);
    assert!(!sim.m.is_reconnecting());
}

#[test]
fn reconnect_events_and_reset_on_success() {
    let cfg = ManagerConfig {
        randomization_factor: 0.0,
        ..Sim::default_cfg()
    };
    let mut sim = down_after_connect(cfg, 1);
    let t0 = sim.now;
    sim.advance(1000 + 2000 - 1); // attempts 1 (t0+1000) and 2 (t0+3000) pending
    sim.srv.up = true;
    sim.srv.pinging = true;
    sim.advance(1);
    let n = names(&sim.take_events());
    assert_eq!(
        n[..4],
        [
            "reconnect_attempt:1",
            "error:xhr poll error",
            "connect_error:xhr poll error",
            "reconnect_error:xhr poll error"
        ]
    );
    assert!(n.contains(&"reconnect_attempt:2".into()));
    let open = n.iter().position(|e| e == "open").unwrap();
    assert_eq!(n[open + 1..open + 3], ["reconnect:2", "connect:false"]);
    assert_eq!(sim.now, t0 + 3000);
    // Reset: the next loss starts over at 1000 ms, attempt 1.
    sim.srv.kill();
    sim.pump();
    let t1 = sim.now;
    assert_eq!(sim.m.poll_timeout(), Some(t1 + 1000));
    sim.advance(1000);
    assert!(names(&sim.take_events()).contains(&"reconnect_attempt:1".into()));
}

#[test]
fn no_reconnection_when_disabled() {
    let cfg = ManagerConfig {
        reconnection: false,
        ..Sim::default_cfg()
    };
    let mut sim = down_after_connect(cfg, 1);
    sim.advance(100_000);
    assert_eq!(names(&sim.take_events()), Vec::<String>::new());
    assert_eq!(sim.srv.sessions.len(), 1);
}

#[test]
fn setters_change_the_schedule() {
    let mut sim = down_after_connect(
        ManagerConfig {
            reconnection: false,
            ..Sim::default_cfg()
        },
        1,
    );
    sim.pump();
    sim.m.set_reconnection(true);
    sim.m.set_reconnection_delay(200);
    sim.m.set_reconnection_delay_max(300);
    sim.m.set_randomization_factor(0.0);
    sim.m.set_reconnection_attempts(Some(2));
    // Reconnection restarts with the next close: open by hand and fail.
    sim.m.open(sim.now);
    sim.pump();
    let t = sim.now;
    assert_eq!(sim.m.poll_timeout(), Some(t + 200));
    sim.advance(200);
    assert_eq!(sim.m.poll_timeout(), Some(t + 200 + 300));
    sim.advance(300);
    let n = names(&sim.take_events());
    assert!(n.contains(&"reconnect_failed".into()), "{n:?}");
    // Turning reconnection off cancels a scheduled attempt.
    sim.m.set_reconnection_attempts(None);
    sim.m.open(sim.now);
    sim.pump();
    sim.m.set_reconnection(false);
    sim.take_events();
    sim.advance(10_000);
    assert!(!names(&sim.events)
        .iter()
        .any(|e| e.starts_with("reconnect_attempt")));
}

#[test]
fn open_during_the_delay_attempts_now() {
    let cfg = ManagerConfig {
        randomization_factor: 0.0,
        ..Sim::default_cfg()
    };
    let mut sim = down_after_connect(cfg, 1);
    sim.srv.up = true;
    sim.srv.pinging = true;
    sim.advance(10); // the attempt is due at +1000
    sim.m.open(sim.now);
    sim.pump();
    let n = names(&sim.take_events());
    assert_eq!(n[..2], ["reconnect_attempt:1", "open"]);
    assert!(n.contains(&"reconnect:1".into()));
    assert!(!sim.m.is_reconnecting());
    // Nothing fires at the old deadline.
    sim.advance(2000);
    assert!(!names(&sim.take_events())
        .iter()
        .any(|e| e.starts_with("reconnect")));
}

#[test]
fn connect_after_reconnection_was_turned_off() {
    let (mut sim, s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.srv.kill();
    sim.pump();
    assert!(sim.m.is_reconnecting());
    sim.m.set_reconnection(false);
    sim.advance(10_000); // the scheduled attempt is skipped
    assert!(!sim.m.is_connected(s));
    assert!(!sim.m.is_reconnecting());
    // An explicit connect still opens.
    sim.m.connect(sim.now, s);
    sim.pump();
    assert!(sim.m.is_connected(s));
}

#[test]
fn settings_read_back_what_was_set_and_govern_the_next_failure() {
    let (mut sim, _s) = Sim::connected(Sim::default_cfg(), 1, "/");
    sim.m.set_reconnection_attempts(Some(2));
    assert_eq!(sim.m.config().reconnection_attempts, Some(2));
    // Two attempts, as set after construction, then reconnect_failed.
    sim.srv.up = false;
    sim.srv.kill();
    sim.advance(60_000);
    let n = names(&sim.take_events());
    assert_eq!(
        n.iter()
            .filter(|e| e.starts_with("reconnect_attempt"))
            .count(),
        2
    );
    assert!(n.contains(&"reconnect_failed".into()), "{n:?}");
}

#[test]
fn reconnection_reads_back_what_was_set() {
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.m.set_reconnection(false);
    assert!(!sim.m.config().reconnection);
    sim.m.set_reconnection(true);
    assert!(sim.m.config().reconnection);
}

#[test]
fn reconnect_attempt_is_heard_before_the_attempt_opens() {
    let mut cfg = Sim::default_cfg();
    cfg.reconnection_delay = 100;
    cfg.randomization_factor = 0.0;
    cfg.transports = vec![socketio_wasm::proto::TransportKind::WebSocket];
    let (mut sim, _s) = Sim::connected(cfg, 1, "/");
    sim.srv.kill();
    sim.pump();
    sim.take_events();
    let at = sim.m.poll_timeout().expect("the reconnection delay");
    sim.m.handle_timeout(at);
    // The attempt is announced, and nothing is opened in the same call...
    assert_eq!(sim.m.poll_event(), Some(Event::ReconnectAttempt(1)));
    assert_eq!(sim.m.poll_transmit(), None);
    // ...so the app's listener may change what it sends.
    sim.m
        .set_query(vec![(String::from("token"), String::from("fresh"))]);
    assert_eq!(sim.m.poll_timeout(), Some(at));
    sim.m.handle_timeout(at);
    match sim.m.poll_transmit() {
        Some(Transmit::OpenWebSocket { url, .. }) => {
            assert!(url.ends_with("&token=fresh"), "{url}")
        }
        other => panic!("the attempt opens: {other:?}"),
    }
}

#[test]
fn a_failed_open_with_a_callback_schedules_no_reconnection() {
    // `open(fn)`: the failure is the callback's (socket.io-client).
    let mut sim = Sim::new(Sim::default_cfg(), 1);
    sim.srv.up = false;
    sim.m.open_for_callback(sim.now);
    sim.pump();
    let n = names(&sim.take_events());
    assert!(n.iter().any(|e| e.starts_with("error:")), "{n:?}");
    assert_eq!(sim.m.poll_timeout(), None, "no reconnection is scheduled");
    sim.srv.up = true;
    sim.advance(60_000);
    assert!(names(&sim.take_events()).is_empty());

    // `open()`: the same failure schedules one (maybeReconnectOnOpen), and
    // the flag of the earlier `open(fn)` does not linger.
    sim.srv.up = false;
    sim.m.open(sim.now);
    sim.pump();
    sim.take_events();
    assert!(
        sim.m.poll_timeout().is_some(),
        "a reconnection is scheduled"
    );
    sim.srv.up = true;
    sim.advance(10_000);
    let n = names(&sim.take_events());
    assert!(n.iter().any(|e| e.starts_with("reconnect:")), "{n:?}");
}

#[test]
fn reconnect_attempt_is_the_next_attempts_number_then_zero() {
    let mut sim = down_after_connect(Sim::default_cfg(), 7);
    assert_eq!(sim.m.reconnect_attempt(), 1, "scheduled: the first attempt");
    // The first attempt fails (the server is down): the second is scheduled.
    let next = sim.m.poll_timeout().expect("a reconnection is scheduled");
    sim.advance(next - sim.now);
    sim.advance(0);
    let n = names(&sim.take_events());
    assert!(
        n.iter().any(|e| e.starts_with("reconnect_attempt:1")),
        "{n:?}"
    );
    assert_eq!(sim.m.reconnect_attempt(), 2);
    sim.srv.up = true;
    sim.advance(10_000);
    assert!(sim.m.is_open());
    assert_eq!(sim.m.reconnect_attempt(), 0);
}
