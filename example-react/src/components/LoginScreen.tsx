import { useState, type FormEvent } from "react";
import { authenticate, type Session } from "../session";

/** Sign up or log in over HTTP; the server answers with a signed token. */
export function LoginScreen({ onLogin }: { onLogin: (session: Session) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(kind: "signup" | "login") {
    setBusy(true);
    setError(null);
    try {
      onLogin(await authenticate(kind, username.trim(), password));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    void submit(submitter?.value === "signup" ? "signup" : "login");
  };

  return (
    <main className="login">
      <h1>socketio-wasm chat</h1>
      <p>A Socket.IO client in Rust and WebAssembly, with React. Sign up or log in to chat.</p>
      <form onSubmit={onSubmit} aria-label="Sign up or log in">
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          minLength={3}
          maxLength={20}
          pattern="[A-Za-z0-9_]+"
          title="3 to 20 letters, digits or underscores"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          minLength={8}
          maxLength={128}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="buttons">
          <button type="submit" value="login" disabled={busy}>
            Log in
          </button>
          <button type="submit" value="signup" disabled={busy}>
            Sign up
          </button>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
