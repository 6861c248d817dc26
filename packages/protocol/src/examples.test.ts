import { describe, expect, it } from 'vitest';
import { DOWN_EXAMPLES, EXAMPLE_TOPIC_NODE, UP_EXAMPLES } from './examples.js';
import { DOWN_MESSAGES, UP_MESSAGES, parseTopic, upTopic, downTopic, type DownKind, type UpKind } from './topics.js';

const upKinds = Object.keys(UP_MESSAGES) as UpKind[];
const downKinds = Object.keys(DOWN_MESSAGES) as DownKind[];

describe('protocol examples', () => {
  it('has exactly one example per message kind', () => {
    expect(Object.keys(UP_EXAMPLES).sort()).toEqual([...upKinds].sort());
    expect(Object.keys(DOWN_EXAMPLES).sort()).toEqual([...downKinds].sort());
  });

  it.each(upKinds)('up/%s parses through its schema unchanged', (kind) => {
    const parsed = UP_MESSAGES[kind].safeParse(UP_EXAMPLES[kind]);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(UP_EXAMPLES[kind]);
  });

  it.each(downKinds)('down/%s parses through its schema unchanged', (kind) => {
    const parsed = DOWN_MESSAGES[kind].safeParse(DOWN_EXAMPLES[kind]);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(DOWN_EXAMPLES[kind]);
  });

  it('publishes each example under a valid topic', () => {
    for (const kind of upKinds) {
      expect(parseTopic(upTopic(EXAMPLE_TOPIC_NODE.up[kind], kind))).not.toBeNull();
    }
    for (const kind of downKinds) {
      expect(parseTopic(downTopic(EXAMPLE_TOPIC_NODE.down[kind], kind))).not.toBeNull();
    }
  });

  it('follows the rules the schemas cannot express', () => {
    const { alarm, catalog, reply, status, states } = UP_EXAMPLES;
    const { command, ack } = DOWN_EXAMPLES;
    // The alarm path starts at the origin and ends at the publisher.
    expect(alarm.path[0]).toBe(alarm.origin);
    expect(alarm.path.at(-1)).toBe(EXAMPLE_TOPIC_NODE.up.alarm);
    // Replies and acks refer to what they answer.
    expect(reply.correlationId).toBe(command.id);
    expect(reply.from).toBe(command.target);
    expect(ack.ids).toContain(alarm.id);
    expect(Date.parse(command.expiresAt)).toBeGreaterThan(Date.parse(command.issuedAt));
    // An audit batch is consecutive entries of one chain, linked; the ack names the batch's chain and last seq.
    const { audit } = UP_EXAMPLES;
    expect(audit.source).toBe(EXAMPLE_TOPIC_NODE.up.audit);
    expect(audit.entries.map((e) => e.seq)).toEqual([41, 42]);
    expect(audit.entries[1]?.prevHash).toBe(audit.entries[0]?.hash);
    expect(DOWN_EXAMPLES['audit-ack']).toEqual({ source: audit.source, upTo: 42 });
    // Publishers name themselves.
    expect(catalog.publisher).toBe(EXAMPLE_TOPIC_NODE.up.catalog);
    expect(states.publisher).toBe(EXAMPLE_TOPIC_NODE.up.states);
    expect(status.nodeId).toBe(EXAMPLE_TOPIC_NODE.up.status);
  });

  it('describes a branch in Fuzhou with a D1/CIF vault camera and linked alarm inputs', () => {
    const { catalog } = UP_EXAMPLES;
    const branch = catalog.nodes.find((n) => n.id === catalog.publisher);
    expect(branch).toMatchObject({ kind: 'branch', parentId: null });
    expect(branch?.lat).toBeCloseTo(26.08, 1);
    expect(branch?.lon).toBeCloseTo(119.3, 1);
    expect(catalog.devices.map((d) => d.kind)).toContain('nvr');
    const vault = catalog.cameras.find((c) => c.name === '金库');
    expect(vault?.important).toBe(true);
    expect(vault?.streams).toEqual([
      expect.objectContaining({ profile: 'main', width: 704, height: 576 }),
      expect.objectContaining({ profile: 'sub', width: 352, height: 288 }),
    ]);
    const cameraIds = new Set(catalog.cameras.map((c) => c.id));
    for (const input of catalog.alarmInputs) {
      for (const camera of input.linkedCameras) {
        expect(cameraIds, `${input.id} links ${camera}`).toContain(camera);
      }
    }
  });
});
