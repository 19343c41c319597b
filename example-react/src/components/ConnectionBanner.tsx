import { AUTH_ERRORS, chat, errorCode } from "../socket";

/**
 * Online / reconnecting (with the attempt) / offline, with the error: the
 * status comes from useSocketStatus, which the Manager's events feed (no
 * connect/disconnect listeners of our own to clean up).
 */
export function ConnectionBanner({ onLogout }: { onLogout: () => void }) {
  const { status, attempt, error, recovered } = chat.useSocketStatus();
  const authError = error && AUTH_ERRORS.has(errorCode(error) ?? "");

  let text: string;
  switch (status) {
    case "connected":
      text = recovered ? "Online (session recovered)" : "Online";
      break;
    case "connecting":
      text = "Connecting…";
      break;
    case "reconnecting":
      text = attempt > 0 ? `Reconnecting (attempt ${attempt})…` : "Reconnecting…";
      break;
    default:
      text = "Offline";
  }
  return (
    <section className="banner" data-status={status} aria-label="Connection">
      <p role="status">{text}</p>
      {status === "reconnecting" && error && <p className="detail">Last error: {error.message}</p>}
      {status === "disconnected" && error && (
        <div role="alert" className="error">
          <p>Cannot connect: {error.message}</p>
          {authError && (
            <button type="button" onClick={onLogout}>
              Log in again
            </button>
          )}
        </div>
      )}
    </section>
  );
}
