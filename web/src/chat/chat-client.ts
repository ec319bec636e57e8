import { Code } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Clients } from "../api/clients";
import { callError, isRetryable, words, type CallError } from "../api/errors";
import type { Session } from "../api/session";
import type { Profile } from "../gen/chat/identity/v1/identity_pb";
import { ConversationKind, Direction, type Conversation } from "../gen/chat/messaging/v1/conversations_pb";
import { MessageSchema, type Message } from "../gen/chat/messaging/v1/messages_pb";
import type { ServerEvent } from "../gen/chat/messaging/v1/stream_pb";
import { PresenceState, type PresenceUpdate } from "../gen/chat/presence/v1/stream_events_pb";
import type { ReceiptUpdate } from "../gen/chat/receipts/v1/stream_events_pb";
import { backoffMs, delay } from "./backoff";
import { newChat, type ChatInfo, type PendingSend } from "./model";

export type ConnectionState = "connecting" | "online" | "offline" | "replaced";

/** A Subscribe stream's deadline: gRPC-Web streams always carry one, and the app renews it before it passes. */
const streamDeadlineMs = 5 * 60_000;
const renewBeforeMs = 30_000;
const heartbeatMs = 15_000;
const typingRefreshMs = 3_000;
const ackCoalesceMs = 150;

/**
 * The browser's chat client: one Subscribe stream for this tab (renewed before its deadline, reconnected with
 * backoff and the cursors it holds), unary calls for what goes up, and the state the screens show. Screens read the
 * state and call `subscribe` to hear of changes.
 */
export class ChatClient {
  readonly chats = new Map<string, ChatInfo>();
  readonly presence = new Map<string, PresenceUpdate>();
  readonly profiles = new Map<string, Profile>();
  pending: PendingSend[] = [];
  /** The id and seq each acknowledged send got: the tick a message shows before the stream brings it. */
  readonly accepted = new Map<string, bigint>();
  state: ConnectionState = "connecting";
  lastError: CallError | null = null;
  openChatId: string | null = null;

  private readonly listeners = new Set<() => void>();
  private readonly stop = new AbortController();
  private streamAbort: AbortController | null = null;
  private readonly cursors = new Map<string, bigint>();
  private readonly acks = new Map<string, bigint>();
  private ackTimer: number | undefined;
  private readonly profileLoads = new Map<string, Promise<Profile | undefined>>();
  private typingSent = new Map<string, number>();
  private sending = false;
  private wakeSender: (() => void) | null = null;
  private notifyQueued = false;
  private typingTimer: number | undefined;

