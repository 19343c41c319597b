//! HTTP long-polling with `fetch`: one GET and one POST at most in flight
//! (the core guarantees it); the GET is aborted on drop.
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, RequestCredentials, RequestInit, Response};

use super::sys;
use super::websocket::Sink;
use crate::proto::TransportInput;

pub(crate) struct PollTransport {
    sink: Sink,
    with_credentials: bool,
    get_abort: Option<AbortController>,
}

impl PollTransport {
    pub(crate) fn new(sink: Sink, with_credentials: bool) -> PollTransport {
        PollTransport {
            sink,
            with_credentials,
            get_abort: None,
        }
    }

    fn init(&self, method: &str) -> RequestInit {
        let init = RequestInit::new();
        init.set_method(method);
        init.set_credentials(if self.with_credentials {
            RequestCredentials::Include
        } else {
            RequestCredentials::SameOrigin
        });
        init
    }

    pub(crate) fn get(&mut self, url: &str) {
        let init = self.init("GET");
        // The core keeps at most one GET in flight, so there is no older
        // one to abort here.
        self.get_abort = AbortController::new().ok();
        if let Some(abort) = &self.get_abort {
            init.set_signal(Some(&abort.signal()));
        }
        let sink = self.sink.clone();
        let request = sys::fetch(url, &init);
        spawn_local(async move {
            match body_text(request).await {
                Ok(body) => sink(TransportInput::PollResponse(body)),
                Err(()) => sink(TransportInput::Error {
                    description: String::from("xhr poll error"),
                }),
            }
        });
    }

    pub(crate) fn post(&self, url: &str, body: &str) {
        let init = self.init("POST");
        init.set_body(&JsValue::from_str(body));
        let headers = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &headers,
            &JsValue::from_str("content-type"),
            &JsValue::from_str("text/plain;charset=UTF-8"),
        );
        init.set_headers(&headers);
        let sink = self.sink.clone();
        let request = sys::fetch(url, &init);
        spawn_local(async move {
            match body_text(request).await {
                Ok(_) => sink(TransportInput::PostDone),
                Err(()) => sink(TransportInput::Error {
                    description: String::from("xhr post error"),
                }),
            }
        });
    }
}

/// The body of a 2xx response; any failure (network, abort, status) is `Err`.
async fn body_text(request: js_sys::Promise) -> Result<String, ()> {
    let response: Response = JsFuture::from(request)
        .await
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    if !response.ok() {
        return Err(());
    }
    let text = JsFuture::from(response.text().map_err(|_| ())?)
        .await
        .map_err(|_| ())?;
    text.as_string().ok_or(())
}

impl Drop for PollTransport {
    fn drop(&mut self) {
        if let Some(abort) = self.get_abort.take() {
            abort.abort();
        }
    }
}
