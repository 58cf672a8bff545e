#!/usr/bin/env python3
"""A plain NumPy reproduction of wb's SGLD chains for the local learning coefficient (the paper's 1-layer transformer).

Written from the definitions in docs/llc.md, independently of wb's Swift and C code: Philox4x32-10 for the noise words,
Box-Muller in float32 with the same logarithm and sine/cosine polynomials, Python's random.Random for the minibatch
order, a float64 forward and hand-written backward pass of the model, and the SGLD step in float32. The noise and the
minibatches come out bit for bit as wb's; the losses agree to float64-versus-float32 rounding.

    python3 Scripts/llc_reference.py CHECKPOINT.safetensors OUT.json --p 23 --frac 0.3 --data-seed 0 \
        [--eps 1e-3 --gamma 100 --nbeta N --chains 2 --draws 100 --burnin 0 --batch 32|full --seed 0 --component all]

OUT.json gets, per chain, the loss of every step, and L(w*). Needs numpy and safetensors.
"""
import argparse
import json
import math
import random

import numpy as np
from safetensors.numpy import load_file

NAMES = ["embed.W_E", "pos_embed.W_pos", "blocks.0.attn.W_Q", "blocks.0.attn.W_K", "blocks.0.attn.W_V",
         "blocks.0.attn.W_O", "blocks.0.mlp.W_in", "blocks.0.mlp.b_in", "blocks.0.mlp.W_out", "blocks.0.mlp.b_out",
         "unembed.W_U"]
F = np.float32
M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox(counters, key):
    """Philox4x32-10 on an array of counters [n, 4] (uint64 holding 32-bit words) under key (k0, k1)."""
    c = [counters[:, i].astype(np.uint64) for i in range(4)]
    k0, k1 = key
    for r in range(10):
        if r > 0:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        p0 = np.uint64(M0) * c[0]
        p1 = np.uint64(M1) * c[2]
        hi0, lo0 = p0 >> np.uint64(32), p0 & np.uint64(MASK)
        hi1, lo1 = p1 >> np.uint64(32), p1 & np.uint64(MASK)
        c = [hi1 ^ c[1] ^ np.uint64(k0), lo1, hi0 ^ c[3] ^ np.uint64(k1), lo0]
    return np.stack(c, axis=1)


def uniform(words):
    return ((words >> np.uint64(8)) + np.uint64(1)).astype(F) * F(2.0 ** -24)


def log_unit(u):
    bits = u.view(np.uint32)
    e = ((bits >> np.uint32(23)) & np.uint32(0xFF)).astype(np.int32) - 127
    m = ((bits & np.uint32(0x007FFFFF)) | np.uint32(0x3F800000)).view(F)
    big = m > F(1.41421356)
    m = np.where(big, m * F(0.5), m)
    e = np.where(big, e + 1, e)
    s = (m - F(1)) / (m + F(1))
    s2 = s * s
    poly = F(0.11111111)
    for c in (0.14285714, 0.2, 0.33333334, 1.0):
        poly = poly * s2 + F(c)
    return e.astype(F) * F(0.69314718) + F(2) * s * poly


def sincos_turns(t):
    x = t * F(4)
    q = (x + F(0.5)).astype(np.int32)
    a = (x - q.astype(F)) * F(1.57079637)
    a2 = a * a
    sp = F(2.7557319e-6)
    for c in (-1.9841270e-4, 8.3333333e-3, -0.16666667, 1.0):
        sp = sp * a2 + F(c)
    sa = a * sp
    cp = F(2.4801587e-5)
    for c in (-1.3888889e-3, 4.1666668e-2, -0.5, 1.0):
        cp = cp * a2 + F(c)
    ca = cp
    quarter = q & 3
    cos = np.select([quarter == 0, quarter == 1, quarter == 2], [ca, -sa, -ca], sa)
    sin = np.select([quarter == 0, quarter == 1, quarter == 2], [sa, ca, -sa], -ca)
    return cos, sin


