// Crafted model-file headers with a valid checksum: every null section, wrong type, missing
// field and huge number ends in a ModelFileError that names the field, never a TypeError,
// in loading, resuming and predicting.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackpropError, ModelFileError } from './errors.js';
import { loadModel, resumeTrainer, saveModel } from './modelfile.js';
import { Network } from './network.js';
import { spirals } from './test-utils/data.js';
import { forge } from './test-utils/forge.js';
import { Trainer } from './trainer.js';

/** A checkpoint with every header part present: preprocessing, adam state, early stopping, history, meta. */
async function checkpoint(): Promise<{ header: Record<string, unknown>; body: Uint8Array }> {
  const net = Network.create({ sizes: [2, 5, 2], activation: 'tanh' }, { seed: 1 });
  const t = new Trainer(net, { epochs: 3, batchSize: 8, optimizer: { name: 'adam', lr: 0.01 }, seed: 2, validationSplit: 0.25, earlyStopping: { patience: 5 } });
  const ctl = new AbortController();
  await t.fit(spirals(16, 3), { signal: ctl.signal, onBatch: (e) => e.step === 5 && ctl.abort() });
  const pre = { features: ['x', 'y'], normalization: { kind: 'zscore' as const, shift: [0.5, -1], scale: [2, 0.25] }, labels: ['a', 'b'], source: 'test' };
  const bytes = saveModel(net, { trainer: t, preprocessing: pre, meta: { cli: { data: 'spirals:3', seed: 2 } } });
  const H = new DataView(bytes.buffer).getUint32(8, true);
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + H))), body: bytes.slice(16 + H) };
}


type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every dotted path in a JSON value (objects and arrays included), e.g. "training.config.batchSize". */
function paths(x: Json, prefix = ''): string[] {
  if (x === null || typeof x !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(x)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.push(p, ...paths(v, p));
  }
  return out;
}

/** A deep copy with the value at `path` replaced (undefined: the key deleted). */
function mutate(h: Json, path: string, value: Json | undefined): Json {
  const copy = structuredClone(h) as Record<string, Json>;
  const keys = path.split('.');
  let node = copy;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, Json>;
  const last = keys[keys.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/**
 * Loads, resumes and predicts with a crafted file. Returns the error, or null when the file is
 * fine (e.g. a changed meta value). Anything but a BackpropError fails the test.
 */
function use(bytes: Uint8Array): BackpropError | null {
  try {
    const file = loadModel(bytes);
    file.net.predict(new Float64Array(file.net.nIn * 2), 2);
    if (file.training) resumeTrainer(file);
    return null;
  } catch (e) {
    if (!(e instanceof BackpropError)) throw new Error(`a crafted header gave ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    return e;
  }
}

/** The message names the field: its path, an ancestor of it, or (sections, sizes) the section or architecture. */
function namesField(message: string, path: string): boolean {
  const keys = path.split('.');
  for (let n = keys.length; n >= 1; n--) if (message.includes(keys.slice(0, n).join('.'))) return true;
  if (keys[0] === 'sections') return /section (params|bestParams|optimizer\.[mv])|no params section|lacks optimizer state/.test(message);
  if (keys[0] === 'spec') return /architecture|invalid network|spec\./.test(message);
  if (keys[0] === 'training' && keys[2] === 'vectors') return /optimizer state/.test(message);
  return false;
}

const REPLACEMENTS: { what: string; value: Json | undefined }[] = [
  { what: 'null', value: null },
  { what: 'missing', value: undefined },
  { what: 'a string', value: 'x' },
  { what: 'a boolean', value: true },
  { what: 'an empty array', value: [] },
  { what: 'an empty object', value: {} },
  { what: 'a huge number', value: 1e300 },
  { what: '2^53', value: 2 ** 53 },
  { what: 'a negative number', value: -1 },
  { what: 'a fraction', value: 0.5 },
  { what: 'zero', value: 0 },
];

describe('crafted model-file headers with a valid checksum', () => {
  it('every field set to null, removed, or given a wrong type or a huge number: a ModelFileError naming the field, never a TypeError', async () => {
    const { header, body } = await checkpoint();
    expect(use(forge(header, body))).toBeNull(); // the unmodified file is good
    const all = paths(header as Json).filter((p) => !p.startsWith('meta.cli.')); // meta is free-form: the CLI checks meta.cli
    expect(all.length).toBeGreaterThan(60);
    let refused = 0;
    let cases = 0;
    for (const path of all) {
      for (const r of REPLACEMENTS) {
        cases++;
        const err = use(forge(mutate(header as Json, path, r.value), body));
        if (err === null) continue; // harmless (e.g. an optional field removed, 0 where 0 is valid)
        expect(err, `${path} = ${r.what}: ${err.message}`).toBeInstanceOf(ModelFileError);
        expect(namesField(err.message, path), `${path} = ${r.what}: "${err.message}" does not name the field`).toBe(true);
        refused++;
      }
    }
    expect(cases).toBe(all.length * REPLACEMENTS.length);
    expect(refused / cases).toBeGreaterThan(0.8);
  });

  it('the sections a file needs cannot be null, missing or wrong: each named', async () => {
    const { header, body } = await checkpoint();
    const msg = (h: Json) => use(forge(h, body))?.message ?? '';
    expect(msg(mutate(header as Json, 'training', { config: null }))).toMatch(/header field training\.config is wrong/);
    expect(msg(mutate(header as Json, 'preprocessing.normalization', null))).toMatch(/header field preprocessing\.normalization is wrong \(invalid type: expected Object but received null\)/);
    expect(msg(mutate(header as Json, 'training.config.batchSize', -3))).toMatch(/header field training\.config\.batchSize is wrong \(invalid value: expected >=1 but received -3\)/);
    expect(msg(mutate(header as Json, 'spec.sizes.1', 1e12))).toMatch(/header field spec\.sizes\.1 is wrong/);
    expect(msg(mutate(header as Json, 'training.state.history.0.loss', 'low'))).toMatch(/training\.state\.history\.0\.loss/);
    expect(msg(mutate(header as Json, 'sections', null))).toMatch(/header field sections is wrong/);
    expect(msg(mutate(header as Json, 'preprocessing.features', ['x']))).toMatch(/preprocessing\.features has 1 names but the network takes 2 inputs/);
    expect(msg(mutate(header as Json, 'training.optimizer.vectors', ['v']))).toMatch(/training\.optimizer\.vectors is \[v\] but adam keeps \[m, v\]/);
    expect(msg(mutate(header as Json, 'training.config.seed', 2 ** 32))).toMatch(/training\.config\.seed/);
    expect(msg(mutate(header as Json, 'version', 2))).toMatch(/version 2 but the preamble says 1/);
  });

  it('property: any JSON value at any path is refused with a ModelFileError or is harmless', async () => {
    const { header, body } = await checkpoint();
    const all = paths(header as Json);
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const err = use(forge(mutate(header as Json, path, value as Json), body));
        if (err) expect(err, err.message).toBeInstanceOf(ModelFileError);
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});
