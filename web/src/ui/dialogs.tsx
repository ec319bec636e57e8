import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { callError, words } from "../api/errors";
import type { ChatClient } from "../chat/chat-client";
import type { ChatInfo } from "../chat/model";
import { Platform, type Device, type Profile } from "../gen/chat/identity/v1/identity_pb";
import { MemberRole } from "../gen/chat/messaging/v1/conversations_pb";
import type { MemberReceipt } from "../gen/chat/receipts/v1/receipts_pb";
import { clockTime, shortTime } from "./format";
import { useClient } from "./hooks";

/** A modal dialog: Escape or the close button ends it, and focus moves into it. */
function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-label={title} onClose={onClose} onCancel={onClose}>
      <header>
        <h2>{title}</h2>
        <button type="button" onClick={onClose} aria-label="Close">✕</button>
      </header>
      {children}
    </dialog>
  );
}

/** Users whose username starts with what is typed. */
function UserSearch({ client, onPick, exclude }: { client: ChatClient; onPick: (user: Profile) => void; exclude: Set<string> }) {
  const [prefix, setPrefix] = useState("");
  const [found, setFound] = useState<Profile[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const wanted = prefix.trim();
    if (!wanted) { setFound([]); return; }
    let current = true;
    client.api.identity.searchUsers({ prefix: wanted, pageSize: 10 }).then(
      (answer) => { if (current) { setFound(answer.users); setError(null); } },
      (e) => { if (current) setError(words(callError(e))); },
    );
    return () => { current = false; };
  }, [prefix]);
  return (
    <div class="search">
      <label>
        Find people by username
        <input type="search" value={prefix} onInput={(e) => setPrefix(e.currentTarget.value)} autoFocus />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="people" aria-label="People found">
        {found.filter((u) => !exclude.has(u.userId)).map((user) => (
          <li key={user.userId}>
            <button type="button" onClick={() => onPick(user)}>
              <strong>{user.displayName || user.username}</strong> <span class="muted">@{user.username}</span>
            </button>
          </li>
        ))}
        {prefix.trim() && found.length === 0 && !error && <li class="muted">Nobody by that name.</li>}
      </ul>
    </div>
  );
}

export function NewChatDialog({ client, onClose, onOpened }: { client: ChatClient; onClose: () => void; onOpened: (id: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  async function open(user: Profile) {
    try {
      const answer = await client.api.conversations.openDirectChat({ userId: user.userId });
      client.profiles.set(user.userId, user);
      await client.adopt(answer.conversation!);
      onOpened(answer.conversation!.conversationId);
    } catch (e) {
      setError(words(callError(e)));
    }
  }
  return (
    <Dialog title="New chat" onClose={onClose}>
      <UserSearch client={client} onPick={open} exclude={new Set([client.session.userId])} />
      {error && <p class="error" role="alert">{error}</p>}
    </Dialog>
  );
}

export function NewGroupDialog({ client, onClose, onOpened }: { client: ChatClient; onClose: () => void; onOpened: (id: string) => void }) {
  const [title, setTitle] = useState("");
  const [members, setMembers] = useState<Profile[]>([]);
  const [error, setError] = useState<string | null>(null);
  async function create(event: Event) {
    event.preventDefault();
    try {
      const answer = await client.api.conversations.createGroup({ title, memberIds: members.map((m) => m.userId) });
      for (const m of members) client.profiles.set(m.userId, m);
      await client.adopt(answer.conversation!);
      onOpened(answer.conversation!.conversationId);
    } catch (e) {
      setError(words(callError(e)));
    }
  }
  return (
    <Dialog title="New group" onClose={onClose}>
      <form onSubmit={create}>
        <label>
          Group name
          <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} required />
        </label>
        <ul class="chips" aria-label="Members to add">
          {members.map((m) => (
            <li key={m.userId}>{m.displayName || m.username} <button type="button" aria-label={`Remove ${m.username}`} onClick={() => setMembers(members.filter((x) => x !== m))}>✕</button></li>
          ))}
        </ul>
        <UserSearch client={client} onPick={(u) => setMembers([...members, u])} exclude={new Set([client.session.userId, ...members.map((m) => m.userId)])} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary">Create group</button>
      </form>
    </Dialog>
  );
}

export function GroupInfoDialog({ client, chat, onClose }: { client: ChatClient; chat: ChatInfo; onClose: () => void }) {
  useClient(client);
  const id = chat.conversation.conversationId;
  const [title, setTitle] = useState(chat.conversation.title);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const me = chat.conversation.members.find((m) => m.userId === client.session.userId);
  const admin = me?.role === MemberRole.ADMIN;

  /** Does a change and reads the group again; false (with the reason shown) when the server refused it. */
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    try {
      setError(null);
      await action();
      await client.refreshConversation(id);
      return true;
    } catch (e) {
      setError(words(callError(e)));
      return false;
    }
  }

  return (
    <Dialog title="Group info" onClose={onClose}>
      <form onSubmit={(e) => { e.preventDefault(); void run(() => client.api.conversations.renameGroup({ conversationId: id, title })); }}>
        <label>
          Group name
          <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} disabled={!admin} />
        </label>
        {admin && <button type="submit">Rename</button>}
      </form>
      <h3>{chat.conversation.members.length} members</h3>
      <ul class="people" aria-label="Members">
        {chat.conversation.members.map((m) => (
          <li key={m.userId}>
            <span>{client.nameOf(m.userId)}{m.role === MemberRole.ADMIN && <span class="muted"> · admin</span>}{client.isOnline(m.userId) && <span class="muted"> · online</span>}</span>
            {admin && m.userId !== client.session.userId && (
              <button type="button" onClick={() => run(() => client.api.conversations.removeMember({ conversationId: id, userId: m.userId }))} aria-label={`Remove ${client.nameOf(m.userId)}`}>Remove</button>
            )}
          </li>
        ))}
      </ul>
      {admin && (adding
        ? <UserSearch client={client} exclude={new Set(chat.conversation.members.map((m) => m.userId))} onPick={(u) => { client.profiles.set(u.userId, u); setAdding(false); void run(() => client.api.conversations.addMembers({ conversationId: id, userIds: [u.userId] })); }} />
        : <button type="button" onClick={() => setAdding(true)}>Add members</button>)}
      {error && <p class="error" role="alert">{error}</p>}
      <button type="button" class="danger" onClick={() => run(() => client.api.conversations.leaveGroup({ conversationId: id })).then((left) => left && onClose())}>Leave group</button>
    </Dialog>
  );
}

