import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ChatClient } from "../chat/chat-client";
import { sortedMessages, type ChatInfo } from "../chat/model";
import { ConversationKind } from "../gen/chat/messaging/v1/conversations_pb";
import { SystemEvent_Kind, type Message } from "../gen/chat/messaging/v1/messages_pb";
import { PresenceState } from "../gen/chat/presence/v1/stream_events_pb";
import { callError, words } from "../api/errors";
import { GroupInfoDialog, MessageInfoDialog } from "./dialogs";
import { clockTime, lastSeen } from "./format";
import { useClient } from "./hooks";

/** One conversation: its history (paged back as one scrolls up), live entries, ticks, typing, and the composer. */
export function ChatView({ client, chat, onBack }: { client: ChatClient; chat: ChatInfo; onBack: () => void }) {
  useClient(client);
  const id = chat.conversation.conversationId;
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  // While an older page loads: the list's height and oldest entry before it, to keep the reader's place after it.
  const restore = useRef<{ height: number; oldest: bigint } | null>(null);
  const loadingOlder = useRef(false);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [infoSeq, setInfoSeq] = useState<bigint | null>(null);
  const [groupInfo, setGroupInfo] = useState(false);
  const isGroup = chat.conversation.kind === ConversationKind.GROUP;
  const left = chat.conversation.removedSeq > 0n;
  const messages = sortedMessages(chat);
  const pending = client.pending.filter((p) => p.conversationId === id);

  useEffect(() => {
    if (!chat.historyLoaded) client.loadOlder(id).catch((e) => setError(words(callError(e))));
  }, [id]);

  // Older entries came in above: the view stays where the reader was.
  useLayoutEffect(() => {
    const element = list.current;
    if (!element) return;
    if (restore.current) {
      // Only once the page is drawn: other changes draw the list meanwhile.
      if (chat.oldestLoaded !== restore.current.oldest) {
        element.scrollTop += element.scrollHeight - restore.current.height;
        restore.current = null;
      }
    } else if (atBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
  });

  // On screen is read: the newest entry, whenever the view is at its end and the page visible.
  useEffect(() => {
    if (atBottom.current && chat.historyLoaded) client.markRead(id);
  });
  useEffect(() => {
    const seen = () => atBottom.current && client.markRead(id);
    document.addEventListener("visibilitychange", seen);
    return () => document.removeEventListener("visibilitychange", seen);
  }, [id]);

  async function onScroll() {
    const element = list.current!;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    if (atBottom.current) client.markRead(id);
    if (element.scrollTop < 200 && chat.hasOlder && chat.historyLoaded && !loadingOlder.current) {
      loadingOlder.current = true;
      restore.current = { height: element.scrollHeight, oldest: chat.oldestLoaded };
      try {
        await client.loadOlder(id);
      } catch (e) {
        restore.current = null;
        setError(words(callError(e)));
      } finally {
        loadingOlder.current = false;
      }
    }
  }

  function submit(event: Event) {
    event.preventDefault();
    const value = text.trim();
    if (!value) return;
    atBottom.current = true;
    client.send(id, value);
    setText("");
  }

  const title = client.titleOf(chat);
  const other = client.otherMember(chat);
  const typing = client.typingIn(chat);
  let status: string;
  if (typing.length > 0) status = isGroup ? `${typing.map((u) => client.nameOf(u)).join(", ")} typing…` : "typing…";
  else if (isGroup) status = `${chat.conversation.members.length} members`;
  else {
    const presence = other ? client.presence.get(other) : undefined;
    status = presence?.state === PresenceState.ONLINE ? "online" : presence?.state === PresenceState.OFFLINE ? lastSeen(presence.lastSeenAt) : "";
  }

  return (
    <section class="chat" aria-label={`Chat with ${title}`} data-conversation={id}>
      <header class="chat-header">
        <button type="button" class="back" onClick={onBack} aria-label="Back to chats">←</button>
        <div class="chat-title">
          <h2>{title}</h2>
          <p class="status" aria-live="polite" data-status>{status}</p>
        </div>
        {isGroup && <button type="button" onClick={() => setGroupInfo(true)}>Group info</button>}
      </header>
      <ol class="messages" ref={list} onScroll={onScroll} aria-label="Messages" aria-live="polite">
        {chat.historyLoaded && chat.hasOlder && <li class="loading-older">Scroll up for older messages</li>}
        {!chat.historyLoaded && <li class="loading-older">Loading…</li>}
        {messages.map((m) => <MessageRow key={String(m.seq)} client={client} chat={chat} message={m} onInfo={isGroup ? setInfoSeq : undefined} />)}
        {pending.map((p) => (
          <li key={p.clientMsgId} class="message own" data-pending>
            <div class="bubble">
              <span class="text">{p.text}</span>
              {p.failed ? (
                <span class="failed" role="alert">
                  Not sent: {p.failed} <button type="button" onClick={() => client.retry(p.clientMsgId)}>Retry</button>{" "}
                  <button type="button" onClick={() => client.discard(p.clientMsgId)}>Discard</button>
                </span>
              ) : (
                <span class="meta"><span class="tick pending" aria-label="Pending" title="Waiting to be sent">🕓</span></span>
              )}
            </div>
          </li>
        ))}
      </ol>
      {error && <p class="error" role="alert">{error}</p>}
      {left ? (
        <p class="left-note">You are no longer a member of this group.</p>
      ) : (
        <form class="composer" onSubmit={submit}>
          <textarea
            aria-label="Message"
            placeholder="Message"
            rows={1}
            value={text}
            onInput={(e) => { setText(e.currentTarget.value); client.setTyping(id, e.currentTarget.value.length > 0); }}
            onBlur={() => client.setTyping(id, false)}
            onKeyDown={(e) => { if (e.key === "Enter" && !e.shiftKey) submit(e); }}
          />
          <button type="submit" class="primary" aria-label="Send">Send</button>
        </form>
      )}
      {infoSeq !== null && <MessageInfoDialog client={client} conversationId={id} seq={infoSeq} onClose={() => setInfoSeq(null)} />}
      {groupInfo && <GroupInfoDialog client={client} chat={chat} onClose={() => setGroupInfo(false)} />}
    </section>
  );
}

function MessageRow({ client, chat, message, onInfo }: { client: ChatClient; chat: ChatInfo; message: Message; onInfo?: (seq: bigint) => void }) {
  if (message.body.case === "system") {
    return <li class="system" data-seq={String(message.seq)}>{systemText(client, message)}</li>;
  }
  const own = message.senderId === client.session.userId;
  const tick = !own ? null : chat.readByAll >= message.seq ? "Read" : chat.deliveredToAll >= message.seq ? "Delivered" : "Sent";
  return (
    <li class={`message ${own ? "own" : ""}`} data-seq={String(message.seq)}>
      <div class="bubble">
        {!own && chat.conversation.kind === ConversationKind.GROUP && <span class="sender">{client.nameOf(message.senderId)}</span>}
        <span class="text">{message.body.value}</span>
        <span class="meta">
          <time>{clockTime(message.sentAt)}</time>
          {tick && <span class={`tick ${tick.toLowerCase()}`} aria-label={tick} title={tick}>{tick === "Sent" ? "✓" : "✓✓"}</span>}
          {own && onInfo && <button type="button" class="info" onClick={() => onInfo(message.seq)} aria-label="Message info">ⓘ</button>}
        </span>
      </div>
    </li>
  );
}

function systemText(client: ChatClient, message: Message): string {
  if (message.body.case !== "system") return "";
  const event = message.body.value;
  const who = client.nameOf(message.senderId);
  const whom = event.userIds.map((u) => client.nameOf(u)).join(", ");
  switch (event.kind) {
    case SystemEvent_Kind.CONVERSATION_CREATED: return event.title ? `${who} created the group “${event.title}”` : `${who} started the chat`;
    case SystemEvent_Kind.MEMBERS_ADDED: return `${who} added ${whom}`;
    case SystemEvent_Kind.MEMBER_REMOVED: return `${who} removed ${whom}`;
    case SystemEvent_Kind.MEMBER_LEFT: return `${who} left`;
    case SystemEvent_Kind.GROUP_RENAMED: return `${who} renamed the group to “${event.title}”`;
    case SystemEvent_Kind.MEMBER_PROMOTED: return `${who} made ${whom} an admin`;
    case SystemEvent_Kind.MEMBER_DEMOTED: return `${who} made ${whom} a member`;
    default: return "The chat changed";
  }
}
