#!/usr/bin/env python3
"""Cross-checks wb's SGLD estimate of the local learning coefficient against devinterp's.

For each requested epoch of a wb run this
  1. loads the checkpoint into a plain PyTorch copy of the model (embed.W_E, pos_embed.W_pos, blocks.0.attn.W_Q/K/V/O,
     blocks.0.mlp.W_in/b_in/W_out/b_out, unembed.W_U; no LayerNorm, ReLU, causal attention scaled by 1/sqrt(d_head),
     logits read at the '=' position) and asserts that its float64 training-set loss equals the NumPy forward pass of
     Scripts/llc_reference.py to 1e-5 relative (and its gradient on one minibatch to 1e-6);
  2. runs devinterp's `llc` (SGMCMC SGLD: lr = ε, localization = γ, n_beta = nβ given explicitly) with the same
     chains, steps and batch size as wb, timing it (torch.set_num_threads(--threads));
  3. reads wb's estimate for the same settings from its cache (runs/<name>/analysis/llc.v2/all/<tag>/<epoch>.json,
     which keeps every step's minibatch loss of every chain) or, if only an llc.csv is given, from that table;
     optionally (--wb-binary) runs wb itself first, one epoch per invocation, in a scratch copy of the run, so that
     its wall time per estimate is known. wb and PyTorch are never run at the same time.

How the two means differ, and what is compared.
  wb:        λ̂ = nβ (mean of the steps after burn-in − L(w*)), L(w*) = the loss over the whole training set.
  devinterp: `compute_llc` averages the loss of every step, burn-in included, and subtracts its own `init_loss`,
             the mean over `num_init_loss_batches` (32) minibatches drawn from a DataLoader with drop_last=True that
             is cycled (itertools.cycle replays the first shuffled pass), so not the training-set loss.
  The table therefore shows, from the per-step losses of both: wb over the draws (its own estimate), wb over all
  steps, devinterp as it reports itself, and devinterp over all steps and over the draws with L(w*) = training-set
  loss. Like is compared with like in the columns "all steps" (wb vs devinterp) and "after burn-in" (wb vs devinterp).
  Standard errors are wb's: sample standard deviation of the per-chain λ̂ / sqrt(chains) (devinterp's own `llc_std`
  is the population std of the chains, not an error of the mean).

The loss. devinterp 2.x wants `loss_fn(model, input_ids) -> [batch, seq-1]` and backpropagates its mean over both
axes. Each example is the token ids [a, b, p]; the loss is the cross-entropy at '=' over all p+1 classes. It is put in
the last of the two slots multiplied by (seq-1) = 2, the other slot 0, so that every mean devinterp takes (gradient,
init loss, per-step loss) equals the plain mean cross-entropy at '=' over the batch (checked below).

Run (from the repository root; needs torch, devinterp 2.x, safetensors, numpy):

    python3 Scripts/devinterp_compare.py /tmp/wbr-devinterp/demo --epochs 300,900,1500,2100,2700 \\
        --eps 3e-4 --gamma 100 --nbeta 82.07 --chains 4 --draws 200 --burnin 100 --batch 512 \\
        --wb-cache /tmp/wbr-devinterp/demo [--wb-binary /tmp/wb-llc] [--out-md table.md] [--out-json cmp.json]

--wb-cache takes a run folder, its analysis/llc.v2/all folder, or an llc.csv (then wb's all-steps λ̂ is unavailable).
--wb-log takes the saved output of wb runs to read wb's seconds from (`(N estimates computed, …, X s)`).
"""
import argparse
import glob
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from safetensors.numpy import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llc_reference  # noqa: E402  (the NumPy forward pass the PyTorch model is checked against)


# ---------------------------------------------------------------------------------------------------------------------
# The model, as plain PyTorch modules whose parameter names are wb's tensor names.

class _Holder(torch.nn.Module):
    """A module that only holds named parameters (so that state-dict keys read embed.W_E, blocks.0.mlp.b_in, …)."""

    def __init__(self, **shapes):
        super().__init__()
        for name, shape in shapes.items():
            setattr(self, name, torch.nn.Parameter(torch.zeros(*shape)))


class _Block(torch.nn.Module):
    def __init__(self, d, heads, d_head, d_mlp):
        super().__init__()
        self.attn = _Holder(W_Q=(heads, d, d_head), W_K=(heads, d, d_head), W_V=(heads, d, d_head),
                            W_O=(heads, d_head, d))
        self.mlp = _Holder(W_in=(d, d_mlp), b_in=(d_mlp,), W_out=(d_mlp, d), b_out=(d,))


