"""vae and beta-vae (spec §1): z = mu + sigma * eps, loss = recon + beta * kl (no warm-up when evaluated)."""
from typing import Dict

import torch
from torch import nn

from .backbone import decoder, encoder, kl_standard_normal, negative_log_likelihood


class TwinVae(nn.Module):
    """vae / beta-vae."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): eps for nelbo(), then eps for terms().

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.latent = spec["latent"]
        self.beta = spec.get("options", {}).get("beta", 1.0)
        self.encoder = encoder(spec, 2 * self.latent)
        self.decoder = decoder(spec, self.latent)

    def encode(self, x):
        h = self.encoder(x)
        return h[:, :self.latent], h[:, self.latent:]

    def decode(self, z):
        out = self.decoder(z)
        return torch.sigmoid(out) if self.spec["likelihood"].get("type", "bernoulli") == "bernoulli" else out

    def nelbo(self, x, eps):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps
        return negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)) + kl_standard_normal(mu, logvar)

    def terms(self, x, eps) -> Dict[str, float]:
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps
        recon = negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)).mean()
        kl = kl_standard_normal(mu, logvar).mean()
        return {"loss": (recon + self.beta * kl).item(), "recon": recon.item(), "kl": kl.item()}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """The differentiable objective of one training step at global step `step`; the KL weight ramps as
        min(1, (step + 1) / options.warmup_steps) when a warm-up is set."""
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        recon = negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)).mean()
        kl = kl_standard_normal(mu, logvar).mean()
        warmup_steps = self.spec.get("options", {}).get("warmup_steps", 0)
        warmup = min(1.0, (step + 1) / warmup_steps) if warmup_steps > 0 else 1.0
        return recon + self.beta * warmup * kl

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        """nelbo and terms with eval's draw order (the caller has just seeded torch)."""
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        eps_terms = torch.randn(x.shape[0], self.latent)
        return {"nelbo": self.nelbo(x, eps_nelbo).mean().item(), "terms": self.terms(x, eps_terms)}


VARIANTS = {"vae": TwinVae, "beta-vae": TwinVae}
