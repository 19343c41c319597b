//! Bounded memory: the core does not grow over 10,000 reconnection cycles,
//! and an app that keeps emitting while offline for a simulated day is
//! refused (`BufferFull` / `TooManyPendingAcks`) instead of growing.
//!
//! Two measures, both taken on the test's own thread:
//!
//! - the core's observable sizes: `buffered`, `pending_acks`, the armed
//!   timers, the sessions (current + draining) and the structural size of
//!   the whole `Manager` (its `Debug` text with every number folded to one
//!   digit, so counters and ids may grow but no collection may);
//! - a counting global allocator (thread-local counters): bytes live and
//!   allocations made. The fake server's own logs are trimmed between
//!   cycles, so what stays live is the core's state plus fixed overhead.
//!
//! `cargo test --test scenario_memory -- --nocapture` prints the figures.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use common::Sim;
use socketio_wasm::proto::{AckMode, Emit, EmitError, Event, Manager, SocketConfig, SocketId};

// ---------------------------------------------------------------- allocator --

/// Counts, per thread, the bytes live and the allocations made.
struct Counting;

thread_local! {
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

fn count(delta: i64, allocs: u64) {
    // `try_with`: nothing to count while the thread is being torn down.
    let _ = LIVE.try_with(|c| c.set(c.get() + delta));
    let _ = ALLOCS.try_with(|c| c.set(c.get() + allocs));
}

// SAFETY: every call forwards to `System` with the caller's arguments; the
// counters are plain thread-local cells that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64, 1);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as i64, 1);
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as i64), 0);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as i64 - layout.size() as i64, 1);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_bytes() -> i64 {
    LIVE.with(Cell::get)
}

fn allocations() -> u64 {
    ALLOCS.with(Cell::get)
}

// ------------------------------------------------------------ observables --

/// What the core holds, as far as it can be seen from outside.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sizes {
    buffered: usize,
    pending_acks: usize,
    timers: usize,
    /// The current session plus the draining ones.
    sessions: usize,
    /// Length of the Manager's `Debug` text, every digit run folded to `0`.
    structure: usize,
}

fn fold_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_digits = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('0');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// The distinct timers named in the `timers: TimerTable { .. }` part of the
/// Manager's `Debug` text (whatever indexes the table keeps).
fn armed_timers(debug: &str) -> usize {
    let Some(start) = debug.find("timers: TimerTable") else {
        return 0;
    };
    let rest = &debug[start..];
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let table = &rest[..end];
    let mut names: Vec<&str> = ["Heartbeat", "OpenTimeout", "Reconnect"]
        .into_iter()
        .filter(|n| table.contains(n))
        .collect();
    let mut acks: Vec<&str> = table
        .match_indices("Ack(RequestId(")
        .filter_map(|(i, _)| table[i..].find("))").map(|j| &table[i..i + j]))
        .collect();
    acks.sort_unstable();
    acks.dedup();
    names.extend(acks);
    names.len()
}

fn sizes(m: &Manager, sockets: &[SocketId]) -> Sizes {
    let debug = format!("{m:?}");
    let timers = armed_timers(&debug);
    Sizes {
        buffered: sockets.iter().map(|s| m.buffered(*s)).sum(),
        pending_acks: sockets.iter().map(|s| m.pending_acks(*s)).sum(),
        timers,
        sessions: debug.matches("Session {").count(),
        // Whether the session got a ping yet is state, not growth.
        structure: fold_digits(&debug)
            .replace("last_ping_at: Some(0)", "last_ping_at: None")
            .len(),
    }
}

/// Drops what the fake server and the sim recorded (not the core's state).
fn trim(sim: &mut Sim) {
    sim.events.clear();
    sim.srv.log.clear();
    sim.srv.received.clear();
    sim.srv.engine_received.clear();
    sim.srv.sessions.retain(|s| !s.closed);
    for r in &mut sim.srv.recoverable {
        r.sent.clear();
    }
}

fn ev(name: &str, ack: AckMode) -> Emit {
    Emit {
        data: format!("[\"{name}\",{{\"n\":1}}]"),
        ack,
        ..Default::default()
    }
}

/// Ack requests made and settled over a run.
#[derive(Default)]
struct Acks {
    asked: u64,
    settled: u64,
}

impl Acks {
    fn emit(&mut self, sim: &mut Sim, s: SocketId, e: Emit) {
        let wants = e.ack != AckMode::None;
        match sim.m.emit(sim.now, s, e) {
            Ok(Some(_)) => self.asked += 1,
            Ok(None) => assert!(!wants),
            Err(e) => panic!("emit refused: {e:?}"),
        }
    }
    fn count(&mut self, events: &[Event]) {
        for e in events {
            if matches!(e, Event::AckResponse { .. } | Event::AckDropped { .. }) {
                self.settled += 1;
            }
        }
    }
}