  constructor(readonly session: Session, readonly api: Clients) {
    this.pending = loadOutbox(session.deviceId);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the conversation list, then holds the stream and sends what is queued, until `close`. */
  start() {
    void this.streamLoop();
    void this.sendLoop();
    this.typingTimer = window.setInterval(() => this.expireTyping(), 1000);
  }

  close() {
    this.stop.abort();
    this.streamAbort?.abort();
    this.wakeSender?.();
    window.clearInterval(this.typingTimer);
  }

  /** After "open in another tab": this tab takes the stream back. */
  useHere() {
    if (this.state !== "replaced") return;
    this.state = "connecting";
    this.changed();
    void this.streamLoop();
  }

  // ---- the stream -------------------------------------------------------------------------------------------

  private async streamLoop(): Promise<void> {
    let attempt = 0;
    while (!this.stop.signal.aborted) {
      const abort = new AbortController();
      this.streamAbort = abort;
      const renew = window.setTimeout(() => abort.abort(), streamDeadlineMs - renewBeforeMs);
      const heartbeat = window.setInterval(() => this.heartbeat(), heartbeatMs);
      try {
        await this.loadConversations();
        const hello = { cursors: [...this.cursors].map(([conversationId, seq]) => ({ conversationId, seq })) };
        const events = this.api.stream.subscribe({ hello }, { signal: abort.signal, timeoutMs: streamDeadlineMs });
        for await (const event of events) {
          if (event.event.case === "caughtUp") {
            attempt = 0;
            this.setState("online", null);
            void this.afterConnect();
          }
          this.take(event);
        }
        // The server ended the stream: a drain (reconnect hint) or the deadline. Reconnect at once.
      } catch (e) {
        const error = callError(e);
        if (abort.signal.aborted && !this.stop.signal.aborted) {
          // Renewed before the deadline: a new stream at once, with the cursors held.
        } else if (this.stop.signal.aborted) {
          return;
        } else if (error.reason === "STREAM_REPLACED") {
          // This device (another tab of this browser) opened a newer stream: two tabs must not take turns.
          this.setState("replaced", error);
          return;
        } else if (error.code === Code.Unauthenticated) {
          try {
            await this.session.refresh();
          } catch {
            return; // the session ended; the app shows its login
          }
        } else {
          this.setState("offline", error);
          await delay(backoffMs(attempt++), this.stop.signal);
        }
      } finally {
        window.clearTimeout(renew);
        window.clearInterval(heartbeat);
      }
    }
  }

  /**
   * After each (re)connect: presence watches are the stream's, so they are said again; receipts that came while
   * this tab was away are not replayed, so the open chats' ticks are asked again; sends waiting go out.
   */
  private async afterConnect() {
    for (const chat of this.chats.values()) if (chat.historyLoaded) void this.seedTicks(chat);
    await this.watchPresence();
    this.heartbeat();
    this.wakeSender?.();
  }

  private take(event: ServerEvent) {
    switch (event.event.case) {
      case "message":
        this.takeMessage(event.event.value, true);
        break;
      case "conversationChanged": {
        const conversation = event.event.value.conversation!;
        const chat = this.chats.get(conversation.conversationId);
        if (chat) {
          chat.conversation = { ...conversation, lastMessage: chat.conversation.lastMessage, unreadCount: chat.conversation.unreadCount, removedSeq: chat.conversation.removedSeq };
        } else {
          this.chats.set(conversation.conversationId, newChat(conversation));
        }
        void this.watchPresence();
        break;
      }
      case "receipt":
        this.takeReceipt(event.event.value);
        break;
      case "presence":
        this.presence.set(event.event.value.userId, event.event.value);
        break;
      case "typing": {
        const typing = event.event.value;
        const chat = this.chats.get(typing.conversationId);
        if (chat && typing.userId !== this.session.userId) {
          if (typing.typing) chat.typing.set(typing.userId, typing.expiresAt ? timestampMs(typing.expiresAt) : Date.now() + 5000);
          else chat.typing.delete(typing.userId);
        }
        break;
      }
      default:
        return;
    }
    this.changed();
  }

  /** A message from the stream or from history: kept once by seq; the stream's also move the cursor and are acked. */
  private takeMessage(message: Message, live: boolean) {
    const chat = this.chats.get(message.conversationId);
    if (!chat) {
      // A conversation this tab has not listed yet (a chat someone opened with this user, a group they were added
      // to): it is fetched, with this message as its newest; delivered is said all the same.
      if (live) {
        this.cursors.set(message.conversationId, message.seq);
        this.queueAck(message.conversationId, message.seq);
      }
      void this.fetchConversation(message.conversationId);
      return;
    }
    if (live) {
      const cursor = this.cursors.get(message.conversationId) ?? 0n;
      if (message.seq <= cursor) return; // had it
      this.cursors.set(message.conversationId, message.seq);
      this.queueAck(message.conversationId, message.seq);
    }
    if (chat.historyLoaded || !live) chat.messages.set(message.seq, message);
    if (message.seq >= chat.conversation.lastSeq) {
      chat.conversation = { ...chat.conversation, lastSeq: message.seq, lastActivityAt: message.sentAt, lastMessage: message };
    }
    if (message.senderId === this.session.userId && message.seq > chat.readSeq) chat.readSeq = message.seq; // sending implies reading
    if (message.clientMsgId) this.settle(message.clientMsgId, message.seq);
    if (message.body.case === "system") void this.refreshConversation(message.conversationId);
  }

  private takeReceipt(receipt: ReceiptUpdate) {
    const chat = this.chats.get(receipt.conversationId);
    if (!chat) return;
    if (receipt.userId === this.session.userId) {
      // This user's own read, from another device: the unread count follows.
      if (receipt.readSeq > chat.readSeq) chat.readSeq = receipt.readSeq;
      return;
    }
    chat.receipts++;
    if (receipt.deliveredToAllSeq > chat.deliveredToAll) chat.deliveredToAll = receipt.deliveredToAllSeq;
    if (receipt.readByAllSeq > chat.readByAll) chat.readByAll = receipt.readByAllSeq;
    if (chat.readByAll > chat.deliveredToAll) chat.deliveredToAll = chat.readByAll;
  }

  private queueAck(conversationId: string, seq: bigint) {
    if ((this.acks.get(conversationId) ?? 0n) < seq) this.acks.set(conversationId, seq);
    this.ackTimer ??= window.setTimeout(() => {
      this.ackTimer = undefined;
      const batch = [...this.acks];
      this.acks.clear();
      for (const [id, upTo] of batch) {
        this.api.stream.ackDelivered({ conversationId: id, seq: upTo }).catch(() => {
          // Acked again with the next message, or by the next stream's catch-up; a lost ack only delays a tick.
        });
      }
    }, ackCoalesceMs);
  }

  private heartbeat() {
    if (this.state === "online") this.api.presence.heartbeat({}).catch(() => undefined);
  }

  private async watchPresence() {
    if (this.state !== "online") return;
    const ids = new Set<string>();
    for (const chat of this.chats.values()) {
      if (chat.conversation.removedSeq > 0n) continue;
      for (const member of chat.conversation.members) if (member.userId !== this.session.userId) ids.add(member.userId);
    }
    const list = [...ids].slice(0, 500);
    if (list.length === 0) return;
    try {
      await this.api.presence.watchPresence({ userIds: list });
    } catch {
      // Presence is a nicety: the next reconnect says the watch again.
    }
  }

  private setState(state: ConnectionState, error: CallError | null) {
    if (this.state === state && error === null) return;
    this.state = state;
    this.lastError = error;
    this.changed();
  }

  // ---- conversations ---------------------------------------------------------------------------------------------

  /** Every conversation, page by page; a conversation's cursor starts at its newest seq (history comes by pages). */
  private async loadConversations() {
    let cursor = "";
    do {
      const page = await this.api.conversations.listConversations({ pageSize: 100, cursor }, { signal: this.stop.signal, timeoutMs: 15000 });
      for (const conversation of page.conversations) this.upsert(conversation);
      cursor = page.nextCursor;
    } while (cursor);
    this.changed();
  }

  private upsert(conversation: Conversation) {
    const chat = this.chats.get(conversation.conversationId);
    if (!chat) {
      this.chats.set(conversation.conversationId, newChat(conversation));
      this.cursors.set(conversation.conversationId, conversation.lastSeq);
      return;
    }
    chat.conversation = conversation;
    const read = conversation.lastSeq - conversation.unreadCount;
    if (read > chat.readSeq) chat.readSeq = read;
    // What the stream had not brought yet comes in its catch-up, from the cursor this tab holds.
    if (!this.cursors.has(conversation.conversationId)) this.cursors.set(conversation.conversationId, conversation.lastSeq);
  }

  /** A conversation this user just opened or created: listed at once, its stream's entries from here on. */
  async adopt(conversation: Conversation) {
    this.upsert(conversation);
    await this.watchPresence();
    this.changed();
  }

  private async fetchConversation(conversationId: string) {
    try {
      const answer = await this.api.conversations.getConversation({ conversationId });
      if (!this.chats.has(conversationId)) {
        // New to this tab (a group it was added to, a chat someone opened): its stream brings the rest from here on.
        await this.adopt(answer.conversation!);
      }
    } catch {
      // The next list load has it.
    }
  }

  /** Reads a conversation again: after a system entry, or a change made here (a rename, a member added). */
  async refreshConversation(conversationId: string) {
    try {
      const answer = await this.api.conversations.getConversation({ conversationId });
      const chat = this.chats.get(conversationId);
      if (chat) {
        chat.conversation = { ...answer.conversation!, lastSeq: chat.conversation.lastSeq > answer.conversation!.lastSeq ? chat.conversation.lastSeq : answer.conversation!.lastSeq };
        this.changed();
      }
    } catch {
      // Not a member any more, or away: the list's next load says.
    }
  }

  /** The newest page of history, or the page before what is loaded. */
  async loadOlder(conversationId: string): Promise<void> {
    const chat = this.chats.get(conversationId);
    if (!chat || (chat.historyLoaded && !chat.hasOlder)) return;
    const anchor = chat.historyLoaded ? chat.oldestLoaded : 0n;
    const page = await this.api.conversations.getMessages({ conversationId, direction: Direction.BEFORE, anchorSeq: anchor, pageSize: 50 });
    for (const message of page.messages) this.takeMessage(message, false);
    const oldest = page.messages.reduce((min, m) => (m.seq < min ? m.seq : min), chat.historyLoaded ? chat.oldestLoaded : (page.messages[0]?.seq ?? 0n));
    chat.oldestLoaded = oldest;
    chat.hasOlder = page.hasMore;
    if (!chat.historyLoaded) {
      chat.historyLoaded = true;
      // Anything newer than the first page that the stream brought before history was open.
      await this.fillAfter(conversationId);
      void this.seedTicks(chat);
    }
    this.changed();
  }

  /** Entries after the newest loaded, up to the conversation's end: a gap is filled, never skipped. */
  private async fillAfter(conversationId: string) {
    const chat = this.chats.get(conversationId)!;
    let anchor = [...chat.messages.keys()].reduce((max, s) => (s > max ? s : max), 0n);
    while (anchor < chat.conversation.lastSeq) {
      const page = await this.api.conversations.getMessages({ conversationId, direction: Direction.AFTER, anchorSeq: anchor, pageSize: 100 });
      for (const message of page.messages) this.takeMessage(message, false);
      if (!page.hasMore || page.messages.length === 0) break;
      anchor = page.nextAnchorSeq;
    }
  }

  /** The ticks of this user's newest message, asked when a chat opens and after a reconnect (between, receipts say them). */
  private async seedTicks(chat: ChatInfo) {
    const own = [...chat.messages.values()].filter((m) => m.senderId === this.session.userId && m.body.case === "text").sort((a, b) => (a.seq > b.seq ? -1 : 1))[0];
    if (!own) return;
    try {
      const info = await this.api.receipts.getMessageInfo({ conversationId: chat.conversation.conversationId, seq: own.seq });
      if (info.members.length > 0 && info.members.every((m) => m.delivered) && chat.deliveredToAll < own.seq) chat.deliveredToAll = own.seq;
      if (info.members.length > 0 && info.members.every((m) => m.read) && chat.readByAll < own.seq) chat.readByAll = own.seq;
      this.changed();
    } catch {
      // Ticks come with the next receipt.
    }
  }

  /** Says the open chat is read up to its newest entry, when the page is on screen. */
  markRead(conversationId: string) {
    const chat = this.chats.get(conversationId);
    if (!chat || document.visibilityState !== "visible") return;
    const last = chat.conversation.removedSeq > 0n ? chat.conversation.removedSeq : chat.conversation.lastSeq;
    if (last <= chat.readSeq) return;
    const before = chat.readSeq;
    chat.readSeq = last;
    this.changed();
    this.api.stream.markRead({ conversationId, seq: last }).then(
      (answer) => { if (answer.readSeq > chat.readSeq) chat.readSeq = answer.readSeq; this.changed(); },
      () => {
        // Not marked (the server away): marked again the next time the screen is drawn, with no redraw of its own
        // (that would retry in a loop while the server is away).
        if (chat.readSeq === last) chat.readSeq = before;
      },
    );
  }

  // ---- people ------------------------------------------------------------------------------------------------------

  profile(userId: string): Profile | undefined {
    const known = this.profiles.get(userId);
    if (known || !userId) return known;
    if (!this.profileLoads.has(userId)) {
      this.profileLoads.set(userId, this.api.identity.getProfile({ userId }).then(
        (answer) => { this.profiles.set(userId, answer.profile!); this.changed(); return answer.profile; },
        () => { this.profileLoads.delete(userId); return undefined; },
      ));
    }
    return undefined;
  }

  nameOf(userId: string): string {
    if (userId === this.session.userId) return "You";
    const profile = this.profile(userId);
    return profile ? profile.displayName || profile.username : "…";
  }

  /** A chat's name as the list shows it: the group's title, or the other person's name. */
  titleOf(chat: ChatInfo): string {
    if (chat.conversation.kind === ConversationKind.GROUP) return chat.conversation.title;
    const other = chat.conversation.members.find((m) => m.userId !== this.session.userId);
    return other ? this.nameOf(other.userId) : "You";
  }

  otherMember(chat: ChatInfo): string | undefined {
    return chat.conversation.kind === ConversationKind.GROUP ? undefined : chat.conversation.members.find((m) => m.userId !== this.session.userId)?.userId;
  }

  isOnline(userId: string | undefined): boolean {
    return !!userId && this.presence.get(userId)?.state === PresenceState.ONLINE;
  }

  // ---- sending -----------------------------------------------------------------------------------------------------

  /**
   * Queues a text: it is kept (in this browser's storage, so a reload keeps it) before it goes out, and sent with
   * its client_msg_id until the server acknowledges it, so a retry can never store it twice.
   */
  send(conversationId: string, text: string) {
    const pending: PendingSend = { conversationId, clientMsgId: crypto.randomUUID(), text, createdAt: Date.now() };
    this.pending = [...this.pending, pending];
    saveOutbox(this.session.deviceId, this.pending);
    this.setTyping(conversationId, false);
    this.changed();
    this.wakeSender?.();
  }

  /** A refused send, tried again as it was (same id). */
  retry(clientMsgId: string) {
    this.pending = this.pending.map((p) => (p.clientMsgId === clientMsgId ? { ...p, failed: undefined } : p));
    saveOutbox(this.session.deviceId, this.pending);
    this.changed();
    this.wakeSender?.();
  }

  discard(clientMsgId: string) {
    this.pending = this.pending.filter((p) => p.clientMsgId !== clientMsgId);
    saveOutbox(this.session.deviceId, this.pending);
    this.changed();
  }

  private async sendLoop() {
    if (this.sending) return;
    this.sending = true;
    let attempt = 0;
    while (!this.stop.signal.aborted) {
      const next = this.pending.find((p) => !p.failed);
      if (!next) {
        await new Promise<void>((resolve) => (this.wakeSender = resolve));
        continue;
      }
      try {
        const answer = await this.api.stream.sendMessage({ conversationId: next.conversationId, clientMsgId: next.clientMsgId, text: next.text }, { timeoutMs: 15000 });
        attempt = 0;
        this.settle(next.clientMsgId, answer.accepted!.seq);
        const chat = this.chats.get(next.conversationId);
        if (chat && chat.historyLoaded && !chat.messages.has(answer.accepted!.seq)) {
          // Shown at once with its seq; the stream's copy of it is the same entry.
          chat.messages.set(answer.accepted!.seq, create(MessageSchema, {
            conversationId: next.conversationId, seq: answer.accepted!.seq, messageId: answer.accepted!.messageId,
            senderId: this.session.userId, clientMsgId: next.clientMsgId, sentAt: answer.accepted!.sentAt ?? timestampFromMs(Date.now()),
            body: { case: "text", value: next.text },
          }));
        }
        this.changed();
      } catch (e) {
        const error = callError(e);
        if (isRetryable(error) || error.code === Code.Unauthenticated) {
          await delay(error.retryAfterMs ?? backoffMs(attempt++), this.stop.signal);
        } else {
          next.failed = words(error);
          this.pending = [...this.pending];
          saveOutbox(this.session.deviceId, this.pending);
          this.changed();
        }
      }
    }
  }

  private settle(clientMsgId: string, seq: bigint) {
    this.accepted.set(clientMsgId, seq);
    if (this.pending.some((p) => p.clientMsgId === clientMsgId)) {
      this.pending = this.pending.filter((p) => p.clientMsgId !== clientMsgId);
      saveOutbox(this.session.deviceId, this.pending);
    }
  }

  // ---- typing ------------------------------------------------------------------------------------------------------

  /** Called as the user types: a start is said, and said again every 3 s while typing goes on. */
  setTyping(conversationId: string, typing: boolean) {
    const last = this.typingSent.get(conversationId);
    if (typing && last && Date.now() - last < typingRefreshMs) return;
    if (!typing && !last) return;
    if (typing) this.typingSent.set(conversationId, Date.now());
    else this.typingSent.delete(conversationId);
    this.api.presence.setTyping({ conversationId, typing }).catch(() => undefined);
  }

  typingIn(chat: ChatInfo): string[] {
    const now = Date.now();
    return [...chat.typing].filter(([, until]) => until > now).map(([userId]) => userId);
  }

  private expireTyping() {
    const now = Date.now();
    let any = false;
    for (const chat of this.chats.values()) {
      for (const [userId, until] of chat.typing) if (until <= now) { chat.typing.delete(userId); any = true; }
    }
    if (any) this.changed();
  }

  /** Tells every screen to draw again, once per frame however many events came. */
  changed() {
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      for (const listener of this.listeners) listener();
    });
  }
}

function outboxKey(deviceId: string) {
  return `chatmonolith.outbox.${deviceId}`;
}

function loadOutbox(deviceId: string): PendingSend[] {
  try {
    return JSON.parse(localStorage.getItem(outboxKey(deviceId)) ?? "[]") as PendingSend[];
  } catch {
    return [];
  }
}

function saveOutbox(deviceId: string, pending: PendingSend[]) {
  if (pending.length === 0) localStorage.removeItem(outboxKey(deviceId));
  else localStorage.setItem(outboxKey(deviceId), JSON.stringify(pending));
}
