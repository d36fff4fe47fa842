// Worker entry: registers tsx so the TypeScript worker (and the core source it imports) loads.
import { register } from 'tsx/esm/api';

register();
await import('./wasm-worker.ts');
