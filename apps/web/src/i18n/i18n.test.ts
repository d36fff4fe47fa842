import { describe, expect, test } from 'vitest';
import { decodeState } from '../state.js';
import { planWorkers } from '../workers.js';
import { en } from './en.js';
import { pl } from './pl.js';

/** Texts that are the same in both languages on purpose (names, symbols, formulas). */
const SAME = new Set(['tanh + MSE', 'L1', 'L2']);
/** Keys whose text is notation only (optimizer rules, a digit and its prediction), or that take structured input (checked below). */
const SAME_KEYS = ['explain.adamRule', 'explain.momentumRule', 'explain.nesterovRule', 'digits.thumbLabel', 'problem', 'workers'];

/** Every leaf of a catalogue: strings as they are, functions called with sample arguments. */
function leaves(obj: unknown, path = ''): [string, string][] {
  if (typeof obj === 'string') return [[path, obj]];
  if (typeof obj === 'function') {
    const samples: unknown[][] = [[1, 2, 3, 4, 5, 6], [7, 7, 7, 7, 7, 7], ['sgd', 5, 'x', 'y', 'z', 'w'], [true, true, 1, 2, 'v'], [false, false, 1, 2, 'v']];
    return samples.flatMap((args, i) => {
      try {
        return [[`${path}(${i})`, String((obj as (...a: unknown[]) => unknown)(...args))] as [string, string]];
      } catch {
        return [];
      }
    });
  }
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
}

describe('Polish and English catalogues', () => {
  test('every English text has a Polish one that differs (no string left untranslated)', () => {
    const plTexts = new Map(leaves(pl));
    const untranslated = leaves(en).filter(([k, v]) => plTexts.get(k) === v && !SAME.has(v) && !SAME_KEYS.some((p) => k.startsWith(`${p}(`)) && /[a-z]{3,}/i.test(v.replace(/\\[a-z]+/g, '')));
    expect(untranslated).toEqual([]);
    expect([...plTexts.keys()].sort()).toEqual(leaves(en).map(([k]) => k).sort());
  });

  test('every kind of URL problem and worker reason has its own Polish text', () => {
    const problems = [...decodeState('ds=x&n=x&lr=x&pace=x&f=x&h=x').problems, ...decodeState('ds=plane&out=softmax').problems, ...decodeState('out=tanh').problems];
    expect(new Set(problems.map((p) => (p.kind === 'ignored' ? p.expected.kind : p.kind))).size).toBe(8);
    const reasons = [planWorkers(2, 10, 10, true, 2), planWorkers('auto', 10, 10, false, 2), planWorkers('auto', 10, 10, true, 2), planWorkers('auto', 256, 50_000, true, 2)].map((p) => p.reason);
    for (const x of [...problems.map((p) => [en.problem(p), pl.problem(p)]), ...reasons.map((r) => [en.workers(r), pl.workers(r)])]) {
      expect(x[1]).not.toBe(x[0]);
      expect(x[1].length).toBeGreaterThan(10);
    }
  });

  test('URL problems, worker reasons and plurals read correctly in Polish', () => {
    const { problems } = decodeState('ds=banana');
    expect(pl.problem(problems[0])).toBe('Pominięto ds="banana": oczekiwano jednej z wartości circle, xor, gauss, spiral, kspirals, blobs, plane, multigauss; użyto "circle".');
    expect(pl.controls.workersCount(1)).toBe('1 wątek');
    expect(pl.controls.workersCount(3)).toBe('3 wątki');
    expect(pl.controls.workersCount(5)).toBe('5 wątków');
    expect(pl.controls.workersCount(22)).toBe('22 wątki');
    expect(pl.workers(planWorkers('auto', 256, 50_890, true, 2).reason)).toBe('Partia 256 dzieli się na 8 części: 2 wątki na 2 rdzeniach.');
    expect(pl.controls.paceValue(1000)).toBe('1000 epok/s');
  });

  test('the lesson names the note\'s equations 0.1 and 0.2 in both languages', () => {
    for (const m of [en, pl]) {
      expect(m.lesson.lossMse).toContain('(0.1)');
      expect(m.lesson.lossCce).toContain('(0.2)');
    }
    expect(pl.lesson.phase.forward).toBe('Propagacja w przód');
    expect(pl.lesson.phase.backward).toBe('Propagacja wstecz');
  });
});
