#!/usr/bin/env node
// The `backprop` command: plain node runs the compiled CLI (dist/, built by tsc). No loader, no
// child process: signals reach the CLI itself. In the backprop repository,
// `pnpm --filter @backprop/cli dev <command>` runs src/ through tsx instead.
import '../dist/main.js';
