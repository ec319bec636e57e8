import { useEffect, useState } from "preact/hooks";
import type { ChatClient } from "../chat/chat-client";

/** Draws the component again whenever the client's state changes. */
export function useClient(client: ChatClient) {
  const [, setVersion] = useState(0);
  useEffect(() => client.subscribe(() => setVersion((n) => n + 1)), [client]);
}
