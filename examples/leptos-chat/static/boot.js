// wasm-bindgen's loader fetches leptos_chat_bg.wasm next to it; main() mounts the app.
import init from "./leptos_chat.js";
await init();
