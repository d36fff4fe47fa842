"""A plain numpy MLP doing the work of one backprop Trainer epoch, for bench/small.ts.

Same network (hidden tanh or relu, softmax + cross-entropy output), float32, plain SGD with the
mean gradient of each mini-batch, seeded shuffles, the same batch size and rows; W^[l] is
n^[l] x (n^[l-1]+1) with the bias in column 0, as in backprop. Prints one JSON line:
{"samples_per_s": best epoch rate, "loss": final epoch mean loss}.

    python3 numpy_mlp.py --sizes 2-8-8-2 --activation tanh --batch 10 --rows 4000 --epochs 6
"""
import argparse
import json
import time

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--sizes", required=True)
p.add_argument("--activation", default="tanh", choices=["tanh", "relu"])
p.add_argument("--batch", type=int, required=True)
p.add_argument("--rows", type=int, default=4000)
p.add_argument("--epochs", type=int, default=6)
p.add_argument("--lr", type=float, default=0.1)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
sizes = [int(s) for s in a.sizes.split("-")]
rng = np.random.default_rng(a.seed)
N, n0, nL = a.rows, sizes[0], sizes[-1]

# seeded data: inputs in [-1, 1), the class from a fixed rule of the inputs
X = rng.uniform(-1, 1, size=(N, n0)).astype(np.float32)
score = X @ np.linspace(1, -1, n0, dtype=np.float32)
labels = np.minimum(((score - score.min()) / (np.ptp(score) + 1e-9) * nL).astype(int), nL - 1)
Y = np.zeros((N, nL), dtype=np.float32)
Y[np.arange(N), labels] = 1

Ws = [(rng.standard_normal((sizes[l + 1], sizes[l] + 1)) * np.sqrt(2.0 / sizes[l])).astype(np.float32) for l in range(len(sizes) - 1)]
for W in Ws:
    W[:, 0] = 0
lr = np.float32(a.lr)
act = np.tanh if a.activation == "tanh" else (lambda z: np.maximum(z, 0))


def dact(z, h):
    return (1 - h * h) if a.activation == "tanh" else (z > 0).astype(np.float32)


best, loss = 0.0, 0.0
for epoch in range(a.epochs):
    order = rng.permutation(N)
    total = 0.0
    t0 = time.perf_counter()
    for s in range(0, N, a.batch):
        idx = order[s : s + a.batch]
        B = len(idx)
        x, y = X[idx], Y[idx]
        xs, nets = [x], []
        h = x
        for l, W in enumerate(Ws):
            z = h @ W[:, 1:].T + W[:, 0]
            nets.append(z)
            if l < len(Ws) - 1:
                h = act(z)
            else:
                z = z - z.max(axis=1, keepdims=True)
                e = np.exp(z)
                h = e / e.sum(axis=1, keepdims=True)
            xs.append(h)
        total += float(-(y * np.log(h + 1e-12)).sum())
        delta = h - y  # softmax + cross-entropy (one-hot rows)
        for l in range(len(Ws) - 1, -1, -1):
            W = Ws[l]
            xin = xs[l]
            dW = np.empty_like(W)
            dW[:, 0] = delta.sum(axis=0)
            dW[:, 1:] = delta.T @ xin
            if l > 0:
                delta = (delta @ W[:, 1:]) * dact(nets[l - 1], xs[l])
            W -= (lr / np.float32(B)) * dW
    dt = time.perf_counter() - t0
    if epoch > 0:  # the first epoch warms caches
        best = max(best, N / dt)
    loss = total / N
print(json.dumps({"samples_per_s": best, "loss": loss}))
