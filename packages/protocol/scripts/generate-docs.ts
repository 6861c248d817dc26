/**
 * Writes docs/protocol.md from the protocol schemas: `npm run docs:protocol`.
 * `--check` writes nothing and exits 1 when the file on disk is stale (the unit
 * test generate-docs.test.ts does the same check inside `npm test`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOC_PATH, render } from './protocol-doc.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const target = `${repoRoot}${DOC_PATH}`;
const text = render();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (current !== text) {
    console.error(`${DOC_PATH} is stale: run npm run docs:protocol`);
    process.exit(1);
  }
  console.log(`${DOC_PATH} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${DOC_PATH} (${Buffer.byteLength(text)} bytes)`);
}
