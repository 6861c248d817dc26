/**
 * SIA DC-03 event data as carried by DC-09's `SIA-DCS` token: after the optional `#acct|`, a block that starts
 * with `N` (new event) and holds modifiers and events, optionally separated by `/`, then optional `|A…` text:
 *
 *     Nri1/BA01              burglary, area 1, zone 1
 *     Nti12:30/id5/ri2/OP5   opening by user 5 in area 2 at 12:30
 *     Nri1BA3/BA4            two burglaries (modifiers may touch the code)
 *     Nri1KR1^HALL ^         heat restore, zone 1, with a text between carets
 *     NRR|Atest              power-up, with an ASCII text block
 *
 * Modifiers are lower-case two-letter fields (`ti` time, `id` user, `ri` area, `pi` peripheral…); an event is an
 * upper-case two-letter code followed by its address (zone or user number).
 */
export interface SiaEvent {
  code: string;
  /** Zone (or user for openings/closings) as sent, e.g. `01`; undefined when the event has none. */
  address: string | undefined;
  /** Area (`ri`) in force for this event. */
  area: string | undefined;
  /** User (`id`) in force for this event. */
  user: string | undefined;
  /** Text sent with the event (`^…^`) or with the block (`|A…`). */
  text: string | undefined;
}

// Values are decimal (areas, users) or a time; hex would swallow the code that may follow (`ri1CL0`).
const MODIFIER = /^([a-z]{2})(\d{2}:\d{2}|\d*)/;
const EVENT = /^([A-Z]{2})(\d{0,4})(?:\^([^^]*)\^?)?/;

/** Events of a SIA-DCS data block; undefined when it does not follow the grammar above. */
export function parseSiaDcs(data: string): SiaEvent[] | undefined {
  const [block = '', ...extra] = data.split('|');
  let blockText: string | undefined;
  for (const part of extra) {
    if (part.startsWith('A')) {
      blockText = part.slice(1).trim() || undefined;
    }
    // Other function blocks (e.g. `X` extended) carry nothing the agent uses.
  }
  if (!block.startsWith('N')) {
    return undefined;
  }
  const events: SiaEvent[] = [];
  let area: string | undefined;
  let user: string | undefined;
  let rest = block.slice(1);
  while (rest.length > 0) {
    if (rest.startsWith('/') || rest.startsWith(' ')) {
      rest = rest.slice(1);
      continue;
    }
    const modifier = MODIFIER.exec(rest);
    if (modifier) {
      const [whole, name, value] = modifier as unknown as [string, string, string];
      if (name === 'ri') {
        area = value;
      } else if (name === 'id') {
        user = value;
      }
      rest = rest.slice(whole.length);
      continue;
    }
    const event = EVENT.exec(rest);
    if (!event) {
      return undefined;
    }
    const [whole, code, address, caret] = event as unknown as [string, string, string, string | undefined];
    events.push({
      code,
      address: address === '' ? undefined : address,
      area,
      user,
      text: caret?.trim() || undefined,
    });
    rest = rest.slice(whole.length);
    // Anything up to the next separator is free text some panels append (`OP001NM`): keep it, never fail on it.
    const tail = /^[^/]+/.exec(rest)?.[0];
    if (tail !== undefined) {
      const last = events[events.length - 1] as SiaEvent;
      last.text = [last.text, tail.trim()].filter(Boolean).join(' ') || undefined;
      rest = rest.slice(tail.length);
    }
  }
  if (events.length === 0) {
    return undefined;
  }
  for (const event of events) {
    event.text ??= blockText;
  }
  return events;
}
