//! The few global functions the runtime needs, bound directly so they work in
//! a window, a worker and Node alike (web-sys would tie them to `Window`).
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &JsValue, delay_ms: i32) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);
}

/// Monotonic milliseconds: the core's clock.
pub(crate) fn now_ms() -> u64 {
    super::glue::now() as u64
}

/// A seed for the core's jitter RNG (reconnection delays only: no security
/// depends on it).
pub(crate) fn random_seed() -> u64 {
    let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (hi << 32) | lo
}
