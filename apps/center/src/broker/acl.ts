import { TOPIC_ROOT } from '@bsm/protocol';

/** The account the center itself uses on its own embedded broker; `$` cannot start a node id. */
export const CENTER_ACCOUNT = '$center';

/** One topic level of plain characters: a kind, known or not (the center counts unknown kinds). */
const KIND_LEVEL = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * A node may publish only under its own `up` branch, one plain level deep:
 * no spoofing another node's alarms, and no odd topic (an empty last level
 * made the embedded broker drop the center's own connection).
 */
export function mayPublish(username: string, topic: string): boolean {
  if (username === CENTER_ACCOUNT) {
    return topic.startsWith(`${TOPIC_ROOT}/`);
  }
  const own = `${TOPIC_ROOT}/${username}/up/`;
  return topic.startsWith(own) && KIND_LEVEL.test(topic.slice(own.length));
}

/** A node may read only its own `down` branch. */
export function maySubscribe(username: string, filter: string): boolean {
  if (username === CENTER_ACCOUNT) {
    return filter.startsWith(`${TOPIC_ROOT}/`);
  }
  const own = `${TOPIC_ROOT}/${username}/down/`;
  return (
    filter === `${own}+` || filter === `${own}#` || (filter.startsWith(own) && !/[+#]/.test(filter.slice(own.length)))
  );
}
