import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

/**
 * Addresses an upstream call must not reach unless the operator allows private networks
 * (security.md item 1): loopback, RFC 1918, link-local (incl. cloud metadata 169.254.169.254),
 * CGNAT, unspecified, multicast, benchmarking, and their IPv6 counterparts. IPv4-mapped and NAT64
 * IPv6 forms are unwrapped and checked as IPv4.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family !== 6) return true; // not an IP: refuse rather than guess
  const lower = ip.toLowerCase();
  const mapped = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped?.[1] && hexMapped[2]) return blocked.check(hexToV4(hexMapped[1], hexMapped[2]), 'ipv4');
  const nat64 = /^64:ff9b::(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (nat64?.[1]) return blocked.check(nat64[1], 'ipv4');
  const nat64Hex = /^64:ff9b::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (nat64Hex?.[1] && nat64Hex[2]) return blocked.check(hexToV4(nat64Hex[1], nat64Hex[2]), 'ipv4');
  return blocked.check(ip, 'ipv6');
}

function hexToV4(hi: string, lo: string): string {
  const a = parseInt(hi, 16);
  const b = parseInt(lo, 16);
  return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
}

export class EgressBlockedError extends Error {
  readonly code = 'TOLLGATE_EGRESS_BLOCKED';
  constructor() {
    super('upstream address is in a private, loopback or link-local range; set allowPrivateNetwork to allow it');
    this.name = 'EgressBlockedError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls.connect that resolves, refuses private answers, and hands the checked
 * address to the socket: the IP that was checked is the IP that is dialled (no DNS rebinding gap).
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) {
      callback(err, []);
      return;
    }
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) {
      callback(new EgressBlockedError() as NodeJS.ErrnoException, []);
      return;
    }
    const [first] = list;
    if (options.all || !first) callback(null, list);
    else callback(null, first.address, first.family);
  });
}
