/** The single sign-on ticket in a page address's fragment (`#sso=<ticket>`), or null. */
export function ssoTicketIn(hash: string): string | null {
  const match = /^#sso=([A-Za-z0-9_.-]{20,4000})$/.exec(hash);
  return match?.[1] ?? null;
}
