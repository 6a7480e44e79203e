"""vade (spec §7; vae-lecture.md "The Generative Process of VADE"; Jiang et al. 2017).

Generative model: c ~ Cat(pi), z | c ~ N(mu_c, diag sigma_c^2), x | z ~ the decoder's likelihood.
Inference: q(z, c | x) = q(z | x) q(c | x), q(z | x) = N(mu~, diag sigma~^2) from the encoder, and
q(c | x) = gamma_c = p(c | z) at the sampled z (Jiang et al. eq. 16). The ELBO
    L(x) = E_q[log p(x | z) + log p(z | c) + log p(c) - log q(z | x) - log q(c | x)]
is, with one z sample for log p(x | z) and the Gaussian expectations in closed form,
    L(x) = log p(x | z) - KL(q(z, c | x) || p(z, c)),
    KL(q(z, c | x) || p(z, c)) = sum_c gamma_c KL(N(mu~, sigma~^2) || N(mu_c, sigma_c^2)) + KL(gamma || pi)
(Jiang et al.'s eq. 11 regrouped: the log 2 pi terms cancel and sum_c gamma_c = 1).
State: pi = softmax(pi_logits) [K], mu_c [K, H], logvar_c = log sigma_c^2 [K, H] (parameters) and the
buffer prior_initialized (1 once the GMM was fitted to the pre-trained codes).

Training (Jiang et al. §3.4): pre-train an autoencoder (options.pretrain: "ae" recon(x, dec(mu~)), "dae" the
same from an input with a fraction pretrain_noise of its entries zeroed, "vae" recon + KLstd), fit a GMM to
its codes, then maximise L. Options (absent keys take these values): {"clusters": 10, "pretrain": "ae",
"pretrain_noise": 0.2, "init_em_iterations": 100, "init_samples": 10000, "init_seed": 0, ...}.

Terms `vaelab-cli eval` reports: "loss", "recon", "kl" and "pretrain" (1 before the GMM fit, 0 after).
Before the fit the loss is the pre-training objective and "kl" is 0. nelbo is -L(x) with the mixture prior
as it stands (at one z sample), whether fitted or not.
"""
from typing import Dict, List, Optional

import torch
from torch import nn
from torch.distributions import Normal, kl_divergence

from .backbone import decoder, encoder, kl_standard_normal, negative_log_likelihood


