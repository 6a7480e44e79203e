"""mog-vae: mixture-of-Gaussians posterior VAE with a PatchGAN discriminator (spec §3; "How to train your
VAE" §3.2-3.4, eq. 18-24, Algorithm 1).

On a batch of M inputs, with z_i = mu_i + sigma_i * eps_i and x_hat = the likelihood's mean of decoder(z)
(sigmoid for Bernoulli, identity for Gaussian / Laplace):
    mu_bar_j = 1/M sum_i mu_ij,   sigma_bar_j^2 = 1/M sum_i (z_ij - mu_bar_j)^2               (eq. 18, 19)
    KL_G = 1/2 sum_j (sigma_bar_j^2 + mu_bar_j^2 - 1 - log sigma_bar_j^2)   once per batch       (eq. 20)
    KL_I = sum_j (sigma_ij^2 - 1 - log sigma_ij^2), per sample, mean over the batch (no 1/2)    (eq. 21)
    L1   = |x - x_hat|, mean over every element (options.l1_reduction "mean", the spec's choice) or summed
           over each sample's elements, mean over the batch ("sum")
    ADV  = BCE(D(x_hat), 1): D gives logits of an (H/8 x W/8) realism map; mean over every patch
           (options.adv_reduction "mean", the spec's choice) or summed per sample, mean over the batch ("sum")
    generator     = b1 KL_G + b2 KL_I + b3 L1 + b4 ADV                                          (eq. 23)
    discriminator = b4 (BCE(D(x), 1) + BCE(D(x_hat), 0))                                        (eq. 24)
with (b1..b4) = options.beta1..beta4, defaults (1, 0.5, 5000, 100). sigma_bar^2 is floored at 1e-8 before
the log, a guard for a batch of one (sigma_bar^2 = 0) that changes nothing otherwise.

Terms `vaelab-cli eval` reports: "loss" (the generator loss), "kl_g", "kl_i", "l1", "adv" (unweighted) and
"disc" (the discriminator loss as minimised, b4 included, on the same x_hat).
nelbo is the per-sample negative single-sample ELBO with beta = 1: -log p(x | z) + KLstd(mu, sigma^2), where
p(x | z) is options.density: "likelihood" (the preset's likelihood on the raw decoder output, the yardstick
every variant shares) or "implied-laplace" (Laplace(x | x_hat, b) with the scale that makes b3 * L1 its
negative log-likelihood up to a constant: b = D / b3 for a mean L1, 1 / b3 for a summed one; D = C*H*W).

Training (Algorithm 1): one generator step on the loss above, then one discriminator step (after_step) on
the same batch and the x_hat of that generator pass, with its own Adam (options.disc_lr, default 1e-4). The
main optimiser updates only generator_parameters() (encoder and decoder).
"""
import math
from typing import Dict, List, Optional

import torch
from torch import nn
from torch.nn import functional as F

from .backbone import decoder, encoder, kl_standard_normal, negative_log_likelihood, shape_of
from .resnet_patchgan import PatchGAN, resnet_decoder, resnet_encoder

VARIANCE_FLOOR = 1e-8


