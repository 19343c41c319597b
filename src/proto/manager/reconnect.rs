//! Reconnection: its live options, the schedule of attempts (the backoff
//! delay, `reconnect_attempt`, then the attempt), and giving up.

use crate::prelude::*;

use super::super::config::TransportKind;
use super::super::events::Event;
use super::super::payloads::Payloads;
use super::super::timer::Timer;
use super::{Manager, ReadyState};

impl<P: Payloads> Manager<P> {
    // ----- reconnection options -----------------------------------------

    /// `reconnection(v)`; `false` also stops a scheduled reconnection.
    pub fn set_reconnection(&mut self, v: bool) {
        self.env.cfg.reconnection = v;
        if !v {
            self.skip_reconnect = true;
        }
    }

    /// `reconnectionAttempts(v)`; `None` is infinite.
    pub fn set_reconnection_attempts(&mut self, v: Option<u32>) {
        self.env.cfg.reconnection_attempts = v;
    }

    /// `reconnectionDelay(ms)`.
    pub fn set_reconnection_delay(&mut self, ms: u64) {
        self.env.cfg.reconnection_delay = ms;
        self.backoff.set_min(ms);
    }

    /// `reconnectionDelayMax(ms)`.
    pub fn set_reconnection_delay_max(&mut self, ms: u64) {
        self.env.cfg.reconnection_delay_max = ms;
        self.backoff.set_max(ms);
    }

    /// `randomizationFactor(v)`.
    pub fn set_randomization_factor(&mut self, v: f64) {
        self.env.cfg.randomization_factor = v;
        self.backoff.set_jitter(v);
    }

    /// The query sent with every request from the next one on
    /// (socket.io-client's live `opts.query`; a `reconnect_attempt`
    /// listener may change it for the attempt it announces).
    pub fn set_query(&mut self, query: Vec<(String, String)>) {
        self.env.cfg.query = query;
    }

    /// The transports of the next connection (socket.io-client's live
    /// `opts.transports`); an empty list is ignored (one is needed).
    pub fn set_transports(&mut self, transports: Vec<TransportKind>) {
        if !transports.is_empty() {
            self.env.cfg.transports = transports;
        }
    }

    /// `timeout(ms)`; `None` disables the connection timeout.
    pub fn set_timeout(&mut self, ms: Option<u64>) {
        self.env.cfg.timeout = ms;
    }

    /// Manager `reconnect`: schedule the next attempt, or give up.
    pub(super) fn reconnect(&mut self, now: u64) {
        if self.reconnecting || self.skip_reconnect {
            return;
        }
        let exhausted = self
            .env
            .cfg
            .reconnection_attempts
            .is_some_and(|max| self.backoff.attempts() >= max);
        if exhausted {
            self.backoff.reset();
            self.events.push_back(Event::ReconnectFailed);
            self.reconnecting = false;
        } else {
            let delay = self.backoff.duration(&mut self.rng);
            self.reconnecting = true;
            self.timers.set(Timer::Reconnect, now.saturating_add(delay));
        }
    }

    pub(super) fn on_reconnect_timer(&mut self, now: u64) {
        if self.skip_reconnect {
            // socket.io-client stays "reconnecting" here, so a later
            // `connect` would never open again.
            self.reconnecting = false;
            return;
        }
        if self.ready != ReadyState::Closed {
            // Opened meanwhile by the app.
            self.reconnecting = false;
            return;
        }
        self.events
            .push_back(Event::ReconnectAttempt(self.backoff.attempts()));
        self.timers.set(Timer::ReconnectOpen, now);
    }

    /// The attempt `reconnect_attempt` announced, after the app heard it.
    pub(super) fn reconnect_open(&mut self, now: u64) {
        if self.skip_reconnect || self.ready != ReadyState::Closed {
            self.reconnecting = false;
            return;
        }
        self.open_engine(now, true);
    }
}
