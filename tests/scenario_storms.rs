//! No reconnection storm: 1,000 clients connected to one server that
//! restarts (every connection closes at the same instant, the server is
//! down for 3 s) spread their reconnection attempts over the backoff window
//! instead of arriving together.
//!
//! Each client is a core `Manager` with the default options (jitter on:
//! `randomizationFactor` 0.5) and its own 64-bit seed, drawn the way the
//! browser runtime draws it (two 32-bit random numbers per page). Time is
//! simulated; each client has its own fake server, all killed at the same
//! simulated instant. The histograms (100 ms buckets, time since the
//! restart) print with `cargo test --test scenario_storms -- --nocapture`.

mod common;

use common::Sim;
use socketio_wasm::proto::{Event, ManagerConfig, Rng, SocketId};

const CLIENTS: usize = 1_000;
/// When the server restarts (every client is connected by then).
const RESTART: u64 = 10_000;
/// How long the server stays down.
const DOWN: u64 = 3_000;
/// How long after the restart the run is observed.
const WINDOW: u64 = 30_000;
const BUCKET: u64 = 100;

/// What one client did after the restart, in ms since the restart.
#[derive(Default)]
struct Timeline {
    attempts: Vec<u64>,
    reconnected: Option<u64>,
}

/// Runs `sim` to `target`, deadline by deadline, timestamping its events.
fn run_until(sim: &mut Sim, target: u64, mut on: impl FnMut(u64, &Event)) {
    loop {
        let next = match (sim.m.poll_timeout(), sim.srv.next_ping()) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => match a.or(b) {
                Some(n) => n,
                None => break,
            },
        };
        if next > target {
            break;
        }
        sim.advance(next.saturating_sub(sim.now).max(1));
        let now = sim.now;
        for e in sim.take_events() {
            on(now, &e);
        }
    }
    sim.advance(target.saturating_sub(sim.now));
    let now = sim.now;
    for e in sim.take_events() {
        on(now, &e);
    }
}

fn client(cfg: ManagerConfig, seed: u64) -> Timeline {
    let (mut sim, s): (Sim, SocketId) = Sim::connected(cfg, seed, "/");
    sim.advance(RESTART);
    assert!(sim.m.is_connected(s));
    sim.take_events();
    // The restart: every connection closes at once, nothing listens.
    sim.srv.up = false;
    sim.srv.kill();
    let mut t = Timeline::default();
    let mut record = |now: u64, e: &Event| match e {
        Event::ReconnectAttempt(_) => t.attempts.push(now - RESTART),
        Event::Connect { .. } => t.reconnected = Some(now - RESTART),
        _ => {}
    };
    sim.pump();
    run_until(&mut sim, RESTART + DOWN, &mut record);
    sim.srv.up = true;
    run_until(&mut sim, RESTART + WINDOW, &mut record);
    assert!(sim.m.is_connected(s), "seed {seed:#x}: reconnected");
    t
}

/// Seeds as `src/web/sys.rs` draws them: two 32-bit random numbers.
fn seeds(n: usize) -> Vec<u64> {
    let mut rng = Rng::new(0x5707_3D5E_ED00_0001);
    (0..n)
        .map(|_| {
            let hi = rng.next_u64() >> 32;
            let lo = rng.next_u64() >> 32;
            (hi << 32) | lo
        })
        .collect()
}

fn histogram(times: &[u64]) -> Vec<(u64, usize)> {
    let mut buckets: std::collections::BTreeMap<u64, usize> = Default::default();
    for t in times {
        *buckets.entry(t / BUCKET * BUCKET).or_default() += 1;
    }
    buckets.into_iter().collect()
}

fn print_histogram(title: &str, times: &[u64]) {
    println!(
        "\n{title}: {} in all (ms since the restart, {BUCKET} ms buckets)",
        times.len()
    );
    for (start, n) in histogram(times) {
        // One `#` per 5 clients, at most 60.
        let bar = if n > 300 {
            format!("{}...", "#".repeat(60))
        } else {
            "#".repeat(n.div_ceil(5))
        };
        println!("{:>6}-{:<6} {n:>5} {bar}", start, start + BUCKET);
    }
}

