// Failed logins limited per client address: after `maxFailures` within `windowMs` the address is
// refused until the window since its first failure has passed, with a message saying how long.
// Bounded: at most `maxAddresses` are tracked, the oldest forgotten first.

export interface LoginLimiter {
  /** milliseconds the address must still wait, or 0 when it may try */
  retryAfter(address: string): number;
  failed(address: string): void;
  succeeded(address: string): void;
}

export function loginLimiter(o: { maxFailures?: number; windowMs?: number; maxAddresses?: number; now?: () => number } = {}): LoginLimiter {
  const maxFailures = o.maxFailures ?? 5;
  const windowMs = o.windowMs ?? 15 * 60_000;
  const maxAddresses = o.maxAddresses ?? 10_000;
  const now = o.now ?? Date.now;
  const failures = new Map<string, { first: number; count: number }>();
  const current = (address: string) => {
    const entry = failures.get(address);
    if (entry && now() - entry.first >= windowMs) {
      failures.delete(address);
      return undefined;
    }
    return entry;
  };
  return {
    retryAfter(address) {
      const entry = current(address);
      return entry && entry.count >= maxFailures ? entry.first + windowMs - now() : 0;
    },
    failed(address) {
      const entry = current(address);
      if (entry) entry.count++;
      else {
        if (failures.size >= maxAddresses) failures.delete(failures.keys().next().value!);
        failures.set(address, { first: now(), count: 1 });
      }
    },
    succeeded(address) {
      failures.delete(address);
    },
  };
}
