"""noise-vae (spec §6; noise-modeling-vae.txt §3.3): x = G(z) + noise with learned pixel noise, r = x - G(z),
G(z) = sigmoid(decoder) (or the raw decoder output with options.decoder_output = identity).

  gaussian  noise ~ N(0, sigma^2):  -log p(x | z) = sum_d r_d^2 / (2 sigma^2) + D/2 log 2 pi sigma^2 (§3.3.1).
            sigma^2 alternates with the network step: the closed form sigma^2 = sum ||r||^2 / (D M) over the
            batch, or (sigma2_update = gradient) a parameter log_sigma trained with the networks.
  mog       noise ~ sum_k pi_k N(0, sigma_k^2) (eq. 7), one EM iteration per step with the networks fixed:
            E-step gamma_dk = pi_k N(r_d; 0, sigma_k^2) / sum_k' pi_k' N(r_d; 0, sigma_k'^2) (eq. 14/15,
            normalised over the components), M-step N_k = sum gamma_dk, pi_k = N_k / sum N_k,
            sigma_k^2 = sum gamma_dk r_d^2 / N_k (eq. 18), clipped to [min_sigma2, max_sigma2]. The network
            step minimises the negative of the bound of eq. 9-11 / 16-17 with gamma, pi, sigma^2 fixed:
            sum_dk gamma_dk [r_d^2 / (2 sigma_k^2) + 1/2 log 2 pi sigma_k^2 - log pi_k] - H(gamma) + beta KL.
            With gamma the E-step of the current pi, sigma^2 (as in evaluation, where nothing is updated)
            the bound is tight and equals -log sum_k pi_k N(r_d; 0, sigma_k^2) + beta KL.
Terms: recon = -sum_d log p(x_d | z) under the current noise, kl = KLstd, evlb = -(recon + kl) (eq. 5, beta 1),
and the noise state: sigma2 (gaussian), sigma2_k and pi_k (mog).
The negative ELBO is -log p(x | z) + KLstd, z ~ q(z | x), with the learned noise.
"""
import math
from typing import Dict

import torch
from torch import nn
from torch.distributions import Normal

from .backbone import decoder, encoder, kl_standard_normal


