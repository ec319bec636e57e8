import { useEffect, useMemo, useState } from "preact/hooks";
import { clientsFor } from "../api/clients";
import { words } from "../api/errors";
import { Session } from "../api/session";
import { ChatClient } from "../chat/chat-client";
import { AuthScreen } from "./AuthScreen";
import { ChatScreen } from "./ChatScreen";

/** The app: the login while there is no session, else the chats. A session that ends returns to the login. */
export function App() {
  const [ended, setEnded] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(() => Session.resume((reason) => endWith(reason)));

  function endWith(reason: string) {
    setSession(null);
    setEnded(reason ? words({ code: 16, reason, message: "", fields: [] }) : null);
  }

  const client = useMemo(() => (session ? new ChatClient(session, clientsFor(session)) : null), [session]);
  useEffect(() => {
    if (!client) return;
    client.start();
    return () => client.close();
  }, [client]);

  if (!session || !client) {
    return <AuthScreen notice={ended} onSignedIn={(username, password) => Session.login(username, password, endWith).then((s) => { setEnded(null); setSession(s); })} />;
  }
  return <ChatScreen client={client} onLogout={() => session.logout(client.api.identity)} />;
}
