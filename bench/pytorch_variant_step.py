#!/usr/bin/python3
"""One variant's training step in PyTorch, timed: the PyTorch side of bench_variant_throughput.

The model is the variant's PyTorch twin (tools/vaelab_twins/, built from the exported ModelSpec JSON,
`ModelSpec::to_json()`); one training step is
    optimizer.zero_grad(set_to_none=...); loss = twin.training_loss(x, y, step); loss.backward(); optimizer.step();
    twin.after_step(x, y, step)          (when the twin has one: discriminator steps, closed-form updates)
on a fixed synthetic batch: x uniform [0, 1) in the spec's shape, y uniform labels when the spec has
classes (num_classes > 0), else None. The optimiser is the preset's (--optimizer, OptimizerSpec JSON):
torch.optim.Adam / AdamW / SGD with its lr, weight decay and momentum and PyTorch's other defaults (Adam's
betas 0.9, 0.999, as vaelab's); it updates twin.generator_parameters() where the twin has them (the
adversarial variants keep their discriminator out), else all parameters.

The step counter starts at --first-step (default 100000), past every preset's warm-up (KL ramps, the
noise VAE's single-Gaussian phase), so the steady-state step is what is timed. A twin with a prior to fit
before its steady state (VaDE: fitted(), initialize_prior(codes)) gets it fitted on the batch's encoder
means first, untimed. --warmup steps (at least 1: optimisers create their state lazily) run untimed.

Prints one JSON line:
    {"samples_per_second", "steps", "seconds", "parameters" (in the optimiser), "threads", "torch",
     "phases_ms": {"forward_loss", "backward", "optimiser", "after_step"}   (per step, timed in the same loop),
     "fastest_window": {"samples_per_second", "phases_ms"}}
The timed steps run in WINDOWS consecutive windows; the fastest is the figure least touched by other
processes' bursts of load on a shared machine.
or, when the variant has no twin yet (or the twin raises NotImplementedError), {"skipped": "reason"}
with exit status 0. --probe builds the twin and runs one step only (what the C++ bench asks first).
--trace FILE profiles --steps more steps after the timed ones (torch.autograd.profiler, a chrome trace);
--compare-traces OURS PYTORCH --steps N prints the ops of two such traces side by side, by self time, then
the GEMMs' and convolutions' share and, with --pytorch-step-ms and --adam-floor-ms, two ceilings (with our
kernel times and with PyTorch's): the most ours could gain were all its other work free but an Adam step at
its memory-traffic floor.

Run with Debian's python3-torch (/usr/bin/python3): the same LibTorch build and BLAS as the C++ engine.
"""
import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
import types

import torch

WINDOWS = 5  # timed windows; the fastest is reported besides the whole run (as bench_variant_throughput)
TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")
sys.path.insert(0, TOOLS)


def load_twins():
    """{variant: twin class} and {module: import error}. Twins are written while this bench runs, so one
    module that does not import yet must not hide the others: when the package's own import fails, each
    module is imported on its own under a bare package."""
    try:
        from vaelab_twins import TWINS
        return TWINS, {}
    except Exception:  # noqa: BLE001 (any error in any module)
        pass
    for name in [n for n in sys.modules if n == "vaelab_twins" or n.startswith("vaelab_twins.")]:
        del sys.modules[name]
    package_dir = os.path.join(TOOLS, "vaelab_twins")
    package = types.ModuleType("vaelab_twins")
    package.__path__ = [package_dir]
    sys.modules["vaelab_twins"] = package
    twins, errors = {}, {}
    for info in pkgutil.iter_modules([package_dir]):
        if info.name == "backbone":
            continue
        try:
            module = importlib.import_module(f"vaelab_twins.{info.name}")
            twins.update(getattr(module, "VARIANTS", {}))
        except Exception as e:  # noqa: BLE001
            errors[info.name] = f"{type(e).__name__}: {e}"
    return twins, errors


def json_argument(text: str) -> dict:
    """A JSON object given inline or as a file path."""
    text = text.strip()
    if text.startswith("{"):
        return json.loads(text)
    with open(text) as f:
        return json.load(f)


def make_optimizer(spec: dict, params):
    kind = spec.get("type", "adam")
    lr = float(spec.get("lr", 1e-3))
    weight_decay = float(spec.get("weight_decay", 0.0))
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=float(spec.get("momentum", 0.0)), weight_decay=weight_decay)
    raise SystemExit(f"optimizer type {kind!r}: expected adam, adamw or sgd")