class TwinNoiseVae(nn.Module):
    """noise-vae with options noise (gaussian | mog), components, beta, sigma2_update, sigma2_init,
    min_sigma2, max_sigma2, decoder_output, noise_warmup_steps."""

    # Draws of `vaelab-cli eval` after torch.manual_seed(seed): eps {B,H} for nelbo(), then eps {B,H} for
    # terms().

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        o = spec.get("options", {})
        self.latent = spec["latent"]
        self.mog = o.get("noise", "gaussian") == "mog"
        self.k = o.get("components", 2) if self.mog else 1
        self.beta = o.get("beta", 1.0)
        self.gradient = o.get("sigma2_update", "closed_form") == "gradient"
        self.min_sigma2 = o.get("min_sigma2", 1e-4)
        self.max_sigma2 = o.get("max_sigma2", math.inf)
        self.sigmoid = o.get("decoder_output", "sigmoid") == "sigmoid"
        self.warmup_steps = o.get("noise_warmup_steps", 0)
        init = o.get("sigma2_init", 0.1)
        self.encoder = encoder(spec, 2 * self.latent)
        self.decoder = decoder(spec, self.latent)
        if self.gradient:
            self.log_sigma = nn.Parameter(torch.full((1,), 0.5 * math.log(init)))
        else:
            self.register_buffer("sigma2", init * 0.1 ** torch.arange(self.k, dtype=torch.float32))
        self.register_buffer("pi", torch.full((self.k,), 1.0 / self.k))

    # -- the model --
    def noise_variances(self) -> torch.Tensor:
        return torch.exp(2.0 * self.log_sigma) if self.gradient else self.sigma2

    def encode(self, x):
        h = self.encoder(x)
        return h[:, :self.latent], h[:, self.latent:]

    def decode(self, z):
        out = self.decoder(z)
        return torch.sigmoid(out) if self.sigmoid else out

    def residual(self, x, mu, logvar, eps):
        return x - self.decode(mu + torch.exp(0.5 * logvar) * eps)

    def component_log_joint(self, r, pi, sigma2):
        """log pi_k + log N(r; 0, sigma_k^2), r's shape + {K}."""
        return torch.log(pi) + Normal(0.0, sigma2.sqrt()).log_prob(r.unsqueeze(-1))

    def noise_nll(self, r, pi, sigma2):
        """-sum_d log sum_k pi_k N(r_d; 0, sigma_k^2), per sample."""
        return -torch.logsumexp(self.component_log_joint(r, pi, sigma2), -1).flatten(1).sum(1)

    def e_step(self, r, pi, sigma2):
        return torch.softmax(self.component_log_joint(r.detach(), pi, sigma2), -1)

    def m_step(self, r, gamma, sigma2_old):
        r2 = r.detach().pow(2).reshape(-1, 1)
        g = gamma.reshape(-1, self.k)
        n_k = g.sum(0)
        pi = n_k / n_k.sum()
        pi = pi.clamp_min(1e-10)
        pi = pi / pi.sum()
        sigma2 = torch.where(n_k > 1e-12, (g * r2).sum(0) / n_k.clamp_min(1e-12), sigma2_old)
        return pi, sigma2.clamp(self.min_sigma2, self.max_sigma2)

    def bound_loss(self, r, gamma, pi, sigma2):
        """Per-sample negative bound of eq. 16/17 with gamma, pi, sigma^2 fixed (KL left out)."""
        r2 = r.unsqueeze(-1).pow(2)
        expected = gamma * (r2 / (2 * sigma2) + 0.5 * torch.log(2 * math.pi * sigma2) - torch.log(pi))
        neg_entropy = torch.special.xlogy(gamma, gamma)
        return (expected + neg_entropy).flatten(1).sum(1)

    # -- evaluation --
    def nelbo(self, x, eps):
        mu, logvar = self.encode(x)
        r = self.residual(x, mu, logvar, eps)
        return self.noise_nll(r, self.pi, self.noise_variances()) + kl_standard_normal(mu, logvar)

    def terms(self, x, eps) -> Dict[str, float]:
        mu, logvar = self.encode(x)
        r = self.residual(x, mu, logvar, eps)
        kl = kl_standard_normal(mu, logvar).mean()
        sigma2, pi = self.noise_variances(), self.pi
        recon = self.noise_nll(r, pi, sigma2).mean()
        if self.mog:
            network = self.bound_loss(r, self.e_step(r, pi, sigma2), pi, sigma2).mean()
        else:
            d = r[0].numel()
            network = (r.pow(2).flatten(1).sum(1) / (2 * sigma2[0]) + 0.5 * d * torch.log(2 * math.pi * sigma2[0])).mean()
        out = {"loss": (network + self.beta * kl).item(), "recon": recon.item(), "kl": kl.item(),
               "evlb": -(recon + kl).item()}
        if self.mog:
            for k in range(self.k):
                out[f"sigma2_{k}"] = sigma2[k].item()
                out[f"pi_{k}"] = pi[k].item()
        else:
            out["sigma2"] = sigma2[0].item()
        return out

    # -- training --
    def quantile_split(self, r):
        """Warm-up's end: squared residuals sorted and cut into K equal groups; sigma_k^2 = group mean."""
        r2 = r.detach().reshape(-1).double().pow(2).sort().values
        n = r2.numel()
        pi, sigma2 = [], []
        for i in range(self.k):
            lo, hi = n * i // self.k, max(n * i // self.k + 1, n * (i + 1) // self.k)
            sigma2.append(min(max(r2[lo:hi].mean().item(), self.min_sigma2), self.max_sigma2))
            pi.append((hi - lo) / n)
        pi = torch.tensor(pi, dtype=torch.float64)
        return (pi / pi.sum()).float(), torch.tensor(sigma2, dtype=torch.float32)

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """One network step with the noise update first on the same residuals (the paper's alternation:
        closed-form sigma^2 / EM with the networks fixed, then the gradient step)."""
        mu, logvar = self.encode(x)
        r = self.residual(x, mu, logvar, torch.randn_like(mu))
        kl = kl_standard_normal(mu, logvar).mean()
        d = r[0].numel()
        if self.mog and step < self.warmup_steps:
            # One Gaussian with the closed-form variance; split into K components on the last warm-up step.
            s2 = r.detach().pow(2).mean().clamp_min(self.min_sigma2)
            with torch.no_grad():
                if step + 1 == self.warmup_steps:
                    pi, sigma2 = self.quantile_split(r)
                    self.pi.copy_(pi)
                    self.sigma2.copy_(sigma2)
                else:
                    self.pi.fill_(1.0 / self.k)
                    self.sigma2.fill_(s2.item())
            network = r.pow(2).flatten(1).sum(1) / (2 * s2) + 0.5 * d * torch.log(2 * math.pi * s2)
        elif self.mog:
            with torch.no_grad():
                gamma = self.e_step(r, self.pi, self.sigma2)
                pi, sigma2 = self.m_step(r, gamma, self.sigma2)
                self.pi.copy_(pi)
                self.sigma2.copy_(sigma2)
            network = self.bound_loss(r, gamma, self.pi, self.sigma2)
        else:
            if not self.gradient:
                with torch.no_grad():
                    self.sigma2.fill_(r.pow(2).mean().clamp_min(self.min_sigma2).item())
            s2 = self.noise_variances()[0]
            network = r.pow(2).flatten(1).sum(1) / (2 * s2) + 0.5 * d * torch.log(2 * math.pi * s2)
        return network.mean() + self.beta * kl

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        nelbo = self.nelbo(x, eps_nelbo).mean().item()
        eps_terms = torch.randn(x.shape[0], self.latent)
        return {"nelbo": nelbo, "terms": self.terms(x, eps_terms)}


VARIANTS = {"noise-vae": TwinNoiseVae}
