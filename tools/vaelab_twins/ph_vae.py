"""ph-vae, the polynomial hierarchical VAE (spec §2; ph-vae.txt §2, Eq. (6)-(8), (21) and its code listing).

- Inputs x^s = x ** s element-wise, s = 1..S (options.orders, default 3).
- Per order: h^s = g(W^s x^s + b^s), mu_s = W_mu h^s + b_mu, log sigma_s^2 = W_sigma h^s + b_sigma. Here the
  trunk W^s is the backbone encoder up to its last hidden layer followed by g, and the shared heads
  [W_mu; W_sigma] are one dense layer "head" to 2H (a backbone without hidden layers has no separate head:
  each trunk ends in 2H). options.encoder_sharing: "separate" (trunk_1..trunk_S, the text; default) or
  "shared" (trunk_1 for every order, the listing).
- Combined posterior: mu = (1/S) sum_s mu_s, sigma^2 = (1/S) sum_s sigma_s^2 (the listing's
  logsumexp(log sigma_s^2) - log S); z = mu + A sigma eps with amplitude A (options.amplitude, default 1).
- The decoder reconstructs x^1 only, through the final sigmoid f (§3.1, §3.2): x_hat = sigmoid(decoder(z)).
- Loss = recon(x^1, x_hat) + beta (1/S) sum_s KLstd(mu_s, sigma_s^2) (Eq. (21); options.beta, default 1).
  options.recon: "sse" = sum_d (x_d - x_hat_d)^2 (the listing's mse_loss(reduction='sum'); default) or
  "likelihood" = the preset's -log p(x | x_hat) (Bernoulli: the decoder output is the logit of x_hat).

Terms `vaelab-cli eval` reports: "loss", "recon", "kl_1".."kl_S" (each order's KLstd), "kl" (their mean,
the polynomial divergence). nelbo (beta = 1) is the negative ELBO of the distribution z is drawn from,
N(mu, A^2 sigma^2): -log p(x | z) + KLstd(mu, A^2 sigma^2), where the summed squared error is read as the
Gaussian N(x_hat, 1/2), i.e. -log p = sse + D/2 log pi.
"""
import copy
import math
from typing import Dict

import torch
from torch import nn

from .backbone import activation, decoder, encoder, kl_standard_normal, negative_log_likelihood


class TwinPhVae(nn.Module):
    """ph-vae."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): eps {B, H} for nelbo(), then eps
    # {B, H} for terms() (the orders draw nothing: only the combined posterior is sampled).

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        options = spec.get("options", {})
        self.latent = spec["latent"]
        self.orders = int(options.get("orders", 3))
        self.sharing = options.get("encoder_sharing", "separate")
        self.amplitude = float(options.get("amplitude", 1.0))
        self.recon_kind = options.get("recon", "sse")
        self.beta = float(options.get("beta", 1.0))
        self.warmup_steps = int(options.get("warmup_steps", 0))
        if self.sharing not in ("separate", "shared") or self.recon_kind not in ("sse", "likelihood"):
            raise ValueError(f"ph-vae options {options}")
        hidden = spec["architecture"]["hidden"]
        self.has_head = len(hidden) > 0
        trunk_spec = copy.deepcopy(spec)
        if self.has_head:
            trunk_spec["architecture"]["hidden"] = hidden[:-1]
        width = hidden[-1] if self.has_head else 2 * self.latent
        for s in range(1, (self.orders if self.sharing == "separate" else 1) + 1):
            trunk = encoder(trunk_spec, width)
            if self.has_head:
                trunk.append(activation(spec["architecture"]["activation"]))
            setattr(self, f"trunk_{s}", trunk)
        if self.has_head:
            self.head = nn.Linear(width, 2 * self.latent)
        self.decoder = decoder(spec, self.latent)

    def order_posteriors(self, x):
        """[(mu_s, logvar_s)] for s = 1..S."""
        out = []
        for s in range(1, self.orders + 1):
            trunk = getattr(self, f"trunk_{s if self.sharing == 'separate' else 1}")
            h = trunk(x.pow(s))
            if self.has_head:
                h = self.head(h)
            out.append((h[:, :self.latent], h[:, self.latent:]))
        return out

    def combined(self, orders):
        """The posterior z is drawn from: mean mu_s, and log of A^2 times the mean sigma_s^2."""
        mu = torch.stack([m for m, _ in orders]).mean(0)
        logvar = torch.logsumexp(torch.stack([lv for _, lv in orders]), 0) - math.log(self.orders)
        return mu, logvar + 2 * math.log(self.amplitude)

    def recon_nll(self, x, out):
        """recon(x^1, x_hat) per sample for raw decoder output `out` (x_hat = sigmoid(out))."""
        x_hat = torch.sigmoid(out)
        if self.recon_kind == "sse":
            return (x - x_hat).pow(2).flatten(1).sum(1)
        likelihood = self.spec["likelihood"]
        if likelihood.get("type", "bernoulli") == "bernoulli":
            return negative_log_likelihood(likelihood, x, out)  # logits of x_hat
        return negative_log_likelihood(likelihood, x, x_hat)

    def negative_log_likelihood(self, x, out):
        nll = self.recon_nll(x, out)
        return nll + 0.5 * x[0].numel() * math.log(math.pi) if self.recon_kind == "sse" else nll

    def nelbo(self, x, eps):
        mu, logvar = self.combined(self.order_posteriors(x))
        z = mu + torch.exp(0.5 * logvar) * eps
        return self.negative_log_likelihood(x, self.decoder(z)) + kl_standard_normal(mu, logvar)

    def losses(self, x, eps):
        orders = self.order_posteriors(x)
        mu, logvar = self.combined(orders)
        z = mu + torch.exp(0.5 * logvar) * eps
        recon = self.recon_nll(x, self.decoder(z)).mean()
        kls = [kl_standard_normal(m, lv).mean() for m, lv in orders]
        return recon, kls, torch.stack(kls).mean()

    def terms(self, x, eps) -> Dict[str, float]:
        recon, kls, kl = self.losses(x, eps)
        out = {"loss": (recon + self.beta * kl).item(), "recon": recon.item()}
        out.update({f"kl_{s + 1}": v.item() for s, v in enumerate(kls)})
        out["kl"] = kl.item()
        return out

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """recon + beta * warm-up * polynomial divergence; the warm-up is min(1, (step + 1) / warmup_steps)."""
        recon, _, kl = self.losses(x, torch.randn(x.shape[0], self.latent, device=x.device))
        warmup = min(1.0, (step + 1) / self.warmup_steps) if self.warmup_steps > 0 else 1.0
        return recon + self.beta * warmup * kl

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        """nelbo and terms with eval's draw order (the caller has just seeded torch)."""
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        eps_terms = torch.randn(x.shape[0], self.latent)
        return {"nelbo": self.nelbo(x, eps_nelbo).mean().item(), "terms": self.terms(x, eps_terms)}


VARIANTS = {"ph-vae": TwinPhVae}
