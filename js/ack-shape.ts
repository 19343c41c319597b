// What an error-shaped acknowledgement is, for the React hooks and the
// durable outbox alike.

/**
 * An error-shaped acknowledgement (the default `isError` of `useEmitWithAck`, and what makes a durable emit `failed`): true for an object answer with
 * a truthy `error` field (`{ error: "Room not found" }`), `ok: false` or
 * `status: "error"`. Anything else is data, `{}` included: socket.io sends a
 * server-side `new Error("...")` as `{}` (JSON keeps no property of an
 * Error), which cannot be told from an empty answer.
 */
export function isErrorAck(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { error, ok, status } = value as { error?: unknown; ok?: unknown; status?: unknown };
  return Boolean(error) || ok === false || status === "error";
}
