import { TOPIC_ROOT } from '@bsm/protocol';

/** The account the center itself uses on its own embedded broker; `$` cannot start a node id. */
export const CENTER_ACCOUNT = '$center';

/** A node may publish only under its own `up` branch: no spoofing another node's alarms. */
export function mayPublish(username: string, topic: string): boolean {
  if (username === CENTER_ACCOUNT) {
    return topic.startsWith(`${TOPIC_ROOT}/`);
  }
  return topic.startsWith(`${TOPIC_ROOT}/${username}/up/`) && !topic.includes('+') && !topic.includes('#');
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
