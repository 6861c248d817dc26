/**
 * SIA DC-09 (ANSI/SIA DC-09-2013/2021) receiver: lets a branch keep its existing alarm panel, which reports
 * SIA-DCS or Contact ID over TCP to the agent as if the agent were a central-station receiver. See docs/dc09.md.
 */
export { crc16, crcHex } from './crc.js';
export { checkFrame, frameBody, MAX_FRAME_LENGTH, type FrameCheck } from './frame.js';
export { FrameSplitter, type SplitResult } from './splitter.js';
export { parseHeader, formatHeader, type Dc09Header } from './header.js';
export { parsePayload, formatPayload, splitAccount, type Dc09Payload } from './payload.js';
export { encryptPayload, decryptPayload, parseKey, type KeyEncoding } from './crypto.js';
export { formatTimestamp, parseTimestamp, withinWindow, DC09_WINDOW, type TimestampWindow } from './timestamp.js';
export { parseContactId, formatContactId, type ContactIdEvent } from './contact-id.js';
export { parseSiaDcs, type SiaEvent } from './sia-dcs.js';
export { contactIdMeaning, siaMeaning, CONTACT_ID, SIA_CODES, type Meaning } from './mapping.js';
export { ackFrame, nakFrame, duhFrame } from './reply.js';
export {
  Dc09Processor,
  type Dc09Sink,
  type RestoreSignal,
  type Dc09Stats,
  type Outcome,
  type ProcessorOptions,
} from './processor.js';
export { Dc09Receiver, startDc09Receiver, type Dc09ReceiverOptions, type Dc09Status } from './receiver.js';
export {
  Dc09Section,
  Dc09AccountConfig,
  dc09ReferenceProblems,
  redactDc09,
  normalizeZone,
  type Dc09Config,
} from './config.js';
