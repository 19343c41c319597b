import { afterEach, describe, expect, it } from "vitest";
import { controlUrl, fixtureUrl } from "./setup.js";
import { io, type Socket } from "../../js/index.js";

const open: Socket[] = [];
afterEach(() => {
  for (const socket of open.splice(0)) socket.disconnect();
});

function connect(transports: ("polling" | "websocket")[]): Promise<Socket> {
  const socket = io(fixtureUrl(), { transports, forceNew: true });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

describe("io() against the socket.io fixture", () => {
  for (const transports of [["websocket"], ["polling"], ["polling", "websocket"]] as const) {
    it(`connects over ${transports.join(" + ")} and gets an id`, async () => {
      const socket = await connect([...transports]);
      expect(socket.connected).toBe(true);
      expect(socket.id).toMatch(/^[\w-]{20}$/);
    });

    it(`gets acknowledgements over ${transports.join(" + ")}`, async () => {
      const socket = await connect([...transports]);
      const answer = await socket.emitWithAck("echo", { text: "héllo 👋" }, 42);
      expect(answer).toEqual({ text: "héllo 👋" });
    });
  }

  it("receives server events in order", async () => {
    const socket = await connect(["websocket"]);
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => {
      socket.on("echo", (n: number) => {
        seen.push(n);
        if (seen.length === 100) resolve();
      });
    });
    for (let i = 0; i < 100; i++) socket.emit("echo", i);
    await done;
    expect(seen).toEqual([...Array(100).keys()]);
  });

  it("closes a long-polling connection without a request the server refuses", async () => {
    // The close packet's POST must reach the server before the pending poll
    // is aborted: the server takes a vanished poll for a lost connection and
    // answers the close with 400 "Session ID unknown".
    const refused = async () =>
      ((await (await fetch(controlUrl("/control/stats"))).json()) as { refused: number }).refused;
    const before = await refused();
    for (let i = 0; i < 5; i++) {
      const socket = await connect(["polling"]);
      socket.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await refused()).toBe(before);
  });

  it("disconnects with io client disconnect", async () => {
    const socket = await connect(["websocket"]);
    const reason = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    socket.disconnect();
    expect(await reason).toBe("io client disconnect");
    expect(socket.connected).toBe(false);
  });

  it("throws a TypeError naming the event for a reserved name", async () => {
    const socket = await connect(["websocket"]);
    expect(() => socket.emit("connect" as string)).toThrow(TypeError);
    expect(() => socket.emit("connect" as string)).toThrow(/"connect" is a reserved event name/);
  });

  it("throws a TypeError naming the event for unserializable arguments", async () => {
    const socket = await connect(["websocket"]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => socket.emit("echo", cyclic)).toThrow(/emit\("echo"\): the arguments cannot be serialized/);
  });
});
