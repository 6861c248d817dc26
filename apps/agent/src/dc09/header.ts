/**
 * The message header inside a frame's body:
 *
 *     "<id>"<seq><Rrcvr><Lpref>#<acct>[<rest>
 *
 * `id` is the token (`SIA-DCS`, `ADM-CID`, `NULL`; a leading `*` marks an encrypted message), `seq` four digits
 * (0001–9999, 0000 for some NULLs), `Rrcvr` optional and `Lpref` mandatory (1–6 hex digits each), `#acct` the
 * panel's account (3–16 hex digits). Everything after `[` is the data, the extended data and the timestamp, or
 * (encrypted) their ciphertext in hex.
 */
export interface Dc09Header {
  /** The token without its `*`. */
  token: string;
  encrypted: boolean;
  seq: string;
  /** `R…` as sent (kept with its letter so a reply echoes it exactly), or undefined when the frame had none. */
  receiver: string | undefined;
  /** `L…` as sent. */
  prefix: string;
  /** The account as sent (without `#`); some older panels put it only inside the data. */
  account: string | undefined;
  /** Everything after the `[`. */
  rest: string;
}

const HEADER =
  /^"(\*?)([A-Za-z0-9-]{1,16})"(\d{4})(R[0-9A-Fa-f]{1,6})?(L[0-9A-Fa-f]{1,6})(?:#([0-9A-Fa-f]{3,16}))?\[(.*)$/s;

/** Splits a body into its header fields; undefined when it is not a DC-09 header at all. */
export function parseHeader(body: string): Dc09Header | undefined {
  const match = HEADER.exec(body);
  if (!match) {
    return undefined;
  }
  const [, star, token, seq, receiver, prefix, account, rest] = match;
  return {
    token: token as string,
    encrypted: star === '*',
    seq: seq as string,
    receiver,
    prefix: prefix as string,
    account,
    rest: rest as string,
  };
}

/** Builds a header: the inverse of {@link parseHeader} (`rest` is appended after `[`). */
export function formatHeader(header: Dc09Header): string {
  const account = header.account === undefined ? '' : `#${header.account}`;
  return `"${header.encrypted ? '*' : ''}${header.token}"${header.seq}${header.receiver ?? ''}${header.prefix}${account}[${header.rest}`;
}
