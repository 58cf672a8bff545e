#!/usr/bin/env python3
"""Independent NumPy implementation of the wb analyses (docs/analysis.md), used as a cross-check.

Reads a checkpoint of TransformerLens-named weights (default: the p=23 golden model,
Tests/WBAnalysisTests/Fixtures/p23_final.safetensors, a copy of the PyTorch fixture
Tests/WBTrainingTests/Fixtures/p23/final.safetensors), runs the plain position-by-position forward pass over all p²
inputs (no structured shortcuts), and writes every analysis value the Swift tests compare to a JSON fixture. Needs only
numpy and safetensors. Run it from the repository's root (the default paths are relative to it):

    python3 Scripts/analysis_reference.py [checkpoint.safetensors] [out.json]

The split is the paper's: Python random.seed(data_seed); random.shuffle(pairs); the first int(frac·p²) pairs train.
"""
import json
import random
import sys

import numpy as np
from safetensors.numpy import load_file

CHECKPOINT = sys.argv[1] if len(sys.argv) > 1 else "Tests/WBAnalysisTests/Fixtures/p23_final.safetensors"
OUT = sys.argv[2] if len(sys.argv) > 2 else "Tests/WBAnalysisTests/Fixtures/p23_reference.json"
FRAC, DATA_SEED, THRESHOLD = 0.3, 0, 0.85


