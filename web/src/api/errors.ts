import { Code, ConnectError } from "@connectrpc/connect";
import { BadRequestSchema, ErrorInfoSchema, RetryInfoSchema } from "../gen/google/rpc/error_details_pb";

/** What a failed call says: its code, the server's ErrorInfo reason, when to retry, and the fields it refused. */
export interface CallError {
  code: Code;
  reason: string;
  message: string;
  retryAfterMs?: number;
  fields: string[];
}

export function callError(e: unknown): CallError {
  const error = ConnectError.from(e);
  const info = error.findDetails(ErrorInfoSchema)[0];
  const retry = error.findDetails(RetryInfoSchema)[0]?.retryDelay;
  const bad = error.findDetails(BadRequestSchema)[0];
  return {
    code: error.code,
    reason: info?.reason ?? "",
    message: error.rawMessage,
    retryAfterMs: retry ? Number(retry.seconds) * 1000 + Math.round(retry.nanos / 1e6) : undefined,
    fields: bad?.fieldViolations.map((v) => v.field) ?? [],
  };
}

/** A failure that the same request may get past later: the server away, a limit's window, a deadline. */
export function isRetryable(error: CallError): boolean {
  return (
    error.code === Code.Unavailable ||
    error.code === Code.DeadlineExceeded ||
    error.code === Code.Canceled ||
    error.code === Code.Unknown ||
    (error.code === Code.ResourceExhausted && error.retryAfterMs !== undefined) ||
    (error.code === Code.Aborted && error.reason !== "STREAM_REPLACED")
  );
}

function seconds(ms: number | undefined): string {
  const s = Math.max(1, Math.ceil((ms ?? 1000) / 1000));
  return s >= 90 ? `${Math.ceil(s / 60)} min` : `${s} s`;
}

/** The reason in words a person reads. */
export function words(error: CallError): string {
  switch (error.reason) {
    case "INVALID_CREDENTIALS":
      return "Wrong username or password.";
    case "USERNAME_TAKEN":
      return "That username is taken. Try another.";
    case "LOGIN_RATE_LIMITED":
    case "REGISTRATION_RATE_LIMITED":
      return `Too many attempts. Try again in ${seconds(error.retryAfterMs)}.`;
    case "TOO_MANY_DEVICES":
      return "You are signed in on too many devices. Sign one out from another device first.";
    case "SEND_RATE_LIMITED":
      return `You are sending too fast. Trying again in ${seconds(error.retryAfterMs)}.`;
    case "GROUP_CREATION_RATE_LIMITED":
      return `You created many groups lately. Try again in ${seconds(error.retryAfterMs)}.`;
    case "CONVERSATION_NOT_FOUND":
      return "This chat does not exist.";
    case "NOT_A_MEMBER":
      return "You are no longer a member of this chat.";
    case "NOT_AN_ADMIN":
      return "Only the group's admins can do that.";
    case "LAST_ADMIN":
      return "You are the group's last admin. Make someone else an admin first.";
    case "GROUP_FULL":
      return "The group is full.";
    case "ALREADY_MEMBERS":
      return "They are members already.";
    case "NOT_THE_SENDER":
      return "Only the sender can see who read a message.";
    case "TOKEN_EXPIRED":
    case "TOKEN_INVALID":
    case "DEVICE_REVOKED":
    case "REFRESH_TOKEN_REUSED":
    case "REFRESH_TOKEN_EXPIRED":
    case "REFRESH_TOKEN_INVALID":
      return "Your session has ended. Log in again.";
  }
  if (error.code === Code.Unavailable || error.code === Code.Unknown) {
    return "The server cannot be reached. Check your connection.";
  }
  if (error.code === Code.InvalidArgument) {
    if (error.fields.includes("username")) return "A username is 3 to 32 of a-z, 0-9, _ and .";
    if (error.fields.includes("password")) return "A password is 8 to 256 characters.";
    if (error.fields.includes("display_name")) return "A display name is at most 64 characters, without control characters.";
    if (error.fields.includes("title")) return "A group title is 1 to 64 characters, without control characters.";
    if (error.fields.includes("text")) return "A message is 1 byte to 64 KiB of text, not only spaces.";
  }
  return error.message || "Something went wrong.";
}
