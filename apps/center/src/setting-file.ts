import { readFileSync } from 'node:fs';

/**
 * A file a setting names (a certificate, a key, a CA), read at start; when it
 * cannot be read, an error that names the setting and the file, so the
 * administrator knows which line of the config to fix.
 */
export function readSettingFile(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`${setting}: cannot read ${file} (${reason})`, { cause: error });
  }
}
