"""PyTorch twins of vaelab's variants, one module per variant family, each written from the spec
(VARIANTS.md) and the papers, not from vaelab's C++.

Every module defines VARIANTS = {variant name: twin class}. A twin class is an nn.Module built from the
exported spec (dict) whose state_dict names are vaelab's, with
    check(x, y) -> {"nelbo": float, "terms": {name: float}}
computing the per-sample-mean negative ELBO and the named loss terms of `vaelab-cli eval` with the same
random draws in the same order (the caller seeds torch first); y holds the labels (int64) or None; and
    training_loss(x, y, step) -> tensor
    after_step(x, y, step) -> None        (optional: discriminator steps, closed-form updates)
the differentiable objective of one training step and what the variant does after the optimiser step,
for bench_variant_throughput (our training step against the twin's).
This package finds the modules itself, so a new variant is a new file.
"""
import importlib
import pkgutil

TWINS = {}
for _info in pkgutil.iter_modules(__path__):
    if _info.name == "backbone":
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    TWINS.update(getattr(_module, "VARIANTS", {}))
