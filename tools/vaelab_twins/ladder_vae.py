"""ladder-vae (spec §7; vae-lecture.md "Ladder VAE"; Sønderby et al. 2016).

Latents z_1 (next to x) .. z_L (top). Generative model p(z_L) = N(0, I), p(z_l | z_{l+1}) = N(mu_p,l,
sigma_p,l^2) from a top-down MLP of z_{l+1}, p(x | z_1) the decoder's likelihood.
Inference shares the top-down path: a deterministic bottom-up pass d_1 = act(trunk(x)), d_l =
act(Linear(d_{l-1})) gives the data's estimates mu^_q,l = Linear(d_l), sigma^_q,l^2 = Softplus(Linear(d_l));
then, top-down, q(z_L | x) = N(mu^_q,L, sigma^_q,L^2) and for l < L the data's estimate and the prior's
estimate at the sampled z_{l+1} merge by precision,
    sigma_q^2 = 1 / (sigma^_q^-2 + sigma^_p^-2),  mu_q = (mu^_q sigma^_q^-2 + mu^_p sigma^_p^-2) sigma_q^2.
ELBO (the lecture's last line; one sample of the chain for the expectations over upper layers):
    L(x) = log p(x | z_1) - KL(q(z_L | x) || N(0, I)) - sum_{l<L} KL(q(z_l | z_{l+1}, x) || p(z_l | z_{l+1})).
Training weighs the KLs by beta * min(1, (step + 1) / warmup_steps) (Sønderby et al.'s warm-up); eval uses
beta alone. Every variance is softplus(raw) + 1e-6 (vaelab's floor, kept so that the numbers agree).
Options (absent keys take these values): {"sizes": `layers` sizes from the spec's latent, halving (at
least 1), "layers": 2, "deterministic": 256 halving (at least 32) per layer, "top_down_hidden": 128,
"beta": 1, "warmup_steps": 0}.

Terms `vaelab-cli eval` reports: "loss", "recon", "kl_1" .. "kl_L" (unweighted, bottom to top) and "kl"
(their sum). nelbo is -L(x) on its own sample of the chain.
"""
from typing import Dict, List

import torch
from torch import nn
from torch.distributions import Normal, kl_divergence
from torch.nn import functional as F

from .backbone import activation, decoder, encoder, negative_log_likelihood

VARIANCE_FLOOR = 1e-6


def default_sizes(latent: int, layers: int) -> List[int]:
    sizes = [latent]
    while len(sizes) < layers:
        sizes.append(max(1, sizes[-1] // 2))
    return sizes


def default_widths(layers: int) -> List[int]:
    widths = [256]
    while len(widths) < layers:
        widths.append(max(32, widths[-1] // 2))
    return widths


class TwinLadderVae(nn.Module):
    """ladder-vae."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): one sample of the chain for nelbo()
    # and one for terms(), each top-down: eps [B, size_L] for z_L, then [B, size_{L-1}] for z_{L-1}, ..,
    # then [B, size_1] for z_1.

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        options = spec.get("options", {})
        self.sizes = list(options.get("sizes", default_sizes(spec["latent"], int(options.get("layers", 2)))))
        n = len(self.sizes)
        self.widths = list(options.get("deterministic", default_widths(n)))
        hidden = int(options.get("top_down_hidden", 128))
        self.beta = float(options.get("beta", 1.0))
        self.warmup_steps = int(options.get("warmup_steps", 0))
        act = spec["architecture"].get("activation", "relu")
        self.act = activation(act)
        # Modules in vaelab's registration order and names: bottom_up_l, q_head_l, top_down_l (l < L), decoder.
        for l in range(n):
            trunk = encoder(spec, self.widths[0]) if l == 0 else nn.Sequential(nn.Linear(self.widths[l - 1], self.widths[l]))
            self.add_module(f"bottom_up_{l + 1}", trunk)
            self.add_module(f"q_head_{l + 1}", nn.Linear(self.widths[l], 2 * self.sizes[l]))
            if l + 1 < n:
                self.add_module(f"top_down_{l + 1}", nn.Sequential(
                    nn.Linear(self.sizes[l + 1], hidden), activation(act), nn.Linear(hidden, 2 * self.sizes[l])))
        self.decoder = decoder(spec, self.sizes[0])

    def layer(self, kind: str, l: int) -> nn.Module:
        """Module `kind`_{l + 1} (0-based l)."""
        return getattr(self, f"{kind}_{l + 1}")

    @staticmethod
    def gaussian(out: torch.Tensor) -> Normal:
        """A head's output [B, 2S] as a diagonal Gaussian: mean, then variance softplus(raw) + floor."""
        mean, raw = out.chunk(2, dim=1)
        return Normal(mean, (F.softplus(raw) + VARIANCE_FLOOR).sqrt())

    def chain(self, x: torch.Tensor):
        """One sample of q(z | x) top-down: per layer (bottom first) the posterior q(z_l | z_{l+1}, x) and
        the prior p(z_l | z_{l+1}) (N(0, I) on top), and z_1."""
        n = len(self.sizes)
        data, d = [], x
        for l in range(n):
            d = self.act(self.layer("bottom_up", l)(d))
            data.append(self.gaussian(self.layer("q_head", l)(d)))
        posterior, prior = [None] * n, [None] * n
        posterior[n - 1] = data[n - 1]
        prior[n - 1] = Normal(torch.zeros_like(data[n - 1].loc), torch.ones_like(data[n - 1].loc))
        z = posterior[n - 1].loc + posterior[n - 1].scale * torch.randn(x.shape[0], self.sizes[n - 1])
        for l in range(n - 2, -1, -1):
            prior[l] = self.gaussian(self.layer("top_down", l)(z))
            precision_q, precision_p = data[l].scale.pow(-2), prior[l].scale.pow(-2)
            variance = 1.0 / (precision_q + precision_p)
            mean = (data[l].loc * precision_q + prior[l].loc * precision_p) * variance
            posterior[l] = Normal(mean, variance.sqrt())
            z = mean + variance.sqrt() * torch.randn(x.shape[0], self.sizes[l])
        return posterior, prior, z

    def recon_and_kls(self, x: torch.Tensor):
        """-log p(x | z_1) [B] and the KL of every layer [L][B] (bottom first), on one sample of the chain."""
        posterior, prior, z1 = self.chain(x)
        recon = negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z1))
        return recon, [kl_divergence(q, p).sum(-1) for q, p in zip(posterior, prior)]

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        """nelbo and terms with eval's draw order (the caller has just seeded torch)."""
        recon, kls = self.recon_and_kls(x)
        nelbo = (recon + sum(kls)).mean().item()
        recon, kls = self.recon_and_kls(x)
        kl = [k.mean() for k in kls]
        terms = {"loss": (recon.mean() + self.beta * sum(kl)).item(), "recon": recon.mean().item()}
        terms.update({f"kl_{l + 1}": k.item() for l, k in enumerate(kl)})
        terms["kl"] = sum(kl).item()
        return {"nelbo": nelbo, "terms": terms}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """recon + beta * w * sum_l kl_l, w = min(1, (step + 1) / warmup_steps) during a warm-up."""
        recon, kls = self.recon_and_kls(x)
        warmup = min(1.0, (step + 1) / self.warmup_steps) if self.warmup_steps > 0 else 1.0
        return recon.mean() + self.beta * warmup * sum(k.mean() for k in kls)


VARIANTS = {"ladder-vae": TwinLadderVae}
