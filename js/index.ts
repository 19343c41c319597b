// The package entry: the `io()` API over the wasm core (being built).
export { default as init, version } from "../pkg/socketio_wasm.js";
