import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { IdentityService } from "../gen/chat/identity/v1/identity_pb";
import { ConversationService } from "../gen/chat/messaging/v1/conversations_pb";
import { ChatStreamService } from "../gen/chat/messaging/v1/stream_pb";
import { NotificationsService } from "../gen/chat/notifications/v1/notifications_pb";
import { PresenceService } from "../gen/chat/presence/v1/presence_pb";
import { ReceiptsService } from "../gen/chat/receipts/v1/receipts_pb";
import type { Session } from "./session";

/** Every service the app calls, with the session's access token on each call. */
export interface Clients {
  identity: Client<typeof IdentityService>;
  conversations: Client<typeof ConversationService>;
  stream: Client<typeof ChatStreamService>;
  presence: Client<typeof PresenceService>;
  receipts: Client<typeof ReceiptsService>;
  notifications: Client<typeof NotificationsService>;
}

export function clientsFor(session: Session): Clients {
  const transport = createGrpcWebTransport({ baseUrl: window.location.origin, interceptors: [session.interceptor()] });
  return {
    identity: createClient(IdentityService, transport),
    conversations: createClient(ConversationService, transport),
    stream: createClient(ChatStreamService, transport),
    presence: createClient(PresenceService, transport),
    receipts: createClient(ReceiptsService, transport),
    notifications: createClient(NotificationsService, transport),
  };
}
