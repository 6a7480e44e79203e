"""iwae (spec §7; vae-lecture.md "Approximate expectation by generating k samples"; Burda et al. 2016).

The VAE's p and q (standard-normal prior, diagonal Gaussian posterior, the spec's likelihoods) trained on the
k-sample bound
    L_k(x) = log (1/k) sum_i w_i,  w_i = p(x | z_i) p(z_i) / q(z_i | x),  z_i = mu + sigma * eps_i i.i.d.,
which is the ELBO at k = 1. Options: {"k": 5} (the samples per input; 5 when absent).

Terms `vaelab-cli eval` reports: "loss" = "iwae_bound" = -mean L_k (what training minimises), and, for a
reading next to the VAE's, "recon" = the mean -log p(x | z_1) of the first of the k samples and "kl" = the
closed-form KLstd(mu, sigma^2). nelbo is the usual single-sample negative ELBO (beta = 1).
"""
import math
from typing import Dict

import torch
from torch import nn

from .backbone import decoder, encoder, kl_standard_normal, negative_log_likelihood

LOG_2PI = math.log(2 * math.pi)


def log_normal(z: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """log N(z; mu, diag exp(logvar)), summed over the last dimension."""
    return -0.5 * (LOG_2PI + logvar + (z - mu).pow(2) / logvar.exp()).sum(-1)


def log_standard_normal(z: torch.Tensor) -> torch.Tensor:
    return -0.5 * (LOG_2PI + z.pow(2)).sum(-1)


class TwinIwae(nn.Module):
    """iwae."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): eps {B, H} for nelbo(), then the k
    # samples of terms() as one draw of k * B rows, sample-major (row s * B + i is sample s of input i).

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.latent = spec["latent"]
        self.k = int(spec.get("options", {}).get("k", 5))
        self.encoder = encoder(spec, 2 * self.latent)
        self.decoder = decoder(spec, self.latent)

    def encode(self, x):
        h = self.encoder(x)
        return h[:, :self.latent], h[:, self.latent:]

    def nelbo(self, x, eps):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps
        return negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)) + kl_standard_normal(mu, logvar)

    def log_weights(self, x, eps):
        """log w of the k samples, [k, B], and the first sample's -log p(x | z_1), [B]; eps is [k, B, H]."""
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps                      # [k, B, H]
        k, b = eps.shape[0], x.shape[0]
        flat = z.reshape(k * b, self.latent)
        nll = negative_log_likelihood(self.spec["likelihood"], x.repeat(k, *([1] * (x.dim() - 1))),
                                      self.decoder(flat)).view(k, b)
        log_w = -nll + log_standard_normal(z) - log_normal(z, mu, logvar)
        return log_w, nll[0], mu, logvar

    def bound(self, x, eps):
        """Per-input L_k, [B]."""
        log_w = self.log_weights(x, eps)[0]
        return torch.logsumexp(log_w, 0) - math.log(eps.shape[0])

    def terms(self, x, eps) -> Dict[str, float]:
        log_w, first_nll, mu, logvar = self.log_weights(x, eps)
        neg_bound = -(torch.logsumexp(log_w, 0) - math.log(eps.shape[0])).mean()
        return {"loss": neg_bound.item(), "iwae_bound": neg_bound.item(), "recon": first_nll.mean().item(),
                "kl": kl_standard_normal(mu, logvar).mean().item()}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """-mean L_k with k fresh samples per input (autograd through logsumexp weights each sample's
        gradient by its normalised importance weight)."""
        eps = torch.randn(self.k, x.shape[0], self.latent, device=x.device)
        return -self.bound(x, eps).mean()

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        """nelbo and terms with eval's draw order (the caller has just seeded torch)."""
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        eps_terms = torch.randn(self.k, x.shape[0], self.latent)
        return {"nelbo": self.nelbo(x, eps_nelbo).mean().item(), "terms": self.terms(x, eps_terms)}


VARIANTS = {"iwae": TwinIwae}
