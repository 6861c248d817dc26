/**
 * How far the center's clock is ahead of this browser's, from one ping round
 * trip (the server read its clock about half-way). Wall PCs drift; "received
 * 5 s ago" must count on the center's clock, which stamped receivedAt.
 * Null when the server time cannot be read.
 */
export function clockOffsetFromPing(sentAtMs: number, answeredAtMs: number, serverTime: string): number | null {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server) || answeredAtMs < sentAtMs) {
    return null;
  }
  return Math.round(server - (sentAtMs + answeredAtMs) / 2);
}
