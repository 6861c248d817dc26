import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readSettingFile } from '../setting-file.js';

const PREFIX = 'sealed:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Authenticator secrets at rest (S5): sealed with AES-256-GCM under a key
 * kept outside the database (`auth.secretKeyFile`), so a copy of the
 * database or of a backup does not give anyone the second factor of every
 * officer. A stored value without the prefix is one from before the key was
 * configured: read as it is, and sealed on the next start (`sealAll`).
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** A key file holds 32 random bytes in base64 (`openssl rand -base64 32`). */
  static fromFile(file: string): SecretBox {
    const text = readSettingFile(file, 'auth.secretKeyFile').toString('utf8').trim();
    const key = Buffer.from(text, 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== text) {
      throw new Error(`auth.secretKeyFile: ${file} must hold ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
    }
    return new SecretBox(key);
  }

  /** A fresh key, in the form a key file holds. */
  static newKeyText(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')}`;
  }

  /** The secret; throws when it was sealed under another key or altered. */
  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) {
      return stored;
    }
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
