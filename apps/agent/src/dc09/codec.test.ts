import { describe, expect, it } from 'vitest';
import { crc16, crcHex } from './crc.js';
import { checkFrame, frameBody, MAX_BODY_LENGTH } from './frame.js';
import { formatHeader, parseHeader } from './header.js';
import { formatPayload, parsePayload, splitAccount } from './payload.js';
import { formatTimestamp, parseTimestamp, withinWindow, DC09_WINDOW } from './timestamp.js';

/**
 * Known-good vectors from public sources, not from this code:
 * - CRC-16/ARC's catalogue check value: "123456789" → 0xBB3D (Williams / reveng CRC catalogue, "CRC-16/ARC").
 * - fioletoven/dc09 (Rust DC-09 dialler/receiver), common/src/dc09/message.tests.rs: whole frames
 *   `\n96ED0016"SIA-DCS"0001L0#1234[]\r`, `\nF4D20029"SIA-DCS"0001RF3L77#1234[#1234|NRR|Atest]\r` and a receiver's
 *   NAK `\nE4410025"NAK"0000R0L0A0[]_16:20:01,09-24-2025\r`.
 * - eavanvalkenburg/pysiaalarm, tests/test_sia_package.py: the body `"SIA-DCS"6002L0#AAA[|Nri1/CL501]_14:12:04,09-25-2019`
 *   with CRC E5D5 (its length field there is not a real one, so only the CRC is used).
 */
const KNOWN_FRAMES = [
  '\n96ED0016"SIA-DCS"0001L0#1234[]\r',
  '\nF4D20029"SIA-DCS"0001RF3L77#1234[#1234|NRR|Atest]\r',
  '\nE4410025"NAK"0000R0L0A0[]_16:20:01,09-24-2025\r',
];

describe('CRC-16/ARC', () => {
  it('matches the catalogue check value and the CRCs of published DC-09 frames', () => {
    expect(crc16('123456789')).toBe(0xbb3d);
    expect(crcHex('"SIA-DCS"0001L0#1234[]')).toBe('96ED');
    expect(crcHex('"SIA-DCS"0001RF3L77#1234[#1234|NRR|Atest]')).toBe('F4D2');
    expect(crcHex('"NAK"0000R0L0A0[]_16:20:01,09-24-2025')).toBe('E441');
    expect(crcHex('"SIA-DCS"6002L0#AAA[|Nri1/CL501]_14:12:04,09-25-2019')).toBe('E5D5');
    expect(crcHex('')).toBe('0000');
  });
});

describe('frame', () => {
  it.each(KNOWN_FRAMES)('accepts the published frame %j and frames its body back to the same bytes', (frame) => {
    const checked = checkFrame(frame);
    expect(checked.ok).toBe(true);
    if (checked.ok) {
      expect(frameBody(checked.body)).toBe(frame);
    }
  });

  it('names what is wrong: CRC, length or format', () => {
    expect(checkFrame('\n96EE0016"SIA-DCS"0001L0#1234[]\r')).toMatchObject({ ok: false, reason: 'crc' });
    expect(checkFrame('\n96ED0017"SIA-DCS"0001L0#1234[]\r')).toMatchObject({ ok: false, reason: 'length' });
    expect(checkFrame('96ED0016"SIA-DCS"0001L0#1234[]\r')).toMatchObject({ ok: false, reason: 'format' });
    expect(checkFrame('\nXXXX0016"SIA-DCS"0001L0#1234[]\r')).toMatchObject({ ok: false, reason: 'format' });
    // Lower-case hex in the header is still hex.
    expect(checkFrame('\n96ed0016"SIA-DCS"0001L0#1234[]\r').ok).toBe(true);
  });

  it('refuses to frame a body longer than the length field can say', () => {
    expect(() => frameBody('x'.repeat(MAX_BODY_LENGTH + 1))).toThrow(RangeError);
    expect(frameBody('x'.repeat(MAX_BODY_LENGTH)).slice(5, 9)).toBe('0FFF');
  });
});

