#!/usr/bin/env python3
"""Times the literature templates' setups in PyTorch on the CPU, for a side-by-side comparison with
`wb bench --only literature` (Scripts/bench --literature runs both, alternated).

- power2022, grokfast2024: TransformerLens-style 2-layer pre-LN transformer (d_model 128, 4 heads, d_mlp 512, exact GELU,
  no attention biases) on [a, b, =] of p = 97, every position through every layer; one optimizer step on a batch of 512
  (AdamW wd 1; Adam with coupled L2 0.005 and Grokfast-EMA α 0.98 λ 2). Timed per optimizer step.
- gromov2023: MLP 194→500→97, x², no biases, MSE against one-hot, AdamW; prieto2025-stablemax / -orthograd: MLP
  226→200→200→113, ReLU, StableMax / cross-entropy with ⊥Grad, AdamW. Timed per epoch: the full-batch step, then the
  test set evaluated (as `wb train` runs an epoch).

    python3 Scripts/pytorch_literature.py [--repeats 10] [--threads 2]
"""
import argparse
import math
import random
import statistics
import time

import torch


class Block(torch.nn.Module):
    def __init__(self, d, heads, d_mlp):
        super().__init__()
        dh = d // heads
        r = lambda *s: torch.nn.Parameter(torch.randn(*s) / math.sqrt(d))
        self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.W_Q, self.W_K, self.W_V, self.W_O = r(heads, d, dh), r(heads, d, dh), r(heads, d, dh), r(heads, dh, d)
        self.W_in, self.b_in = r(d, d_mlp), torch.nn.Parameter(torch.zeros(d_mlp))
        self.W_out, self.b_out = r(d_mlp, d), torch.nn.Parameter(torch.zeros(d))
        self.scale = math.sqrt(dh)

    def forward(self, x):
        h = self.ln1(x)
        q = torch.einsum("bpd,hde->bphe", h, self.W_Q)
        k = torch.einsum("bpd,hde->bphe", h, self.W_K)
        v = torch.einsum("bpd,hde->bphe", h, self.W_V)
        scores = torch.einsum("bqhe,bkhe->bhqk", q, k) / self.scale
        mask = torch.tril(torch.ones(3, 3, dtype=torch.bool))
        a = scores.masked_fill(~mask, float("-inf")).softmax(-1)
        z = torch.einsum("bhqk,bkhe->bqhe", a, v)
        x = x + torch.einsum("bqhe,hed->bqd", z, self.W_O)
        return x + torch.nn.functional.gelu(self.ln2(x) @ self.W_in + self.b_in) @ self.W_out + self.b_out


class Transformer(torch.nn.Module):
    def __init__(self, p, d=128, heads=4, d_mlp=512, layers=2):
        super().__init__()
        self.W_E = torch.nn.Parameter(torch.randn(p + 1, d) / math.sqrt(d))
        self.W_pos = torch.nn.Parameter(torch.randn(3, d) / math.sqrt(d))
        self.blocks = torch.nn.ModuleList([Block(d, heads, d_mlp) for _ in range(layers)])
        self.ln_final = torch.nn.LayerNorm(d)
        self.W_U = torch.nn.Parameter(torch.randn(d, p + 1) / math.sqrt(p + 1))

    def forward(self, tokens):
        x = self.W_E[tokens] + self.W_pos
        for block in self.blocks:
            x = block(x)
        return self.ln_final(x)[:, -1] @ self.W_U


class MLP(torch.nn.Module):
    def __init__(self, p, hidden, act, bias):
        super().__init__()
        widths = [2 * p] + hidden
        self.hidden = torch.nn.ModuleList([torch.nn.Linear(a, b, bias=bias) for a, b in zip(widths, widths[1:])])
        self.out = torch.nn.Linear(widths[-1], p, bias=bias)
        self.act = act
        self.p = p

    def forward(self, ab):
        x = torch.cat([torch.nn.functional.one_hot(ab[:, 0], self.p), torch.nn.functional.one_hot(ab[:, 1], self.p)], 1).float()
        for layer in self.hidden:
            x = layer(x)
            x = x * x if self.act == "quad" else torch.relu(x)
        return self.out(x)


