#!/usr/bin/python3
"""Writes a PyTorch VAE in the TorchScript format vaelab opens (README: "Opening PyTorch models").

The model is the reference MLP VAE of bench/pytorch_vae_reference.py (784-512-256-(2x20), Bernoulli).
It is trained --epochs epochs on Fashion-MNIST (the dataset-fashion-mnist package; 0 keeps the seeded
initial weights), wrapped so that the scripted module has what vaelab reads:

    encode(x) -> (mu, logvar)      x: [B, 1, 28, 28] or [B, 784] in [0, 1]
    decode(z) -> x_hat             probabilities, [B, 1, 28, 28]
    latent_dim: int, input_shape: List[int], likelihood: str, name: str

and saved with torch.jit.script(...).save(--out). Then:

    vaelab-cli eval --model OUT --dataset fashion-mnist        # indicators, health, nelbo
    vaelab OUT                                                 # the views (or drop the file on the app)

With --check N it also prints one JSON line: the mean negative ELBO of the first N test images, computed
from the saved file (torch.jit.load) with eps = torch.randn(N, latent) right after torch.manual_seed(--seed)
-- the draw `vaelab-cli eval --model OUT --dataset fashion-mnist --limit N --batch-size N --seed S
--dequantize off` makes -- so the two can be compared number for number.

Run with Debian's python3-torch (/usr/bin/python3).
"""
import argparse
import json
import os
import sys
from typing import List, Tuple

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from pytorch_vae_reference import Vae, read_idx_images  # noqa: E402


class ScriptableVae(nn.Module):
    """The reference VAE behind vaelab's TorchScript interface."""

    def __init__(self, vae: Vae, name: str):
        super().__init__()
        self.encoder = vae.encoder
        self.decoder = vae.decoder
        self.latent_dim = vae.latent
        self.input_shape = [784]
        self.likelihood = "bernoulli"
        self.name = name

    @torch.jit.export
    def encode(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x.reshape(x.shape[0], 784))
        return h[:, :self.latent_dim], h[:, self.latent_dim:]

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.decoder(z)).reshape(z.shape[0], 1, 28, 28)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x)[0])


def train(model: Vae, images: torch.Tensor, epochs: int, batch: int) -> None:
    mean = images.mean(0).clamp(1e-3, 1.0 - 1e-3)
    with torch.no_grad():
        model.decoder[-1].bias.copy_(torch.log(mean) - torch.log1p(-mean))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, epochs + 1):
        order = torch.randperm(images.size(0))
        for begin in range(0, images.size(0), batch):
            optimizer.zero_grad()
            model.loss(images[order[begin:begin + batch]]).backward()
            optimizer.step()
        print(f"epoch {epoch}: last batch loss {model.loss(images[order[-batch:]]).item():.2f}", file=sys.stderr)


def nelbo_of_file(path: str, x: torch.Tensor, seed: int) -> float:
    """Mean negative ELBO of the scripted file on x: one z = mu + sigma * eps per input, Bernoulli -log p."""
    module = torch.jit.load(path)
    module.eval()
    with torch.no_grad():
        mu, logvar = module.encode(x)
        torch.manual_seed(seed)
        eps = torch.randn(mu.shape)
        z = mu + torch.exp(0.5 * logvar) * eps
        p = module.decode(z).reshape(x.shape[0], -1)
        recon = nn.functional.binary_cross_entropy(p, x, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)
        return (recon + kl).mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the .pt file to write")
    parser.add_argument("--epochs", type=int, default=1, help="training epochs on Fashion-MNIST (0: untrained)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--fashion-root", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--check", type=int, default=0, metavar="N",
                        help="print the mean negative ELBO of the first N test images (see above)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    model = Vae()
    if args.epochs > 0:
        train(model, read_idx_images(f"{args.fashion_root}/train-images-idx3-ubyte.gz"), args.epochs, args.batch)
    model.eval()
    name = f"reference MLP VAE, {args.epochs} epoch(s) on Fashion-MNIST in PyTorch {torch.__version__}"
    scripted = torch.jit.script(ScriptableVae(model, name))
    scripted.save(args.out)
    if args.check > 0:
        test = read_idx_images(f"{args.fashion_root}/t10k-images-idx3-ubyte.gz")[:args.check]
        print(json.dumps({"nelbo": nelbo_of_file(args.out, test, args.seed), "inputs": args.check,
                          "seed": args.seed}), flush=True)


if __name__ == "__main__":
    main()
