/// <reference lib="webworker" />
// The app's service worker: it shows a Web Push as a notification (one per chat, replaced as more come), closes it
// when the chat was read elsewhere, and opens the chat when the notification is clicked.
export {};
declare const self: ServiceWorkerGlobalScope;

/** A push's JSON, as the server's Notifications module writes it. */
interface PushPayload {
  type: "message" | "clear";
  conversation_id: string;
  seq: number;
  unread: number;
  badge?: number;
  title?: string;
  body?: string;
}

self.addEventListener("install", () => void self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let payload: PushPayload;
  try {
    payload = event.data?.json() as PushPayload;
  } catch {
    return;
  }
  if (!payload?.conversation_id) return;
  event.waitUntil(show(payload));
});

async function show(payload: PushPayload) {
  const tag = payload.conversation_id;
  if (payload.type === "clear") {
    for (const shown of await self.registration.getNotifications({ tag })) shown.close();
    return;
  }
  // No check for an open tab: the server pushes only to a device that no live stream reaches, and a tab of the app
  // holds this browser's stream.
  await self.registration.showNotification(payload.title || "New message", {
    body: payload.body || (payload.unread > 1 ? `${payload.unread} new messages` : "You have a new message"),
    tag,
    data: { conversationId: payload.conversation_id },
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const conversationId = (event.notification.data as { conversationId?: string } | null)?.conversationId;
  event.waitUntil(openChat(conversationId));
});

/** Focuses a tab of the app on the chat, or opens one. */
async function openChat(conversationId: string | undefined) {
  const url = conversationId ? `/#chat=${conversationId}` : "/";
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const tab = windows[0];
  if (tab) {
    await tab.focus();
    tab.postMessage({ openChat: conversationId });
    return;
  }
  await self.clients.openWindow(url);
}
