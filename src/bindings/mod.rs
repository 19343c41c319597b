//! The `#[wasm_bindgen]` surface of the package.
use wasm_bindgen::prelude::*;

/// The crate version, so the JS layer can report what it loaded.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