// ----------------------------------------------------------------- cycles --

const CYCLES: usize = 10_000;

/// One disconnection and reconnection, of a kind picked by `i`, with emits
/// (plain, callback, timed, retried) in flight across it.
fn cycle(sim: &mut Sim, i: usize, root: SocketId, chat: SocketId, acks: &mut Acks) {
    acks.emit(sim, root, ev("a", AckMode::WithTimeout(2_000)));
    acks.emit(sim, root, ev("b", AckMode::Callback));
    acks.emit(sim, root, ev("c", AckMode::None));
    acks.emit(sim, chat, ev("d", AckMode::WithError));
    sim.srv.emit("/", "[\"news\",1]");
    sim.srv.emit("/chat", "[\"news\",2]");
    // The server stops answering acks now and then: timeouts and retries.
    sim.srv.auto_ack = i % 3 != 0;
    match i % 6 {
        // The network drops.
        0 => sim.srv.kill(),
        // The server restarts: down for one or two attempts.
        1 => {
            sim.srv.up = false;
            sim.srv.kill();
            sim.advance(1_600);
            acks.emit(sim, root, ev("offline", AckMode::WithTimeout(500)));
            acks.emit(sim, chat, ev("offline", AckMode::None));
            sim.advance(1_000);
            sim.srv.up = true;
        }
        // A silent server: ping timeout.
        2 => {
            sim.srv.pinging = false;
            sim.advance(46_000);
            sim.srv.pinging = true;
        }
        // The app closes and reopens the Manager.
        3 => {
            sim.m.close(sim.now);
            sim.pump();
            sim.m.open(sim.now);
        }
        // The connection drops in the middle of the upgrade.
        4 => {
            sim.srv.kill();
            sim.advance(1_600);
            // The attempt (polling) opened; kill before the probe completes.
            sim.srv.kill();
        }
        // The server disconnects one namespace; the app connects it again.
        _ => {
            sim.srv.disconnect("/chat");
            sim.pump();
            sim.m.connect(sim.now, chat);
        }
    }
    sim.advance(12_000);
    sim.srv.auto_ack = true;
    sim.advance(3_000);
    assert!(
        sim.m.is_connected(root) && sim.m.is_connected(chat),
        "cycle {i}: reconnected"
    );
    let events = std::mem::take(&mut sim.events);
    acks.count(&events);
    trim(sim);
}

#[test]
fn ten_thousand_reconnect_cycles_leave_no_growth() {
    let mut sim = Sim::new(Sim::default_cfg(), 0x5eed);
    sim.srv.recovery = true;
    let retrying = SocketConfig {
        ack_timeout: Some(1_000),
        retries: 2,
        ..Default::default()
    };
    let root = sim.m.socket("/", retrying);
    let chat = sim.m.socket("/chat", SocketConfig::default());
    sim.m.connect(0, root);
    sim.m.connect(0, chat);
    sim.advance(1_000);
    assert!(sim.m.is_connected(root) && sim.m.is_connected(chat));
    let mut acks = Acks::default();

    const WARM_UP: usize = 1_000;
    // Allocated up front: the test's own bookkeeping must not show as growth.
    let mut checkpoints: Vec<(usize, Sizes, i64, u64)> = Vec::with_capacity(CYCLES / 1_000);
    let mut baseline = None;
    for i in 0..CYCLES {
        cycle(&mut sim, i, root, chat, &mut acks);
        if (i + 1) % 1_000 == 0 {
            let s = sizes(&sim.m, &[root, chat]);
            let row = (i + 1, s, live_bytes(), allocations());
            if i + 1 == WARM_UP {
                baseline = Some(row.clone());
            }
            checkpoints.push(row);
        }
    }
    // Let every pending ack settle.
    sim.advance(60_000);
    let tail = std::mem::take(&mut sim.events);
    acks.count(&tail);
    trim(&mut sim);

    println!("cycles   buffered  pending_acks  timers  sessions  structure  live_bytes  allocations/cycle");
    let mut last_allocs = checkpoints[0].3;
    for (n, s, live, allocs) in &checkpoints {
        println!(
            "{n:>6}  {:>9}  {:>12}  {:>6}  {:>8}  {:>9}  {live:>10}  {:>17}",
            s.buffered,
            s.pending_acks,
            s.timers,
            s.sessions,
            s.structure,
            (allocs - last_allocs) / 1_000,
        );
        last_allocs = *allocs;
    }
    println!(
        "acks: {} asked, {} settled; {} reconnect cycles",
        acks.asked, acks.settled, CYCLES
    );

    let (_, base, base_live, _) = baseline.expect("warm-up checkpoint");
    // Connected: the heartbeat is armed and one session is open (also checks
    // that the `Debug` text still shows what `sizes` looks for).
    assert!(base.timers >= 1 && base.sessions == 1, "{base:?}");
    for (n, s, live, _) in &checkpoints[1..] {
        assert_eq!(*s, base, "after {n} cycles the core's sizes changed");
        // A leak of one byte per cycle would show as > 9 KB here; ids that
        // gain a digit ("eio9999" -> "eio10000") account for a few bytes.
        assert!(
            (live - base_live).abs() <= 128,
            "after {n} cycles {} bytes more are live than after {WARM_UP}",
            live - base_live
        );
    }
    assert_eq!(acks.asked, acks.settled, "every ack settles");
    let end = sizes(&sim.m, &[root, chat]);
    assert_eq!((end.buffered, end.pending_acks), (0, 0));
}

