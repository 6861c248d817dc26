import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A client's address as the socket reports it, IPv4-mapped IPv6 (`::ffff:10.1.2.3`) read as IPv4. */
function parseClient(ip: string | null | undefined): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (!ip) {
    return null;
  }
  try {
    return ipaddr.process(ip);
  } catch {
    return null;
  }
}

/** An address or CIDR range, strictly spelt; throws otherwise. */
export function parseRange(range: string): Range {
  const [host = '', bits] = range.split('/');
  // ipaddr.js also reads shorthand IPv4 (`10.0.0` = 10.0.0.0): a range in a security rule must be spelt out.
  if (!host.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(host)) {
    throw new Error(`"${range}" is not a dotted-quad IPv4 address or range`);
  }
  if (bits !== undefined) {
    return ipaddr.parseCIDR(range);
  }
  const address = ipaddr.parse(host);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Whether an address lies in one of the ranges; an unreadable address lies in none. */
export function inRanges(ip: string | null | undefined, ranges: readonly string[]): boolean {
  const address = parseClient(ip);
  if (address === null) {
    return false;
  }
  return ranges.some((r) => {
    const [net, bits] = parseRange(r);
    return net.kind() === address.kind() && address.match(net, bits);
  });
}

export interface IpRulesConfig {
  /** Addresses that may reach the center at all; empty: any. */
  allowedClients: readonly string[];
  /** The management networks, from which the `localOnly` functions work. */
  managementNetworks: readonly string[];
}

/**
 * Address rules of a center (S4, S5): which clients reach it at all, and
 * which count as the management network, where the functions an attacker
 * with a stolen administrator password would want (user management) work.
 * Ranges are checked when the config loads, so matching never throws.
 */
export class IpRules {
  constructor(private readonly config: IpRulesConfig) {
    for (const r of [...config.allowedClients, ...config.managementNetworks]) {
      parseRange(r);
    }
  }

  clientAllowed(ip: string | null | undefined): boolean {
    return this.config.allowedClients.length === 0 || inRanges(ip, this.config.allowedClients);
  }

  fromManagementNetwork(ip: string | null | undefined): boolean {
    return inRanges(ip, this.config.managementNetworks);
  }

  /** A user with address ranges of their own signs in and works only from them. */
  static userAllowed(ip: string | null | undefined, ranges: readonly string[]): boolean {
    return ranges.length === 0 || inRanges(ip, ranges);
  }
}

/** Whether a string is an address or CIDR range `IpRules` can use (for config validation). */
export function isRange(range: string): boolean {
  try {
    parseRange(range);
    return true;
  } catch {
    return false;
  }
}
