/**
 * Ademco Contact ID (SIA DC-05) as carried by DC-09's `ADM-CID` token: after the optional `#acct|`, the data is
 *
 *     Q EEE GG ZZZ      e.g. 1130 01 015
 *
 * Q the event qualifier (1 new event or opening, 3 restore or closing, 6 previously reported condition still
 * present), EEE the event code, GG the group/partition, ZZZ the zone (or the user number for openings and
 * closings). The spaces are what DC-09 shows; some panels leave them out, so they are optional here.
 */
export interface ContactIdEvent {
  qualifier: 1 | 3 | 6;
  code: string;
  group: string;
  /** Zone, or user for openings/closings, three digits as sent. */
  zone: string;
}

// Contact ID digits are hex in DC-05 (B–F stand for DTMF keys), so group and zone accept them.
const PATTERN = /^([136])([0-9A-Fa-f]{3}) ?([0-9A-Fa-f]{2}) ?([0-9A-Fa-f]{3})$/;

export function parseContactId(event: string): ContactIdEvent | undefined {
  const match = PATTERN.exec(event.trim());
  if (!match) {
    return undefined;
  }
  const [, qualifier, code, group, zone] = match as unknown as [string, string, string, string, string];
  return { qualifier: Number(qualifier) as 1 | 3 | 6, code: code.toUpperCase(), group, zone: zone.toUpperCase() };
}

export function formatContactId(event: ContactIdEvent): string {
  return `${event.qualifier}${event.code} ${event.group} ${event.zone}`;
}
