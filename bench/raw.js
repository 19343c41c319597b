// The physical limit: the least a client can do to speak Engine.IO v4 /
// Socket.IO v5 over one WebSocket (main namespace, no reconnection, no
// buffering, no validation). Frames are built and cut by hand; the payload
// goes through the browser's JSON.parse/JSON.stringify once.
export function connect(base) {
  return new Promise((resolve) => {
    const client = new RawClient(base, () => resolve(client));
  });
}

class RawClient {
  constructor(base, onConnect) {
    this.handlers = new Map();
    this.acks = new Map();
    this.nextId = 0;
    this.binary = null; // a binary packet waiting for its attachments
    this.onConnect = onConnect;
    this.ws = new WebSocket(base.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
    this.ws.binaryType = "arraybuffer";
    this.ws.onmessage = (e) => this.frame(e.data);
  }

  frame(d) {
    if (typeof d !== "string") {
      const b = this.binary;
      b.buffers.push(d);
      if (b.buffers.length === b.count) {
        this.binary = null;
        this.packet(b.type, b.id, b.args.map((a) => (a && a._placeholder ? b.buffers[a.num] : a)));
      }
      return;
    }
    const type = d.charCodeAt(0);
    if (type === 52 /* 4 message */) this.message(d);
    else if (type === 50 /* 2 ping */) this.ws.send("3");
    else if (type === 48 /* 0 open */) this.ws.send("40");
  }

  message(d) {
    const type = d.charCodeAt(1);
    if (type === 48 /* 0 CONNECT */) {
      this.id = JSON.parse(d.slice(2)).sid;
      this.onConnect();
      return;
    }
    // 2 EVENT / 3 ACK: `42[...]`, `42<id>[...]`; 5/6 BINARY: `45<n>-<id>[...]`
    let i = 2;
    let count = 0;
    if (type === 53 || type === 54) {
      const dash = d.indexOf("-");
      count = +d.slice(2, dash);
      i = dash + 1;
    }
    const start = d.indexOf("[", i);
    const id = start > i ? +d.slice(i, start) : -1;
    const args = JSON.parse(d.slice(start));
    if (count) this.binary = { type: type - 3, id, args, count, buffers: [] };
    else this.packet(type, id, args);
  }

  packet(type, id, args) {
    if (type === 51 /* ACK */) {
      const ack = this.acks.get(id);
      this.acks.delete(id);
      ack?.(args[0]);
      return;
    }
    const handler = this.handlers.get(args[0]);
    if (id >= 0) args.push((...reply) => this.ws.send("43" + id + JSON.stringify(reply)));
    if (handler) args.length === 2 ? handler(args[1]) : handler(...args.slice(1));
  }

  on(event, fn) {
    this.handlers.set(event, fn);
  }
  off(event) {
    this.handlers.delete(event);
  }
  emit(event, arg) {
    this.ws.send("42" + JSON.stringify([event, arg]));
  }
  emitWithAck(event, arg) {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.acks.set(id, resolve);
      if (arg instanceof ArrayBuffer) {
        this.ws.send("451-" + id + JSON.stringify([event, { _placeholder: true, num: 0 }]));
        this.ws.send(arg);
      } else {
        this.ws.send("42" + id + JSON.stringify(arg === undefined ? [event] : [event, arg]));
      }
    });
  }
  close() {
    this.ws.close();
  }
}