class OneLayerTransformer(torch.nn.Module):
    """Nanda et al.'s 1-layer transformer as wb defines it. forward(tokens [B, 3]) -> logits at '=' [B, p+1].

    Only the '=' position is computed: with causal attention it is the one position that sees all three tokens, and
    no other position's output reaches the loss."""

    def __init__(self, p, d, heads, d_mlp):
        super().__init__()
        d_head = d // heads
        self.embed = _Holder(W_E=(p + 1, d))
        self.pos_embed = _Holder(W_pos=(3, d))
        self.blocks = torch.nn.ModuleList([_Block(d, heads, d_head, d_mlp)])
        self.unembed = _Holder(W_U=(d, p + 1))
        self.scale = 1.0 / math.sqrt(d_head)

    def forward(self, tokens):
        attn, mlp = self.blocks[0].attn, self.blocks[0].mlp
        x = self.embed.W_E[tokens] + self.pos_embed.W_pos                      # [B, 3, d]
        last = x[:, -1]                                                         # the '=' residual stream
        q = torch.einsum("bd,hde->bhe", last, attn.W_Q)
        k = torch.einsum("bsd,hde->bhse", x, attn.W_K)
        v = torch.einsum("bsd,hde->bhse", x, attn.W_V)
        pattern = torch.softmax(torch.einsum("bhe,bhse->bhs", q, k) * self.scale, dim=-1)   # '=' sees 0, 1, 2
        z = torch.einsum("bhs,bhse->bhe", pattern, v)
        resid = last + torch.einsum("bhe,hed->bd", z, attn.W_O)
        resid = resid + torch.relu(resid @ mlp.W_in + mlp.b_in) @ mlp.W_out + mlp.b_out
        return resid @ self.unembed.W_U


def make_loss_fn(p):
    """devinterp's per-token loss: [batch, 2], zeros in slot 0 and 2 × CE(at '=') in slot 1 (mean = mean CE)."""

    def loss_fn(model, input_ids):
        start = time.perf_counter()
        logits = model(input_ids)
        labels = (input_ids[:, 0] + input_ids[:, 1]) % p
        ce = torch.nn.functional.cross_entropy(logits.float(), labels, reduction="none")
        slots = input_ids.shape[1] - 1
        out = torch.stack([torch.zeros_like(ce)] * (slots - 1) + [ce * slots], dim=1)
        if not torch.is_grad_enabled():          # devinterp's init-loss batches (the chains' steps need gradients)
            loss_fn.no_grad_seconds += time.perf_counter() - start
        return out

    loss_fn.no_grad_seconds = 0.0
    return loss_fn


# ---------------------------------------------------------------------------------------------------------------------
# Data and checks.

def training_set(p, frac, data_seed):
    pairs = [a * p + b for a in range(p) for b in range(p)]
    random.seed(data_seed)
    random.shuffle(pairs)
    train = np.array(pairs[:int(frac * len(pairs))])
    return train // p, train % p


def load_model(path, cfg, dtype=torch.float32):
    weights = load_file(path)
    model = OneLayerTransformer(cfg["p"], cfg["d_model"], cfg["heads"], cfg["d_mlp"])
    state = {name: torch.from_numpy(weights[name].copy()) for name in llc_reference.NAMES}
    model.load_state_dict(state, strict=True)
    return model.to(dtype), {name: weights[name] for name in llc_reference.NAMES}


def check_model(model, weights, a, b, p, loss_fn):
    """Asserts the PyTorch model is the NumPy reference's model; returns (L(w*) float64, L(w*) float32)."""
    labels = (a + b) % p
    ref_loss, _ = llc_reference.loss_and_gradient(weights, a, b, labels, p, gradient=False)
    tokens = torch.from_numpy(np.stack([a, b, np.full_like(a, p)], axis=1))
    m64 = OneLayerTransformer(p, *_dims(weights)).double()
    m64.load_state_dict({k: v.double() for k, v in model.state_dict().items()})
    lab = torch.from_numpy(labels)
    loss64 = torch.nn.functional.cross_entropy(m64(tokens), lab).item()
    assert abs(loss64 - ref_loss) <= 1e-5 * abs(ref_loss), (loss64, ref_loss)
    # The gradient too, on the first 512 examples (float64, autograd vs the hand-written backward pass).
    n = min(512, len(a))
    _, ref_grad = llc_reference.loss_and_gradient(weights, a[:n], b[:n], labels[:n], p)
    m64.zero_grad()
    torch.nn.functional.cross_entropy(m64(tokens[:n]), lab[:n]).backward()
    for name, param in m64.named_parameters():
        diff = np.abs(param.grad.numpy() - ref_grad[name]).max()
        assert diff <= 1e-6 * max(np.abs(ref_grad[name]).max(), 1e-12), (name, diff)
    # The devinterp loss_fn's mean is the plain mean cross-entropy at '=' (float32, the precision it samples in).
    with torch.no_grad():
        slots = loss_fn(model, tokens)
        plain = torch.nn.functional.cross_entropy(model(tokens), lab)
    assert slots.shape == (len(a), 2)
    assert torch.allclose(slots.mean(), plain, rtol=1e-6, atol=0), (slots.mean().item(), plain.item())
    return loss64, plain.item()


