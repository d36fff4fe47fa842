#!/usr/bin/env python3
"""The constants and tables of src/math.ts and assembly/math.ts, from mpmath at 300+ bits.

  python3 scripts/math-constants.py      (prints them; math.ts holds the same literals)

Python's repr of a float is its shortest round-trip form, which JS and AssemblyScript parse to
the same double. Splits marked "k bits" are truncated so that n·hi is exact for the n in use.
"""
from mpmath import mp, mpf, floor, nint, log, pi, taylor, tanh, factorial

mp.prec = 300

def trunc_bits(x, bits):
    m, e = mp.frexp(x)
    return float(mp.ldexp(floor(m * 2**bits) / 2**bits, e))

def show(name, v):
    print(f'{name} = {v!r}')

N = 128
ln2N = log(2) / N
hi = trunc_bits(ln2N, 34)
show('INV_LN2_128', float(N / log(2)))
show('LN2_128_HI (34 bits)', hi)
show('LN2_128_LO', float(ln2N - hi))
show('T_HI[j] = 2^(j/128)', [float(mpf(2) ** (mpf(j) / N)) for j in range(N)])
show('T_LO[j]', [float(mpf(2) ** (mpf(j) / N) - float(mpf(2) ** (mpf(j) / N))) for j in range(N)])
logf = [log(1 + mpf(j) / 128) for j in range(129)]
lhi = [nint(v * 2**42) / mpf(2) ** 42 for v in logf]
show('LOGF_HI[j] = log(1 + j/128) to a multiple of 2^-42 (LN2_HI = LOGF_HI[128])', [float(h) for h in lhi])
show('LOGF_LO[j] (LN2_LO = LOGF_LO[128])', [float(v - h) for v, h in zip(logf, lhi)])
show('INV_F[j] = 1/(1 + j/128), IEEE division', [1 / (1 + j / 128) for j in range(129)])
p = pi / 2
p1 = trunc_bits(p, 33); p2 = trunc_bits(p - p1, 33); p3 = trunc_bits(p - p1 - p2, 33)
show('INV_PIO2', float(2 / pi))
show('PIO2_1..4 (33, 33, 33 bits, rest)', [p1, p2, p3, float(p - p1 - p2 - p3)])
show('PIO2_HI, PIO2_LO', [float(p), float(p - float(p))])
mp.prec = 1500
print('TWO_OVER_PI = floor(2/pi * 2^1280) =', hex(int(floor((2 / mp.pi) * mpf(2) ** 1280))))
mp.prec = 300
c = taylor(tanh, 0, 25)
show('tanh Taylor coefficients x^3 … x^25', [float(c[k]) for k in range(3, 26, 2)])
show('1/k! for k = 3 … 19', [float(1 / factorial(k)) for k in range(3, 20)])
show('2/(2n+1) for n = 1 … 4 (log series)', [2 / (2 * n + 1) for n in range(1, 5)])
