// Loopback source addresses for a fleet of virtual phones: Linux routes all of 127.0.0.0/8 to
// the loopback interface, so phones on one machine can each send from their own address, as a
// real fleet does, and a server's per-source limits meet them as many hosts, not one.

/** 127.0.0.0/8 less its network and broadcast addresses */
export const MAX_SOURCE_ADDRESSES = 2 ** 24 - 2;

/** The k-th loopback source address, from 127.0.0.1 on. */
export function loopbackSource(k: number): string {
  const n = (k % MAX_SOURCE_ADDRESSES) + 1;
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** True for an IPv4 address in 127.0.0.0/8: the only servers phones sending from loopback addresses can reach. */
export function isLoopbackV4(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host.split(".").every((b) => Number(b) <= 255);
}
