// Per-key token buckets (per IP, per account+IP): a burst, then a steady rate. In memory, so each
// `paperboy serve` process counts on its own; the store's unique keys still hold across processes.

export interface RateLimit {
  /** true when the key may act now (and takes one token) */
  take(key: string): boolean;
  /** seconds until the key has a token again (0 when it has one) */
  retryAfter(key: string): number;
}

export function rateLimit(opts: { burst: number; perMinute: number; now?: () => number; maxKeys?: number }): RateLimit {
  const now = opts.now ?? Date.now;
  const rate = opts.perMinute / 60_000;
  const maxKeys = opts.maxKeys ?? 50_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (key: string) => {
    const t = now();
    const b = buckets.get(key) ?? { tokens: opts.burst, at: t };
    b.tokens = Math.min(opts.burst, b.tokens + (t - b.at) * rate);
    b.at = t;
    // oldest first: a flood of new keys forgets the keys idle longest, never the busy ones
    buckets.delete(key);
    buckets.set(key, b);
    if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
    return b;
  };
  return {
    take(key) {
      const b = refill(key);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    retryAfter(key) {
      const b = refill(key);
      return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / rate / 1000);
    },
  };
}
