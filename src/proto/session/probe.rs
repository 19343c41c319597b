//! The upgrade to WebSocket: the probe (`2probe` / `3probe` on a new
//! WebSocket), the pause of polling, and the switch (`5`, then the write
//! buffer flushed on the WebSocket).

use crate::prelude::*;

use super::super::config::TransportKind;
use super::super::ids::TransportId;
use super::super::payloads::Payloads;
use super::super::transport::{SessionEnv, Transmit, TransportInput};
use super::packets::{frame, Out};
use super::{CloseWait, EngineEvent, Session, State, TState, Transport};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ProbeState {
    Opening,
    WaitingPong,
    Upgrading,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Probe {
    pub(super) id: TransportId,
    pub(super) state: ProbeState,
}

impl<P: Payloads> Session<P> {
    pub(super) fn on_probe(&mut self, env: &mut SessionEnv<P>, input: TransportInput<P>) {
        let Some(probe) = self.probe else { return };
        match input {
            TransportInput::Opened => {
                if probe.state == ProbeState::Opening {
                    env.transmits
                        .push_back(frame(probe.id, Out::Packet(String::from("2probe"))));
                    self.set_probe_state(ProbeState::WaitingPong);
                }
            }
            TransportInput::Text(text) => {
                if probe.state != ProbeState::WaitingPong {
                    return;
                }
                match env.payloads.head(&text) {
                    ("3probe", true) => {
                        self.upgrading = true;
                        env.prior_websocket_success = true;
                        self.set_probe_state(ProbeState::Upgrading);
                        if self.transport.state == TState::Open {
                            self.transport.state = TState::Pausing;
                        }
                        self.try_finish_pause(env);
                    }
                    _ => self.probe_failed(env, String::from("probe error")),
                }
            }
            TransportInput::Binary(_) => {
                if probe.state == ProbeState::WaitingPong {
                    self.probe_failed(env, String::from("probe error"));
                }
            }
            TransportInput::PollResponse(_) | TransportInput::PostDone => {}
            TransportInput::Closed { .. } => {
                self.probe_failed(env, String::from("probe error: transport closed"))
            }
            TransportInput::Error { description } => {
                let mut d = String::from("probe error: ");
                d.push_str(&description);
                self.probe_failed(env, d);
            }
        }
    }

    pub(super) fn set_probe_state(&mut self, state: ProbeState) {
        if let Some(p) = self.probe.as_mut() {
            p.state = state;
        }
    }

    pub(super) fn probe_failed(&mut self, env: &mut SessionEnv<P>, description: String) {
        let Some(probe) = self.probe.take() else {
            return;
        };
        env.transmits.push_back(Transmit::Close {
            transport: probe.id,
        });
        if self.upgrading {
            // Resume polling (engine.io-client would stay paused here).
            self.upgrading = false;
            if matches!(self.transport.state, TState::Pausing | TState::Paused) {
                self.transport.state = TState::Open;
                if !self.transport.polling && self.state != State::Closed {
                    self.poll(env);
                }
            }
        }
        self.events
            .push_back(EngineEvent::UpgradeError(description));
        if self.state == State::Closing && self.close_wait == CloseWait::Upgrade {
            self.continue_close(env);
        }
    }

    pub(super) fn try_finish_pause(&mut self, env: &mut SessionEnv<P>) {
        if self.transport.state != TState::Pausing
            || self.transport.polling
            || !self.transport.writable
        {
            return;
        }
        self.transport.state = TState::Paused;
        self.complete_upgrade(env);
    }

    pub(super) fn complete_upgrade(&mut self, env: &mut SessionEnv<P>) {
        if self.state == State::Closed {
            return;
        }
        let Some(probe) = self.probe.take() else {
            return;
        };
        env.transmits.push_back(Transmit::Close {
            transport: self.transport.id,
        });
        self.transport = Transport {
            id: probe.id,
            kind: TransportKind::WebSocket,
            state: TState::Open,
            writable: true,
            polling: false,
        };
        self.in_flight = 0;
        env.transmits
            .push_back(frame(probe.id, Out::Packet(String::from("5"))));
        self.events
            .push_back(EngineEvent::Upgrade(TransportKind::WebSocket));
        self.upgrading = false;
        self.flush(env);
        if self.state == State::Closing {
            self.continue_close(env);
        }
    }
}
