"""factor-vae (spec §7; vae-lecture.md "Total correlation"; Kim & Mnih 2018).

The VAE of spec §1 plus a total-correlation penalty on the aggregate posterior q(z):
    loss = recon + beta * KLstd + gamma * TC,   TC(z) = KL(q(z) || prod_j q(z_j)) ~= E_q(z)[log D(z) / (1 - D(z))]
D is a discriminator telling codes z ~ q(z|x) (label "real") from the same batch's codes with every
dimension permuted independently across the batch (samples of prod_j q(z_j)); it is trained alternately on
    disc = 1/2 (-log D(z) - log(1 - D(z_perm)))    (batch means, Kim & Mnih's Algorithm 2).
The KL weight may ramp up in training (options.warmup_steps); never when evaluated.
Options (absent keys take these values): {"beta": 1, "warmup_steps": 0, "gamma": 10,
"disc_hidden": [256, 256, 256], "disc_lr": 1e-4, "disc_beta1": 0.5, "disc_beta2": 0.9}.

Terms `vaelab-cli eval` reports: "loss", "recon", "kl", "tc" (unweighted) and "disc" (D's loss on the eval
batch and one permutation of its codes). nelbo is the VAE's single-sample negative ELBO (beta = 1, no TC:
TC is a penalty on q(z), not part of the ELBO).
"""
from typing import Dict, List

import torch
from torch import nn
from torch.nn import functional as F

from .backbone import kl_standard_normal, negative_log_likelihood
from .vae import TwinVae


def discriminator(latent: int, hidden: List[int]) -> nn.Sequential:
    """z [B, H] -> the logit of D(z) [B, 1]; LeakyReLU(0.2) between layers, as Kim & Mnih's D."""
    layers: List[nn.Module] = []
    width = latent
    for h in hidden:
        layers += [nn.Linear(width, h), nn.LeakyReLU(0.2)]
        width = h
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def permute_each_dimension(z: torch.Tensor) -> torch.Tensor:
    """Every column of z [B, H] shuffled on its own across the batch: same marginals, no dependence.
    A column's permutation is the ranking of B uniform draws (one [B, H] draw for all columns)."""
    order = torch.rand(z.shape).argsort(dim=0)
    return torch.gather(z, 0, order)


class TwinFactorVae(TwinVae):
    """factor-vae."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): eps [B, H] for nelbo(); eps [B, H]
    # for terms(), then the [B, H] uniforms that permute its codes for D's loss.

    def __init__(self, spec: dict):
        super().__init__(spec)
        options = spec.get("options", {})
        self.beta = float(options.get("beta", 1.0))
        self.warmup_steps = int(options.get("warmup_steps", 0))
        self.gamma = float(options.get("gamma", 10.0))
        self.discriminator = discriminator(self.latent, list(options.get("disc_hidden", [256, 256, 256])))
        self._disc_optimizer = None
        self._last_codes = None

    def total_correlation(self, z: torch.Tensor) -> torch.Tensor:
        """The density-ratio estimate E_q(z)[log D(z) - log(1 - D(z))], D(z) = sigmoid(logit)."""
        logit = self.discriminator(z)
        return (F.logsigmoid(logit) - F.logsigmoid(-logit)).mean()

    def discriminator_loss(self, z: torch.Tensor, z_perm: torch.Tensor) -> torch.Tensor:
        """1/2 (E[-log D(z)] + E[-log(1 - D(z_perm))]) on detached codes: D's own objective."""
        real, permuted = self.discriminator(z.detach()), self.discriminator(z_perm.detach())
        return 0.5 * (-F.logsigmoid(real).mean() - F.logsigmoid(-permuted).mean())

    def terms(self, x, eps) -> Dict[str, float]:
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps
        recon = negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)).mean()
        kl = kl_standard_normal(mu, logvar).mean()
        tc = self.total_correlation(z)
        disc = self.discriminator_loss(z, permute_each_dimension(z))
        loss = recon + self.beta * kl + self.gamma * tc
        return {"loss": loss.item(), "recon": recon.item(), "kl": kl.item(), "tc": tc.item(), "disc": disc.item()}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """recon + beta * w * KLstd + gamma * TC, w = min(1, (step + 1) / warmup_steps) with a warm-up; the
        sampled codes are kept for after_step's discriminator step."""
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        recon = negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)).mean()
        kl = kl_standard_normal(mu, logvar).mean()
        warmup = min(1.0, (step + 1) / self.warmup_steps) if self.warmup_steps > 0 else 1.0
        self._last_codes = z.detach()
        return recon + self.beta * warmup * kl + self.gamma * self.total_correlation(z)

    def generator_parameters(self) -> List[nn.Parameter]:
        """What the main optimiser updates: the encoder and decoder, not D."""
        return list(self.encoder.parameters()) + list(self.decoder.parameters())

    def after_step(self, x: torch.Tensor, y: torch.Tensor, step: int) -> None:
        """One Adam step of D on the codes of the last training_loss (or fresh ones) and their permutation;
        D's gradients from the generator's backward pass are discarded first."""
        if self._disc_optimizer is None:
            options = self.spec.get("options", {})
            self._disc_optimizer = torch.optim.Adam(
                self.discriminator.parameters(), lr=float(options.get("disc_lr", 1e-4)),
                betas=(float(options.get("disc_beta1", 0.5)), float(options.get("disc_beta2", 0.9))))
        z = self._last_codes
        self._last_codes = None
        if z is None:
            with torch.no_grad():
                mu, logvar = self.encode(x)
                z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        self._disc_optimizer.zero_grad()
        self.discriminator_loss(z, permute_each_dimension(z)).backward()
        self._disc_optimizer.step()


VARIANTS = {"factor-vae": TwinFactorVae}
