// The same page as src/main.tsx, without React, built by webpack 5 with a
// config that says nothing about wasm: the package must load as-is.
import { io } from "socketio-wasm";

const root = document.getElementById("root");
root.innerHTML =
  '<main><p role="status"></p><p id="socket-id"></p><p id="hello"></p><p id="echo"></p><p id="io"></p></main>';
const show = (selector, text) => (root.querySelector(selector).textContent = text);

show("#io", typeof io);
show('[role="status"]', "connecting");
const socket = io();
socket.on("connect", async () => {
  show('[role="status"]', "connected");
  show("#socket-id", socket.id);
  show("#echo", await socket.timeout(5000).emitWithAck("echo", "ping from the app"));
});
socket.on("hello", (text) => show("#hello", text));
socket.on("disconnect", () => show('[role="status"]', "disconnected"));
