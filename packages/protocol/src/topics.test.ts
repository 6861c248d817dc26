import { describe, expect, it } from 'vitest';
import {
  ALL_UP,
  DOWN_DELIVERY,
  DOWN_MESSAGES,
  TOPIC_ROOT,
  UP_DELIVERY,
  UP_MESSAGES,
  downFilter,
  downTopic,
  parseTopic,
  upTopic,
  type DownKind,
  type UpKind,
} from './topics.js';

const upKinds = Object.keys(UP_MESSAGES) as UpKind[];
const downKinds = Object.keys(DOWN_MESSAGES) as DownKind[];

describe('topics', () => {
  it('are versioned and per node', () => {
    expect(upTopic('fz-wuyi', 'alarm')).toBe('bsm/v1/fz-wuyi/up/alarm');
    expect(downTopic('fz-wuyi', 'command')).toBe('bsm/v1/fz-wuyi/down/command');
    expect(TOPIC_ROOT).toBe('bsm/v1');
  });

  it.each(upKinds)('up/%s round-trips through parseTopic', (kind) => {
    expect(parseTopic(upTopic('fz-wuyi', kind))).toEqual({ direction: 'up', nodeId: 'fz-wuyi', kind });
  });

  it.each(downKinds)('down/%s round-trips through parseTopic', (kind) => {
    expect(parseTopic(downTopic('fj-0591', kind))).toEqual({ direction: 'down', nodeId: 'fj-0591', kind });
  });

  it('accepts node ids at the limits of the rule', () => {
    expect(parseTopic(upTopic('a', 'status'))?.nodeId).toBe('a');
    expect(parseTopic(upTopic('9', 'status'))?.nodeId).toBe('9');
    const longest = 'b'.repeat(48);
    expect(parseTopic(upTopic(longest, 'status'))?.nodeId).toBe(longest);
  });

  it.each([
    ['another protocol version', 'bsm/v2/fz-wuyi/up/alarm'],
    ['another root', 'acme/v1/fz-wuyi/up/alarm'],
    ['a root in another case', 'BSM/v1/fz-wuyi/up/alarm'],
    ['a missing level', 'bsm/v1/fz-wuyi/alarm'],
    ['an extra level', 'bsm/v1/fz-wuyi/up/alarm/extra'],
    ['a trailing slash', 'bsm/v1/fz-wuyi/up/alarm/'],
    ['a leading slash', '/bsm/v1/fz-wuyi/up/alarm'],
    ['an empty topic', ''],
  ])('rejects %s: %s', (_why, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['upper case', 'FZ-Wuyi'],
    ['a leading dash', '-fz'],
    ['a dot', 'fz.wuyi'],
    ['an underscore', 'fz_wuyi'],
    ['a space', 'fz wuyi'],
    ['Chinese characters', '五一路支行'],
    ['49 characters', 'c'.repeat(49)],
  ])('rejects a node id with %s', (_why, nodeId) => {
    expect(parseTopic(`bsm/v1/${nodeId}/up/alarm`)).toBeNull();
  });

  it.each([
    ['an unknown kind', 'bsm/v1/fz-wuyi/up/video'],
    ['a down kind sent up', 'bsm/v1/fz-wuyi/up/command'],
    ['an up kind sent down', 'bsm/v1/fz-wuyi/down/alarm'],
    ['an unknown direction', 'bsm/v1/fz-wuyi/sideways/alarm'],
    ['a kind in another case', 'bsm/v1/fz-wuyi/up/Alarm'],
    ['an inherited property name', 'bsm/v1/fz-wuyi/up/toString'],
    ['__proto__', 'bsm/v1/fz-wuyi/down/__proto__'],
    ['an empty kind', 'bsm/v1/fz-wuyi/up/'],
  ])('rejects %s', (_why, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it.each([
    ['a single-level wildcard as node id', 'bsm/v1/+/up/alarm'],
    ['a single-level wildcard as kind', 'bsm/v1/fz-wuyi/up/+'],
    ['a multi-level wildcard', 'bsm/v1/fz-wuyi/#'],
    ['a multi-level wildcard as kind', 'bsm/v1/fz-wuyi/up/#'],
    ['a wildcard inside a node id', 'bsm/v1/fz+wuyi/up/alarm'],
    ['the center subscription filter', ALL_UP],
    ['a node subscription filter', downFilter('fz-wuyi')],
  ])('rejects %s', (_why, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('gives every kind a QoS and retain flag, retaining only the status', () => {
    expect(Object.keys(UP_DELIVERY).sort()).toEqual([...upKinds].sort());
    expect(Object.keys(DOWN_DELIVERY).sort()).toEqual([...downKinds].sort());
    const retained = Object.entries({ ...UP_DELIVERY }).filter(([, d]) => d.retain);
    expect(retained.map(([kind]) => kind)).toEqual(['status']);
    expect(UP_DELIVERY.alarm.qos).toBe(1);
    expect(DOWN_DELIVERY.ack.qos).toBe(1);
    expect(Object.values(DOWN_DELIVERY).every((d) => !d.retain)).toBe(true);
  });

  it('subscription filters match the topics they are meant for', () => {
    expect(ALL_UP).toBe('bsm/v1/+/up/+');
    expect(downFilter('fz-wuyi')).toBe('bsm/v1/fz-wuyi/down/+');
  });
});
