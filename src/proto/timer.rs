//! The one timer table of a [`crate::proto::Manager`].
//!
//! Every deadline the core waits for lives here, keyed by [`Timer`]; the
//! runtime only ever sees the earliest one through `poll_timeout()`. Times are
//! milliseconds on the runtime's clock (any monotonic origin).

use super::ids::{RequestId, SocketId};
use crate::prelude::*;

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// Engine.IO heartbeat: no ping within `pingInterval + pingTimeout`
    /// closes the session with `"ping timeout"`.
    Heartbeat,
    /// The Manager's `timeout` for one connection attempt.
    OpenTimeout,
    /// The backoff delay before the next reconnection attempt.
    Reconnect,
    /// The attempt itself, in the call after the one that reported
    /// `reconnect_attempt`: the app's listener runs in between and may
    /// change what the attempt sends (`opts.query`, as socket.io-client's
    /// documentation shows).
    ReconnectOpen,
    /// The deadline of one pending acknowledgement (`timeout(ms)` or
    /// `ackTimeout`).
    Ack(RequestId),
    /// A socket's CONNECT unanswered for the Manager's `timeout`.
    Connect(SocketId),
    /// The next CONNECT of a socket whose last one timed out.
    ConnectRetry(SocketId),
}

/// Armed deadlines, one per timer. A plain vector: a handful of timers are
/// armed at a time (a pending ack with a deadline adds one), and it keeps
/// the wasm small (a B-tree map and set cost 18 KB of code).
#[derive(Debug, Clone, Default)]
pub(crate) struct TimerTable {
    /// Deadline, timer, and the round it was armed in.
    armed: Vec<(u64, Timer, u64)>,
    /// The current round of [`TimerTable::begin`].
    round: u64,
}

impl TimerTable {
    /// Arms (or re-arms) `timer` to fire at `at`.
    pub(crate) fn set(&mut self, timer: Timer, at: u64) {
        let round = self.round;
        match self.armed.iter_mut().find(|(_, t, _)| *t == timer) {
            Some(entry) => *entry = (at, timer, round),
            None => self.armed.push((at, timer, round)),
        }
    }

    /// Whether `timer` is armed.
    pub(crate) fn is_armed(&self, timer: Timer) -> bool {
        self.armed.iter().any(|(_, t, _)| *t == timer)
    }

    /// Starts a round of [`TimerTable::pop_expired`]: the timers armed from
    /// now on wait for the next round, so a zero delay gives the runtime
    /// (and the app) a turn instead of spinning here.
    pub(crate) fn begin(&mut self) {
        self.round = self.round.wrapping_add(1);
    }

    /// Disarms `timer` (no effect when it is not armed).
    pub(crate) fn stop(&mut self, timer: Timer) {
        self.armed.retain(|(_, t, _)| *t != timer);
    }

    /// The deadline of `timer`, if armed.
    #[cfg(test)]
    pub(crate) fn get(&self, timer: Timer) -> Option<u64> {
        self.armed
            .iter()
            .find(|(_, t, _)| *t == timer)
            .map(|(at, _, _)| *at)
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<u64> {
        self.armed.iter().map(|(at, _, _)| *at).min()
    }

    /// Disarms and returns the earliest timer whose deadline is `<= now`,
    /// of those armed before this round ([`TimerTable::begin`]).
    pub(crate) fn pop_expired(&mut self, now: u64) -> Option<Timer> {
        let mut best: Option<(usize, (u64, Timer))> = None;
        for (i, &(at, timer, round)) in self.armed.iter().enumerate() {
            if at <= now && round != self.round && best.is_none_or(|(_, b)| (at, timer) < b) {
                best = Some((i, (at, timer)));
            }
        }
        let (i, (_, timer)) = best?;
        // `i < len` always; said so that the optimizer drops swap_remove's
        // panic path (its message and formatting stay out of the wasm).
        if i < self.armed.len() {
            self.armed.swap_remove(i);
        }
        Some(timer)
    }

    /// Number of armed timers.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.armed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_rearm() {
        let mut t = TimerTable::default();
        assert_eq!(t.next(), None);
        t.set(Timer::Heartbeat, 50);
        t.set(Timer::OpenTimeout, 20);
        t.set(Timer::Ack(RequestId(3)), 30);
        assert_eq!(t.next(), Some(20));
        t.set(Timer::OpenTimeout, 100);
        assert_eq!(t.next(), Some(30));
        assert_eq!(t.get(Timer::OpenTimeout), Some(100));
        assert_eq!(t.len(), 3);
        t.begin();
        assert_eq!(t.pop_expired(29), None);
        assert_eq!(t.pop_expired(60), Some(Timer::Ack(RequestId(3))));
        assert_eq!(t.pop_expired(60), Some(Timer::Heartbeat));
        assert_eq!(t.pop_expired(60), None);
        t.stop(Timer::OpenTimeout);
        t.stop(Timer::Reconnect);
        assert_eq!(t.next(), None);
        assert_eq!(t.len(), 0);
    }

    #[test]
    fn same_deadline_ordered_by_timer() {
        let mut t = TimerTable::default();
        t.set(Timer::Ack(RequestId(1)), 10);
        t.set(Timer::Heartbeat, 10);
        t.begin();
        assert_eq!(t.pop_expired(10), Some(Timer::Heartbeat));
        assert_eq!(t.pop_expired(10), Some(Timer::Ack(RequestId(1))));
    }

    #[test]
    fn armed_in_a_round_waits_for_the_next() {
        let mut t = TimerTable::default();
        t.set(Timer::Reconnect, 5);
        t.begin();
        assert_eq!(t.pop_expired(5), Some(Timer::Reconnect));
        // Armed now, due now: not this round.
        t.set(Timer::ReconnectOpen, 5);
        t.set(Timer::Heartbeat, 1);
        assert_eq!(t.pop_expired(5), None);
        assert!(t.is_armed(Timer::ReconnectOpen));
        t.begin();
        assert_eq!(t.pop_expired(5), Some(Timer::Heartbeat));
        assert_eq!(t.pop_expired(5), Some(Timer::ReconnectOpen));
    }
}
