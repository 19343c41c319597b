//! HTTP long-polling with `fetch`: one GET and one POST at most in flight
//! (the core guarantees it); the GET is aborted on drop.
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};

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
        let pair = glue::request(url, "GET", None, self.with_credentials);
        self.get_abort = Some(pair.get(1).unchecked_into());
        let sink = self.sink.clone();
        spawn_local(async move {
            match body_text(pair.get(0)).await {
                Some(body) => sink(TransportInput::PollResponse(body)),
                None => sink(TransportInput::Error {
                    description: String::from("xhr poll error"),
                }),
            }
        });
    }

    pub(crate) fn post(&self, url: &str, body: &str) {
        let pair = glue::request(url, "POST", Some(String::from(body)), self.with_credentials);
        let sink = self.sink.clone();
        spawn_local(async move {
            match body_text(pair.get(0)).await {
                Some(_) => sink(TransportInput::PostDone),
                None => sink(TransportInput::Error {
                    description: String::from("xhr post error"),
                }),
            }
        });
    }
}

/// The body of a 2xx response; any failure (network, abort, status) is `None`.
async fn body_text(request: wasm_bindgen::JsValue) -> Option<String> {
    JsFuture::from(js_sys::Promise::from(request))
        .await
        .ok()?
        .as_string()
}

impl Drop for PollTransport {
    fn drop(&mut self) {
        if let Some(abort) = self.get_abort.take() {
            abort.abort();
        }
    }
}
