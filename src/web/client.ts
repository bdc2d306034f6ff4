// Who is asking: the client's address for rate limits. X-Forwarded-For is believed only when the
// operator says a proxy sets it; otherwise anyone could pick their own address per request.
import type { Context } from 'hono';

export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd;
  }
  // @hono/node-server puts the Node request in c.env; app.request() in tests has none
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}