def gaussians(seed, chain, step, count):
    """Standard normals 0 ..< count of (seed, chain, step)."""
    blocks = (count + 3) // 4
    counters = np.zeros((blocks, 4), np.uint64)
    counters[:, 0] = np.arange(blocks)
    counters[:, 1] = step
    counters[:, 2] = chain
    words = philox(counters, (seed & MASK, seed >> 32))
    u = uniform(words)
    out = np.empty((blocks, 4), F)
    for pair in range(2):
        r = np.sqrt(F(-2) * log_unit(u[:, 2 * pair]))
        c, s = sincos_turns(u[:, 2 * pair + 1])
        out[:, 2 * pair], out[:, 2 * pair + 1] = r * c, r * s
    return out.reshape(-1)[:count]


def loss_and_gradient(w, a, b, labels, p, gradient=True):
    """Mean cross-entropy over all p+1 classes at '=' and its gradient, float64, position by position."""
    n = len(labels)
    W = {k: v.astype(np.float64) for k, v in w.items()}
    tokens = np.stack([a, b, np.full(n, p)], axis=1)
    x = W["embed.W_E"][tokens] + W["pos_embed.W_pos"][None]              # [n, 3, d]
    WQ, WK, WV, WO = (W["blocks.0.attn." + t] for t in ("W_Q", "W_K", "W_V", "W_O"))
    dh = WQ.shape[2]
    q = np.einsum("nd,hde->nhe", x[:, 2], WQ)                            # the '=' query only
    k = np.einsum("npd,hde->nhpe", x, WK)
    v = np.einsum("npd,hde->nhpe", x, WV)
    scores = np.einsum("nhe,nhpe->nhp", q, k) / math.sqrt(dh)
    scores -= scores.max(-1, keepdims=True)
    att = np.exp(scores)
    att /= att.sum(-1, keepdims=True)                                    # [n, h, 3]
    z = np.einsum("nhp,nhpe->nhe", att, v)
    r = x[:, 2] + np.einsum("nhe,hed->nd", z, WO)
    pre = r @ W["blocks.0.mlp.W_in"] + W["blocks.0.mlp.b_in"]
    hidden = np.maximum(pre, 0)
    r2 = r + hidden @ W["blocks.0.mlp.W_out"] + W["blocks.0.mlp.b_out"]
    logits = r2 @ W["unembed.W_U"]
    m = logits.max(1, keepdims=True)
    e = np.exp(logits - m)
    lse = np.log(e.sum(1)) + m[:, 0]
    loss = float(np.mean(lse - logits[np.arange(n), labels]))
    if not gradient:
        return loss, None
    g = {}
    dlogits = e / e.sum(1, keepdims=True)
    dlogits[np.arange(n), labels] -= 1
    dlogits /= n
    g["unembed.W_U"] = r2.T @ dlogits
    dr2 = dlogits @ W["unembed.W_U"].T
    g["blocks.0.mlp.W_out"] = hidden.T @ dr2
    g["blocks.0.mlp.b_out"] = dr2.sum(0)
    dpre = (dr2 @ W["blocks.0.mlp.W_out"].T) * (pre > 0)
    g["blocks.0.mlp.W_in"] = r.T @ dpre
    g["blocks.0.mlp.b_in"] = dpre.sum(0)
    dr = dr2 + dpre @ W["blocks.0.mlp.W_in"].T
    g["blocks.0.attn.W_O"] = np.einsum("nhe,nd->hed", z, dr)
    dz = np.einsum("nd,hed->nhe", dr, WO)
    datt = np.einsum("nhe,nhpe->nhp", dz, v)
    dv = att[..., None] * dz[:, :, None, :]
    dscores = att * (datt - (att * datt).sum(-1, keepdims=True)) / math.sqrt(dh)
    dq = np.einsum("nhp,nhpe->nhe", dscores, k)
    dk = dscores[..., None] * q[:, :, None, :]
    g["blocks.0.attn.W_Q"] = np.einsum("nd,nhe->hde", x[:, 2], dq)
    g["blocks.0.attn.W_K"] = np.einsum("npd,nhpe->hde", x, dk)
    g["blocks.0.attn.W_V"] = np.einsum("npd,nhpe->hde", x, dv)
    dx = np.einsum("nhpe,hde->npd", dk, WK) + np.einsum("nhpe,hde->npd", dv, WV)
    dx[:, 2] += np.einsum("nhe,hde->nd", dq, WQ) + dr
    g["pos_embed.W_pos"] = dx.sum(0)
    dWE = np.zeros_like(W["embed.W_E"])
    np.add.at(dWE, tokens.reshape(-1), dx.reshape(-1, dx.shape[-1]))
    g["embed.W_E"] = dWE
    return loss, g