/// The fullest bucket, as a share of the clients.
fn peak_share(times: &[u64]) -> f64 {
    let peak = histogram(times).iter().map(|(_, n)| *n).max().unwrap_or(0);
    peak as f64 / CLIENTS as f64
}

fn run(cfg: &ManagerConfig) -> Vec<Timeline> {
    seeds(CLIENTS)
        .into_iter()
        .map(|seed| client(cfg.clone(), seed))
        .collect()
}

#[test]
fn a_thousand_clients_spread_their_reconnects_after_a_restart() {
    let cfg = ManagerConfig::new("example.com", false);
    assert_eq!(cfg.randomization_factor, 0.5, "jitter is on by default");
    let (delay, f) = (cfg.reconnection_delay as f64, cfg.randomization_factor);
    let timelines = run(&cfg);

    let first: Vec<u64> = timelines.iter().map(|t| t.attempts[0]).collect();
    let all: Vec<u64> = timelines.iter().flat_map(|t| t.attempts.clone()).collect();
    let reconnected: Vec<u64> = timelines.iter().filter_map(|t| t.reconnected).collect();
    print_histogram("first reconnection attempts", &first);
    print_histogram(
        "every reconnection attempt (the server is down for the first 3 s)",
        &all,
    );
    print_histogram(
        "successful reconnections (handshake + CONNECT)",
        &reconnected,
    );
    let (lo, hi) = (*first.iter().min().unwrap(), *first.iter().max().unwrap());
    println!(
        "\nfirst attempts: {lo}..{hi} ms (window {}..{} ms), peak bucket {:.1} %; \
         attempts peak {:.1} %; reconnections peak {:.1} %, all {} reconnected by {} ms",
        delay * (1.0 - f),
        delay * (1.0 + f),
        peak_share(&first) * 100.0,
        peak_share(&all) * 100.0,
        peak_share(&reconnected) * 100.0,
        reconnected.len(),
        reconnected.iter().max().unwrap(),
    );

    assert_eq!(reconnected.len(), CLIENTS, "every client reconnected");
    // Within the backoff window, and spanning most of it.
    assert!(lo as f64 >= delay * (1.0 - f) && hi as f64 <= delay * (1.0 + f));
    assert!(
        (hi - lo) as f64 >= 0.9 * 2.0 * f * delay,
        "first attempts span only {lo}..{hi}"
    );
    // No 100 ms bucket holds more than 15 % of the clients (backo2's jitter
    // fills the window in 50 ms stripes: about 10 % per 100 ms).
    assert!(peak_share(&first) <= 0.15, "first attempts bunch up");
    assert!(
        peak_share(&all) <= 0.15,
        "attempts bunch up (share of clients)"
    );
    assert!(peak_share(&reconnected) <= 0.15, "reconnections bunch up");
    // Attempts during the outage do not come back faster and faster.
    assert!(
        all.iter().filter(|t| **t < DOWN).count() <= 3 * CLIENTS,
        "at most ~3 attempts per client while down"
    );
}

#[test]
fn without_jitter_it_would_be_a_storm() {
    // The control experiment: the same run with `randomizationFactor: 0`
    // puts every client in the same millisecond, which the assertions above
    // would catch.
    let cfg = ManagerConfig {
        randomization_factor: 0.0,
        ..ManagerConfig::new("example.com", false)
    };
    let timelines = run(&cfg);
    let first: Vec<u64> = timelines.iter().map(|t| t.attempts[0]).collect();
    let reconnected: Vec<u64> = timelines.iter().filter_map(|t| t.reconnected).collect();
    print_histogram("first attempts without jitter", &first);
    print_histogram("reconnections without jitter", &reconnected);
    assert_eq!(peak_share(&first), 1.0);
    assert_eq!(peak_share(&reconnected), 1.0);
}