def _dims(weights):
    heads, d, _ = weights["blocks.0.attn.W_Q"].shape
    return d, heads, weights["blocks.0.mlp.W_in"].shape[1]


# ---------------------------------------------------------------------------------------------------------------------
# wb's side.

def _same(x, y):
    return abs(float(x) - float(y)) <= 1e-9 * max(abs(float(x)), abs(float(y)), 1e-300)


def wb_estimate(cache, epoch, s):
    """wb's cached estimate for these settings: dict(initial_loss, llc, se, llc_all, llc_draws_recomputed) or None."""
    if cache.endswith(".csv"):
        csv_path, folders = cache, [os.path.join(os.path.dirname(cache), "analysis", "llc.v2", "all")]
    elif os.path.isdir(os.path.join(cache, "analysis")):
        csv_path, folders = os.path.join(cache, "llc.csv"), [os.path.join(cache, "analysis", "llc.v2", "all")]
    else:
        csv_path, folders = None, [cache]
    for path in sorted(glob.glob(os.path.join(folders[0], "*", f"{epoch}.json"))):
        est = json.load(open(path))["estimate"]
        st = est["settings"]
        if not (_same(st["eps"], s.eps) and _same(st["gamma"], s.gamma) and _same(st["nbeta"], s.nbeta)
                and st["chains"] == s.chains and st["draws"] == s.draws and st["burnin"] == s.burnin
                and str(st["batch"]) == str(s.batch) and est["component"] == "all"):
            continue
        used = [c for c in est["chains"] if not c["diverged"]]
        losses = np.array([c["losses"] for c in used])                      # [chains, burnin + draws]
        per_all = est["nbeta"] * (losses.mean(1) - est["initial_loss"])
        per_draws = est["nbeta"] * (losses[:, s.burnin:].mean(1) - est["initial_loss"])
        assert _close(per_draws.mean(), est["llc"]), (per_draws.mean(), est["llc"])
        return dict(initial_loss=est["initial_loss"], llc=est["llc"], se=est["standard_error"],
                    llc_all=per_all.mean(), se_all=_se(per_all), source=path)
    if csv_path and os.path.exists(csv_path):
        import csv
        for row in csv.DictReader(open(csv_path)):
            if (int(row["epoch"]) == epoch and row["component"] == "all" and _same(row["llc_eps"], s.eps)
                    and _same(row["llc_gamma"], s.gamma) and _same(row["llc_nbeta"], s.nbeta)
                    and int(row["llc_chains"]) == s.chains and int(row["llc_draws"]) == s.draws
                    and int(row["llc_burnin"]) == s.burnin and row["llc_batch"] == str(s.batch)):
                return dict(initial_loss=float(row["initial_loss"]), llc=float(row["llc"]),
                            se=float(row["standard_error"] or "nan"), llc_all=float("nan"), se_all=float("nan"),
                            source=csv_path)
    return None


def run_wb(binary, run_folder, epochs, s, scratch):
    """Runs wb once per epoch in a scratch copy of the run (no LLC caches); returns ({epoch: seconds}, run copy)."""
    name = os.path.basename(os.path.normpath(run_folder))
    runs = os.path.join(scratch, "wb-runs")
    copy = os.path.join(runs, name)
    shutil.copytree(run_folder, copy)
    shutil.rmtree(os.path.join(copy, "analysis", "llc.v2"), ignore_errors=True)
    if os.path.exists(os.path.join(copy, "llc.csv")):
        os.remove(os.path.join(copy, "llc.csv"))
    seconds = {}
    for e in epochs:
        command = (f"load {name}; range {e}..{e} step 1; analyze llc llc_eps={s.eps} llc_gamma={s.gamma} "
                   f"llc_nbeta={s.nbeta} llc_chains={s.chains} llc_draws={s.draws} llc_burnin={s.burnin} "
                   f"llc_batch={s.batch} llc_seed={s.wb_seed}")
        out = subprocess.run([binary, "--runs", runs, "-c", command], capture_output=True, text=True, check=True)
        seconds.update(parse_wb_log(out.stdout, [e]))
    return seconds, copy