// ---------------------------------------------------------------- offline --

#[test]
fn a_day_offline_is_bounded_by_the_configured_limits() {
    const MAX: usize = 200;
    let mut sim = Sim::new(Sim::default_cfg(), 3);
    let s = sim.m.socket(
        "/",
        SocketConfig {
            max_buffered_packets: MAX,
            max_pending_acks: MAX,
            ..Default::default()
        },
    );
    sim.m.connect(0, s);
    sim.advance(1_000);
    assert!(sim.m.is_connected(s));
    sim.srv.up = false;
    sim.srv.kill();
    sim.pump();
    trim(&mut sim);

    // One emit a second for 24 simulated hours, of every kind; the
    // reconnection keeps failing every ~5 s.
    const SECONDS: u64 = 24 * 3600;
    let (mut accepted, mut buffer_full, mut too_many_acks, mut settled) = (0u64, 0u64, 0u64, 0u64);
    let mut hour_live = Vec::with_capacity(24);
    let (mut asked, mut answered) = (0u64, 0u64);
    let mut peak = (0, 0);
    for t in 0..SECONDS {
        let ack = match t % 4 {
            0 => AckMode::None,
            1 => AckMode::Callback,
            2 => AckMode::WithTimeout(30_000),
            _ => AckMode::WithError,
        };
        match sim.m.emit(sim.now, s, ev("offline", ack)) {
            Ok(request) => {
                accepted += 1;
                asked += u64::from(request.is_some());
            }
            Err(EmitError::BufferFull) => buffer_full += 1,
            Err(EmitError::TooManyPendingAcks) => too_many_acks += 1,
            Err(e) => panic!("{e:?}"),
        }
        sim.advance(1_000);
        peak.0 = peak.0.max(sim.m.buffered(s));
        peak.1 = peak.1.max(sim.m.pending_acks(s));
        settled += settlements(&sim.events);
        trim(&mut sim);
        if (t + 1) % 3600 == 0 {
            hour_live.push(live_bytes());
        }
    }
    let offline = sizes(&sim.m, &[s]);
    println!(
        "24 h offline: {accepted} emits accepted, {buffer_full} refused (buffer full), \
         {too_many_acks} refused (too many pending acks), {settled} acks timed out; \
         peak buffered {} / pending acks {} (limits {MAX}); timers {}, sessions {}",
        peak.0, peak.1, offline.timers, offline.sessions
    );
    println!("live bytes at each hour: {hour_live:?}");
    assert!(peak.0 <= MAX && peak.1 <= MAX);
    assert!(buffer_full > 0, "the limit was reached");
    assert!(offline.timers <= MAX + 3, "timers: {}", offline.timers);
    assert!(offline.sessions <= 5, "sessions: {}", offline.sessions);
    // From the second hour on (the buffer is full), nothing grows.
    let rest = &hour_live[1..];
    for (h, live) in rest.iter().enumerate() {
        assert!(
            (live - rest[0]).abs() <= 128,
            "hour {}: {} bytes more live than at hour 2",
            h + 2,
            live - rest[0]
        );
    }

    // Back online: the buffer flushes and every ack settles.
    sim.srv.up = true;
    sim.advance(60_000);
    assert!(sim.m.is_connected(s));
    sim.advance(60_000);
    answered += settlements(&sim.events);
    let back = sizes(&sim.m, &[s]);
    trim(&mut sim);
    println!(
        "back online: buffered {}, pending acks {}; acks asked {asked}, settled offline {settled}, \
         after {answered}",
        back.buffered, back.pending_acks,
    );
    assert_eq!((back.buffered, back.pending_acks), (0, 0));
    assert_eq!(asked, settled + answered, "every ack settles");
}

fn settlements(events: &[Event]) -> u64 {
    events
        .iter()
        .filter(|e| matches!(e, Event::AckResponse { .. } | Event::AckDropped { .. }))
        .count() as u64
}

#[test]
fn counting_allocator_counts_this_thread() {
    let before = live_bytes();
    let v = vec![0u8; 10_000];
    assert!(live_bytes() - before >= 10_000);
    drop(v);
    assert!(live_bytes() - before < 10_000);
}
