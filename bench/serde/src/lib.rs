//! One 7-field event, serialized for an emit and deserialized for a
//! listener, both ways: serde_json and JSON text (what the Rust API does),
//! or serde-wasm-bindgen and a JS value (JSON.stringify / JSON.parse on the
//! JS side, since the wire is text either way).
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Serialize, Deserialize, Clone)]
pub struct Message { id: u64, client_id: String, room: String, user: String, text: String, tags: Vec<String>, reply_to: Option<u64> }

fn sample(i: u64) -> Message {
    Message { id: i, client_id: format!("c-{i}"), room: "general".into(), user: "alice".into(), text: "hello there, how are you doing today?".into(), tags: vec!["a".into(), "b".into()], reply_to: Some(i) }
}

#[wasm_bindgen(inline_js = "export function takeText(s) { return s.length } export function takeValue(v) { return JSON.stringify(v).length } const frames = Array.from({length: 64}, (_, i) => JSON.stringify({id:i,client_id:'c-'+i,room:'general',user:'alice',text:'hello there, how are you doing today?',tags:['a','b'],reply_to:i})); export function giveText(i) { return frames[i & 63] } export function giveValue(i) { return JSON.parse(frames[i & 63]) }")]
extern "C" {
    fn takeText(s: &str) -> usize;
    #[allow(dead_code)]
    fn takeValue(v: &JsValue) -> usize;
    fn giveText(i: u32) -> String;
    #[allow(dead_code)]
    fn giveValue(i: u32) -> JsValue;
}

/// Rust value -> JSON text on the JS side (what an emit needs: the frame is text).
#[wasm_bindgen]
pub fn out_json(n: u32) -> usize { let mut t = 0; for i in 0..n { let m = sample(i as u64); t += takeText(&serde_json::to_string(&m).unwrap()); } t }
/// JSON text from JS -> Rust value (what a listener needs).
#[wasm_bindgen]
pub fn in_json(n: u32) -> u64 { let mut t = 0; for i in 0..n { let m: Message = serde_json::from_str(&giveText(i)).unwrap(); t += m.id; } t }

#[cfg(feature = "swb")]
#[wasm_bindgen]
pub fn out_swb(n: u32) -> usize { let mut t = 0; let s = serde_wasm_bindgen::Serializer::json_compatible(); for i in 0..n { let m = sample(i as u64); t += takeValue(&m.serialize(&s).unwrap()); } t }
#[cfg(feature = "swb")]
#[wasm_bindgen]
pub fn in_swb(n: u32) -> u64 { let mut t = 0; for i in 0..n { let m: Message = serde_wasm_bindgen::from_value(giveValue(i)).unwrap(); t += m.id; } t }