describe('header', () => {
  it('splits the header of plain, encrypted and receiver-less messages', () => {
    expect(parseHeader('"SIA-DCS"0001RF3L77#1234[#1234|NRR|Atest]')).toEqual({
      token: 'SIA-DCS',
      encrypted: false,
      seq: '0001',
      receiver: 'RF3',
      prefix: 'L77',
      account: '1234',
      rest: '#1234|NRR|Atest]',
    });
    expect(parseHeader('"*NULL"0000R0L0#AAAB[B4BC]')).toMatchObject({
      token: 'NULL',
      encrypted: true,
      receiver: 'R0',
      prefix: 'L0',
      account: 'AAAB',
    });
    // Older panels: no account in the header, only in the data.
    expect(parseHeader('"SIA-DCS"4738R0001L0001[#006969|Nri04/OP001NM]')).toMatchObject({
      account: undefined,
      rest: '#006969|Nri04/OP001NM]',
    });
  });

  it.each([
    ['no quotes', 'SIA-DCS0001L0#1234[]'],
    ['a 3-digit sequence', '"SIA-DCS"001L0#1234[]'],
    ['no line prefix', '"SIA-DCS"0001R1#1234[]'],
    ['a non-hex account', '"SIA-DCS"0001L0#12G4[]'],
    ['no data bracket', '"SIA-DCS"0001L0#1234'],
  ])('refuses %s', (_what, body) => {
    expect(parseHeader(body)).toBeUndefined();
  });

  it('formats what it parses', () => {
    const body = '"ADM-CID"0042R1L1#ABC123[#ABC123|1130 01 003]_10:00:00,01-31-2025';
    const header = parseHeader(body);
    expect(header && formatHeader(header)).toBe(body);
  });
});

describe('payload', () => {
  it('separates data, extended data and timestamp', () => {
    expect(parsePayload('#1234|Nri1/BA01][X119.2966][Y26.0823]_14:12:04,09-25-2019')).toEqual({
      data: '#1234|Nri1/BA01',
      extended: ['X119.2966', 'Y26.0823'],
      timestamp: '_14:12:04,09-25-2019',
    });
    expect(parsePayload(']')).toEqual({ data: '', extended: [], timestamp: undefined });
  });

  it.each([
    ['no closing bracket', '#1234|Nri1/BA01'],
    ['an unclosed extended field', '#1234|NBA01][X1'],
    ['a malformed timestamp', '#1234|NBA01]_14:12,09-25-2019'],
    ['text after the timestamp', '#1234|NBA01]_14:12:04,09-25-2019x'],
    ['a bracket inside the data', '#12[34|NBA01]'],
  ])('refuses %s', (_what, text) => {
    expect(parsePayload(text)).toBeUndefined();
  });

  it('round-trips through formatPayload', () => {
    const at = new Date(Date.UTC(2025, 0, 31, 8, 5, 9));
    expect(parsePayload(formatPayload('#1234|NPA2', at, ['M0026B9E4268B']))).toEqual({
      data: '#1234|NPA2',
      extended: ['M0026B9E4268B'],
      timestamp: '_08:05:09,01-31-2025',
    });
  });

  it('splits the data account from the event, with or without one', () => {
    expect(splitAccount('#1234|Nri1/BA01')).toEqual({ account: '1234', event: 'Nri1/BA01' });
    expect(splitAccount('|Nri1/BA01')).toEqual({ account: undefined, event: 'Nri1/BA01' });
    expect(splitAccount('Nri1/WA000')).toEqual({ account: undefined, event: 'Nri1/WA000' });
    expect(splitAccount('NRR|Atest')).toEqual({ account: undefined, event: 'NRR|Atest' });
  });
});

describe('timestamp', () => {
  it('formats and parses DC-09 UTC timestamps', () => {
    const at = new Date(Date.UTC(2025, 8, 24, 16, 20, 1));
    expect(formatTimestamp(at)).toBe('_16:20:01,09-24-2025');
    expect(parseTimestamp('_16:20:01,09-24-2025')?.getTime()).toBe(at.getTime());
  });

  it.each([
    '_24:00:00,01-01-2025',
    '_10:00:00,02-30-2025',
    '_10:00:00,13-01-2025',
    '10:00:00,01-01-2025',
    '_1:00:00,01-01-2025',
  ])('refuses %s', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('keeps DC-09 window: 20 s ahead, 40 s behind, bounds included', () => {
    const now = new Date(Date.UTC(2025, 0, 1, 12, 0, 0));
    const at = (sec: number) => new Date(now.getTime() + sec * 1000);
    expect(withinWindow(at(20), now, DC09_WINDOW)).toBe(true);
    expect(withinWindow(at(21), now, DC09_WINDOW)).toBe(false);
    expect(withinWindow(at(-40), now, DC09_WINDOW)).toBe(true);
    expect(withinWindow(at(-41), now, DC09_WINDOW)).toBe(false);
  });
});
