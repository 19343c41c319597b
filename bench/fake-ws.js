// A fake `WebSocket` that plays the server in memory, so that the client
// alone is measured (no browser network stack, no server). Installed as
// `globalThis.WebSocket` before any client module loads (socket.io-client
// captures the constructor at import time).
//
// It answers the Engine.IO handshake and the Socket.IO CONNECT, counts what
// the client sends, and answers acknowledgement requests (`42<id>[...]`)
// with `43<id>[<arg>]` in a microtask. `FakeWebSocket.last` is the newest
// socket; `push(frame)` delivers a frame synchronously.
class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static last = null;

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.binaryType = "blob";
    this.bufferedAmount = 0;
    this.protocol = "";
    this.extensions = "";
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    this.sent = 0;
    this.onSent = null; // called with the count after each send
    FakeWebSocket.last = this;
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({ type: "open" });
      this.push('0{"sid":"fake","upgrades":[],"pingInterval":600000,"pingTimeout":600000,"maxPayload":100000000}');
    }, 0);
  }

  push(data) {
    this.onmessage?.({ type: "message", data });
  }

  send(data) {
    if (typeof data === "string" && data.charCodeAt(0) === 52 /* 4 */) {
      const type = data.charCodeAt(1);
      if (type === 48 /* CONNECT */) {
        queueMicrotask(() => this.push('40{"sid":"fake-socket"}'));
        return;
      }
      if (type === 50 /* EVENT */) {
        const start = data.indexOf("[");
        if (start > 2) {
          // `42<id>[event, arg]`: answer `43<id>[arg]`.
          const id = data.slice(2, start);
          const comma = data.indexOf(",", start);
          const arg = comma < 0 ? "" : data.slice(comma + 1, -1);
          queueMicrotask(() => this.push(`43${id}[${arg}]`));
        }
      }
    }
    this.sent += 1;
    this.onSent?.(this.sent);
  }

  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ type: "close", code: 1000, reason: "", wasClean: true }), 0);
  }

  addEventListener(type, fn) {
    this[`on${type}`] = fn;
  }
  removeEventListener(type) {
    this[`on${type}`] = null;
  }
}
globalThis.WebSocket = FakeWebSocket;
