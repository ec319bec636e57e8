import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Conversation } from "../gen/chat/messaging/v1/conversations_pb";
import type { Message } from "../gen/chat/messaging/v1/messages_pb";

/** A message of the user's that the server has not acknowledged yet. */
export interface PendingSend {
  conversationId: string;
  clientMsgId: string;
  text: string;
  createdAt: number;
  /** Set when the server refused it for good: the reason in words. */
  failed?: string;
}

/** What the app knows of one conversation. */
export interface ChatInfo {
  conversation: Conversation;
  /** Entries by seq: history pages and live ones, each once. */
  messages: Map<bigint, Message>;
  /** The oldest seq loaded, and whether there is more before it. */
  oldestLoaded: bigint;
  hasOlder: boolean;
  historyLoaded: boolean;
  /** The recipients' ticks for this user's messages: every other member has delivered (read) up to here. */
  deliveredToAll: bigint;
  readByAll: bigint;
  /** This user's read position. */
  readSeq: bigint;
  /** Counts the receipts of others that came: what shows who read what looks again when it moves. */
  receipts: number;
  /** Who is typing, with when the start expires. */
  typing: Map<string, number>;
}

export function newChat(conversation: Conversation): ChatInfo {
  return {
    conversation,
    messages: new Map(),
    oldestLoaded: 0n,
    hasOlder: true,
    historyLoaded: false,
    deliveredToAll: 0n,
    readByAll: 0n,
    readSeq: conversation.lastSeq - conversation.unreadCount,
    receipts: 0,
    typing: new Map(),
  };
}

export function unread(chat: ChatInfo): number {
  const last = chat.conversation.removedSeq > 0n ? chat.conversation.removedSeq : chat.conversation.lastSeq;
  return Number(last > chat.readSeq ? last - chat.readSeq : 0n);
}

export function lastActivity(chat: ChatInfo): number {
  return chat.conversation.lastActivityAt ? timestampMs(chat.conversation.lastActivityAt) : 0;
}

export function sortedMessages(chat: ChatInfo): Message[] {
  return [...chat.messages.values()].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}
