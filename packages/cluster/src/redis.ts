/**
 * Redis connections: a redis:// or rediss:// (TLS) URL with an optional user and password (ACL),
 * a probe that fails within seconds when Redis is unreachable (BullMQ's own connections retry
 * forever, which is right for a restart and wrong for a typo), and the password masked wherever
 * a URL or an error is shown.
 */
import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { SweepError } from './errors.js';

export interface RedisTarget {
  url: string;
  /** The URL as it may be shown: the password replaced by ***. */
  shown: string;
  tls: boolean;
  /** A CA file for rediss:// with a private certificate authority (e.g. a test's). */
  ca?: string;
}

/** Replaces the password of every redis URL in `text` by ***. */
export function maskSecrets(text: string, target?: RedisTarget): string {
  let out = text.replace(/(rediss?:\/\/[^:@/\s]*:)[^@\s]+@/gi, '$1***@');
  if (target) {
    const pw = new URL(target.url).password;
    if (pw) out = out.split(decodeURIComponent(pw)).join('***').split(pw).join('***');
  }
  return out;
}

/** Checks a --redis URL: the scheme, a host, a port, database 0 … 15. */
export function parseRedisUrl(raw: string, ca?: string): RedisTarget {
  const shownRaw = maskSecrets(raw);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new SweepError(`--redis ${shownRaw} is not a URL; write redis://host:6379 (or rediss:// for TLS, redis://user:password@host:6379 with a password)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new SweepError(`--redis ${shownRaw}: the scheme must be redis:// or rediss:// (TLS), not ${u.protocol}//`);
  if (!u.hostname) throw new SweepError(`--redis ${shownRaw} names no host; write redis://host:6379`);
  if (u.port && !(Number(u.port) >= 1 && Number(u.port) <= 65535)) throw new SweepError(`--redis ${shownRaw}: port ${u.port} is not 1 … 65535`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new SweepError(`--redis ${shownRaw}: the path must be a database number (e.g. /0), not /${db}`);
  if (ca !== undefined && u.protocol !== 'rediss:') throw new SweepError(`--redis-ca applies to rediss:// (TLS) and the URL is ${u.protocol}//; use rediss:// or drop --redis-ca`);
  return { url: raw, shown: shownRaw, tls: u.protocol === 'rediss:', ca };
}

function options(t: RedisTarget, extra: RedisOptions): RedisOptions {
  const tls = t.tls ? { ...(t.ca ? { ca: readFileSync(t.ca) } : {}) } : undefined;
  return { ...(tls ? { tls } : {}), ...extra };
}

/** A connection for BullMQ: retries forever (a restarted Redis is reconnected to), says when it is lost and back. */
export function connect(t: RedisTarget, say: (line: string) => void, name: string): Redis {
  const r = new Redis(t.url, options(t, { maxRetriesPerRequest: null, connectionName: name, retryStrategy: (n) => Math.min(100 * n, 1000) }));
  let lost = false;
  r.on('error', (e: Error) => {
    if (!lost) say(maskSecrets(`lost the connection to Redis at ${t.shown} (${e.message}); reconnecting…`, t));
    lost = true;
  });
  r.on('close', () => {
    if (!lost && r.status !== 'end') say(`lost the connection to Redis at ${t.shown}; reconnecting…`);
    if (r.status !== 'end') lost = true;
  });
  r.on('ready', () => {
    if (lost) say(`reconnected to Redis at ${t.shown}`);
    lost = false;
  });
  // BullMQ duplicates the connection (blocking reads, queue events): those are said by this one, not as stack traces
  const duplicate = r.duplicate.bind(r);
  r.duplicate = (...args: Parameters<Redis['duplicate']>) => {
    const d = duplicate(...args);
    d.on('error', () => {});
    return d;
  };
  return r;
}

/** Connects once, within `ms`, and pings: a SweepError naming the URL (masked) and the reason otherwise. */
export async function probe(t: RedisTarget, ms = 3000): Promise<void> {
  const r = new Redis(t.url, options(t, { lazyConnect: true, connectTimeout: ms, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false }));
  let last: Error | null = null;
  r.on('error', (e: Error) => (last = e));
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms).unref());
  try {
    await Promise.race([r.connect().then(() => r.ping()), timer]);
  } catch (e) {
    const why = (last as Error | null)?.message ?? (e as Error).message;
    const hint = /NOAUTH|WRONGPASS|invalid username-password/i.test(why) ? 'check the user and password in the URL' : t.tls ? 'check that Redis listens with TLS there (and --redis-ca for a private CA)' : 'start redis-server there, or check the host and port';
    throw new SweepError(maskSecrets(`cannot reach Redis at ${t.shown}: ${why}; ${hint}`, t));
  } finally {
    r.disconnect();
  }
}