def fourier_basis(p):
    """Rows: constant, then cos k, sin k for k = 1..(p-1)/2, each of unit norm (the paper code's order)."""
    x = np.arange(p)
    rows = [np.ones(p) / np.sqrt(p)]
    for k in range(1, (p - 1) // 2 + 1):
        c, s = np.cos(2 * np.pi * k * x / p), np.sin(2 * np.pi * k * x / p)
        rows += [c / np.linalg.norm(c), s / np.linalg.norm(s)]
    return np.stack(rows)


def forward(w, p):
    """Every position through every layer (TransformerLens shapes), float64. Returns post-ReLU MLP activations at '=',
    logits at '=' (all p+1 classes) and attention of '=' [N, heads, 3]."""
    a, b = np.divmod(np.arange(p * p), p)
    tokens = np.stack([a, b, np.full(p * p, p)], axis=1)
    x = w["embed.W_E"][tokens] + w["pos_embed.W_pos"][None]                       # [N, 3, d]
    q = np.einsum("npd,hde->nhpe", x, w["blocks.0.attn.W_Q"])
    k = np.einsum("npd,hde->nhpe", x, w["blocks.0.attn.W_K"])
    v = np.einsum("npd,hde->nhpe", x, w["blocks.0.attn.W_V"])
    scores = np.einsum("nhqe,nhke->nhqk", q, k) / np.sqrt(q.shape[-1])
    scores = np.where(np.tril(np.ones((3, 3), bool)), scores, -1e10)
    scores -= scores.max(-1, keepdims=True)
    att = np.exp(scores)
    att /= att.sum(-1, keepdims=True)
    z = np.einsum("nhqk,nhke->nhqe", att, v)
    mid = x + np.einsum("nhqe,hed->nqd", z, w["blocks.0.attn.W_O"])
    post = np.maximum(mid @ w["blocks.0.mlp.W_in"] + w["blocks.0.mlp.b_in"], 0)
    resid = mid + post @ w["blocks.0.mlp.W_out"] + w["blocks.0.mlp.b_out"]
    logits = resid @ w["unembed.W_U"]
    return post[:, 2], logits[:, 2], att[:, :, 2, :]


def cross_entropy(logits, labels):
    """Mean -log softmax over the given classes, float64, and accuracy."""
    m = logits.max(1, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(1)) + m[:, 0]
    loss = lse - logits[np.arange(len(labels)), labels]
    return float(loss.mean()), float((logits.argmax(1) == labels).mean())


def gini(c):
    c = np.sort(np.abs(np.asarray(c, float)))
    n = len(c)
    if c.sum() == 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(1 - 2 * np.sum((c / c.sum()) * (n - i + 0.5) / n))


def frequency_norms(component_norms):
    n = np.asarray(component_norms)
    return np.sqrt(n[1::2] ** 2 + n[2::2] ** 2)


def largest_gap(norms):
    """Sort descending; cut at the largest log-ratio between neighbours among the top half."""
    order = np.argsort(-norms, kind="stable")
    v = norms[order]
    limit = max(1, len(v) // 2)
    top = v[0]
    ratios = [np.log(v[i]) - np.log(max(v[i + 1], top * 1e-12)) for i in range(min(limit, len(v) - 1))]
    cut = int(np.argmax(ratios)) + 1
    gaps = sorted(ratios, reverse=True)
    return sorted(int(k) + 1 for k in order[:cut]), float(gaps[0] - gaps[1]) if len(gaps) > 1 else float("inf")


def main():
    w = {k: v.astype(np.float64) for k, v in load_file(CHECKPOINT).items() if not k.startswith("optimizer.")
         and k != "train_indices"}
    p = w["embed.W_E"].shape[0] - 1
    d_mlp = w["blocks.0.mlp.W_in"].shape[1]
    heads = w["blocks.0.attn.W_Q"].shape[0]
    K = (p - 1) // 2
    F = fourier_basis(p)

    pairs = list(range(p * p))
    random.seed(DATA_SEED)
    random.shuffle(pairs)
    cut = int(FRAC * p * p)
    train, test = np.array(pairs[:cut]), np.array(pairs[cut:])
    a, b = np.divmod(np.arange(p * p), p)
    labels = (a + b) % p

    neurons, logits_full, att = forward(w, p)
    L = logits_full[:, :p]

    # Embedding frequencies.
    E = w["embed.W_E"][:p]
    emb_components = np.linalg.norm(F @ E, axis=1)
    emb_freq = frequency_norms(emb_components)

    # Neuron clusters: full 2D transform of every centred neuron.
    N = neurons.reshape(p, p, d_mlp)
    N = N - N.mean(axis=(0, 1), keepdims=True)
    Nhat = np.einsum("ia,abn,jb->ijn", F, N, F)
    total = (Nhat ** 2).sum(axis=(0, 1))
    fractions = np.zeros((d_mlp, K))
    for k in range(1, K + 1):
        idx = [0, 2 * k - 1, 2 * k]
        fractions[:, k - 1] = (Nhat[np.ix_(idx, idx)] ** 2).sum(axis=(0, 1)) / np.where(total > 0, total, 1)
    best = fractions.argmax(1) + 1
    best_fraction = fractions.max(1)
    cluster = np.where(best_fraction > THRESHOLD, best, 0)

    # W_L and key frequencies.
    W_L = (w["blocks.0.mlp.W_out"] @ w["unembed.W_U"][:, :p]).T            # [p, d_mlp]
    wl_components = np.linalg.norm(F @ W_L, axis=1)
    wl_freq = frequency_norms(wl_components)
    logit_map_keys, logit_map_margin = largest_gap(wl_freq)
    emb_keys, emb_margin = largest_gap(emb_freq)
    keys, key_margin = emb_keys, emb_margin          # key_frequencies.keys: the gap rule on W_E (the Swift default)

    # Sum directions over the p² grid.
    def direction(k):
        s = (a + b) % p
        return np.sqrt(2) / p * np.cos(2 * np.pi * k * s / p), np.sqrt(2) / p * np.sin(2 * np.pi * k * s / p)

    def project(keyset):
        out = np.zeros_like(L)
        for k in keyset:
            c, s = direction(k)
            out += np.outer(c, c @ L) + np.outer(s, s @ L)
        return out

    P = project(keys)
    R = P + L.mean(0, keepdims=True)
    restricted_test, restricted_acc = cross_entropy(R[test], labels[test])
    restricted_all, _ = cross_entropy(R, labels)
    excluded, excluded_acc = cross_entropy((L - P)[train], labels[train])
    train_loss, train_acc = cross_entropy(L[train], labels[train])
    test_loss, test_acc = cross_entropy(L[test], labels[test])
    excluded_each = [cross_entropy((L - project([k]))[train], labels[train])[0] for k in keys]

    # cos(w_k(a+b-c)) coefficients, with the explicit p^3 cube.
    cgrid = np.arange(p)
    L3 = L.reshape(p, p, p)
    alphas = []
    for k in range(1, K + 1):
        cube = np.cos(2 * np.pi * k * (a.reshape(p, p, 1) + b.reshape(p, p, 1) - cgrid.reshape(1, 1, p)) / p)
        cube /= np.linalg.norm(cube)
        alphas.append(float((L3 * cube).sum()))
    alphas = np.array(alphas)
    centred = L - L.mean(1, keepdims=True)

    # Attention of '=' per head.
    att_on_a = att[:, :, 0].reshape(p, p, heads)
    A = att_on_a - att_on_a.mean(axis=(0, 1), keepdims=True)
    Ahat = np.einsum("ia,abn,jb->ijn", F, A, F)
    atotal = (Ahat ** 2).sum(axis=(0, 1))
    afrac = np.zeros((heads, K))
    for k in range(1, K + 1):
        idx = [0, 2 * k - 1, 2 * k]
        afrac[:, k - 1] = (Ahat[np.ix_(idx, idx)] ** 2).sum(axis=(0, 1)) / atotal

    # The same losses with a hand-given key set (exercises several frequencies at once).
    given = [2, 5, 8]
    Pg = project(given)
    given_losses = {
        "keys": given,
        "restricted_loss": cross_entropy((Pg + L.mean(0, keepdims=True))[test], labels[test])[0],
        "excluded_loss": cross_entropy((L - Pg)[train], labels[train])[0],
        "excluded_loss_per_frequency": [cross_entropy((L - project([k]))[train], labels[train])[0] for k in given],
    }

    sum_sq = float(sum((v ** 2).sum() for v in w.values()))

    out = {
        "checkpoint": CHECKPOINT.split("/")[-1], "p": p, "frac": FRAC, "data_seed": DATA_SEED, "threshold": THRESHOLD,
        "fourier_row_checks": {"constant": float(F[0, 0]), "cos1_at_0": float(F[1, 0]),
                               "max_abs_FFt_minus_I": float(np.abs(F @ F.T - np.eye(p)).max())},
        "embedding_component_norms": emb_components.tolist(),
        "embedding_frequency_norms": emb_freq.tolist(),
        "embedding_gap_keys": emb_keys, "embedding_gap_margin": emb_margin,
        "logit_map_frequency_norms": wl_freq.tolist(),
        "logit_map_keys": logit_map_keys, "logit_map_gap_margin": logit_map_margin,
        "keys": keys, "key_gap_margin": key_margin,
        "neuron_activation_samples": {str(i): neurons[i].tolist()[:8] for i in [0, 1, p + 2, p * p - 1]},
        "neuron_activation_mean": neurons.mean(0).tolist(),
        "neuron_fractions": fractions.tolist(),
        "best_frequency": best.tolist(), "best_fraction": best_fraction.tolist(), "cluster": cluster.tolist(),
        "restricted_loss": restricted_test, "restricted_accuracy": restricted_acc, "restricted_loss_all": restricted_all,
        "excluded_loss": excluded, "excluded_accuracy": excluded_acc,
        "train_loss": train_loss, "test_loss": test_loss, "train_accuracy": train_acc, "test_accuracy": test_acc,
        "excluded_loss_per_frequency": excluded_each,
        "given_keys": given_losses,
        "gini_embedding": gini(emb_freq), "gini_logit_map": gini(wl_freq),
        "sum_squared_weights": sum_sq,
        "logit_cosine_coefficients": alphas.tolist(),
        "logit_norm": float(np.linalg.norm(L)),
        "logit_explained_fraction": float((alphas ** 2).sum() / (centred ** 2).sum()),
        "attention_mean": att.mean(0).tolist(),
        "attention_pattern_fractions": afrac.tolist(),
    }
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {OUT}: keys {keys} (gap margin {key_margin:.3f}), clustered {np.mean(cluster > 0):.3f}, "
          f"restricted {restricted_test:.4f}, excluded {excluded:.4f}, test {test_loss:.4f}")


if __name__ == "__main__":
    main()