def parse_wb_log(text, epochs=None):
    """Seconds per estimate from wb's output: each `(N estimates computed, M from the cache, X s)` line is shared
    evenly among the epochs whose table rows precede it (since the previous such line)."""
    seconds, pending = {}, []
    for line in text.splitlines():
        row = re.match(r"\s+(\d+)\s+all\s", line)
        if row:
            pending.append(int(row.group(1)))
        done = re.search(r"\((\d+) estimates? computed, (\d+) from the cache, ([\d.]+) s\)", line)
        if done:
            computed, total = int(done.group(1)), float(done.group(3))
            if computed:
                for e in pending:
                    seconds[e] = total / computed
            pending = []
    return {e: t for e, t in seconds.items() if epochs is None or e in epochs}


# ---------------------------------------------------------------------------------------------------------------------
# devinterp's side.

def devinterp_estimate(model, a, b, p, s, loss_fn, scratch, full_loss):
    from datasets import Dataset
    from devinterp.slt.llc import llc

    tokens = np.stack([a, b, np.full_like(a, p)], axis=1).astype(np.int64)
    dataset = Dataset.from_dict({"input_ids": tokens.tolist()}).with_format("torch")
    out = tempfile.mkdtemp(dir=scratch)
    loss_fn.no_grad_seconds = 0.0
    start = time.perf_counter()
    result = llc(model, dataset, {}, lr=s.eps, n_beta=s.nbeta, localization=s.gamma, num_chains=s.chains,
                 num_draws=s.draws, num_burnin_steps=s.burnin, batch_size=s.batch, init_seed=s.seed, device="cpu",
                 loss_fn=loss_fn, output_path=os.path.join(out, "samples.zarr"))
    trace = np.asarray(result.loss_trace.values, dtype=np.float64)              # [chains, burnin + draws]
    seconds = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    assert trace.shape == (s.chains, s.burnin + s.draws), trace.shape
    own_init = float(result.init_loss.values)
    per_all = s.nbeta * (trace.mean(1) - full_loss)
    per_draws = s.nbeta * (trace[:, s.burnin:].mean(1) - full_loss)
    native = np.asarray(result.llc_per_chain.values, dtype=np.float64)
    return dict(seconds=seconds, init_loss_seconds=loss_fn.no_grad_seconds, init_loss=own_init,
                native=float(result.llc_mean.values), native_se=_se(native),
                native_std=float(result.llc_std.values), llc_all=per_all.mean(), se_all=_se(per_all),
                llc=per_draws.mean(), se=_se(per_draws), per_chain_draws=per_draws.tolist(),
                finite=bool(np.isfinite(trace).all()))


def _se(x):
    x = np.asarray(x, dtype=np.float64)
    return float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else float("nan")


def _close(x, y):
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1.0)


# ---------------------------------------------------------------------------------------------------------------------

