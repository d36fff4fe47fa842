#!/usr/bin/env node
// The `backprop` command: plain node runs the compiled CLI (dist/, built by tsc). No loader, no
// child process: signals reach the CLI itself. In the backprop repository,
// `pnpm --filter @backprop/cli dev <command>` runs src/ through tsx instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  // only an unbuilt checkout of the repository lacks it (every package tarball has dist/)
  process.stderr.write('backprop: dist/ is not built; run "pnpm --filter @backprop/cli... build", or "pnpm --filter @backprop/cli dev <command>" to run the source\n');
  process.exit(1);
}
await import(main.href);
