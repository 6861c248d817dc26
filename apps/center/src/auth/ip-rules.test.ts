import { describe, expect, it } from 'vitest';
import { inRanges, IpRules, isRange } from './ip-rules.js';

describe('IP rules', () => {
  it('matches IPv4, IPv4-mapped IPv6 and IPv6 addresses against CIDR ranges', () => {
    expect(inRanges('10.1.2.3', ['10.1.0.0/16'])).toBe(true);
    expect(inRanges('::ffff:10.1.2.3', ['10.1.0.0/16'])).toBe(true);
    expect(inRanges('10.2.0.1', ['10.1.0.0/16'])).toBe(false);
    expect(inRanges('fd00::5', ['fd00::/8'])).toBe(true);
    expect(inRanges('10.1.2.3', ['10.1.2.3'])).toBe(true);
    expect(inRanges('10.1.2.4', ['10.1.2.3'])).toBe(false);
  });

  it('lets no unreadable address through', () => {
    expect(inRanges(undefined, ['0.0.0.0/0'])).toBe(false);
    expect(inRanges('not-an-ip', ['0.0.0.0/0'])).toBe(false);
    expect(new IpRules({ allowedClients: ['10.0.0.0/8'], managementNetworks: [] }).clientAllowed('garbage')).toBe(
      false,
    );
  });

  it('admits any client without a list, and only the listed ones with one', () => {
    const open = new IpRules({ allowedClients: [], managementNetworks: ['127.0.0.0/8'] });
    expect(open.clientAllowed('192.0.2.9')).toBe(true);
    expect(open.fromManagementNetwork('127.0.0.1')).toBe(true);
    expect(open.fromManagementNetwork('192.0.2.9')).toBe(false);
    const closed = new IpRules({ allowedClients: ['10.0.0.0/8', '::1/128'], managementNetworks: [] });
    expect(closed.clientAllowed('10.9.9.9')).toBe(true);
    expect(closed.clientAllowed('::1')).toBe(true);
    expect(closed.clientAllowed('192.0.2.9')).toBe(false);
  });

  it('keeps a user with ranges of their own to them', () => {
    expect(IpRules.userAllowed('192.0.2.9', [])).toBe(true);
    expect(IpRules.userAllowed('10.3.0.7', ['10.3.0.0/24'])).toBe(true);
    expect(IpRules.userAllowed('10.4.0.7', ['10.3.0.0/24'])).toBe(false);
  });

  it('refuses a malformed range when the config is read', () => {
    expect(isRange('10.0.0.0/33')).toBe(false);
    expect(isRange('10.0.0/8')).toBe(false);
    expect(isRange('fd00::/8')).toBe(true);
    expect(() => new IpRules({ allowedClients: ['nonsense'], managementNetworks: [] })).toThrow();
  });
});
