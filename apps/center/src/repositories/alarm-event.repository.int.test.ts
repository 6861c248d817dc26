import type { AlarmEvent } from '@bsm/protocol';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { createDb, migrateToLatest, type Db } from '../db/database.js';
import { AlarmEventRepository } from './alarm-event.repository.js';

const event = (alarmId: string): AlarmEvent => ({
  id: ulid(),
  alarmId,
  origin: 'b-1',
  at: new Date().toISOString(),
  node: 'c-1',
  by: 'system',
  action: 'note',
  note: 'x',
});

describe('AlarmEventRepository (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let db: Db;
  let events: AlarmEventRepository;

  beforeAll(async () => {
    pg = await startTestPostgres();
    db = createDb(await pg.freshDatabase('bsm_events'), 10);
    await migrateToLatest(db);
    events = new AlarmEventRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
  });

  it('never lets a sender tailing by position skip an event stored concurrently', async () => {
    // Many flows store events at once (deadline timers, officers, neighbours) while a sender reads
    // what lies past its cursor and moves on: a position it read past must never show up later.
    const stored: string[] = [];
    let writing = true;
    const writers = (async () => {
      for (let round = 0; round < 40; round++) {
        const batch = await Promise.all(
          Array.from({ length: 25 }, async (_, i) => events.insert([event(`a-${round}-${i}`)], null)),
        );
        stored.push(...batch.flat().map((e) => e.id));
      }
      writing = false;
    })();
    const seen = new Set<string>();
    let cursor = 0;
    while (writing || seen.size < stored.length) {
      const pending = await events.pendingForParent('p-1', cursor, 200);
      for (const p of pending) {
        seen.add(p.event.id);
      }
      cursor = pending.at(-1)?.position ?? cursor;
      if (!writing && pending.length === 0) {
        break;
      }
    }
    await writers;
    expect(stored).toHaveLength(1000);
    expect(stored.filter((id) => !seen.has(id))).toEqual([]);
  });
});
