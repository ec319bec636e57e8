import { useState } from "preact/hooks";
import { anonymousIdentity } from "../api/session";
import { callError, words } from "../api/errors";

interface Props {
  notice: string | null;
  onSignedIn: (username: string, password: string) => Promise<void>;
}

/** Log in, or create an account and log in with it. */
export function AuthScreen({ notice, onSignedIn }: Props) {
  const [mode, setMode] = useState<"login" | "register">("login");
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "register") await anonymousIdentity.register({ username, password, displayName });
      await onSignedIn(username, password);
    } catch (e) {
      setError(words(callError(e)));
      setBusy(false);
    }
  }

  return (
    <main class="auth">
      <form class="auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">ChatMonolith</h1>
        <div class="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={mode === "login"} onClick={() => { setMode("login"); setError(null); }}>Log in</button>
          <button type="button" role="tab" aria-selected={mode === "register"} onClick={() => { setMode("register"); setError(null); }}>Create account</button>
        </div>
        {notice && <p class="notice" role="status">{notice}</p>}
        <label>
          Username
          <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        {mode === "register" && (
          <label>
            Display name
            <input name="display-name" autoComplete="name" value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
          </label>
        )}
        <label>
          Password
          <input name="password" type="password" autoComplete={mode === "login" ? "current-password" : "new-password"} required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{mode === "login" ? "Log in" : "Create account"}</button>
      </form>
    </main>
  );
}
