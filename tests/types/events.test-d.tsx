// Type tests, checked by `tsc --noEmit` (the `tsc` suite): every line marked
// `@ts-expect-error` must fail to compile, every other line must compile.
// Nothing here runs.
import { io, type DisconnectReason, type ListenerHandle, type Socket } from "../../js/index.js";
import {
  AckError,
  createSocketHooks,
  SocketProvider,
  useEmitWithAck,
  useSocket,
  useSocketEvent,
  useSocketMessage,
  useSocketStatus,
  type AckErrorData,
  type SocketState,
} from "../../js/react/index.js";

interface ServerToClientEvents {
  message: (msg: { text: string; from: string }) => void;
  count: (n: number) => void;
  pair: (a: string, b: number) => void;
}

interface ClientToServerEvents {
  send: (text: string, ack: (err: { message: string } | null, res: { id: number } | null) => void) => void;
  ping: (ack: (pong: "pong") => void) => void;
  notify: (level: number) => void;
  // The seed's style: callback(err) on failure, callback(null, message) on success.
  sendMessage: (data: { text: string }, callback: (error: Error | null, message?: { id: string }) => void) => void;
}

type IsAny<T> = 0 extends 1 & T ? true : false;
type ExpectFalse<T extends false> = T;
type ExpectTrue<T extends true> = T;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// ------------------------------------------------------------------ io() --

const socket = io<ServerToClientEvents, ClientToServerEvents>("http://127.0.0.1:3000");
socket.on("message", (msg) => msg.text.toUpperCase());
socket.on("disconnect", (reason) => {
  const known: DisconnectReason = reason;
  return known;
});
// @ts-expect-error an event the server does not send
socket.on("mesage", () => {});
// @ts-expect-error a payload of the wrong type
socket.on("count", (n: string) => n);
// on() chains, with every link typed, as in socket.io-client.
socket.on("count", (n) => n.toFixed()).on("pair", (a, b) => a.repeat(b)).off("count");
// @ts-expect-error a wrong payload further down the chain
socket.on("count", (n) => n).on("pair", (a: number) => a);
// subscribe() gives the handle.
const handle: ListenerHandle = socket.subscribe("count", (n) => n.toFixed());
handle.off();
socket.io.on("reconnect", (attempt) => attempt.toFixed()).off("reconnect");
socket.emit("notify", 3);
// @ts-expect-error a payload of the wrong type
socket.emit("notify", "3");
// @ts-expect-error an event the client does not send
socket.emit("notfy", 3);
socket.emit("send", "hi", (err, res) => (err ? err.message : res?.id));
const pong: Promise<"pong"> = socket.emitWithAck("ping");
void pong;

// ------------------------------------------------- createSocketHooks<L,E> --

const hooks = createSocketHooks<ServerToClientEvents, ClientToServerEvents>();

export function Typed() {
  hooks.useSocketEvent("message", (msg) => msg.from.toUpperCase());
  hooks.useSocketEvent("pair", (a, b) => a.repeat(b));
  hooks.useSocketEvent("disconnect", (reason: DisconnectReason) => reason);
  hooks.useSocketEvent("connect_error", (error) => error.message);
  // @ts-expect-error an event the server does not send
  hooks.useSocketEvent("mesage", () => {});
  // @ts-expect-error a payload of the wrong type
  hooks.useSocketEvent("count", (n: string) => n);

  const count: number | undefined = hooks.useSocketMessage("count").lastMessage;
  // @ts-expect-error lastMessage is number | undefined
  const wrong: string | undefined = hooks.useSocketMessage("count").lastMessage;
  // @ts-expect-error an event the server does not send
  hooks.useSocketMessage("nope");

  const send = hooks.useEmitWithAck("send", { timeout: 1000 });
  const sent: Promise<{ id: number } | null> = send.emit("hi");
  const data: { id: number } | null | undefined = send.data;
  const error: Error | null = send.error;
  const pending: boolean = send.pending;
  // @ts-expect-error a payload of the wrong type
  void send.emit(42);
  // @ts-expect-error a missing payload
  void send.emit();
  // @ts-expect-error `notify` takes no acknowledgement
  hooks.useEmitWithAck("notify");
  // @ts-expect-error an event the client does not send
  hooks.useEmitWithAck("sned");
  const ping: Promise<"pong"> = hooks.useEmitWithAck("ping").emit();
  const seedStyle = hooks.useEmitWithAck("sendMessage", { errorFirst: true });
  const message: Promise<{ id: string } | undefined> = seedStyle.emit({ text: "hi" });
  // @ts-expect-error a payload of the wrong shape
  void seedStyle.emit({ body: "hi" });

  const typed = hooks.useSocket();
  typed.emit("notify", 1);
  // @ts-expect-error a payload of the wrong type
  typed.emit("notify", "1");

  const state: SocketState = hooks.useSocketStatus();
  void [count, wrong, sent, data, error, pending, ping, state, message];
  return null;
}

// ------------------------------------------------------ explicit generics --

export function Explicit() {
  useSocketEvent<ServerToClientEvents, "count">("count", (n) => n.toFixed());
  // @ts-expect-error a payload of the wrong type
  useSocketEvent<ServerToClientEvents, "count">("count", (n: string) => n);
  // @ts-expect-error an event the server does not send
  useSocketEvent<ServerToClientEvents, "nope">("nope", () => {});
  const latest: { text: string; from: string } | undefined = useSocketMessage<ServerToClientEvents, "message">(
    "message",
  ).lastMessage;
  const send = useEmitWithAck<ClientToServerEvents, "send">("send");
  void send.emit("text");
  // @ts-expect-error a payload of the wrong type
  void send.emit(1);
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = useSocket<ServerToClientEvents, ClientToServerEvents>();
  void [latest, s];
  return null;
}

export const provider = (
  <SocketProvider<ServerToClientEvents, ClientToServerEvents> url="http://127.0.0.1:3000" options={{ ackTimeout: 5000 }}>
    <Typed />
  </SocketProvider>
);

// @ts-expect-error an unknown option
export const badOption = <SocketProvider url="/" options={{ reconectionDelay: 1 }} />;

// ------------------------------------------------------ no `any` leaks out --

type Status = ReturnType<typeof useSocketStatus>;
type SendAck = ReturnType<typeof hooks.useEmitWithAck<"send">>;
export type NoAny = [
  ExpectFalse<IsAny<Status["error"]>>,
  ExpectFalse<IsAny<Status["id"]>>,
  ExpectFalse<IsAny<SendAck["data"]>>,
  ExpectFalse<IsAny<SendAck["error"]>>,
  ExpectFalse<IsAny<Parameters<SendAck["emit"]>[0]>>,
  ExpectFalse<IsAny<ReturnType<typeof useSocketMessage>["lastMessage"]>>,
  ExpectFalse<IsAny<ReturnType<typeof useEmitWithAck>["data"]>>,
  ExpectFalse<IsAny<AckError["data"]>>,
  ExpectTrue<Equal<Status["status"], "connecting" | "connected" | "reconnecting" | "disconnected">>,
  ExpectTrue<Equal<SendAck["data"], { id: number } | null | undefined>>,
  ExpectTrue<Equal<AckErrorData<ClientToServerEvents, "send">, { message: string }>>,
  ExpectTrue<Equal<AckErrorData<ClientToServerEvents, "sendMessage">, Error>>,
  ExpectTrue<Equal<AckErrorData<ClientToServerEvents, "ping">, unknown>>,
];
