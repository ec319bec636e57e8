import { Code } from "@connectrpc/connect";
import type { Clients } from "../api/clients";
import { callError, words } from "../api/errors";

export type PushState = "unsupported" | "not-configured" | "off" | "on" | "denied";

/** The service worker, registered at start so that a push can reach this browser while no tab is open. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator)) return Promise.resolve(null);
  return navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => null);
}

/**
 * Web Push for this browser (this device): the browser's subscription, made with the server's VAPID key, becomes
 * the device's push target. Offline pushes then show as notifications, and a click opens the chat.
 */
export class WebPush {
  constructor(private readonly api: Clients["notifications"]) {}

  async state(): Promise<PushState> {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
    if (Notification.permission === "denied") return "denied";
    const registration = await navigator.serviceWorker.ready;
    return (await registration.pushManager.getSubscription()) ? "on" : "off";
  }

  /** Asks the person, subscribes, and registers the subscription; returns a sentence when that fails. */
  async enable(): Promise<string | null> {
    if ((await Notification.requestPermission()) !== "granted") return "Notifications are blocked for this site in the browser's settings.";
    let key: string;
    try {
      key = (await this.api.getWebPushKey({})).vapidPublicKey;
    } catch (e) {
      const error = callError(e);
      return error.code === Code.FailedPrecondition ? "This server does not send browser notifications." : words(error);
    }
    const registration = await navigator.serviceWorker.ready;
    try {
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64url(key) });
      const json = subscription.toJSON();
      await this.api.setPushTarget({ target: { case: "webPush", value: { endpoint: json.endpoint!, p256dh: json.keys!.p256dh, auth: json.keys!.auth } } });
      return null;
    } catch (e) {
      return e instanceof DOMException ? `The browser could not subscribe: ${e.message}` : words(callError(e));
    }
  }

  async disable(): Promise<void> {
    const registration = await navigator.serviceWorker.ready;
    await (await registration.pushManager.getSubscription())?.unsubscribe();
    await this.api.removePushTarget({}).catch(() => undefined);
  }
}

function base64url(text: string): Uint8Array<ArrayBuffer> {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const bytes = atob(padded);
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}
