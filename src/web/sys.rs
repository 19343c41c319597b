//! The clock and the jitter seed of the Rust API's runtime.
pub(crate) use super::glue::{clear_timeout, set_timeout};

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
