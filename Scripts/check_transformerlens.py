#!/usr/bin/env python3
"""Loads a wb transformer checkpoint into TransformerLens and compares its losses with the run's metrics.csv.

TransformerLens 4.x (no HookedTransformer): the TL-format state dict goes through `convert_tl_checkpoint` into
`TransformerBridge.boot_native`, with zeros for the attention and unembedding biases the native bridge always has.
TransformerLens 3.x: `HookedTransformer` with `load_state_dict(strict=False)`. Not part of Scripts/test (it needs
PyTorch and TransformerLens: `pip install torch transformer_lens`).

    python3 Scripts/check_transformerlens.py runs/NAME EPOCH
"""
import csv
import json
import random
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file


def split(config):
    """The run's split: Python's random.seed(data_seed); random.shuffle of the pairs (a-major), the first frac train."""
    p, task = config["p"], config.get("task", "add")
    items = [(a, b) for a in range(p) for b in range(p) if task not in ("div",) or b != 0]
    random.Random(config.get("data_seed", 0)).shuffle(items)
    n = int(config["frac"] * len(items))
    label = {"add": lambda a, b: (a + b) % p, "sub": lambda a, b: (a - b) % p, "mul": lambda a, b: (a * b) % p,
             "div": lambda a, b: (a * pow(b, p - 2, p)) % p}[task]
    def tensors(pairs):
        return torch.tensor([[a, b, p] for a, b in pairs]), torch.tensor([label(a, b) for a, b in pairs])
    return tensors(items[:n]), tensors(items[n:])


def main():
    run, epoch = sys.argv[1], int(sys.argv[2])
    path = f"{run}/checkpoints/{epoch}.safetensors"
    meta = safe_open(path, "pt").metadata()
    config = json.loads(meta["config"])
    weights = {k: v for k, v in load_file(path).items()
               if not k.startswith(("optimizer.", "grokfast.")) and k not in ("batch_rng", "train_indices")}
    fields = dict(n_layers=int(meta["n_layers"]), d_model=int(meta["d_model"]), n_heads=int(meta["n_heads"]),
                  d_head=int(meta["d_head"]), d_mlp=int(meta["d_mlp"]), d_vocab=int(meta["d_vocab"]),
                  d_vocab_out=int(meta["d_vocab_out"]), n_ctx=3, act_fn=meta["act_fn"],
                  normalization_type=meta.get("normalization_type"))
    try:
        from transformer_lens import HookedTransformer, HookedTransformerConfig
        model = HookedTransformer(HookedTransformerConfig(**fields))
        model.load_state_dict(weights, strict=False)
        version = "3.x HookedTransformer"
    except ImportError:
        from transformer_lens import TransformerBridge, TransformerBridgeConfig
        from transformer_lens.utilities.tl_checkpoint_conversion import convert_tl_checkpoint
        cfg = TransformerBridgeConfig(**fields, architecture="TransformerLensNative")
        for l in range(cfg.n_layers):
            for name, shape in [("b_Q", (cfg.n_heads, cfg.d_head)), ("b_K", (cfg.n_heads, cfg.d_head)),
                                ("b_V", (cfg.n_heads, cfg.d_head)), ("b_O", (cfg.d_model,))]:
                weights[f"blocks.{l}.attn.{name}"] = torch.zeros(shape)
        weights["unembed.b_U"] = torch.zeros(cfg.d_vocab_out)
        model = TransformerBridge.boot_native(cfg)
        model.load_state_dict(convert_tl_checkpoint(weights, cfg), strict=False)
        version = "4.x TransformerBridge.boot_native"
    (train_x, train_y), (test_x, test_y) = split(config)
    with torch.no_grad():
        losses = [torch.nn.functional.cross_entropy(model(x)[:, -1].double(), y).item()
                  for x, y in [(train_x, train_y), (test_x, test_y)]]
    row = next(r for r in csv.DictReader(open(f"{run}/metrics.csv")) if int(r["epoch"]) == epoch)
    ours = [float(row["train_loss"]), float(row["test_loss"])]
    print(f"TransformerLens {version}: train loss {losses[0]:.10g} (wb {ours[0]:.10g}), test loss {losses[1]:.10g} "
          f"(wb {ours[1]:.10g}); largest relative difference {max(abs(a - b) / b for a, b in zip(losses, ours)):.2e}")


if __name__ == "__main__":
    main()
