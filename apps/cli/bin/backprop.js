#!/usr/bin/env node
// Runs the CLI from TypeScript source: node --conditions=@backprop/source --import tsx src/main.ts.
// A child process because resolve conditions can only be set when Node starts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--conditions=@backprop/source', '--import', tsx, main, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C in a terminal reaches the child too; a signal sent to this process only is forwarded.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
