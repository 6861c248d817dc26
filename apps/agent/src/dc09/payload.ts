import { formatTimestamp } from './timestamp.js';

/**
 * What follows the header's `[` once decrypted:
 *
 *     <data>]<[x-data]…><_HH:MM:SS,MM-DD-YYYY>
 *
 * The data (`#acct|Nri1/BA01` for SIA-DCS, `#acct|1130 01 015` for ADM-CID, empty for NULL) ends at the first
 * `]`; zero or more bracketed extended-data fields and an optional timestamp follow.
 */
export interface Dc09Payload {
  data: string;
  /** Extended data fields without their brackets (`X…` longitude, `M…` MAC address, `V…` verification URL…). */
  extended: string[];
  /** The timestamp field as sent, underscore included, or undefined when the message has none. */
  timestamp: string | undefined;
}

const TIMESTAMP_FIELD = /^_\d{2}:\d{2}:\d{2},\d{2}-\d{2}-\d{4}$/;

/** Parses the text after `[`; undefined when the brackets or the timestamp are not where DC-09 puts them. */
export function parsePayload(text: string): Dc09Payload | undefined {
  const close = text.indexOf(']');
  if (close < 0) {
    return undefined;
  }
  const data = text.slice(0, close);
  if (data.includes('[')) {
    return undefined;
  }
  let rest = text.slice(close + 1);
  const extended: string[] = [];
  while (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) {
      return undefined;
    }
    const field = rest.slice(1, end);
    if (field.includes('[')) {
      return undefined;
    }
    extended.push(field);
    rest = rest.slice(end + 1);
  }
  if (rest === '') {
    return { data, extended, timestamp: undefined };
  }
  return TIMESTAMP_FIELD.test(rest) ? { data, extended, timestamp: rest } : undefined;
}

export function formatPayload(data: string, at?: Date, extended: readonly string[] = []): string {
  return `${data}]${extended.map((x) => `[${x}]`).join('')}${at === undefined ? '' : formatTimestamp(at)}`;
}

/**
 * The data's own account prefix (`#acct|`) apart from the event part. The account inside the data is optional
 * (`|Nri1/BA01` or even `Nri1/BA01`), and after decryption it may be fused with the random pad, so the
 * receiver trusts the header's account and uses this one only when the header has none.
 */
export function splitAccount(data: string): { account: string | undefined; event: string } {
  const bar = data.indexOf('|');
  if (bar < 0 || !(data.startsWith('#') || bar === 0)) {
    return { account: undefined, event: data };
  }
  const prefix = data.slice(0, bar);
  const account = /^#([0-9A-Fa-f]{3,16})$/.exec(prefix)?.[1];
  return { account, event: data.slice(bar + 1) };
}
