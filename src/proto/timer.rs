//! The one timer table of a [`crate::proto::Manager`].
//!
//! Every deadline the core waits for lives here, keyed by [`Timer`]; the
//! runtime only ever sees the earliest one through `poll_timeout()`. Times are
//! milliseconds on the runtime's clock (any monotonic origin).

use std::collections::{BTreeMap, BTreeSet};

use super::socket::RequestId;

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
    /// The deadline of one pending acknowledgement (`timeout(ms)` or
    /// `ackTimeout`).
    Ack(RequestId),
}

/// Deadlines indexed both by timer and by time.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimerTable {
    by_timer: BTreeMap<Timer, u64>,
    by_time: BTreeSet<(u64, Timer)>,
}

impl TimerTable {
    /// Arms (or re-arms) `timer` to fire at `at`.
    pub(crate) fn set(&mut self, timer: Timer, at: u64) {
        if let Some(old) = self.by_timer.insert(timer, at) {
            self.by_time.remove(&(old, timer));
        }
        self.by_time.insert((at, timer));
    }

    /// Disarms `timer` (no effect when it is not armed).
    pub(crate) fn stop(&mut self, timer: Timer) {
        if let Some(old) = self.by_timer.remove(&timer) {
            self.by_time.remove(&(old, timer));
        }
    }

    /// The deadline of `timer`, if armed.
    #[cfg(test)]
    pub(crate) fn get(&self, timer: Timer) -> Option<u64> {
        self.by_timer.get(&timer).copied()
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<u64> {
        self.by_time.first().map(|(at, _)| *at)
    }

    /// Disarms and returns the earliest timer whose deadline is `<= now`.
    pub(crate) fn pop_expired(&mut self, now: u64) -> Option<Timer> {
        let &(at, timer) = self.by_time.first()?;
        if at > now {
            return None;
        }
        self.by_time.remove(&(at, timer));
        self.by_timer.remove(&timer);
        Some(timer)
    }

    /// Number of armed timers.
    pub(crate) fn len(&self) -> usize {
        self.by_timer.len()
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
        assert_eq!(t.pop_expired(10), Some(Timer::Heartbeat));
        assert_eq!(t.pop_expired(10), Some(Timer::Ack(RequestId(1))));
    }
}
