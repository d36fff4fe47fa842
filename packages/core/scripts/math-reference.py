#!/usr/bin/env python3
"""Reference values for src/math.test.ts: f(x) at 300+ bits with mpmath, rounded to the
nearest double h, plus the remainder (f(x) - h) in ulps of h. Inputs: seeded random draws
over each function's whole domain, dense near 0 and the thresholds, and special points.

  python3 scripts/math-reference.py N OUT.json      (the checked-in fixture: N = 600)
"""
import json, random, struct, sys
from mpmath import mp, mpf

mp.prec = 320

def bits(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]

def hexd(x):
    return '%016x' % bits(x)

def ulp(h):
    h = abs(h)
    if h < 2.2250738585072014e-308:
        return mpf(2) ** -1074
    m, e = mp.frexp(mpf(h))  # h = m·2^e, m in [0.5, 1)
    return mpf(2) ** (e - 53)

def as_double(v):
    """Nearest double of an mpf (overflow to inf), with the remainder in ulps."""
    if v == mp.inf or v > mpf('1.7976931348623158e308') * (1 + mpf(2) ** -54):
        return float('inf'), 0.0
    if v == -mp.inf or v < -mpf('1.7976931348623158e308') * (1 + mpf(2) ** -54):
        return float('-inf'), 0.0
    h = float(v)  # mpmath rounds to nearest
    return h, float((v - mpf(h)) / ulp(h))

def loguni(r, lo, hi):
    return 2.0 ** r.uniform(lo, hi)

F = {
    'exp': lambda x: mp.exp(x),
    'expm1': lambda x: mp.expm1(x),
    'log': lambda x: mp.log(x),
    'log1p': lambda x: mp.log1p(x),
    'softplus': lambda x: mp.log1p(mp.exp(x)),
    'sigmoid': lambda x: 1 / (1 + mp.exp(-x)),
    'tanh': lambda x: mp.tanh(x),
    'sin': lambda x: mp.sin(x),
    'cos': lambda x: mp.cos(x),
}

def inputs(name, n, r):
    s = lambda: r.choice((-1.0, 1.0))
    xs = []
    q = n // 4
    if name in ('exp',):
        xs += [r.uniform(-745.2, 709.8) for _ in range(2 * q)] + [s() * loguni(r, -60, 3) for _ in range(q)]
        xs += [r.uniform(-745.2, -700) for _ in range(q // 2)] + [r.uniform(700, 709.78) for _ in range(q // 2)]
    elif name == 'expm1':
        xs += [r.uniform(-40, 40) for _ in range(q)] + [s() * loguni(r, -60, 0) for _ in range(2 * q)] + [r.uniform(-50, 709.78) for _ in range(q)]
    elif name == 'log':
        xs += [loguni(r, -1074, 1024) for _ in range(q)] + [1 + s() * loguni(r, -52, -1) for _ in range(q)]
        xs += [r.uniform(0.5, 2) for _ in range(q)] + [loguni(r, -1074, -1022) for _ in range(q)]
    elif name == 'log1p':
        xs += [loguni(r, -60, 1023) for _ in range(q)] + [-loguni(r, -60, -1e-9) for _ in range(q)]
        xs += [r.uniform(-0.3, 0.42) for _ in range(q)] + [-1 + loguni(r, -53, -2) for _ in range(q)]
    elif name in ('softplus', 'sigmoid'):
        xs += [r.uniform(-40, 40) for _ in range(2 * q)] + [r.uniform(-800, 800) for _ in range(q)] + [s() * loguni(r, -60, 2) for _ in range(q)]
    elif name == 'tanh':
        xs += [s() * loguni(r, -60, 0) for _ in range(2 * q)] + [r.uniform(-23, 23) for _ in range(2 * q)]
    else:  # sin, cos
        xs += [r.uniform(-10, 10) for _ in range(q)] + [s() * loguni(r, -40, 19) for _ in range(q)]
        xs += [s() * loguni(r, 19, 1023) for _ in range(q)]
        pio2 = mp.pi / 2
        xs += [float(pio2 * r.randint(1, 1 << r.randint(1, 40))) for _ in range(q)]  # next to multiples of π/2
    return xs

def main():
    n = int(sys.argv[1])
    out = {}
    for i, (name, f) in enumerate(F.items()):
        r = random.Random(1000 + i)
        rows = []
        for x in inputs(name, n, r):
            mp.prec = 1300 if name in ('sin', 'cos') else 320
            h, frac = as_double(f(mpf(x)))
            rows.append([hexd(x), hexd(h), round(frac, 4)])
        out[name] = rows
    with open(sys.argv[2], 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))

main()
