//! Browser tests: run by `wasm-pack test --headless --chrome -- --test browser`
//! against the Node socket.io fixture (tests/server) that scripts/test.mjs
//! starts. Its port is baked in at compile time from SOCKETIO_TEST_PORT.
#![cfg(target_arch = "wasm32")]

mod rust_api;
mod smoke;
mod typed;

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

/// The fixture server's port; the test command sets it when it builds the tests.
pub fn fixture_port() -> u16 {
    match option_env!("SOCKETIO_TEST_PORT").map(str::parse) {
        Some(Ok(port)) => port,
        _ => panic!("SOCKETIO_TEST_PORT is not set: run the browser tests through `npm test`"),
    }
}
