// The durable outbox's rules without a browser (Node has no IndexedDB: the
// outbox says so and keeps emits in memory): numbered server events handed
// over once, a gap answered by a replay request, a new server epoch starting
// over; emits sent in order on connection, again on a timeout, settled once.
import { describe, expect, it } from "vitest";
import { isErrorAck } from "../../js/ack-shape.js";
import { MARK, Outbox, REPLAY_EVENT, type DurableHost } from "../../js/durable.js";

type Sent = { list: unknown[]; ack?: (error: Error | null, ...response: unknown[]) => void };

function host(): DurableHost & { sent: Sent[]; told: unknown[][] } {
  const sent: Sent[] = [];
  const told: unknown[][] = [];
  return {
    sent,
    told,
    send: (list, ack) => sent.push(ack ? { list, ack } : { list }),
    notify: (event, args) => told.push([event, ...args]),
    isError: isErrorAck,
  };
}

const tick = (seq: number, stream = "", epoch = "e1", offset?: string) =>
  offset === undefined ? ["tick", seq, { [MARK]: [stream, seq, epoch] }] : ["tick", seq, { [MARK]: [stream, seq, epoch] }, offset];

describe("Outbox.incoming", () => {
  it("drops repeats, asks for a replay on a gap, starts over on a new epoch, and keeps the recovery offset", async () => {
    const h = host();
    const box = new Outbox(h, "box", {});
    await box.ready;
    expect(h.told[0]?.[0]).toBe("error"); // no IndexedDB in Node
    expect(box.incoming(tick(1))).toEqual(["tick", 1]);
    expect(box.incoming(tick(2, "", "e1", "off-2"))).toEqual(["tick", 2, "off-2"]);
    expect(box.incoming(tick(2))).toBeUndefined();
    expect(box.incoming(tick(1))).toBeUndefined();
    expect(h.sent).toEqual([]);
    // 3 is missing: 4 is dropped, and the stream asked for again after 2.
    expect(box.incoming(tick(4))).toBeUndefined();
    expect(h.sent).toEqual([{ list: [REPLAY_EVENT, "", 2] }]);
    expect(box.incoming(tick(3))).toEqual(["tick", 3]);
    expect(box.incoming(tick(4))).toEqual(["tick", 4]);
    // Still missing 5: asked once, not at every event.
    expect(box.incoming(tick(6))).toBeUndefined();
    expect(box.incoming(tick(7))).toBeUndefined();
    expect(h.sent.filter((x) => x.list[0] === REPLAY_EVENT)).toHaveLength(2);
    // The server's log no longer has 5: its replay says what it follows, and it is taken.
    expect(box.incoming(["tick", 6, { [MARK]: ["", 6, "e1", 4] }])).toEqual(["tick", 6]);
    expect(h.told.at(-1)?.[1]).toMatchObject({ message: expect.stringMatching(/1 events of stream "" were no longer in the server's log/) });
    expect(box.incoming(tick(7))).toEqual(["tick", 7]);
    // A `follows` that does not fit is not a marker.
    const odd = ["tick", 9, { [MARK]: ["", 9, "e1", 9] }];
    expect(box.incoming(odd)).toBe(odd);
    // Streams are counted apart; another epoch starts over.
    expect(box.incoming(tick(1, "room:a"))).toEqual(["tick", 1]);
    expect(box.positions).toEqual({ epoch: "e1", streams: { "": 7, "room:a": 1 } });
    expect(box.incoming(tick(1, "", "e2"))).toEqual(["tick", 1]);
    expect(box.positions).toEqual({ epoch: "e2", streams: { "": 1 } });
    // Not a marker: as it is.
    for (const args of [["x"], ["x", { [MARK]: "id" }], ["x", { [MARK]: ["", 0, "e"] }], ["x", { [MARK]: [1, 2, 3] }], ["x", { a: 1, [MARK]: ["", 5, "e2"] }]]) {
      expect(box.incoming(args)).toBe(args);
    }
  });
});

describe("Outbox.emit", () => {
  it("sends in order on connection with the message id, again after a timeout, and settles once", async () => {
    const h = host();
    const box = new Outbox(h, "box", { ackTimeout: 50 });
    const answers: unknown[][] = [];
    const a = box.emit("record", [1], (r) => answers.push(r));
    const b = box.emit("record", [2], undefined);
    await box.written();
    expect(h.sent).toEqual([]); // not connected
    box.connected();
    expect(h.sent.map((s) => s.list)).toEqual([
      ["record", 1, { [MARK]: a }],
      ["record", 2, { [MARK]: b }],
    ]);
    h.sent[0]!.ack!(new Error("operation has timed out"));
    expect(h.sent).toHaveLength(3); // a again
    h.sent[2]!.ack!(null, { n: 1 });
    h.sent[0]!.ack!(null, { n: 99 }); // a late answer to the first try: ignored
    h.sent[1]!.ack!(null, { error: "refused" });
    expect(answers).toEqual([[{ n: 1 }]]);
    expect(h.told.slice(1)).toEqual([
      ["delivered", a, [{ n: 1 }]],
      ["failed", b, { error: "refused" }],
    ]);
    expect(box.pending()).toEqual([]);
    // A disconnect: in flight ones go again on the next connection.
    const c = box.emit("record", [3], undefined);
    await box.written();
    // The core reports the disconnect, then fails the acks it leaves unanswered.
    box.disconnected();
    h.sent[3]!.ack!(new Error("socket has been disconnected"));
    expect(h.sent).toHaveLength(4);
    box.connected();
    expect(h.sent[4]!.list).toEqual(["record", 3, { [MARK]: c }]);
    expect(box.pending().map((e) => e.id)).toEqual([c]);
  });

  it("sends another tab's durable emit (the shareAcrossTabs hub's) as it is: no second id, not kept, not sent again", async () => {
    const h = host();
    const box = new Outbox(h, "box", { maxEntries: 1 });
    await box.ready;
    box.connected();
    const answers: unknown[][] = [];
    const marker = { [MARK]: "follower-id" };
    expect(box.emit("record", ["x", marker], (r) => answers.push(r))).toBe("follower-id");
    expect(box.emit("record", ["y", { [MARK]: "other-id" }], undefined)).toBe("other-id"); // past maxEntries: not counted
    expect(h.sent.map((s) => s.list)).toEqual([
      ["record", "x", marker],
      ["record", "y", { [MARK]: "other-id" }],
    ]);
    expect(box.pending()).toEqual([]);
    // Not answered: the other tab sends it again itself (its hub emit comes again), not this one.
    h.sent[0]!.ack!(new Error("socket has been disconnected"));
    box.disconnected();
    box.connected();
    expect(h.sent).toHaveLength(2);
    expect(answers).toEqual([]);
    box.emit("record", ["x", marker], (r) => answers.push(r));
    h.sent[2]!.ack!(null, { n: 1 });
    expect(answers).toEqual([[{ n: 1 }]]);
    // Its own marker is not another's: a second key makes an ordinary argument.
    box.emit("record", [{ [MARK]: "id", more: 1 }], undefined);
    expect(box.pending()).toHaveLength(1);
  });

  it("refuses what goes past its bounds, and bad bounds", () => {
    const box = new Outbox(host(), "box", { maxEntries: 1, maxBytes: 10_000 });
    box.emit("e", ["x"], undefined);
    expect(() => box.emit("e", ["y"], undefined)).toThrow(/outbox is full \(1 emits/);
    const small = new Outbox(host(), "b2", { maxBytes: 20 });
    expect(() => small.emit("e", ["x".repeat(30)], undefined)).toThrow(/outbox is full \(20 bytes/);
    expect(() => new Outbox(host(), "b3", { maxEntries: 0 })).toThrow(TypeError);
  });

  it("isErrorAck: error-shaped answers", () => {
    expect([{ error: "x" }, { ok: false }, { status: "error" }].map(isErrorAck)).toEqual([true, true, true]);
    expect([{}, { ok: true }, null, "error", [], { error: "" }].map(isErrorAck)).toEqual([false, false, false, false, false, false]);
  });
});
