import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UP_MESSAGES, DOWN_MESSAGES, COMMAND_NAMES, MAX_PAYLOAD_BYTES, MAX_SMALL_PAYLOAD_BYTES } from '../src/index.js';
import { SERVER_TO_CLIENT_EVENT_NAMES, CLIENT_TO_SERVER_EVENT_NAMES } from '../src/socket-events.js';
import { DOC_PATH, render } from './protocol-doc.js';

const onDisk = (): string | null => {
  try {
    return readFileSync(fileURLToPath(new URL(`../../../${DOC_PATH}`, import.meta.url)), 'utf8');
  } catch {
    return null;
  }
};

describe('docs/protocol.md', () => {
  it('is up to date with the schemas', () => {
    const current = onDisk();
    // One readable line instead of a 1,500-line diff; `git diff docs/` after regenerating shows what changed.
    if (current !== render()) {
      expect.fail(`${DOC_PATH} is stale: run npm run docs:protocol`);
    }
  });

  it('renders the same text every time (no timestamps, stable key order)', () => {
    expect(render()).toBe(render());
    expect(render()).not.toMatch(/generated (on|at) \d{4}/i);
  });

  it('documents every message kind, command and console event', () => {
    const text = render();
    for (const kind of Object.keys(UP_MESSAGES)) {
      expect(text).toContain(`### up/${kind}\n`);
      expect(text).toContain(`\`bsm/v1/<nodeId>/up/${kind}\``);
    }
    for (const kind of Object.keys(DOWN_MESSAGES)) {
      expect(text).toContain(`### down/${kind}\n`);
    }
    for (const name of COMMAND_NAMES) {
      expect(text).toContain(`### \`${name}\``);
    }
    for (const event of [...SERVER_TO_CLIENT_EVENT_NAMES, ...CLIENT_TO_SERVER_EVENT_NAMES]) {
      expect(text).toContain(`| \`${event}\` |`);
    }
  });

  it('states the delivery rules a vendor must follow', () => {
    const text = render();
    expect(text).toContain('MQTT 3.1.1 and MQTT 5.0 are both supported');
    expect(text).toContain('last-will');
    expect(text).toContain('dedupe by id');
    expect(text).toContain(MAX_PAYLOAD_BYTES.toLocaleString('en-US'));
    expect(text).toContain(MAX_SMALL_PAYLOAD_BYTES.toLocaleString('en-US'));
    expect(text).toMatch(/only under its own `bsm\/v1\/<nodeId>\/up\/…`/);
  });

  it('embeds valid JSON in every json block', () => {
    const blocks = [...render().matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      expect(() => JSON.parse(block) as unknown).not.toThrow();
    }
  });
});
