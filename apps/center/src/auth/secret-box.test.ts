import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const keyFile = (text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'bsm-key-')), 'secret.key');
  writeFileSync(file, `${text}\n`);
  return file;
};

describe('sealed authenticator secrets', () => {
  it('seals a secret so the stored text does not show it, and opens it again with the same key', () => {
    const box = SecretBox.fromFile(keyFile(SecretBox.newKeyText()));
    const stored = box.seal('JBSWY3DPEHPK3PXP');
    expect(stored).toMatch(/^sealed:v1:/);
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP')).not.toBe(stored); // a fresh IV each time
    expect(box.open(stored)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('reads a secret stored before the key was configured as it is', () => {
    const box = SecretBox.fromFile(keyFile(SecretBox.newKeyText()));
    expect(SecretBox.isSealed('JBSWY3DPEHPK3PXP')).toBe(false);
    expect(box.open('JBSWY3DPEHPK3PXP')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses to open under another key or after a change to the stored text', () => {
    const stored = SecretBox.fromFile(keyFile(SecretBox.newKeyText())).seal('JBSWY3DPEHPK3PXP');
    expect(() => SecretBox.fromFile(keyFile(SecretBox.newKeyText())).open(stored)).toThrow();
    const box = SecretBox.fromFile(keyFile(SecretBox.newKeyText()));
    const mine = box.seal('JBSWY3DPEHPK3PXP');
    const flipped = `${mine.slice(0, -2)}${mine.endsWith('A') ? 'B' : 'A'}${mine.slice(-1)}`;
    expect(() => box.open(flipped)).toThrow();
  });

  it('says what a key file must hold', () => {
    expect(() => SecretBox.fromFile(keyFile('too short'))).toThrow(
      /auth\.secretKeyFile: .* must hold 32 bytes in base64/,
    );
    expect(() => SecretBox.fromFile('/nonexistent/secret.key')).toThrow(
      'auth.secretKeyFile: cannot read /nonexistent/secret.key (ENOENT)',
    );
  });
});
