"""Pieces every twin shares, written from the spec (VARIANTS.md §0-1): the mlp and conv trunks with vaelab's
layer indices (so state_dict names match), the likelihoods' -log p(x | decoder output) and the closed-form KL
to N(0, I)."""
import math
from typing import List

import torch
from torch import nn
from torch.nn import functional as F


def activation(name: str) -> nn.Module:
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "elu": nn.ELU,
            "leaky_relu": lambda: nn.LeakyReLU(0.2)}[name]()


def shape_of(spec: dict) -> List[int]:
    s = spec["shape"]
    return [s["channels"], s["height"], s["width"]] if s.get("height", 0) > 0 else [s["features"]]


def stage_sizes(size: int, stages: int) -> List[int]:
    out = [size]
    for _ in range(stages):
        out.append(out[-1] // 2)
    return out


def encoder(spec: dict, out_features: int) -> nn.Sequential:
    arch, shape = spec["architecture"], shape_of(spec)
    layers: List[nn.Module] = []
    if arch["type"] == "mlp":
        layers.append(nn.Flatten())
        width = math.prod(shape)
    elif arch["type"] == "conv":
        channels = shape[0]
        for ch in arch["channels"]:
            layers += [nn.Conv2d(channels, ch, 4, stride=2, padding=1), activation(arch["activation"])]
            channels = ch
        layers.append(nn.Flatten())
        stages = len(arch["channels"])
        width = channels * stage_sizes(shape[1], stages)[-1] * stage_sizes(shape[2], stages)[-1]
    else:
        raise NotImplementedError(f"architecture {arch['type']!r} has no PyTorch twin yet")
    for hidden in arch["hidden"]:
        layers += [nn.Linear(width, hidden), activation(arch["activation"])]
        width = hidden
    layers.append(nn.Linear(width, out_features))
    return nn.Sequential(*layers)


def decoder(spec: dict, in_features: int) -> nn.Sequential:
    arch, shape = spec["architecture"], shape_of(spec)
    layers: List[nn.Module] = []
    width = in_features
    if arch["type"] == "mlp":
        for hidden in arch["hidden"][::-1]:
            layers += [nn.Linear(width, hidden), activation(arch["activation"])]
            width = hidden
        layers += [nn.Linear(width, math.prod(shape)), nn.Unflatten(1, shape)]
        return nn.Sequential(*layers)
    if arch["type"] != "conv":
        raise NotImplementedError(f"architecture {arch['type']!r} has no PyTorch twin yet")
    channels = arch["channels"]
    hs, ws = stage_sizes(shape[1], len(channels)), stage_sizes(shape[2], len(channels))
    for hidden in arch["hidden"][::-1]:
        layers += [nn.Linear(width, hidden), activation(arch["activation"])]
        width = hidden
    layers += [nn.Linear(width, channels[-1] * hs[-1] * ws[-1]), activation(arch["activation"]),
               nn.Unflatten(1, (channels[-1], hs[-1], ws[-1]))]
    for s in range(len(channels) - 1, -1, -1):
        out_ch = shape[0] if s == 0 else channels[s - 1]
        pad = (hs[s] - 2 * hs[s + 1], ws[s] - 2 * ws[s + 1])
        layers.append(nn.ConvTranspose2d(channels[s], out_ch, 4, stride=2, padding=1, output_padding=pad))
        if s != 0:
            layers.append(activation(arch["activation"]))
    return nn.Sequential(*layers)


def negative_log_likelihood(likelihood: dict, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """-log p(x | decoder output) per sample, summed over data dimensions."""
    kind = likelihood.get("type", "bernoulli")
    if kind == "bernoulli":
        return F.binary_cross_entropy_with_logits(out, x, reduction="none").flatten(1).sum(1)
    d = x[0].numel()
    if kind == "gaussian":
        s2 = likelihood.get("sigma2", 1.0)
        return (x - out).pow(2).flatten(1).sum(1) / (2 * s2) + 0.5 * d * math.log(2 * math.pi * s2)
    if kind == "laplace":
        b = likelihood.get("scale", 1.0)
        return (x - out).abs().flatten(1).sum(1) / b + d * math.log(2 * b)
    raise ValueError(f"unknown likelihood {kind!r}")


def kl_standard_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)
