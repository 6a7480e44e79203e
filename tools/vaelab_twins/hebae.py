"""hebae (spec §4; hebae.txt §3, Appendix A): the hierarchical empirical Bayes autoencoder.

Training and the loss terms use the batch's empirical prior on the encoder means,
    beta_hat = mean_i mu_i,   Sigma_hat = cov_i(mu_i) (1/M normalisation) + jitter I,   R R^T = Sigma_hat,
    z_i = mu_i + sigma_i * (R eps_i)                                  (eq. 8/14),
    loss = recon + lambda [tr Sigma_hat - H - log|Sigma_hat| + beta_hat^T beta_hat]   (eq. 11/17, the
    bracket once per batch; sigma_i never enters it).
The negative ELBO needs a per-input posterior while Sigma_hat is a batch statistic; vaelab keeps a running
estimate of it (buffers running_mean, running_cov) and reports the ELBO of
    q(z | x_i) = N(mu_i, D_i Sigma_run D_i),  D_i = diag(sigma_i)     (eq. 6/15 with a vector sigma_i)
against the N(0, I) prior: -log p(x | z) + KL(q || N(0, I)), z drawn through chol(Sigma_run).
"""
from typing import Dict

import torch
from torch import nn

from .backbone import decoder, encoder, negative_log_likelihood


def gaussian_kl_to_standard(mu: torch.Tensor, cov: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, cov) || N(0, I)) per row, cov {B,H,H}, in float64."""
    mu, cov = mu.double(), cov.double()
    h = mu.shape[-1]
    trace = cov.diagonal(dim1=-2, dim2=-1).sum(-1)
    return 0.5 * (trace + (mu * mu).sum(-1) - h - torch.logdet(cov))


class TwinHebae(nn.Module):
    """hebae with options lambda, sigma (vector | scalar), jitter, running_momentum."""

    # Draws of `vaelab-cli eval` after torch.manual_seed(seed): eps {B,H} for nelbo(), then eps {B,H}
    # for terms().

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        options = spec.get("options", {})
        self.latent = spec["latent"]
        self.lam = options.get("lambda", 1.0)
        self.scalar_sigma = options.get("sigma", "vector") == "scalar"
        self.jitter = options.get("jitter", 1e-5)
        self.momentum = options.get("running_momentum", 0.05)
        self.encoder = encoder(spec, self.latent + (1 if self.scalar_sigma else self.latent))
        self.decoder = decoder(spec, self.latent)
        self.register_buffer("running_mean", torch.zeros(self.latent))
        self.register_buffer("running_cov", torch.eye(self.latent))

    def encode(self, x):
        """mu {B,H} and log sigma_i^2 {B,H} (a scalar sigma_i repeated over H)."""
        h = self.encoder(x)
        mu, log_s2 = h[:, :self.latent], h[:, self.latent:]
        return mu, log_s2.expand(-1, self.latent)

    def decode(self, z):
        out = self.decoder(z)
        return torch.sigmoid(out) if self.spec["likelihood"].get("type", "bernoulli") == "bernoulli" else out

    def batch_prior(self, mu: torch.Tensor):
        """beta_hat, Sigma_hat (with jitter) and the bracket, in float64."""
        m64 = mu.double()
        beta = m64.mean(0)
        cov = torch.cov(m64.t(), correction=0) + self.jitter * torch.eye(self.latent, dtype=torch.float64)
        bracket = torch.trace(cov) - self.latent - torch.logdet(cov) + beta.dot(beta)
        return beta, cov, bracket

    def nelbo(self, x, eps):
        mu, log_s2 = self.encode(x)
        cov_run = self.running_cov.double()
        r_run = torch.linalg.cholesky(cov_run).to(mu.dtype)
        sigma = torch.exp(0.5 * log_s2)
        z = mu + sigma * (eps @ r_run.t())
        d = sigma.double()
        q_cov = d.unsqueeze(2) * cov_run.unsqueeze(0) * d.unsqueeze(1)  # D_i Sigma_run D_i
        kl = gaussian_kl_to_standard(mu, q_cov)
        return negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)).double() + kl

    def terms_tensors(self, x, eps=None):
        mu, log_s2 = self.encode(x)
        if eps is None:
            eps = torch.randn_like(mu)
        beta, cov, bracket = self.batch_prior(mu)
        r = torch.linalg.cholesky(cov).to(mu.dtype)
        z = mu + torch.exp(0.5 * log_s2) * (eps @ r.t())
        recon = negative_log_likelihood(self.spec["likelihood"], x, self.decoder(z)).mean()
        return mu, beta, cov, recon, bracket

    def terms(self, x, eps) -> Dict[str, float]:
        _, _, _, recon, bracket = self.terms_tensors(x, eps)
        return {"loss": recon.item() + self.lam * bracket.item(), "recon": recon.item(),
                "kl_bracket": bracket.item()}

    def training_loss(self, x: torch.Tensor, y: torch.Tensor, step: int) -> torch.Tensor:
        """recon + lambda bracket on the batch; the running prior moves towards the batch's (momentum)."""
        mu, beta, cov, recon, bracket = self.terms_tensors(x)
        with torch.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * beta.to(mu.dtype))
            self.running_cov.mul_(1 - self.momentum).add_(self.momentum * cov.to(mu.dtype))
        return recon + self.lam * bracket.to(recon.dtype)

    def check(self, x: torch.Tensor, y: torch.Tensor) -> Dict[str, object]:
        eps_nelbo = torch.randn(x.shape[0], self.latent)
        nelbo = self.nelbo(x, eps_nelbo).mean().item()
        eps_terms = torch.randn(x.shape[0], self.latent)
        return {"nelbo": nelbo, "terms": self.terms(x, eps_terms)}


VARIANTS = {"hebae": TwinHebae}
