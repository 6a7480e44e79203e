#!/usr/bin/python3
"""The fashion-vae model in plain PyTorch, as the reference for bench_training_throughput.

Same model as the preset: MLP encoder 784-512-256-(2x20), decoder 20-256-512-784, ReLU, Bernoulli
likelihood (binary cross-entropy with logits, summed over pixels), closed-form KL to N(0, I), both
per-sample means over the batch; Adam lr 1e-3. One training step = forward + loss + backward + Adam step,
on a fixed synthetic batch of uniform [0, 1) inputs.

Run with Debian's python3-torch (/usr/bin/python3) so that it uses the same LibTorch build and BLAS as
the C++ engine. Prints one JSON line: {"samples_per_second": ..., "steps": ..., "seconds": ...}; with
--limits also "limit_a" and "limit_b", the two sgemm-bound limits of bench_training_throughput.cpp measured
in this process (torch.mm / torch.addmm on the model's shapes, back to back), since on this VM a process
keeps a fast or a slow mode for its whole life.

With --fashion-epochs N it instead trains the model on Fashion-MNIST (the dataset-fashion-mnist package,
shuffled each epoch, the last partial batch kept as PyTorch's DataLoader does) and prints one JSON line
per epoch with the test negative ELBO (one z sample per test image, all 10k): the reference for
`vaelab-cli train --preset fashion-vae --epochs N` then `vaelab-cli eval`. As vaelab's trainer does
(engine/train/output_bias_init.h), the decoder's output bias starts at the logits of the training
images' mean; --default-output-bias keeps PyTorch's default initialisation instead.
"""
import argparse
import gzip
import json
import time

import torch
from torch import nn


class Vae(nn.Module):
    def __init__(self, dim=784, hidden=(512, 256), latent=20):
        super().__init__()
        self.latent = latent
        self.encoder = nn.Sequential(
            nn.Linear(dim, hidden[0]), nn.ReLU(),
            nn.Linear(hidden[0], hidden[1]), nn.ReLU(),
            nn.Linear(hidden[1], 2 * latent))
        self.decoder = nn.Sequential(
            nn.Linear(latent, hidden[1]), nn.ReLU(),
            nn.Linear(hidden[1], hidden[0]), nn.ReLU(),
            nn.Linear(hidden[0], dim))

    def nelbo(self, x):
        """Negative ELBO per sample, one z sample each."""
        h = self.encoder(x)
        mu, logvar = h[:, :self.latent], h[:, self.latent:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.decoder(z)
        recon = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)
        return recon + kl

    def loss(self, x):
        return self.nelbo(x).mean()


LAYERS = [(784, 512), (512, 256), (256, 40), (20, 256), (256, 512), (512, 784)]


DEVICE = torch.device("cpu")  # --device: where the model, the batch and the limits run


def sync():
    """Waits for the GPU's queued work (a timing on cuda); nothing on the CPU."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def seconds_per_pass(run_pass, min_seconds):
    for _ in range(20):
        run_pass()
    sync()
    reps, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds or reps < 50:
        run_pass()
        reps += 1
    sync()
    return (time.perf_counter() - start) / reps


def sgemm_limits(batch):
    """Samples/s if a step did only its GEMMs: (a) at the forward shapes' rate for 3 x the forward flops,
    (b) the step's own 17 GEMMs in Linear's layouts, as bench_training_throughput.cpp measures them."""
    forward_flops = sum(2.0 * i * o for i, o in LAYERS)
    a = [torch.rand(batch, i, device=DEVICE) for i, _ in LAYERS]
    b = [torch.rand(i, o, device=DEVICE) for i, o in LAYERS]
    rate = forward_flops * batch / seconds_per_pass(lambda: [torch.mm(p, q) for p, q in zip(a, b)], 1.0)
    w = [torch.rand(o, i, device=DEVICE) for i, o in LAYERS]
    bias = [torch.rand(o, device=DEVICE) for _, o in LAYERS]
    dy = [torch.rand(batch, o, device=DEVICE) for _, o in LAYERS]

    def step_gemms():
        for k in range(len(LAYERS)):
            torch.addmm(bias[k], a[k], w[k].t())
            if k > 0:
                torch.mm(dy[k], w[k])
            torch.mm(dy[k].t(), a[k])

    return rate / (3.0 * forward_flops), batch / seconds_per_pass(step_gemms, 1.0)


def read_idx_images(path):
    """Images of a gzip IDX file as float32 [N, 784] in [0, 1]."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if int.from_bytes(raw[0:4], "big") != 2051:
        raise SystemExit(f"{path}: not an IDX image file")
    n = int.from_bytes(raw[4:8], "big")
    pixels = torch.frombuffer(bytearray(raw[16:16 + n * 784]), dtype=torch.uint8)
    return pixels.view(n, 784).float() / 255.0


def train_on_fashion(args):
    train = read_idx_images(f"{args.fashion_root}/train-images-idx3-ubyte.gz")
    test = read_idx_images(f"{args.fashion_root}/t10k-images-idx3-ubyte.gz")
    model = Vae()
    if not args.default_output_bias:
        mean = train.mean(0).clamp(1e-3, 1.0 - 1e-3)
        with torch.no_grad():
            model.decoder[-1].bias.copy_(torch.log(mean) - torch.log1p(-mean))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, args.fashion_epochs + 1):
        model.train()
        order = torch.randperm(train.size(0))
        for begin in range(0, train.size(0), args.batch):
            optimizer.zero_grad()
            model.loss(train[order[begin:begin + args.batch]]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            nelbo = model.nelbo(test).mean().item()
        print(json.dumps({"epoch": epoch, "test_nelbo": nelbo, "seed": args.seed}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                        help="where the synthetic-batch benchmark runs (not --fashion-epochs)")
    parser.add_argument("--limits", action="store_true", help="also measure the sgemm-bound limits")
    parser.add_argument("--fashion-epochs", type=int, default=0,
                        help="train on Fashion-MNIST for N epochs and print the test nelbo per epoch")
    parser.add_argument("--fashion-root", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--default-output-bias", action="store_true",
                        help="--fashion-epochs: keep the decoder's default output bias (no data-mean init)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    global DEVICE
    DEVICE = torch.device(args.device)
    if args.fashion_epochs > 0:
        train_on_fashion(args)
        return
    limits = sgemm_limits(args.batch) if args.limits else None
    model = Vae().to(DEVICE)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(args.batch, 784, device=DEVICE)

    def step():
        optimizer.zero_grad(set_to_none=True)  # as vaelab's trainer clears them (PyTorch 2's default)
        loss = model.loss(x)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(args.warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    float(loss)  # the last step's result is used, so nothing is left pending
    seconds = time.perf_counter() - start
    result = {
        "samples_per_second": args.steps * args.batch / seconds,
        "steps": args.steps,
        "seconds": seconds,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }
    if DEVICE.type != "cpu":
        result["device"] = args.device
    if limits:
        result["limit_a"], result["limit_b"] = limits
    print(json.dumps(result))


if __name__ == "__main__":
    main()
