/**
 * CRC-16/ARC (polynomial 0x8005, reflected as 0xA001, initial value 0, no final XOR), the checksum SIA DC-09
 * puts in front of every message. A table keeps it to one lookup per byte: a receiver checks every frame.
 */
const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) {
      c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    }
    table[n] = c;
  }
  return table;
})();

/** CRC of a string whose characters are bytes (latin1, as the receiver decodes the socket). */
export function crc16(text: string): number {
  let crc = 0;
  for (let i = 0; i < text.length; i++) {
    crc = (crc >>> 8) ^ (TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ?? 0);
  }
  return crc;
}

/** The CRC as DC-09 writes it: four upper-case hex digits. */
export const crcHex = (text: string): string => crc16(text).toString(16).toUpperCase().padStart(4, '0');