def self_times(path: str):
    """Self time (us) and count per op name in a chrome trace: each event's duration less its children's,
    per thread (LibTorch's RecordProfile and torch.autograd.profiler both write complete "X" events)."""
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = {}
    for e in events:
        if e.get("ph") == "X":
            by_thread.setdefault(e.get("tid"), []).append(e)
    total, count = {}, {}
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []
        for e in thread_events:
            start, duration = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] + stack[-1][1] <= start:
                stack.pop()
            if stack:
                total[stack[-1][2]] = total.get(stack[-1][2], 0.0) - duration
            total[e["name"]] = total.get(e["name"], 0.0) + duration
            count[e["name"]] = count.get(e["name"], 0) + 1
            stack.append((start, duration, e["name"]))
    return total, count


GEMM_OPS = ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm", "aten::addbmm")


def is_compute_kernel(name: str) -> bool:
    """The BLAS / oneDNN work of a step: matrix products and convolutions (any of their ATen entry points; self
    times are disjoint, so a parent's own share is not counted twice)."""
    return name in GEMM_OPS or "convolution" in name


def compare_traces(ours: str, theirs: str, steps: int, top: int, pytorch_step_ms: float = 0.0,
                   adam_floor_ms: float = 0.0) -> None:
    """The ops with the most self time over both traces, ms per step and calls per step on each side; then the
    compute kernels' share and, given PyTorch's measured step, the highest ratio ours could reach were
    everything but those kernels and an Adam step at its memory-traffic floor free."""
    a, ca = self_times(ours)
    b, cb = self_times(theirs)
    names = sorted(set(a) | set(b), key=lambda n: -(a.get(n, 0.0) + b.get(n, 0.0)))
    print(f"    {'op (self time)':44s} {'ours ms':>8s} {'calls':>6s} {'torch ms':>8s} {'calls':>6s}")
    for n in names[:top]:
        print(f"    {n[:44]:44s} {a.get(n, 0.0) / 1e3 / steps:8.2f} {ca.get(n, 0) // steps:6d} "
              f"{b.get(n, 0.0) / 1e3 / steps:8.2f} {cb.get(n, 0) // steps:6d}")
    print(f"    {'all ops':44s} {sum(a.values()) / 1e3 / steps:8.2f} {'':6s} {sum(b.values()) / 1e3 / steps:8.2f}")
    kernels_a = sum(t for n, t in a.items() if is_compute_kernel(n)) / 1e3 / steps
    kernels_b = sum(t for n, t in b.items() if is_compute_kernel(n)) / 1e3 / steps
    print(f"    GEMMs and convolutions: ours {kernels_a:.2f} ms per step, PyTorch {kernels_b:.2f}; every other op: "
          f"ours {sum(a.values()) / 1e3 / steps - kernels_a:.2f}, PyTorch {sum(b.values()) / 1e3 / steps - kernels_b:.2f}")
    if pytorch_step_ms > 0 and kernels_a > 0 and kernels_b > 0:
        floor_a, floor_b = kernels_a + adam_floor_ms, kernels_b + adam_floor_ms
        print(f"    ceiling: our GEMMs and convolutions {kernels_a:.2f} ms + the main optimiser's Adam at its "
              f"memory-traffic floor {adam_floor_ms:.2f}, everything else free: {floor_a:.2f} ms against PyTorch's "
              f"measured {pytorch_step_ms:.2f}, at most {pytorch_step_ms / floor_a:.2f}x; with PyTorch's own GEMM "
              f"and convolution times ({kernels_b:.2f} ms) at most {pytorch_step_ms / floor_b:.2f}x")


