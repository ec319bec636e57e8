/** Exponential backoff with full jitter: attempt n waits a random time up to base·2ⁿ, capped. */
export function backoffMs(attempt: number, baseMs = 500, maxMs = 15_000): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
}

/** Waits, or stops early when the signal aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { window.clearTimeout(timer); resolve(); }, { once: true });
  });
}
