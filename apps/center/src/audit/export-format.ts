import { AuditRecord } from '@bsm/protocol';
import { describeZodError } from '@bsm/protocol';
import type { ChainItem } from './verify.js';

/**
 * The two export formats of the audit trail, written by the center and read
 * back by `audit:verify --file`: every field of every entry, exactly, so an
 * exported file verifies offline.
 *
 * - NDJSON: one `AuditRecord` as JSON per line.
 * - CSV (RFC 4180, UTF-8 with a BOM so spreadsheets read the Chinese): the
 *   columns of `CSV_COLUMNS`; an empty field is null, `detail` is JSON. A
 *   field that a spreadsheet would run as a formula (starting with `=`, `+`,
 *   `-`, `@`, tab or CR) gets a leading `'`, as does one that already starts
 *   with `'` followed by such a character, so reading strips exactly one.
 */
export const CSV_COLUMNS = [
  'source',
  'seq',
  'id',
  'at',
  'actor',
  'action',
  'target',
  'outcome',
  'ip',
  'detail',
  'prev_hash',
  'hash',
] as const;

const BOM = '\uFEFF';
const FORMULA = /^'*[=+\-@\t\r]/;

export const ndjsonLine = (r: AuditRecord): string => `${JSON.stringify(r)}\n`;

function csvField(value: string | null): string {
  if (value === null) {
    return '';
  }
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const csvHeader = (): string => `${BOM}${CSV_COLUMNS.join(',')}\r\n`;

export function csvLine(r: AuditRecord): string {
  const values: (string | null)[] = [
    r.source,
    String(r.seq),
    String(r.id),
    r.at,
    r.actor,
    r.action,
    r.target,
    r.outcome,
    r.ip,
    JSON.stringify(r.detail),
    r.prevHash,
    r.hash,
  ];
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Splits CSV text into rows of fields (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
export function parseCsvRows(text: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.startsWith(BOM) ? 1 : 0;
  let any = false;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') {
          line++;
        }
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
      }
      if (any || field.length > 0) {
        fields.push(field);
        rows.push({ fields, line: rowLine });
      }
      fields = [];
      field = '';
      any = false;
      line++;
      rowLine = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || field.length > 0) {
    fields.push(field);
    rows.push({ fields, line: rowLine });
  }
  return rows;
}

const unformula = (v: string): string => (/^'+[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

function parseRecord(value: unknown, line: number): ChainItem {
  const parsed = AuditRecord.safeParse(value);
  return parsed.success ? { ...parsed.data, line } : { unreadable: true, line, reason: describeZodError(parsed.error) };
}

/** The entries of an NDJSON export. */
export function* readNdjson(text: string): Generator<ChainItem> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    if (raw.trim() === '') {
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      yield { unreadable: true, line: i + 1, reason: `not JSON: ${(error as Error).message}` };
      continue;
    }
    yield parseRecord(json, i + 1);
  }
}

/** The entries of a CSV export; throws when the header is not ours. */
export function* readCsv(text: string): Generator<ChainItem> {
  const [header, ...rows] = parseCsvRows(text);
  if (!header || header.fields.join(',') !== CSV_COLUMNS.join(',')) {
    throw new Error(`not an audit export: the first line must be ${CSV_COLUMNS.join(',')}`);
  }
  for (const { fields, line } of rows) {
    if (fields.length !== CSV_COLUMNS.length) {
      yield { unreadable: true, line, reason: `${fields.length} fields, expected ${CSV_COLUMNS.length}` };
      continue;
    }
    const [source, seq, id, at, actor, action, target, outcome, ip, detail, prevHash, hash] = fields.map(unformula);
    const orNull = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);
    let detailValue: unknown;
    try {
      detailValue = JSON.parse(detail ?? '');
    } catch (error) {
      yield { unreadable: true, line, reason: `detail is not JSON: ${(error as Error).message}` };
      continue;
    }
    yield parseRecord(
      {
        source,
        seq: Number(seq),
        id: Number(id),
        at,
        actor: orNull(actor),
        action,
        target: orNull(target),
        outcome,
        ip: orNull(ip),
        detail: detailValue,
        prevHash,
        hash,
      },
      line,
    );
  }
}
