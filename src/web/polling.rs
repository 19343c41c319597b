//! HTTP long-polling with `fetch`: one GET and one POST at most in flight
//! (the core guarantees it); the GET is aborted on drop.
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::closure::Closure;

use super::glue::{self, Abort};
use super::websocket::Sink;
use crate::proto::TransportInput;

pub(crate) struct PollTransport {
    sink: Sink,
    with_credentials: bool,
    get_abort: Option<Abort>,
}

impl PollTransport {
    pub(crate) fn new(sink: Sink, with_credentials: bool) -> PollTransport {
        PollTransport {
            sink,
            with_credentials,
            get_abort: None,
        }
    }

    pub(crate) fn get(&mut self, url: &str) {
        // The core keeps at most one GET in flight, so there is no older
        // one to abort here.
        let sink = self.sink.clone();
        let done = Closure::once_into_js(move |body: Option<String>| {
            sink(match body {
                Some(body) => TransportInput::PollResponse(body),
                None => TransportInput::Error {
                    description: String::from("xhr poll error"),
                },
            })
        });
        self.get_abort = Some(glue::request(url, "GET", None, self.with_credentials, done));
    }

    pub(crate) fn post(&self, url: &str, body: &str) {
        let sink = self.sink.clone();
        // `done` is called exactly once (glue.js), which frees it.
        let done = Closure::once_into_js(move |body: Option<String>| {
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
        if let Some(abort) = self.get_abort.take() {
            abort.abort();
        }
    }
}
