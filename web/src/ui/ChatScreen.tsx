import { useEffect, useMemo, useState } from "preact/hooks";
import type { ChatClient } from "../chat/chat-client";
import { registerServiceWorker, WebPush, type PushState } from "../chat/web-push";
import { lastActivity, unread } from "../chat/model";
import { ChatView } from "./ChatView";
import { DevicesDialog, NewChatDialog, NewGroupDialog } from "./dialogs";
import { initial, shortTime } from "./format";
import { useClient } from "./hooks";

type Dialog = "chat" | "group" | "devices" | null;

/** The conversation list beside the open chat (on a phone, one or the other), and the offline banner. */
export function ChatScreen({ client, onLogout }: { client: ChatClient; onLogout: () => void }) {
  useClient(client);
  const [openId, setOpenId] = useState<string | null>(() => chatFromAddress());
  const [dialog, setDialog] = useState<Dialog>(null);
  const push = useMemo(() => new WebPush(client.api.notifications), [client]);
  const [pushState, setPushState] = useState<PushState | null>(null);
  const [pushError, setPushError] = useState<string | null>(null);

  // The service worker (Web Push), and the chats it asks to open: a notification clicked, or /#chat=<id>.
  useEffect(() => {
    void registerServiceWorker().then((registration) => (registration ? push.state().then(setPushState) : setPushState("unsupported")));
    const fromWorker = (event: MessageEvent) => {
      const id = (event.data as { openChat?: string } | null)?.openChat;
      if (id) setOpenId(id);
    };
    const fromAddress = () => { const id = chatFromAddress(); if (id) setOpenId(id); };
    navigator.serviceWorker?.addEventListener("message", fromWorker);
    window.addEventListener("hashchange", fromAddress);
    return () => {
      navigator.serviceWorker?.removeEventListener("message", fromWorker);
      window.removeEventListener("hashchange", fromAddress);
    };
  }, [push]);

  async function togglePush() {
    setPushError(null);
    if (pushState === "on") await push.disable();
    else setPushError(await push.enable());
    setPushState(await push.state());
  }
  const chats = [...client.chats.values()].sort((a, b) => lastActivity(b) - lastActivity(a));
  const open = openId ? client.chats.get(openId) : undefined;
  client.openChatId = open ? openId : null;

  function openChat(id: string) {
    setOpenId(id);
    setDialog(null);
  }

  return (
    <div class={`layout ${open ? "chat-open" : ""}`}>
      {client.state === "offline" && <div class="banner" role="status">Offline: reconnecting… Messages you send wait and go out once the connection is back.</div>}
      {client.state === "connecting" && <div class="banner subtle" role="status">Connecting…</div>}
      {client.state === "replaced" && (
        <div class="banner" role="status">
          ChatMonolith is open in another tab. <button type="button" onClick={() => client.useHere()}>Use here</button>
        </div>
      )}
      <aside class="sidebar" aria-label="Chats">
        <header class="sidebar-header">
          <span class="me" title={client.session.username}>{client.session.username}</span>
          <nav class="actions" aria-label="Account">
            <button type="button" onClick={() => setDialog("chat")} aria-label="New chat">✎ Chat</button>
            <button type="button" onClick={() => setDialog("group")} aria-label="New group">+ Group</button>
            <button type="button" onClick={() => setDialog("devices")} aria-label="Devices">Devices</button>
            {pushState && pushState !== "unsupported" && (
              <button type="button" onClick={togglePush} aria-pressed={pushState === "on"} disabled={pushState === "denied"} title={pushState === "denied" ? "Blocked in the browser's settings" : undefined}>
                Notifications {pushState === "on" ? "on" : "off"}
              </button>
            )}
            <button type="button" onClick={onLogout}>Log out</button>
          </nav>
          {pushError && <p class="error" role="alert">{pushError}</p>}
        </header>
        <ul class="chat-list" aria-label="Conversations">
          {chats.length === 0 && <li class="empty">No chats yet. Start one with “Chat”.</li>}
          {chats.map((chat) => {
            const id = chat.conversation.conversationId;
            const title = client.titleOf(chat);
            const count = id === openId ? 0 : unread(chat);
            const last = chat.conversation.lastMessage;
            const preview = last?.body.case === "text" ? `${last.senderId === client.session.userId ? "You: " : ""}${last.body.value}` : "";
            const online = client.isOnline(client.otherMember(chat));
            return (
              <li key={id}>
                <button type="button" class={`chat-item ${id === openId ? "selected" : ""}`} onClick={() => openChat(id)} aria-current={id === openId ? "true" : undefined} data-chat={title}>
                  <span class="avatar" aria-hidden="true">{initial(title)}{online && <span class="dot" />}</span>
                  <span class="chat-item-text">
                    <span class="chat-item-title">{title}{online && <span class="sr-only"> (online)</span>}</span>
                    <span class="preview">{preview}</span>
                  </span>
                  <span class="chat-item-meta">
                    <span class="time">{shortTime(chat.conversation.lastActivityAt)}</span>
                    {count > 0 && <span class="badge" aria-label={`${count} unread`}>{count}</span>}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </aside>
      <main class="main">
        {open ? <ChatView key={openId} client={client} chat={open} onBack={() => setOpenId(null)} /> : <div class="placeholder">Pick a chat, or start one.</div>}
      </main>
      {dialog === "chat" && <NewChatDialog client={client} onClose={() => setDialog(null)} onOpened={openChat} />}
      {dialog === "group" && <NewGroupDialog client={client} onClose={() => setDialog(null)} onOpened={openChat} />}
      {dialog === "devices" && <DevicesDialog client={client} onClose={() => setDialog(null)} />}
    </div>
  );
}

/** The chat an address names: /#chat=<conversation id>, as a notification's click opens it. */
function chatFromAddress(): string | null {
  const match = /^#chat=([0-9a-f-]{36})$/i.exec(window.location.hash);
  return match ? match[1] : null;
}