def table(rows, s):
    head = ("| epoch | L(w*) | devinterp init_loss | wb λ̂ ± se (draws) | devinterp λ̂ ± se (draws) | "
            "wb λ̂ ± se (all steps) | devinterp λ̂ ± se (all steps) | devinterp λ̂ as reported | wb s | "
            "devinterp s |")
    lines = [head, "|" + "---:|" * 10]
    fmt = lambda v, e: "n/a" if not np.isfinite(v) else f"{v:.1f} ± {e:.1f}"
    sec = lambda t: "n/a" if t is None else f"{t:.1f}"
    for r in rows:
        w, d = r["wb"], r["devinterp"]
        lines.append(f"| {r['epoch']} | {r['full_loss']:.3e} | {d['init_loss']:.3e} | "
                     f"{fmt(w['llc'], w['se']) if w else 'n/a'} | {fmt(d['llc'], d['se'])} | "
                     f"{fmt(w['llc_all'], w['se_all']) if w else 'n/a'} | {fmt(d['llc_all'], d['se_all'])} | "
                     f"{fmt(d['native'], d['native_se'])} | {sec(r.get('wb_seconds'))} | {d['seconds']:.1f} |")
    wb_t = [r["wb_seconds"] for r in rows if r.get("wb_seconds") is not None]
    di_t = [r["devinterp"]["seconds"] for r in rows]
    lines.append("")
    lines.append(f"SGLD: ε {s.eps}, γ {s.gamma}, nβ {s.nbeta}, {s.chains} chains × ({s.burnin} burn-in + {s.draws} "
                 f"draws), batch {s.batch}. 'draws' = mean over the steps after burn-in (wb's estimator); 'all steps' "
                 f"= mean over every step (devinterp's); both with L(w*) = training-set loss. 'as reported' = "
                 f"devinterp's llc_mean (all steps, its own init_loss). se = std(ddof=1) of per-chain λ̂ / "
                 f"√chains.")
    lines.append(f"Median seconds per estimate: wb {statistics.median(wb_t):.1f}" if wb_t else "wb seconds: n/a")
    di_init = statistics.median(r["devinterp"]["init_loss_seconds"] for r in rows)
    lines[-1] += (f", devinterp {statistics.median(di_t):.1f} (torch threads {s.threads}; of which its init-loss "
                  f"forwards {di_init:.1f}).")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="wb run folder (config.json, checkpoints/<epoch>.safetensors)")
    ap.add_argument("--epochs", required=True, help="comma-separated epochs")
    ap.add_argument("--eps", type=float, default=3e-4)
    ap.add_argument("--gamma", type=float, default=100.0)
    ap.add_argument("--nbeta", type=float, default=None, help="default batch / ln(batch), as both tools")
    ap.add_argument("--chains", type=int, default=4)
    ap.add_argument("--draws", type=int, default=200)
    ap.add_argument("--burnin", type=int, default=100)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--seed", type=int, default=100, help="devinterp init_seed (chain c uses seed + c)")
    ap.add_argument("--wb-seed", type=int, default=0, help="llc_seed for --wb-binary")
    ap.add_argument("--wb-cache", help="wb run folder, its analysis/llc.v2/all folder, or its llc.csv")
    ap.add_argument("--wb-binary", help="run this wb binary per epoch (in a scratch copy) for estimates and timings")
    ap.add_argument("--wb-log", help="saved wb output to read wb's seconds per estimate from")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out-md")
    ap.add_argument("--out-json")
    s = ap.parse_args()
    s.nbeta = s.nbeta if s.nbeta is not None else s.batch / math.log(s.batch)
    epochs = [int(e) for e in s.epochs.split(",")]

    cfg = json.load(open(os.path.join(s.run, "config.json")))["config"]
    assert cfg["task"] == "add", "the loss function reads the label as (a + b) mod p"
    p = cfg["p"]
    a, b = training_set(p, cfg["frac"], cfg["data_seed"])
    loss_fn = make_loss_fn(p)
    scratch = tempfile.mkdtemp(prefix="devinterp-compare-")

    wb_seconds = {}
    cache = s.wb_cache
    if s.wb_binary:                                   # first, alone: wb and PyTorch never share the cores
        wb_seconds, cache = run_wb(s.wb_binary, s.run, epochs, s, scratch)
    if s.wb_log:
        wb_seconds.update(parse_wb_log(open(s.wb_log).read(), epochs))

    torch.set_num_threads(s.threads)
    rows = []
    for e in epochs:
        model, weights = load_model(os.path.join(s.run, "checkpoints", f"{e}.safetensors"), cfg)
        full64, full32 = check_model(model, weights, a, b, p, loss_fn)
        wb = wb_estimate(cache, e, s) if cache else None
        if wb:
            assert abs(wb["initial_loss"] - full64) <= 1e-4 * full64, (wb["initial_loss"], full64)
        d = devinterp_estimate(model, a, b, p, s, loss_fn, scratch, full64)
        rows.append(dict(epoch=e, full_loss=full64, full_loss_f32=full32, wb=wb, devinterp=d,
                         wb_seconds=wb_seconds.get(e)))
        line = (f"epoch {e}: L(w*) {full64:.4e} (float32 {full32:.4e}), devinterp init_loss {d['init_loss']:.4e}; "
                f"devinterp λ̂ draws {d['llc']:.2f} ± {d['se']:.2f}, all steps {d['llc_all']:.2f}, "
                f"as reported {d['native']:.2f}; {d['seconds']:.1f} s (init-loss forwards "
                f"{d['init_loss_seconds']:.1f} s)")
        line += (f"; wb λ̂ draws {wb['llc']:.2f} ± {wb['se']:.2f}, all steps {wb['llc_all']:.2f}" if wb
                 else "; no wb estimate for these settings")
        print(line, flush=True)
    shutil.rmtree(scratch, ignore_errors=True)

    text = table(rows, s)
    print()
    print(text)
    if s.out_md:
        open(s.out_md, "w").write(text + "\n")
    if s.out_json:
        json.dump(dict(settings=vars(s), rows=rows), open(s.out_json, "w"), indent=1, default=float)


if __name__ == "__main__":
    main()
