// How the tests start the CLI: from source, in one node process (as the installed bin runs
// dist/): tsx loads the TypeScript, the @backprop/source condition the workspace packages.
// tests/consumer runs the installed bin itself.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Node arguments before the CLI's own: `spawn(process.execPath, [...RUN, 'train', …])`. */
export const RUN = ['--conditions=@backprop/source', '--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, MAIN];