def skip(reason: str) -> None:
    print(json.dumps({"skipped": reason}), flush=True)
    sys.exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", help="ModelSpec JSON, inline or a file")
    parser.add_argument("--optimizer", default='{"type": "adam", "lr": 0.001}',
                        help="the preset's optimizer section (OptimizerSpec JSON), inline or a file")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first-step", type=int, default=100000)
    parser.add_argument("--zero-grad", choices=["none", "zeros"], default="none",
                        help="how zero_grad clears: none = set_to_none=True (PyTorch 2's default, and what vaelab's "
                             "trainer does: optim/released_gradients.h), zeros = torch 1.13's default")
    parser.add_argument("--probe", action="store_true", help="build the twin, run one step, print its size")
    parser.add_argument("--trace", help="after the timed steps, profile as many more and write a chrome trace")
    parser.add_argument("--compare-traces", nargs=2, metavar=("OURS", "PYTORCH"),
                        help="instead: print the ops of two such traces (of --steps steps each) side by side")
    parser.add_argument("--top", type=int, default=15, help="--compare-traces: how many ops")
    parser.add_argument("--pytorch-step-ms", type=float, default=0.0,
                        help="--compare-traces: PyTorch's measured step (ms), for the ceiling line")
    parser.add_argument("--adam-floor-ms", type=float, default=0.0,
                        help="--compare-traces: the memory-traffic floor of our main Adam step (ms), for the ceiling")
    args = parser.parse_args()
    if args.compare_traces:
        compare_traces(*args.compare_traces, args.steps, args.top, args.pytorch_step_ms, args.adam_floor_ms)
        return
    if not args.spec:
        raise SystemExit("--spec is required")
    if args.warmup < 1:
        raise SystemExit("--warmup: at least 1")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    spec = json_argument(args.spec)
    variant = spec["variant"]
    twins, errors = load_twins()
    if variant not in twins:
        broken = "; ".join(f"{m}: {e}" for m, e in sorted(errors.items()))
        skip(f"no PyTorch twin for {variant!r} yet" + (f" (modules that do not import: {broken})" if broken else ""))
    try:
        twin = twins[variant](spec)
    except NotImplementedError as e:
        skip(f"the {variant!r} twin cannot build this spec: {e}")
    twin.train()
    if not hasattr(twin, "training_loss"):
        skip(f"the {variant!r} twin has no training_loss yet")

    shape = spec["shape"]
    dims = [shape["channels"], shape["height"], shape["width"]] if shape.get("height", 0) > 0 else [shape["features"]]
    x = torch.rand(args.batch, *dims)
    classes = int(spec.get("num_classes", 0))
    y = torch.randint(classes, (args.batch,)) if classes > 0 else None

    params = list(twin.generator_parameters()) if hasattr(twin, "generator_parameters") else list(twin.parameters())
    optimizer = make_optimizer(json_argument(args.optimizer), params)
    after_step = getattr(twin, "after_step", None)
    if hasattr(twin, "initialize_prior") and hasattr(twin, "fitted") and not twin.fitted():
        with torch.no_grad():
            twin.initialize_prior(twin.encode(x)[0])

    phases = [0.0, 0.0, 0.0, 0.0]
    set_to_none = args.zero_grad == "none"

    def step(i: int, timed: bool):
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=set_to_none)
        loss = twin.training_loss(x, y, args.first_step + i)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        if after_step is not None:
            after_step(x, y, args.first_step + i)
        if timed:
            t4 = time.perf_counter()
            phases[0] += t1 - t0
            phases[1] += t2 - t1
            phases[2] += t3 - t2
            phases[3] += t4 - t3
        return loss

    try:
        step(0, False)
    except NotImplementedError as e:
        skip(f"the {variant!r} twin's training step is not implemented: {e}")
    parameters = sum(p.numel() for p in params)
    if args.probe:
        print(json.dumps({"ok": True, "parameters": parameters}), flush=True)
        return
    for i in range(1, args.warmup):
        step(i, False)
    names = ("forward_loss", "backward", "optimiser", "after_step")
    windows = min(WINDOWS, args.steps)
    totals, seconds, best, i = [0.0] * 4, 0.0, None, args.warmup
    for w in range(windows):
        n = args.steps // windows + (1 if w < args.steps % windows else 0)
        phases[:] = [0.0] * 4
        start = time.perf_counter()
        for _ in range(n):
            loss = step(i, True)
            i += 1
        float(loss)  # the last step's result is used, so nothing is left pending
        dt = time.perf_counter() - start
        seconds += dt
        totals = [a + b for a, b in zip(totals, phases)]
        if best is None or n * args.batch / dt > best["samples_per_second"]:
            best = {"samples_per_second": n * args.batch / dt,
                    "phases_ms": {name: 1e3 * t / n for name, t in zip(names, phases)}}
    print(json.dumps({
        "samples_per_second": args.steps * args.batch / seconds,
        "steps": args.steps,
        "seconds": seconds,
        "parameters": parameters,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "phases_ms": {name: 1e3 * t / args.steps for name, t in zip(names, totals)},
        "fastest_window": best,
    }), flush=True)
    if args.trace:
        with torch.autograd.profiler.profile() as profile:
            for _ in range(args.steps):
                step(i, False)
                i += 1
        profile.export_chrome_trace(args.trace)


if __name__ == "__main__":
    main()
