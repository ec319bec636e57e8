import { timestampMs, type Timestamp } from "@bufbuild/protobuf/wkt";

/** "14:05" today, "Mon" this week, "3 Dec" before. */
export function shortTime(at: Timestamp | undefined): string {
  if (!at) return "";
  const date = new Date(timestampMs(at));
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (now.getTime() - date.getTime() < 6 * 86_400_000) return date.toLocaleDateString([], { weekday: "short" });
  return date.toLocaleDateString([], { day: "numeric", month: "short" });
}

export function clockTime(at: Timestamp | undefined): string {
  return at ? new Date(timestampMs(at)).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
}

export function lastSeen(at: Timestamp | undefined): string {
  if (!at) return "offline";
  const date = new Date(timestampMs(at));
  const today = date.toDateString() === new Date().toDateString();
  return `last seen ${today ? "today" : date.toLocaleDateString([], { day: "numeric", month: "short" })} at ${date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
}

export function initial(name: string): string {
  return [...name.trim()][0]?.toUpperCase() ?? "?";
}