def component_slices(name, w):
    """(tensor, flat slice) pairs a component covers, in buffer order (1-layer model: see ModelComponent)."""
    heads = w["blocks.0.attn.W_Q"].shape[0]
    attention = ["blocks.0.attn.W_" + t for t in "QKVO"]
    whole = lambda names: [(n, slice(0, w[n].size)) for n in names]
    if name == "all":
        return whole(NAMES)
    table = {"embed": ["embed.W_E"], "pos": ["pos_embed.W_pos"], "unembed": ["unembed.W_U"], "attn": attention,
             "mlp": ["blocks.0.mlp." + t for t in ("W_in", "b_in", "W_out", "b_out")]}
    if name in table:
        return whole(table[name])
    if name.startswith("head"):
        h = int(name[4:])
        return [(n, slice(h * (w[n].size // heads), (h + 1) * (w[n].size // heads))) for n in attention]
    raise SystemExit(f"unknown component {name}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--p", type=int, required=True)
    ap.add_argument("--frac", type=float, default=0.3)
    ap.add_argument("--data-seed", type=int, default=0)
    ap.add_argument("--eps", type=float, default=1e-3)
    ap.add_argument("--gamma", type=float, default=100.0)
    ap.add_argument("--nbeta", type=float, default=None)
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--burnin", type=int, default=0)
    ap.add_argument("--batch", default="32")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--component", default="all")
    args = ap.parse_args()

    p = args.p
    pairs = [a * p + b for a in range(p) for b in range(p)]
    random.seed(args.data_seed)
    random.shuffle(pairs)
    train = np.array(pairs[:int(args.frac * len(pairs))])
    batch = 0 if args.batch == "full" else int(args.batch)
    if batch == 0:
        train = np.sort(train)       # the order wb's trainer reads the full batch in
    a_all, b_all = train // p, train % p
    labels_all = (a_all + b_all) % p
    n = len(train)
    m = n if batch == 0 else batch
    nbeta = args.nbeta if args.nbeta is not None else m / math.log(m)

    start = {k: v.astype(F) for k, v in load_file(args.checkpoint).items() if k in NAMES}
    initial, _ = loss_and_gradient(start, a_all, b_all, labels_all, p, gradient=False)
    slices = component_slices(args.component, start)
    half_eps, sqrt_eps = F(args.eps / 2), F(math.sqrt(args.eps))
    beta, gamma = F(nbeta), F(args.gamma)
    chains = []
    for chain in range(args.chains):
        w = {k: v.copy() for k, v in start.items()}
        rng = random.Random(args.seed + (chain << 32))
        order, cursor = [], 0
        losses = []
        for step in range(args.burnin + args.draws):
            if batch == 0:
                idx = np.arange(n)
            else:
                if cursor >= len(order):
                    order = list(range(n))
                    rng.shuffle(order)
                    cursor = 0
                idx = np.array(order[cursor:cursor + batch])
                cursor += batch
            loss, g = loss_and_gradient(w, a_all[idx], b_all[idx], labels_all[idx], p)
            losses.append(loss)
            count = sum(s.stop - s.start for _, s in slices)
            z = gaussians(args.seed, chain, step, count)
            offset = 0
            for name, s in slices:
                flat, gs, ws = w[name].reshape(-1), g[name].astype(F).reshape(-1), start[name].reshape(-1)
                size = s.stop - s.start
                noise = z[offset:offset + size]
                drift = beta * gs[s] + gamma * (flat[s] - ws[s])
                flat[s] = (flat[s] - half_eps * drift) + sqrt_eps * noise
                offset += size
        draws = np.array(losses[args.burnin:])
        chains.append({"losses": losses, "llc": nbeta * (float(draws.mean()) - initial)})
    with open(args.out, "w") as f:
        json.dump({"initial_loss": initial, "nbeta": nbeta, "chains": chains,
                   "noise_check": gaussians(args.seed, 1, 7, 10).astype(float).tolist()}, f)


if __name__ == "__main__":
    main()
