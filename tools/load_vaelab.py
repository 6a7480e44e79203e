#!/usr/bin/python3
"""Rebuilds a vaelab model in PyTorch from `vaelab-cli export --run DIR --out FILE.pt`: its PyTorch twin.

The export is a TorchScript archive with no methods: torch.jit.load(FILE).state_dict() holds the weights
under vaelab's module names and the string attributes vaelab_spec / vaelab_preset describe the model.
The twins (package vaelab_twins/, one module per variant family) build the same networks with the same
layer indices, so load_state_dict takes the weights as they are, and compute each variant's loss terms
from the spec and the papers, not from vaelab's C++ (vaelab_twins/__init__.py says what a twin provides).

    twin = load("run.pt")        # an nn.Module in eval mode; twin.spec is the exported spec

A variant without a twin raises NotImplementedError naming it.

With --check N it prints one JSON line: the negative ELBO and the loss terms of the first N test images of
Fashion-MNIST (with their labels), drawn as `vaelab-cli eval --run DIR --dataset fashion-mnist --limit N
--batch-size N --seed S --dequantize off` draws them after torch.manual_seed(S), so the two compare
number for number.

Run with Debian's python3-torch (/usr/bin/python3).
"""
import argparse
import gzip
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vaelab_twins import TWINS  # noqa: E402


def load(path: str) -> nn.Module:
    archive = torch.jit.load(path, map_location="cpu")
    if not hasattr(archive, "vaelab_spec"):
        raise SystemExit(f"{path}: not a vaelab export (no vaelab_spec); write one with `vaelab-cli export`")
    spec = json.loads(archive.vaelab_spec)
    if spec["variant"] not in TWINS:
        raise NotImplementedError(f"variant {spec['variant']!r} has no PyTorch twin yet (have: {sorted(TWINS)})")
    twin = TWINS[spec["variant"]](spec)
    twin.load_state_dict(archive.state_dict(), strict=True)
    twin.eval()
    return twin


def read_idx(path: str) -> torch.Tensor:
    """A gzip IDX file: images as float32 [N, 1, H, W] in [0, 1], labels as int64 [N]."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n = int.from_bytes(raw[0:4], "big"), int.from_bytes(raw[4:8], "big")
    if magic == 2049:
        return torch.frombuffer(bytearray(raw[8:8 + n]), dtype=torch.uint8).long()
    rows, cols = int.from_bytes(raw[8:12], "big"), int.from_bytes(raw[12:16], "big")
    pixels = torch.frombuffer(bytearray(raw[16:16 + n * rows * cols]), dtype=torch.uint8)
    return pixels.view(n, 1, rows, cols).float() / 255.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", help="a file written by `vaelab-cli export`")
    parser.add_argument("--check", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--fashion-root", default="/usr/share/datasets/fashion-mnist")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    twin = load(args.export)
    if args.check == 0:
        print(twin)
        return
    x = read_idx(f"{args.fashion_root}/t10k-images-idx3-ubyte.gz")[:args.check]
    y = read_idx(f"{args.fashion_root}/t10k-labels-idx1-ubyte.gz")[:args.check]
    with torch.no_grad():
        torch.manual_seed(args.seed)
        out = twin.check(x, y)
    out.update({"variant": twin.spec["variant"], "inputs": x.shape[0]})
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
