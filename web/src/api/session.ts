import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { IdentityService, Platform, type TokenPair } from "../gen/chat/identity/v1/identity_pb";
import { callError } from "./errors";

/**
 * The browser's device: its ids and refresh token, kept in localStorage so that every tab and every reload of this
 * browser is the same device (docs/adr/0025 says why, and what guards it). The access token lives in memory only.
 */
interface StoredSession {
  userId: string;
  deviceId: string;
  username: string;
  refreshToken: string;
}

const storageKey = "chatmonolith.session";
const refreshLock = "chatmonolith.refresh";
/** How long before its expiry an access token is renewed: a fifth of its life, at most a minute. */
const maxRefreshAheadMs = 60_000;

/** Where the calls go: the page's own origin, which serves gRPC-Web (docs/adr/0007). */
const baseUrl = window.location.origin;

/** Calls that need no access token: register, log in, refresh. */
export const anonymousIdentity = createClient(IdentityService, createGrpcWebTransport({ baseUrl }));

export type SessionListener = (ended: string | null) => void;

export class Session {
  private accessToken = "";
  private accessExpiresAt = 0;
  private refreshAt = 0;
  private refreshing: Promise<void> | null = null;
  private timer: number | undefined;
  private ended = false;

  private constructor(
    private stored: StoredSession,
    private readonly onEnded: (reason: string) => void,
  ) {}

  get userId() { return this.stored.userId; }
  get deviceId() { return this.stored.deviceId; }
  get username() { return this.stored.username; }

  /** The session this browser keeps, if any: it is resumed with a refresh on first use. */
  static resume(onEnded: (reason: string) => void): Session | null {
    const raw = localStorage.getItem(storageKey);
    if (!raw) return null;
    try {
      const stored = JSON.parse(raw) as StoredSession;
      return stored.refreshToken ? new Session(stored, onEnded) : null;
    } catch {
      localStorage.removeItem(storageKey);
      return null;
    }
  }

  static async login(username: string, password: string, onEnded: (reason: string) => void): Promise<Session> {
    const answer = await anonymousIdentity.login({
      username,
      password,
      deviceName: deviceName(),
      platform: Platform.WEB,
    });
    const session = new Session(
      { userId: answer.userId, deviceId: answer.deviceId, username: username.trim().toLowerCase(), refreshToken: answer.tokens!.refreshToken },
      onEnded,
    );
    session.take(answer.tokens!);
    return session;
  }

  /** An access token good for at least a little while: refreshed first when it is about to expire. */
  async token(): Promise<string> {
    if (this.ended) throw new ConnectError("signed out", Code.Unauthenticated);
    if (Date.now() >= this.refreshAt) await this.refresh();
    return this.accessToken;
  }

  /**
   * Trades the refresh token for a new pair, once however many calls ask at the same moment. Tabs of this browser
   * share the refresh token, so each refreshes under a Web Lock and reads the token afresh under it: one that another
   * tab has rotated meanwhile is never presented again (the server would take that for theft, ADR 5).
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** Forgets the session here, after saying so to the server when it can. */
  async logout(authenticated: ReturnType<typeof createClient<typeof IdentityService>>): Promise<void> {
    try {
      await authenticated.logout({}, { timeoutMs: 5000 });
    } catch {
      // Signed out here all the same; the server revokes an unused device when its refresh token expires.
    }
    this.end("");
  }

  /** Ends the session: nothing is kept, and the app returns to its login. */
  end(reason: string) {
    if (this.ended) return;
    this.ended = true;
    window.clearTimeout(this.timer);
    const raw = localStorage.getItem(storageKey);
    if (raw && (JSON.parse(raw) as StoredSession).deviceId === this.stored.deviceId) localStorage.removeItem(storageKey);
    this.onEnded(reason);
  }

  /** Adds the access token to a call; a call refused for an expired token is refreshed and made once more. */
  interceptor(): Interceptor {
    return (next) => async (request) => {
      request.header.set("authorization", `Bearer ${await this.token()}`);
      try {
        return await next(request);
      } catch (e) {
        const error = callError(e);
        if (error.code !== Code.Unauthenticated || error.reason !== "TOKEN_EXPIRED" || request.stream) throw e;
        await this.refresh();
        request.header.set("authorization", `Bearer ${this.accessToken}`);
        return await next(request);
      }
    };
  }

  private async refreshOnce(): Promise<void> {
    const run = async () => {
      const raw = localStorage.getItem(storageKey);
      const current = raw ? (JSON.parse(raw) as StoredSession) : null;
      if (!current || current.deviceId !== this.stored.deviceId) {
        // Another tab logged out, or in as someone else.
        this.end("REFRESH_TOKEN_INVALID");
        throw new ConnectError("signed out in another tab", Code.Unauthenticated);
      }
      this.stored = current;
      try {
        const answer = await anonymousIdentity.refresh({ refreshToken: current.refreshToken }, { timeoutMs: 15000 });
        this.take(answer.tokens!);
      } catch (e) {
        const error = callError(e);
        if (error.code === Code.Unauthenticated) this.end(error.reason);
        throw e;
      }
    };
    if (navigator.locks) await navigator.locks.request(refreshLock, run);
    else await run();
  }

  private take(tokens: TokenPair) {
    this.accessToken = tokens.accessToken;
    const now = Date.now();
    this.accessExpiresAt = tokens.accessTokenExpiresAt ? timestampMs(tokens.accessTokenExpiresAt) : now + 60_000;
    this.refreshAt = this.accessExpiresAt - Math.min(maxRefreshAheadMs, (this.accessExpiresAt - now) / 5);
    this.stored = { ...this.stored, refreshToken: tokens.refreshToken };
    localStorage.setItem(storageKey, JSON.stringify(this.stored));
    // Renewed ahead of expiry, so that no call waits for it; a sleeping laptop's timer is late, and token() covers that.
    window.clearTimeout(this.timer);
    const delay = Math.max(500, this.refreshAt - now);
    this.timer = window.setTimeout(() => this.refresh().catch(() => undefined), delay);
  }
}

/** "Chrome on Linux": what the devices list shows for this browser. */
function deviceName(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox" : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "Browser";
  const system = /Android/.test(agent) ? "Android" : /iPhone|iPad/.test(agent) ? "iOS" : /Mac OS/.test(agent) ? "macOS" : /Windows/.test(agent) ? "Windows" : /Linux/.test(agent) ? "Linux" : "";
  return system ? `${browser} on ${system}` : browser;
}