/** Who has one of the user's group messages, and who has read it. */
export function MessageInfoDialog({ client, conversationId, seq, onClose }: { client: ChatClient; conversationId: string; seq: bigint; onClose: () => void }) {
  useClient(client);
  const [members, setMembers] = useState<MemberReceipt[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Asked again whenever a receipt of this chat comes: the lists move while the dialog is open.
  const receipts = client.chats.get(conversationId)?.receipts ?? 0;
  useEffect(() => {
    client.api.receipts.getMessageInfo({ conversationId, seq }).then((a) => setMembers(a.members), (e) => setError(words(callError(e))));
  }, [seq, receipts]);
  const read = members?.filter((m) => m.read) ?? [];
  const delivered = members?.filter((m) => m.delivered && !m.read) ?? [];
  const waiting = members?.filter((m) => !m.delivered) ?? [];
  return (
    <Dialog title="Message info" onClose={onClose}>
      {error && <p class="error" role="alert">{error}</p>}
      {!members && !error && <p>Loading…</p>}
      {members && (
        <>
          <h3>Read by</h3>
          <ul class="people" aria-label="Read by">{read.map((m) => <li key={m.userId}>{client.nameOf(m.userId)} <span class="muted">{clockTime(m.readAt)}</span></li>)}</ul>
          <h3>Delivered to</h3>
          <ul class="people" aria-label="Delivered to">{delivered.map((m) => <li key={m.userId}>{client.nameOf(m.userId)} <span class="muted">{clockTime(m.deliveredAt)}</span></li>)}</ul>
          {waiting.length > 0 && (<><h3>Not yet delivered</h3><ul class="people" aria-label="Not yet delivered">{waiting.map((m) => <li key={m.userId}>{client.nameOf(m.userId)}</li>)}</ul></>)}
        </>
      )}
    </Dialog>
  );
}

const platforms: Record<number, string> = { [Platform.ANDROID]: "Android", [Platform.IOS]: "iOS", [Platform.WEB]: "Web", [Platform.DESKTOP]: "Desktop" };

export function DevicesDialog({ client, onClose }: { client: ChatClient; onClose: () => void }) {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => client.api.identity.listDevices({}).then((a) => setDevices(a.devices.filter((d) => !d.revokedAt)), (e) => setError(words(callError(e))));
  useEffect(() => { void load(); }, []);
  return (
    <Dialog title="Your devices" onClose={onClose}>
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="people" aria-label="Devices">
        {devices?.map((d) => (
          <li key={d.deviceId}>
            <span><strong>{d.name}</strong> <span class="muted">{platforms[d.platform] ?? ""} · active {shortTime(d.lastActiveAt)}{d.current ? " · this browser" : ""}</span></span>
            {!d.current && <button type="button" onClick={() => client.api.identity.revokeDevice({ deviceId: d.deviceId }).then(load, (e) => setError(words(callError(e))))} aria-label={`Sign out ${d.name}`}>Sign out</button>}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
