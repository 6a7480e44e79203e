#!/usr/bin/python3
"""The fashion-vae model in plain PyTorch, as the reference for bench_training_throughput.

Same model as the preset: MLP encoder 784-512-256-(2x20), decoder 20-256-512-784, ReLU, Bernoulli
likelihood (binary cross-entropy with logits, summed over pixels), closed-form KL to N(0, I), both
per-sample means over the batch; Adam lr 1e-3. One training step = forward + loss + backward + Adam step,
on a fixed synthetic batch of uniform [0, 1) inputs.

Run with Debian's python3-torch (/usr/bin/python3) so that it uses the same LibTorch build and BLAS as
the C++ engine. Prints one JSON line: {"samples_per_second": ..., "steps": ..., "seconds": ...}.
"""
import argparse
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

    def loss(self, x):
        h = self.encoder(x)
        mu, logvar = h[:, :self.latent], h[:, self.latent:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.decoder(z)
        recon = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)
        return (recon + kl).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = Vae()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(args.batch, 784)

    def step():
        optimizer.zero_grad()
        loss = model.loss(x)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    float(loss)  # the last step's result is used, so nothing is left pending
    seconds = time.perf_counter() - start
    print(json.dumps({
        "samples_per_second": args.steps * args.batch / seconds,
        "steps": args.steps,
        "seconds": seconds,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
