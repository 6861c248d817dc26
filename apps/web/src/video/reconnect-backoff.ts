/** First wait before asking for the stream again after it failed. */
export const RECONNECT_BASE_MS = 1_000;
/** Longest wait: a camera that is down is tried again at least this often. */
export const RECONNECT_MAX_MS = 10_000;

/** Wait before reconnect attempt `attempt` (0 = first after a failure): 1 s, 2 s, 4 s, 8 s, then 10 s. */
export function reconnectDelayMs(attempt: number): number {
  const safe = Math.max(0, Math.min(30, Math.floor(attempt)));
  return Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** safe);
}
