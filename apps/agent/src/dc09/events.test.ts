import { describe, expect, it } from 'vitest';
import { formatContactId, parseContactId } from './contact-id.js';
import { contactIdMeaning, siaMeaning } from './mapping.js';
import { parseSiaDcs } from './sia-dcs.js';

describe('Contact ID data', () => {
  it('reads Q EEE GG ZZZ with or without spaces', () => {
    expect(parseContactId('1130 01 015')).toEqual({ qualifier: 1, code: '130', group: '01', zone: '015' });
    expect(parseContactId('3401 02 007')).toEqual({ qualifier: 3, code: '401', group: '02', zone: '007' });
    expect(parseContactId('113001015')).toEqual({ qualifier: 1, code: '130', group: '01', zone: '015' });
    // From pysiaalarm's tests (an ADM-CID fire alarm): `#12345A|1110 00 129`.
    expect(parseContactId('1110 00 129')).toMatchObject({ code: '110', zone: '129' });
  });

  it.each(['2130 01 015', '1130 01 15', '1130-01-015', '', 'Nri1/BA01'])('refuses %j', (text) => {
    expect(parseContactId(text)).toBeUndefined();
  });

  it('formats what it reads', () => {
    expect(formatContactId({ qualifier: 6, code: '301', group: '00', zone: '000' })).toBe('6301 00 000');
  });
});

describe('SIA DCS data', () => {
  it('reads modifiers, one or more events, carets and text blocks', () => {
    expect(parseSiaDcs('Nri1/BA01')).toEqual([
      { code: 'BA', address: '01', area: '1', user: undefined, text: undefined },
    ]);
    expect(parseSiaDcs('Nti12:30/id5/ri2/OP5')).toEqual([
      { code: 'OP', address: '5', area: '2', user: '5', text: undefined },
    ]);
    expect(parseSiaDcs('Nri1BA3/BA4')?.map((e) => [e.code, e.address])).toEqual([
      ['BA', '3'],
      ['BA', '4'],
    ]);
    // Both from pysiaalarm's tests (reported by users from real panels).
    expect(parseSiaDcs('Nri1CL0^VX FRONTE ^')).toEqual([
      { code: 'CL', address: '0', area: '1', user: undefined, text: 'VX FRONTE' },
    ]);
    expect(parseSiaDcs('Nri04/OP001NM')).toEqual([
      { code: 'OP', address: '001', area: '04', user: undefined, text: 'NM' },
    ]);
    expect(parseSiaDcs('NRR|Atest')).toEqual([
      { code: 'RR', address: undefined, area: undefined, user: undefined, text: 'test' },
    ]);
  });

  it.each(['', 'BA01', 'N', 'Nri1/ba01', 'N/12'])('refuses %j', (text) => {
    expect(parseSiaDcs(text)).toBeUndefined();
  });
});

describe('code mapping', () => {
  it('maps Contact ID qualifiers: 1 raises, 3 restores, 6 is a reminder', () => {
    expect(contactIdMeaning({ qualifier: 1, code: '130', group: '01', zone: '003' })).toEqual({
      kind: 'alarm',
      type: 'intrusion',
      zoneTyped: true,
      label: 'burglary',
    });
    expect(contactIdMeaning({ qualifier: 3, code: '130', group: '01', zone: '003' })).toEqual({
      kind: 'restore',
      type: 'intrusion',
      zoneTyped: true,
      label: 'burglary restored',
    });
    expect(contactIdMeaning({ qualifier: 6, code: '130', group: '01', zone: '003' })?.kind).toBe('info');
    expect(contactIdMeaning({ qualifier: 1, code: '121', group: '01', zone: '000' })).toMatchObject({
      type: 'duress',
      zoneTyped: false,
    });
    expect(contactIdMeaning({ qualifier: 1, code: '401', group: '01', zone: '005' })?.kind).toBe('info');
    expect(contactIdMeaning({ qualifier: 3, code: '401', group: '01', zone: '005' })?.kind).toBe('info');
    expect(contactIdMeaning({ qualifier: 1, code: '602', group: '00', zone: '000' })?.kind).toBe('supervision');
    expect(contactIdMeaning({ qualifier: 1, code: '999', group: '00', zone: '000' })).toBeUndefined();
  });

  it.each([
    ['BA', 'alarm', 'intrusion'],
    ['BR', 'restore', 'intrusion'],
    ['PA', 'alarm', 'panic'],
    ['PR', 'restore', 'panic'],
    ['HA', 'alarm', 'duress'],
    ['HR', 'restore', 'duress'],
    ['FA', 'alarm', 'fire'],
    ['FR', 'restore', 'fire'],
    ['TA', 'alarm', 'intrusion'],
    ['TR', 'restore', 'intrusion'],
    ['AT', 'alarm', 'device_offline'],
    ['AR', 'restore', 'device_offline'],
    ['YT', 'alarm', 'device_offline'],
    ['YR', 'restore', 'device_offline'],
  ] as const)('maps SIA %s to %s %s', (code, kind, type) => {
    expect(siaMeaning(code)).toMatchObject({ kind, type });
  });

  it('knows openings, closings and tests, and not codes it has no type for', () => {
    expect(siaMeaning('CL')?.kind).toBe('info');
    expect(siaMeaning('OP')?.kind).toBe('info');
    expect(siaMeaning('RP')?.kind).toBe('supervision');
    expect(siaMeaning('WA')).toBeUndefined();
    expect(siaMeaning('ZZ')).toBeUndefined();
  });
});
