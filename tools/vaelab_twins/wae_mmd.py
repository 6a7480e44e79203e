"""wae-mmd (spec §5; the baseline in hebae.txt §2.3, after Tolstikhin et al. 2017): a deterministic
encoder z = mu(x) and
    loss = recon + lambda MMD^2_u({z_i}, {p_j}),   p_j ~ N(0, I), as many as the batch,
with the inverse multiquadratic kernel k(a, b) = C / (C + ||a - b||^2), C = 2H by default, and the unbiased
estimator (the i = j pairs of each sample left out).

WAE has no ELBO. What vaelab reports as its negative ELBO is the bound of a fixed Gaussian proposal around
the code, q(z | x) = N(mu(x), s^2 I) with s = options.proposal_std, against the N(0, I) prior:
-log p(x | z) + KL(q || N(0, I)), one z ~ q per input.
"""
import math
from typing import Dict

import torch
from torch import nn

from .backbone import decoder, encoder, kl_standard_normal, negative_log_likelihood


def imq_kernel(a: torch.Tensor, b: torch.Tensor, c: float) -> torch.Tensor:
    """k(a_i, b_j) = c / (c + ||a_i - b_j||^2), {N, M}."""
    return c / (c + torch.cdist(a.double(), b.double()).pow(2))


def mmd2_unbiased(a: torch.Tensor, b: torch.Tensor, c: float) -> torch.Tensor:
    """Unbiased MMD^2 (Gretton et al. 2012, eq. 3) between samples a {N,H} and b {M,H}, float64."""
    n, m = a.shape[0], b.shape[0]
    k_aa, k_bb, k_ab = imq_kernel(a, a, c), imq_kernel(b, b, c), imq_kernel(a, b, c)
    off_a = ~torch.eye(n, dtype=torch.bool)
    off_b = ~torch.eye(m, dtype=torch.bool)
    return k_aa[off_a].mean() + k_bb[off_b].mean() - 2.0 * k_ab.mean()


class TwinWaeMmd(nn.Module):
    """wae-mmd with options lambda, kernel_c (0: 2H), proposal_std."""

    # Draws of `vaelab-cli eval` after torch.manual_seed(seed): the proposal's eps {B,H} for nelbo(), then
    # the prior sample {B,H} for the MMD in terms().

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        options = spec.get("options", {})
        self.latent = spec["latent"]
        self.lam = options.get("lambda", 10.0)
        self.c = options.get("kernel_c", 0.0) or 2.0 * self.latent
        self.proposal_std = options.get("proposal_std", 0.1)
        self.encoder = encoder(spec, self.latent)
        self.decoder = decoder(spec, self.latent)

    def decode(self, z):
        out = self.decoder(z)
        return torch.sigmoid(out) if self.spec["likelihood"].get("type", "bernoulli") == "bernoulli" else out

    def nelbo(self, x, eps):
        mu = self.encoder(x)
        s = self.proposal_std
        z = mu + s * eps
        kl = kl_standard_normal(mu, torch.full_like(mu, math.log(s * s)))
        return negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)) + kl

    def loss_tensors(self, x, prior):
        z = self.encoder(x)
        recon = negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)).mean()
        # One input has no unbiased estimate; vaelab then leaves the penalty out.
        mmd = mmd2_unbiased(z, prior, self.c) if z.shape[0] >= 2 else torch.zeros((), dtype=torch.float64)
        return recon, mmd

    def terms(self, x, prior) -> Dict[str, float]:
        recon, mmd = self.loss_tensors(x, prior)
        return {"loss": recon.item() + self.lam * mmd.item(), "recon": recon.item(), "mmd": mmd.item()}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        recon, mmd = self.loss_tensors(x, torch.randn(x.shape[0], self.latent))
        return recon + self.lam * mmd.to(recon.dtype)

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        nelbo = self.nelbo(x, eps_nelbo).mean().item()
        prior = torch.randn(x.shape[0], self.latent)
        return {"nelbo": nelbo, "terms": self.terms(x, prior)}


VARIANTS = {"wae-mmd": TwinWaeMmd}