def mixture_kl(mu: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """KL(N(mu_bar, diag sigma_bar^2) || N(0, I)) of the batch's mixture posterior (eq. 18-20): a scalar."""
    mu_bar = mu.mean(0)
    var_bar = ((z - mu_bar) ** 2).mean(0).clamp_min(VARIANCE_FLOOR)
    return 0.5 * torch.sum(var_bar + mu_bar ** 2 - 1.0 - torch.log(var_bar))


def individual_kl(logvar: torch.Tensor) -> torch.Tensor:
    """KL_I of eq. 21 per sample: sum_j (sigma^2 - 1 - log sigma^2), twice KL(N(mu, sigma^2) || N(mu, 1))."""
    return torch.sum(torch.exp(logvar) - 1.0 - logvar, dim=1)


def reduce_per_sample(t: torch.Tensor, reduction: str) -> torch.Tensor:
    """'mean': over every element; 'sum': over each sample's elements, then the mean over samples."""
    return t.mean() if reduction == "mean" else t.flatten(1).sum(1).mean()


class TwinMogVae(nn.Module):
    """mog-vae, with the mlp, conv or resnet trunk."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): eps [B, H] for nelbo(), then eps
    # [B, H] for terms(). The PatchGAN draws nothing (eval mode: BatchNorm uses its running statistics).

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.latent = spec["latent"]
        options = spec.get("options", {})
        self.betas = [float(options.get(f"beta{k}", d)) for k, d in zip((1, 2, 3, 4), (1.0, 0.5, 5000.0, 100.0))]
        self.l1_reduction = options.get("l1_reduction", "mean")
        self.adv_reduction = options.get("adv_reduction", "mean")
        self.density = options.get("density", "likelihood")
        self.disc_lr = float(options.get("disc_lr", 1e-4))
        if spec["architecture"]["type"] == "resnet":
            self.encoder = resnet_encoder(spec, 2 * self.latent)
            self.decoder = resnet_decoder(spec, self.latent)
        else:
            self.encoder = encoder(spec, 2 * self.latent)
            self.decoder = decoder(spec, self.latent)
        self.discriminator = PatchGAN(shape_of(spec)[0], int(options.get("disc_channels", 64)),
                                      options.get("disc_norm", "batch"))
        self._disc_optimizer = None
        self._last = None  # (x, detached x_hat) of the last training_loss, for after_step

    # -- model ------------------------------------------------------------------------------------------
    def encode(self, x):
        h = self.encoder(x)
        return h[:, :self.latent], h[:, self.latent:]

    def link(self, out: torch.Tensor) -> torch.Tensor:
        """The likelihood's mean of a raw decoder output: x_hat."""
        return torch.sigmoid(out) if self.spec["likelihood"].get("type", "bernoulli") == "bernoulli" else out

    def adversarial(self, x_hat: torch.Tensor, target: float) -> torch.Tensor:
        """BCE(sigmoid(D(x_hat)), target) over the realism map, reduced as options.adv_reduction."""
        logits = self.discriminator(x_hat)
        bce = F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target), reduction="none")
        return reduce_per_sample(bce, self.adv_reduction)

    def discriminator_loss(self, x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
        """eq. 24: b4 (BCE(D(x), 1) + BCE(D(x_hat), 0)), x_hat detached (only D learns from it)."""
        return self.betas[3] * (self.adversarial(x, 1.0) + self.adversarial(x_hat.detach(), 0.0))

    def generator_terms(self, x: torch.Tensor, eps: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """The named terms, "loss" and "x_hat" for codes mu + sigma * eps (eps drawn here when None)."""
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * (torch.randn_like(mu) if eps is None else eps)
        x_hat = self.link(self.decoder(z))
        terms = {"kl_g": mixture_kl(mu, z),
                 "kl_i": individual_kl(logvar).mean(),
                 "l1": reduce_per_sample((x - x_hat).abs(), self.l1_reduction),
                 "adv": self.adversarial(x_hat, 1.0)}
        b1, b2, b3, b4 = self.betas
        terms["loss"] = b1 * terms["kl_g"] + b2 * terms["kl_i"] + b3 * terms["l1"] + b4 * terms["adv"]
        terms["x_hat"] = x_hat
        return terms

    def nelbo(self, x: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """Per sample: -log p(x | z) + KLstd(mu, sigma^2), z = mu + sigma * eps (beta = 1)."""
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps
        out = self.decoder(z)
        if self.density == "likelihood":
            nll = negative_log_likelihood(self.spec["likelihood"], x, out)
        else:  # implied-laplace
            d = x[0].numel()
            b = (d if self.l1_reduction == "mean" else 1.0) / self.betas[2]
            nll = (x - self.link(out)).abs().flatten(1).sum(1) / b + d * math.log(2.0 * b)
        return nll + kl_standard_normal(mu, logvar)

    # -- the twin's interface ---------------------------------------------------------------------------
    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        """nelbo and terms with eval's draw order (the caller has just seeded torch)."""
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        eps_terms = torch.randn(x.shape[0], self.latent)
        nelbo = self.nelbo(x, eps_nelbo).mean().item()
        t = self.generator_terms(x, eps_terms)
        terms = {k: v.item() for k, v in t.items() if k != "x_hat"}
        terms["disc"] = self.discriminator_loss(x, t["x_hat"]).item()
        return {"nelbo": nelbo, "terms": terms}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """The generator loss of one step (no warm-up); its x_hat is kept for after_step."""
        t = self.generator_terms(x)
        self._last = (x, t["x_hat"].detach())
        return t["loss"]

    def generator_parameters(self) -> List[nn.Parameter]:
        """What the main optimiser updates: the encoder and decoder, not D."""
        return list(self.encoder.parameters()) + list(self.decoder.parameters())

    def after_step(self, x: torch.Tensor, y: torch.Tensor, step: int) -> None:
        """Algorithm 1 line 6: one Adam step of D on eq. 24 with the x_hat of the generator pass this step
        began with (or a fresh one); D's gradients from the generator's backward are discarded first."""
        if self._disc_optimizer is None:
            self._disc_optimizer = torch.optim.Adam(self.discriminator.parameters(), lr=self.disc_lr)
        last, self._last = self._last, None
        if last is not None and last[0] is x:
            x_hat = last[1]
        else:
            with torch.no_grad():
                mu, logvar = self.encode(x)
                x_hat = self.link(self.decoder(mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)))
        self._disc_optimizer.zero_grad()
        self.discriminator_loss(x, x_hat).backward()
        self._disc_optimizer.step()


VARIANTS = {"mog-vae": TwinMogVae}
