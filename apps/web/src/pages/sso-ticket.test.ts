import { describe, expect, it } from 'vitest';
import { ssoTicketIn } from './sso-ticket';

describe('ssoTicketIn', () => {
  it('finds a ticket in the fragment, and nothing else', () => {
    const ticket = 'eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJmaiJ9.c2lnbmF0dXJlLWJ5dGVz';
    expect(ssoTicketIn(`#sso=${ticket}`)).toBe(ticket);
    expect(ssoTicketIn('#alarms')).toBeNull();
    expect(ssoTicketIn('')).toBeNull();
    expect(ssoTicketIn('#sso=<script>alert(1)</script>')).toBeNull();
  });
});
