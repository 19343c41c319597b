// The package's React layer with this app's event maps bound once: event
// names, payloads and acknowledgements are type-checked everywhere. Both sets
// share one context, so one <SocketProvider> serves them, and both namespaces
// are multiplexed on its one connection.
import { createSocketHooks } from "socketio-wasm/react";
import type { ChatCommands, ChatEvents, NotificationCommands, NotificationEvents } from "./types";

export const CHAT = "/chat";
export const NOTIFICATIONS = "/notifications";

export const chat = createSocketHooks<ChatEvents, ChatCommands>();
export const notifications = createSocketHooks<NotificationEvents, NotificationCommands>();

/** Codes of a connect_error that no reconnection can fix: the user must log in again. */
export const AUTH_ERRORS = new Set(["NO_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED", "UNKNOWN_USER"]);

export function errorCode(error: unknown): string | undefined {
  const data = (error as { data?: { code?: unknown } } | null)?.data;
  return typeof data?.code === "string" ? data.code : undefined;
}

/** A message id made on the client, so that a retried send is stored once. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
