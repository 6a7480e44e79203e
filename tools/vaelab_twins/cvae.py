"""cvae, the conditional VAE (spec §7; vae-lecture.md "Conditional VAE"; Sohn et al. 2015).

The label y enters as a one-hot vector of num_classes (the exported spec's "num_classes") entries:
- encoder: q(z | x, y) from [flatten(x), onehot(y)] through an MLP (the "mlp" architecture, and vector data),
  or, for the "conv" architecture, from x with the one-hot appended as num_classes constant image channels;
- decoder: p(x | z, y) from [z, onehot(y)] through the usual decoder;
- prior N(0, I), whatever y. Loss = recon + beta * KLstd(mu, sigma^2) (options.beta, default 1).

Terms `vaelab-cli eval` reports: "loss", "recon", "kl"; nelbo is the single-sample negative ELBO (beta = 1).
"""
import copy
import math
from typing import Dict, List

import torch
from torch import nn
from torch.nn import functional as F

from .backbone import activation, decoder, encoder, kl_standard_normal, negative_log_likelihood, shape_of


def mlp(width: int, hidden: List[int], out: int, act: str) -> nn.Sequential:
    layers: List[nn.Module] = []
    for h in hidden:
        layers += [nn.Linear(width, h), activation(act)]
        width = h
    layers.append(nn.Linear(width, out))
    return nn.Sequential(*layers)


class TwinCvae(nn.Module):
    """cvae."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): eps {B, H} for nelbo(), then eps
    # {B, H} for terms().

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.latent = spec["latent"]
        self.classes = int(spec.get("num_classes", 0))
        if self.classes < 2:
            raise ValueError(f"cvae needs labelled data (num_classes >= 2), the spec says {self.classes}")
        self.beta = float(spec.get("options", {}).get("beta", 1.0))
        arch, shape = spec["architecture"], shape_of(spec)
        self.flat_encoder = arch["type"] == "mlp" or len(shape) == 1
        if self.flat_encoder:
            self.encoder = mlp(math.prod(shape) + self.classes, arch["hidden"], 2 * self.latent, arch["activation"])
        else:
            labelled = copy.deepcopy(spec)
            labelled["shape"]["channels"] += self.classes
            self.encoder = encoder(labelled, 2 * self.latent)
        self.decoder = decoder(spec, self.latent + self.classes)

    def one_hot(self, y, like):
        if y is None:
            raise ValueError("cvae needs the labels y")
        return F.one_hot(y.long().reshape(-1), self.classes).to(like.dtype)

    def encode(self, x, y):
        c = self.one_hot(y, x)
        if self.flat_encoder:
            h = self.encoder(torch.cat([x.flatten(1), c], 1))
        else:
            planes = c[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])
            h = self.encoder(torch.cat([x, planes], 1))
        return h[:, :self.latent], h[:, self.latent:]

    def decoder_output(self, z, y):
        return self.decoder(torch.cat([z, self.one_hot(y, z)], 1))

    def parts(self, x, y, eps):
        mu, logvar = self.encode(x, y)
        z = mu + torch.exp(0.5 * logvar) * eps
        return negative_log_likelihood(self.spec["likelihood"], x, self.decoder_output(z, y)), \
            kl_standard_normal(mu, logvar)

    def nelbo(self, x, y, eps):
        nll, kl = self.parts(x, y, eps)
        return nll + kl

    def terms(self, x, y, eps) -> Dict[str, float]:
        nll, kl = self.parts(x, y, eps)
        recon, kl = nll.mean(), kl.mean()
        return {"loss": (recon + self.beta * kl).item(), "recon": recon.item(), "kl": kl.item()}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        nll, kl = self.parts(x, y, torch.randn(x.shape[0], self.latent, device=x.device))
        return nll.mean() + self.beta * kl.mean()

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        """nelbo and terms with eval's draw order (the caller has just seeded torch)."""
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        eps_terms = torch.randn(x.shape[0], self.latent)
        return {"nelbo": self.nelbo(x, y, eps_nelbo).mean().item(), "terms": self.terms(x, y, eps_terms)}


VARIANTS = {"cvae": TwinCvae}