def stablemax_ce(logits, y):
    z = logits.double()
    s = torch.where(z >= 0, z + 1, 1 / (1 - z))
    return -torch.log(s.gather(1, y[:, None]).squeeze(1) / s.sum(1)).mean()


def orthograd(params):
    for w in params:
        if w.grad is None:
            continue
        g, v = w.grad.view(-1), w.view(-1)
        proj = torch.dot(v, g) / (torch.dot(v, v) + 1e-30)
        g_orth = g - proj * v
        w.grad.copy_((g_orth * (g.norm() / (g_orth.norm() + 1e-30))).view_as(w.grad))


def pairs(p, frac, task):
    items = [(a, b) for a in range(p) for b in range(p) if task != "div" or b != 0]
    random.Random(0).shuffle(items)
    label = {"add": lambda a, b: (a + b) % p, "mul": lambda a, b: (a * b) % p,
             "div": lambda a, b: (a * pow(b, p - 2, p)) % p}[task]
    n = int(frac * len(items))
    ab = torch.tensor(items)
    y = torch.tensor([label(a, b) for a, b in items])
    return ab[:n], y[:n], ab[n:], y[n:]


def transformer_step_ms(name, p, task, optimizer, grokfast, repeats):
    train_ab, train_y, _, _ = pairs(p, 0.5, task)
    model = Transformer(p)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=0.005)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=1.0)
    tokens = torch.cat([train_ab[:512], torch.full((512, 1), p)], 1)
    labels = train_y[:512]
    ema = {}

    def step():
        loss = torch.nn.functional.cross_entropy(model(tokens).double(), labels)
        opt.zero_grad()
        loss.backward()
        if grokfast:
            for n, w in model.named_parameters():
                ema[n] = w.grad.detach().clone() if n not in ema else ema[n] * 0.98 + w.grad.detach() * 0.02
                w.grad = w.grad + ema[n] * 2.0
        opt.step()
    return timed(step, repeats)


def mlp_epoch_ms(p, frac, hidden, act, bias, loss_name, lr, wd, ortho, repeats):
    train_ab, train_y, test_ab, test_y = pairs(p, frac, "add")
    model = MLP(p, hidden, act, bias)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=wd)

    def loss_of(logits, y):
        if loss_name == "mse":
            return torch.nn.functional.mse_loss(logits.double(), torch.nn.functional.one_hot(y, p).double())
        if loss_name == "stablemax":
            return stablemax_ce(logits, y)
        return torch.nn.functional.cross_entropy(logits.double(), y)

    def epoch():
        loss = loss_of(model(train_ab), train_y)
        opt.zero_grad()
        loss.backward()
        if ortho:
            orthograd(model.parameters())
        opt.step()
        with torch.no_grad():
            loss_of(model(test_ab), test_y)
    return timed(epoch, repeats)


def timed(body, repeats):
    for _ in range(3):
        body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    r = args.repeats
    print(f"pytorch {torch.__version__}, {args.threads} threads")
    for name, task, opt, gf in [("power2022", "div", "adamw", False), ("grokfast2024", "mul", "adam", True)]:
        ms = transformer_step_ms(name, 97, task, opt, gf, r)
        print(f"{name}: {ms:.2f} ms per optimizer step (batch 512): {1000 / ms:.0f} steps/s")
    for name, args_ in [("gromov2023", (97, 0.5, [500], "quad", False, "mse", 1e-2, 5.0, False)),
                        ("prieto2025-stablemax", (113, 0.4, [200, 200], "relu", True, "stablemax", 1e-2, 0.0, False)),
                        ("prieto2025-orthograd", (113, 0.4, [200, 200], "relu", True, "ce", 1e-2, 0.0, True))]:
        ms = mlp_epoch_ms(*args_, r)
        print(f"{name}: {ms:.2f} ms per epoch: {1000 / ms:.0f} epochs/s")


if __name__ == "__main__":
    main()