class TwinVade(nn.Module):
    """vade."""

    # The draws `vaelab-cli eval` makes after torch.manual_seed(seed): eps [B, H] for nelbo(); eps [B, H]
    # for terms() once the prior is fitted (or in "vae" pre-training); none in "ae"/"dae" pre-training.

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.latent = spec["latent"]
        options = spec.get("options", {})
        self.clusters = int(options.get("clusters", 10))
        self.pretrain = options.get("pretrain", "ae")
        self.pretrain_noise = float(options.get("pretrain_noise", 0.2))
        self.init_samples = int(options.get("init_samples", 10000))
        self.init_em_iterations = int(options.get("init_em_iterations", 100))
        self.init_seed = int(options.get("init_seed", 0))
        self.encoder = encoder(spec, 2 * self.latent)
        self.decoder = decoder(spec, self.latent)
        self.pi_logits = nn.Parameter(torch.zeros(self.clusters))
        self.mu_c = nn.Parameter(0.1 * torch.randn(self.clusters, self.latent))
        self.logvar_c = nn.Parameter(torch.zeros(self.clusters, self.latent))
        self.register_buffer("prior_initialized", torch.zeros(()))
        self._kept_codes: List[torch.Tensor] = []

    # --- the model ---

    def encode(self, x):
        h = self.encoder(x)
        return h[:, :self.latent], h[:, self.latent:]

    def nll(self, x, z):
        return negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z))

    def fitted(self) -> bool:
        return bool(self.prior_initialized.item() > 0.5)

    def components(self) -> Normal:
        """p(z | c) for every c, batch shape [K, H]."""
        return Normal(self.mu_c, torch.exp(0.5 * self.logvar_c))

    def cluster_posterior(self, z: torch.Tensor) -> torch.Tensor:
        """log gamma = log p(c | z) = log softmax_c(log pi_c + log N(z; mu_c, sigma_c^2)), [B, K]."""
        log_pz_c = self.components().log_prob(z.unsqueeze(1)).sum(-1)
        return torch.log_softmax(torch.log_softmax(self.pi_logits, 0) + log_pz_c, dim=1)

    def prior_kl(self, mu, logvar, z) -> torch.Tensor:
        """KL(q(z, c | x) || p(z, c)) per input [B] with q(c | x) = p(c | z) at the sample z."""
        log_gamma = self.cluster_posterior(z)
        gamma = log_gamma.exp()
        q = Normal(mu.unsqueeze(1), torch.exp(0.5 * logvar).unsqueeze(1))  # [B, 1, H]
        kl_z = kl_divergence(q, self.components()).sum(-1)                 # [B, K]
        kl_c = (gamma * (log_gamma - torch.log_softmax(self.pi_logits, 0))).sum(1)
        return (gamma * kl_z).sum(1) + kl_c

    def negative_elbo(self, x, eps) -> torch.Tensor:
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * eps
        return self.nll(x, z) + self.prior_kl(mu, logvar, z)

    # --- eval ---

    def terms(self, x) -> Dict[str, float]:
        if self.fitted():
            mu, logvar = self.encode(x)
            z = mu + torch.exp(0.5 * logvar) * torch.randn(x.shape[0], self.latent)
            recon = self.nll(x, z).mean()
            kl = self.prior_kl(mu, logvar, z).mean()
            return {"loss": (recon + kl).item(), "recon": recon.item(), "kl": kl.item(), "pretrain": 0.0}
        loss, recon = self.pretraining_loss(x, corrupt=False)
        return {"loss": loss.item(), "recon": recon.item(), "kl": 0.0, "pretrain": 1.0}

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        """nelbo and terms with eval's draw order (the caller has just seeded torch)."""
        nelbo = self.negative_elbo(x, torch.randn(x.shape[0], self.latent)).mean().item()
        return {"nelbo": nelbo, "terms": self.terms(x)}

    # --- training ---

    def pretraining_loss(self, x, corrupt: bool):
        """The autoencoder objective before the GMM fit and its reconstruction term (batch means)."""
        mu, logvar = self.encode(x)
        if self.pretrain == "vae":
            z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
            recon = self.nll(x, z).mean()
            return recon + kl_standard_normal(mu, logvar).mean(), recon
        if self.pretrain == "dae" and corrupt:
            # Zero a fraction pretrain_noise of the entries, leave the rest as they are.
            kept = torch.nn.functional.dropout(x, self.pretrain_noise, training=True) * (1 - self.pretrain_noise)
            recon = self.nll(x, self.encode(kept)[0]).mean()
            return recon, recon
        recon = self.nll(x, mu).mean()
        return recon, recon

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """Before the GMM fit: the pre-training objective (the encoder means are kept for the fit, at most
        init_samples of them); after it: -L(x), batch mean. The switch is the caller's: it knows the epochs
        and calls initialize_prior() after the pre-training epochs."""
        if not self.fitted():
            self._keep(self.encode(x)[0].detach())
            return self.pretraining_loss(x, corrupt=True)[0]
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return (self.nll(x, z) + self.prior_kl(mu, logvar, z)).mean()

    def _keep(self, codes: torch.Tensor) -> None:
        self._kept_codes.append(codes)
        while sum(c.shape[0] for c in self._kept_codes[1:]) >= self.init_samples:
            self._kept_codes.pop(0)

    @torch.no_grad()
    def initialize_prior(self, codes: Optional[torch.Tensor] = None) -> None:
        """Fits pi, mu_c, sigma_c^2 to codes [N, H] (default: the codes kept in pre-training): k-means++
        groups, one Gaussian per group, then init_em_iterations of diagonal-GMM EM. Ends pre-training."""
        codes = torch.cat(self._kept_codes) if codes is None else codes
        generator = torch.Generator().manual_seed(self.init_seed)
        groups = kmeans(codes, self.clusters, generator)
        resp = torch.nn.functional.one_hot(groups, self.clusters).to(codes.dtype)
        for it in range(self.init_em_iterations + 1):
            if it > 0:  # E-step with the current Gaussians
                log_joint = torch.log(weights) + Normal(means, variances.sqrt()).log_prob(codes.unsqueeze(1)).sum(-1)
                resp = torch.softmax(log_joint, dim=1)
            n_k = resp.sum(0) + 1e-10
            weights = n_k / n_k.sum()
            means = resp.t() @ codes / n_k.unsqueeze(1)
            variances = (resp.t() @ codes.pow(2) / n_k.unsqueeze(1) - means.pow(2)).clamp_min(1e-6)
        self.pi_logits.copy_(weights.log())
        self.mu_c.copy_(means)
        self.logvar_c.copy_(variances.log())
        self.prior_initialized.fill_(1.0)


def kmeans(points: torch.Tensor, k: int, generator: torch.Generator, iterations: int = 100) -> torch.Tensor:
    """Lloyd's k-means from a k-means++ seeding; the group of every point, [N] int64."""
    centres = points[torch.randint(points.shape[0], (1,), generator=generator)]
    while centres.shape[0] < k:
        d2 = torch.cdist(points, centres).min(1).values.pow(2)
        pick = torch.multinomial(d2 + 1e-12, 1, generator=generator)
        centres = torch.cat([centres, points[pick]])
    groups = torch.cdist(points, centres).argmin(1)
    for _ in range(iterations):
        for c in range(k):
            members = points[groups == c]
            if members.shape[0] > 0:
                centres[c] = members.mean(0)
        new_groups = torch.cdist(points, centres).argmin(1)
        if torch.equal(new_groups, groups):
            break
        groups = new_groups
    return groups


VARIANTS = {"vade": TwinVade}
