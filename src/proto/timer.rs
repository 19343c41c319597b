//! The one timer table of a [`crate::proto::Manager`].
//!
//! Every deadline the core waits for lives here, keyed by [`Timer`]; the
//! runtime only ever sees the earliest one through `poll_timeout()`. Times are
//! milliseconds on the runtime's clock (any monotonic origin).

use super::socket::RequestId;
#[allow(unused_imports)]
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
    /// The deadline of one pending acknowledgement (`timeout(ms)` or
    /// `ackTimeout`).
    Ack(RequestId),
}

/// Armed deadlines, one per timer. A plain vector: a handful of timers are
/// armed at a time (a pending ack with a deadline adds one), and it keeps
/// the wasm small (a B-tree map and set cost 18 KB of code).
#[derive(Debug, Clone, Default)]
pub(crate) struct TimerTable {
    armed: Vec<(u64, Timer)>,
}

impl TimerTable {
    /// Arms (or re-arms) `timer` to fire at `at`.
    pub(crate) fn set(&mut self, timer: Timer, at: u64) {
        match self.armed.iter_mut().find(|(_, t)| *t == timer) {
            Some(entry) => entry.0 = at,
            None => self.armed.push((at, timer)),
        }
    }

    /// Disarms `timer` (no effect when it is not armed).
    pub(crate) fn stop(&mut self, timer: Timer) {
        self.armed.retain(|(_, t)| *t != timer);
    }

    /// The deadline of `timer`, if armed.
    #[cfg(test)]
    pub(crate) fn get(&self, timer: Timer) -> Option<u64> {
        self.armed
            .iter()
            .find(|(_, t)| *t == timer)
            .map(|(at, _)| *at)
    }

    /// The earliest deadline.
    pub(crate) fn next(&self) -> Option<u64> {
        self.armed.iter().map(|(at, _)| *at).min()
    }

    /// Index of the earliest `(deadline, timer)`.
    fn earliest(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, entry) in self.armed.iter().enumerate() {
            if best
                .and_then(|b| self.armed.get(b))
                .is_none_or(|b| entry < b)
            {
                best = Some(i);
            }
        }
        best
    }

    /// Disarms and returns the earliest timer whose deadline is `<= now`.
    pub(crate) fn pop_expired(&mut self, now: u64) -> Option<Timer> {
        let i = self.earliest()?;
        let &(at, timer) = self.armed.get(i)?;
        if at > now {
            return None;
        }
        self.armed.swap_remove(i);
        Some(timer)
    }

    /// Number of armed timers.
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
