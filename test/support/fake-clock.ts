// A fake clock for HTTP clients with spacing and backoff (src/sources/http-retry.ts): every wait is
// recorded and moves the clock on at once, each request takes `requestMs` of it, and no real time is
// waited or measured. Spread `clock.options` into the client's options.
export function fakeHttpClock(requestMs = 0) {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    options: {
      random: () => 0,
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
      fetch: (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
        const res = await fetch(input, init);
        now += requestMs;
        return res;
      }) as typeof fetch,
    },
  };
}
