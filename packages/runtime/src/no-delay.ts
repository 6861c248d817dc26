import type { Socket } from 'node:net';

/** The part of an MQTT.js client this needs; typed structurally so the runtime does not depend on mqtt. */
interface StreamClient {
  stream?: unknown;
  on(event: 'connect', listener: () => void): unknown;
}

/**
 * Alarms and acks are small packets that must leave at once. With Nagle's
 * algorithm on, a small write waits for the peer's delayed ACK (~40 ms on
 * Linux) while an earlier packet is unacknowledged, so each hop of the
 * cascade could cost tens of milliseconds. MQTT.js opens plain sockets: switch
 * it off on every (re)connect.
 */
export function disableNagle(client: StreamClient): void {
  const apply = (): void => {
    (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
  };
  client.on('connect', apply);
  apply();
}
