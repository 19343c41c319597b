//! HTTP long-polling with `fetch`: one GET and one POST at most in flight
//! (the core guarantees it); the GET is aborted on drop, once no POST is in
//! flight.
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use wasm_bindgen::closure::Closure;

use super::glue::{self, Abort};
use super::sink::Sink;
use crate::proto::TransportInput;

pub(crate) struct PollTransport {
    sink: Sink,
    with_credentials: bool,
    /// Shared with the POSTs in flight: see `Drop`.
    state: Rc<Requests>,
}

#[derive(Default)]
struct Requests {
    get_abort: RefCell<Option<Abort>>,
    posts_in_flight: Cell<u32>,
    released: Cell<bool>,
}

impl Requests {
    fn abort_get(&self) {
        if let Some(abort) = self.get_abort.borrow_mut().take() {
            abort.abort();
        }
    }
}

impl PollTransport {
    pub(crate) fn new(sink: Sink, with_credentials: bool) -> PollTransport {
        PollTransport {
            sink,
            with_credentials,
            state: Rc::default(),
        }
    }

    pub(crate) fn get(&mut self, url: &str) {
        // The core keeps at most one GET in flight, so there is no older
        // one to abort here.
        let sink = self.sink.clone();
        let done = Closure::once_into_js(move |body: Option<String>| {
            sink(match body {
                Some(body) => TransportInput::poll_body(&body),
                None => TransportInput::Error {
                    description: String::from("xhr poll error"),
                },
            })
        });
        let abort = glue::request(url, "GET", None, self.with_credentials, done);
        *self.state.get_abort.borrow_mut() = Some(abort);
    }

    pub(crate) fn post(&self, url: &str, body: &str) {
        let sink = self.sink.clone();
        let state = self.state.clone();
        state.posts_in_flight.set(state.posts_in_flight.get() + 1);
        // `done` is called exactly once (glue.js), which frees it.
        let done = Closure::once_into_js(move |body: Option<String>| {
            state
                .posts_in_flight
                .set(state.posts_in_flight.get().saturating_sub(1));
            if state.released.get() && state.posts_in_flight.get() == 0 {
                state.abort_get();
            }
            sink(match body {
                Some(_) => TransportInput::PostDone,
                None => TransportInput::Error {
                    description: String::from("xhr post error"),
                },
            })
        });
        glue::request(
            url,
            "POST",
            Some(String::from(body)),
            self.with_credentials,
            done,
        );
    }
}

impl Drop for PollTransport {
    fn drop(&mut self) {
        // The pending GET goes away with the transport, but only after the
        // POSTs in flight: one may carry the close packet, and the server
        // takes a poll that vanishes first for a lost connection, dropping
        // the session before the close arrives (a 400 for it).
        self.state.released.set(true);
        if self.state.posts_in_flight.get() == 0 {
            self.state.abort_get();
        }
    }
}
