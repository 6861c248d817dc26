import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXIT,
  discoverBenches,
  formatError,
  formatList,
  formatResult,
  isBenchFile,
  leadingDocLine,
  runCli,
} from './run.js';

describe('bench discovery', () => {
  it('treats every bench/*.ts except the harness, tests and declarations as a bench', () => {
    expect(isBenchFile('alarm-throughput.ts')).toBe(true);
    expect(isBenchFile('run.ts')).toBe(false);
    expect(isBenchFile('run.test.ts')).toBe(false);
    expect(isBenchFile('alarm-throughput.test.ts')).toBe(false);
    expect(isBenchFile('types.d.ts')).toBe(false);
    expect(isBenchFile('README.md')).toBe(false);
    expect(isBenchFile('results.json')).toBe(false);
  });

  it('takes the first line of the leading doc comment as the summary', () => {
    expect(leadingDocLine('/**\n * Alarm throughput through one center.\n * More detail.\n */\nexport {}')).toBe(
      'Alarm throughput through one center.',
    );
    expect(leadingDocLine('/** One-liner. */\nexport {}')).toBe('One-liner.');
    expect(leadingDocLine('#!/usr/bin/env tsx\n/**\n *\n * After a blank line.\n */')).toBe('After a blank line.');
    expect(leadingDocLine('/* Plain block comment. */')).toBe('Plain block comment.');
    expect(leadingDocLine('import x from "y";\n/** Not leading. */')).toBe('');
    expect(leadingDocLine('// line comment\nexport {}')).toBe('');
    expect(leadingDocLine('')).toBe('');
  });
});

describe('bench output', () => {
  it('is one line of JSON with the bench name first', () => {
    const line = formatResult('alarm-throughput', { alarmsPerSec: 1520.5, p99Ms: 12, note: 'two\nlines' });
    expect(line).not.toContain('\n');
    expect(line).toBe('{"bench":"alarm-throughput","alarmsPerSec":1520.5,"p99Ms":12,"note":"two\\nlines"}');
  });

  it('keeps the harness name even if the figures carry a "bench" key', () => {
    expect(JSON.parse(formatResult('a', { bench: 'b', n: 1 }))).toEqual({ bench: 'a', n: 1 });
  });

  it('writes bigints (from process.hrtime.bigint) as numbers, or strings when too large', () => {
    expect(formatResult('a', { ns: 1500n, huge: 2n ** 70n })).toBe(
      '{"bench":"a","ns":1500,"huge":"1180591620717411303424"}',
    );
  });

  it('reports a failure with its message', () => {
    expect(formatError('a', new Error('broker refused connection'))).toBe(
      '{"bench":"a","error":"broker refused connection"}',
    );
    expect(formatError('a', 'plain string')).toBe('{"bench":"a","error":"plain string"}');
  });

  it('lists benches with their summaries, or says there are none', () => {
    expect(formatList([])).toMatch(/^No benches yet/);
    const list = formatList([
      { name: 'alarm-throughput', file: '', summary: 'Alarms per second.' },
      { name: 'fanout', file: '', summary: '' },
    ]);
    expect(list).toContain('  alarm-throughput  Alarms per second.');
    expect(list.split('\n')).toContain('  fanout');
  });
});

describe('bench CLI (against a temporary bench folder)', () => {
  let dir = '';
  let out: string[] = [];
  let err: string[] = [];
  const io = () => ({ dir, out: (l: string) => out.push(l), err: (l: string) => err.push(l) });
  const run = async (...argv: string[]) => {
    out = [];
    err = [];
    return runCli(argv, io());
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bsm-bench-'));
    await writeFile(
      join(dir, 'echo.ts'),
      '/**\n * Echoes its arguments.\n */\nexport async function main(args: string[]) {\n  return { args, count: args.length };\n}\n',
    );
    await writeFile(
      join(dir, 'broken.ts'),
      '/** Always fails. */\nexport async function main() {\n  throw new Error("disk full");\n}\n',
    );
    await writeFile(join(dir, 'nomain.ts'), 'export const x = 1;\n');
    await writeFile(join(dir, 'run.ts'), '/** The harness itself. */\n');
    await writeFile(join(dir, 'echo.test.ts'), '/** A test. */\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('discovers benches sorted by name, without the harness and tests', async () => {
    const benches = await discoverBenches(dir);
    expect(benches.map((b) => [b.name, b.summary])).toEqual([
      ['broken', 'Always fails.'],
      ['echo', 'Echoes its arguments.'],
      ['nomain', ''],
    ]);
  });

  it('lists the benches and exits 0 without a name', async () => {
    expect(await run()).toBe(EXIT.ok);
    expect(out.join('\n')).toContain('echo    Echoes its arguments.');
  });

  it('runs a bench with its arguments and prints the result as the last line', async () => {
    expect(await run('echo', '--alarms', '100')).toBe(EXIT.ok);
    expect(JSON.parse(out.at(-1) ?? '')).toEqual({ bench: 'echo', args: ['--alarms', '100'], count: 2 });
  });

  it('exits 2 on an unknown name, listing the valid ones', async () => {
    expect(await run('nope')).toBe(EXIT.usage);
    expect(err.join('\n')).toBe('unknown bench "nope"; available: broken, echo, nomain');
    expect(out).toEqual([]);
  });

  it('does not run the harness or a path as a bench', async () => {
    expect(await run('run')).toBe(EXIT.usage);
    expect(await run('../bench/echo')).toBe(EXIT.usage);
  });

  it('exits 1 with {bench, error} as the last line when the bench throws', async () => {
    expect(await run('broken')).toBe(EXIT.failed);
    expect(JSON.parse(out.at(-1) ?? '')).toEqual({ bench: 'broken', error: 'disk full' });
  });

  it('exits 1 when the module has no main()', async () => {
    expect(await run('nomain')).toBe(EXIT.failed);
    expect(JSON.parse(out.at(-1) ?? '')).toEqual({
      bench: 'nomain',
      error: 'bench/nomain.ts does not export a main(args) function',
    });
  });
});
