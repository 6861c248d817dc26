import type { AuditRecord } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { nextEntry } from './chain.js';
import { csvHeader, csvLine, ndjsonLine, parseCsvRows, readCsv, readNdjson } from './export-format.js';
import { verifyChain } from './verify.js';

/** Entries whose texts are what breaks naive exports: commas, quotes, line breaks, Chinese, formulas. */
function awkwardChain(): AuditRecord[] {
  const texts: [string | null, string | null][] = [
    ['lin.wei', 'fz-a.cam1'],
    ['=HYPERLINK("http://evil","x")', 'a,b'],
    ["'=already quoted", '"quoted"\nsecond line'],
    ['-1+1', '值班员 李四'],
    [null, '@SUM(A1)'],
    ['\ttab', null],
  ];
  const out: AuditRecord[] = [];
  let prev: { seq: number; hash: string } | null = null;
  texts.forEach(([actor, target], i) => {
    const next = nextEntry('fz', prev, new Date(Date.UTC(2026, 11, 1, 8, 0, i)), {
      actor,
      action: 'auth.login',
      target,
      outcome: i % 2 === 0 ? 'success' : 'failure',
      ip: i === 4 ? null : '10.0.0.9',
      detail: { reason: 'bad password, "twice"', nested: { n: i, list: [1, '二'] } },
    });
    out.push({ ...next, id: 10 + i, source: 'fz' });
    prev = next;
  });
  return out;
}

describe('audit exports', () => {
  it('read back from NDJSON exactly as written, and verify', async () => {
    const entries = awkwardChain();
    const text = entries.map(ndjsonLine).join('');
    const read = [...readNdjson(text)];
    expect(read.map((r) => ({ ...r, line: undefined }))).toEqual(entries.map((e) => ({ ...e, line: undefined })));
    expect((await verifyChain('fz', read)).ok).toBe(true);
  });

  it('read back from CSV exactly as written, formulas defused for spreadsheets, and verify', async () => {
    const entries = awkwardChain();
    const text = csvHeader() + entries.map(csvLine).join('');
    expect(text.startsWith('\uFEFFsource,seq,id,at,')).toBe(true);
    // A spreadsheet sees no cell that starts a formula.
    const cells = parseCsvRows(text).flatMap((r) => r.fields);
    expect(cells.filter((c) => /^[=+\-@\t]/.test(c))).toEqual([]);
    expect(cells).toContain('\'=HYPERLINK("http://evil","x")');
    const read = [...readCsv(text)];
    expect(read.map((r) => ({ ...r, line: undefined }))).toEqual(entries.map((e) => ({ ...e, line: undefined })));
    expect((await verifyChain('fz', read)).ok).toBe(true);
  });

  it('show which line of an edited CSV export was changed', async () => {
    const entries = awkwardChain();
    const lines = [csvHeader(), ...entries.map(csvLine)];
    lines[2] = (lines[2] as string).replace('failure', 'success');
    const report = await verifyChain('fz', readCsv(lines.join('')));
    expect(report.firstProblem).toMatchObject({ kind: 'altered', seq: 2, id: 11, line: 3 });
  });

  it('refuse a file that is not an export and report lines that are not entries', () => {
    expect(() => [...readCsv('a,b,c\r\n1,2,3\r\n')]).toThrow(/not an audit export/);
    const read = [...readNdjson('{"seq":1}\nnot json\n\n')];
    expect(read).toEqual([
      expect.objectContaining({ unreadable: true, line: 1 }),
      expect.objectContaining({ unreadable: true, line: 2 }),
    ]);
  });
});
