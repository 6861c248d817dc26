import { decodeUp, encode, type AuditBatch, type AuditChainEntry, type AuditRecord } from '@bsm/protocol';
import { createLogger } from '@bsm/runtime';
import { describe, expect, it } from 'vitest';
import { AuditUplink, fitAuditPayload } from './audit-uplink.js';
import { nextEntry } from './chain.js';

/** A chain of `n` entries with details as big as an entry may carry. */
function chain(source: string, n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev: { seq: number; hash: string } | null = null;
  for (let i = 0; i < n; i++) {
    const next = nextEntry(source, prev, new Date(Date.UTC(2026, 11, 1, 8, 0, i)), {
      actor: 'lin.wei',
      action: 'alarm.note',
      target: '01JD0000000000000000000001',
      outcome: 'success',
      detail: { note: '已通知辖区派出所，民警十分钟内到场。'.repeat(60) },
    });
    out.push({ ...next, id: i + 1, source });
    prev = next;
  }
  return out;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

describe('the audit uplink', () => {
  it('splits a backlog into batches the parent accepts, at least one entry each', () => {
    const entries = chain('jj', 200).map((r) => {
      const wire: Partial<AuditRecord> = { ...r };
      delete wire.source;
      return wire as AuditChainEntry;
    });
    const first = fitAuditPayload(entries);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(200);
    const decoded = decodeUp('audit', encode({ source: 'jj', entries: first } satisfies AuditBatch));
    expect(decoded.ok).toBe(true);
    expect(fitAuditPayload(entries.slice(0, 1))).toHaveLength(1);
  });

  it('sends each chain from the acknowledged cursor, one batch in flight, and again after a reconnect', async () => {
    const held = { jj: chain('jj', 30), fz: chain('fz', 3) };
    const cursors = new Map<string, number>([['jj', 10]]);
    const sent: AuditBatch[] = [];
    let connected = true;
    const uplink = new AuditUplink({
      selfId: 'fz',
      chain: (source, after, limit) =>
        Promise.resolve((held[source as 'jj' | 'fz'] ?? []).filter((e) => e.seq > after).slice(0, limit)),
      copiedSources: () => Promise.resolve(['jj']),
      cursor: (source) => Promise.resolve(cursors.get(source) ?? 0),
      advance: (source, upTo) => {
        cursors.set(source, upTo);
        return Promise.resolve();
      },
      send: (batch) => {
        if (connected) {
          sent.push(batch);
        }
        return connected;
      },
      log: createLogger('audit-uplink-test').child({}, { level: 'fatal' }),
      batchSize: 8,
    });
    await uplink.start();
    uplink.reconnected();
    await settle();
    // Our own chain from the start, the copy of jj from the parent's cursor; one batch each until acked.
    expect(sent.map((b) => [b.source, b.entries[0]?.seq, b.entries.at(-1)?.seq])).toEqual([
      ['fz', 1, 3],
      ['jj', 11, 18],
    ]);
    uplink.acked('jj', 18);
    uplink.acked('jj', 12); // a late ack of an earlier batch changes nothing
    await settle();
    expect(cursors.get('jj')).toBe(18);
    expect(sent.at(-1)?.entries.map((e) => e.seq)).toEqual([19, 20, 21, 22, 23, 24, 25, 26]);

    // The link drops with that batch unanswered; on reconnect it goes again from the stored cursor.
    connected = false;
    uplink.reconnected();
    await settle();
    connected = true;
    uplink.reconnected();
    await settle();
    expect(sent.filter((b) => b.source === 'jj').map((b) => b.entries[0]?.seq)).toEqual([11, 19, 19]);
    uplink.close();
  });
});
