import type { Socket } from 'node:net';
import type { MqttClient } from 'mqtt';

/**
 * Alarms are small packets that must leave at once. With Nagle's algorithm
 * on, a small write waits for the peer's delayed ACK (~40 ms on Linux) when
 * an earlier packet is unacknowledged — a hop of the cascade would cost
 * tens of milliseconds. mqtt.js opens plain sockets, so switch it off on
 * every (re)connect.
 */
export function disableNagle(client: MqttClient): void {
  const apply = (): void => {
    (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
  };
  client.on('connect', apply);
  apply();
}
