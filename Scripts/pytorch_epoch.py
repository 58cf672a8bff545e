#!/usr/bin/env python3
"""Times one epoch of the paper's setup in PyTorch on the CPU, for a side-by-side comparison with `wb bench`.

The model is the one of Nanda et al. 2023 as their code builds it: a 1-layer transformer on [a, b, =] (p + 1 tokens),
learned positional embeddings, no LayerNorm, 4 causal attention heads of d_head 32 (scaled by sqrt(d_head)), a ReLU MLP
with biases, every position run through every layer; full-batch AdamW (lr 1e-3, wd 1, betas 0.9/0.98) on the loss at
`=` (Float64 log-softmax), then the test set evaluated. One epoch = train step + test evaluation, as `wb bench` times it.

    python3 Scripts/pytorch_epoch.py [--epochs 20] [--threads N]
"""
import argparse
import math
import random
import statistics
import time

import torch


class Transformer(torch.nn.Module):
    def __init__(self, p=113, d_model=128, heads=4, d_mlp=512):
        super().__init__()
        d_head = d_model // heads
        vocab = p + 1
        scale = lambda *shape, fan: torch.nn.Parameter(torch.randn(*shape) / math.sqrt(fan))
        self.W_E = scale(vocab, d_model, fan=d_model)
        self.W_pos = scale(3, d_model, fan=d_model)
        self.W_Q = scale(heads, d_model, d_head, fan=d_model)
        self.W_K = scale(heads, d_model, d_head, fan=d_model)
        self.W_V = scale(heads, d_model, d_head, fan=d_model)
        self.W_O = scale(heads, d_head, d_model, fan=d_model)
        self.W_in = scale(d_model, d_mlp, fan=d_model)
        self.b_in = torch.nn.Parameter(torch.zeros(d_mlp))
        self.W_out = scale(d_mlp, d_model, fan=d_mlp)
        self.b_out = torch.nn.Parameter(torch.zeros(d_model))
        self.W_U = scale(d_model, vocab, fan=vocab)
        self.d_head = d_head
        self.register_buffer("mask", torch.tril(torch.ones(3, 3)))

    def forward(self, x):
        resid = self.W_E[x] + self.W_pos                                  # [batch, 3, d_model]
        q = torch.einsum("bpd,hde->bhpe", resid, self.W_Q)
        k = torch.einsum("bpd,hde->bhpe", resid, self.W_K)
        v = torch.einsum("bpd,hde->bhpe", resid, self.W_V)
        scores = torch.einsum("bhqe,bhke->bhqk", q, k) / math.sqrt(self.d_head)
        scores = scores.masked_fill(self.mask == 0, -1e10)
        pattern = scores.softmax(dim=-1)
        z = torch.einsum("bhqk,bhke->bhqe", pattern, v)
        resid = resid + torch.einsum("bhpe,hed->bpd", z, self.W_O)
        hidden = torch.relu(resid @ self.W_in + self.b_in)
        resid = resid + hidden @ self.W_out + self.b_out
        return resid @ self.W_U                                           # [batch, 3, vocab]


def loss_fn(logits, labels):
    logits = logits[:, -1].to(torch.float64)
    return -logits.log_softmax(dim=-1).gather(-1, labels[:, None]).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: PyTorch's own choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    p, frac = 113, 0.3
    torch.manual_seed(0)
    pairs = [(a, b) for a in range(p) for b in range(p)]
    random.seed(0)
    random.shuffle(pairs)
    cut = int(frac * len(pairs))
    def batch(part):
        x = torch.tensor([[a, b, p] for a, b in part])
        y = torch.tensor([(a + b) % p for a, b in part])
        return x, y
    train, test = batch(pairs[:cut]), batch(pairs[cut:])
    model = Transformer(p)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1.0, betas=(0.9, 0.98))
    times = []
    for epoch in range(args.warmup + args.epochs):
        start = time.perf_counter()
        loss = loss_fn(model(train[0]), train[1])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        with torch.inference_mode():
            loss_fn(model(test[0]), test[1])
        if epoch >= args.warmup:
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads; train pairs {cut}, test pairs {len(pairs) - cut}")
    print(f"epochs timed: {len(times)} after {args.warmup} warm-up; min {times[0]:.1f} ms, median {statistics.median(times):.1f} ms")
    print(f"pytorch_ms_per_epoch={statistics.median(times):.1f}")


if __name__ == "__main__":
    main()
