/** A real redis-server for the sweep tests: its own free localhost port, no persistence unless asked, stopped after. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** True when Redis answers PING on the port. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('error', () => resolve(false));
    c.once('connect', () => c.write('PING\r\n'));
    c.once('data', (d) => {
      c.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

/** True when something listens on the port. */
function open(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('error', () => resolve(false));
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
  });
}

export class RedisServer {
  private proc: ChildProcess | null = null;
  constructor(readonly port: number, private readonly args: string[] = ['--save', '', '--appendonly', 'no']) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  /** Starts it and waits until it answers (`plain` false: a TLS port, which a plain PING cannot reach; it waits for the port to open). */
  async start(plain = true): Promise<this> {
    this.proc = spawn('redis-server', [...(plain ? ['--port', String(this.port)] : []), '--bind', '127.0.0.1', ...this.args], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (plain ? await ping(this.port) : await open(this.port)) return this;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const done = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await done;
    this.proc = null;
  }
}

/** Sends one command (RESP) and returns the first reply line: enough to SET a key in a test. */
export function redisCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    c.once('error', reject);
    c.once('connect', () => c.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    c.once('data', (d) => {
      c.destroy();
      resolve(d.toString().split('\r\n')[0]);
    });
  });
}
