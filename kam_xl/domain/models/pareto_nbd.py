"""Pareto/NBD model (Schmittlein, Morrison & Colombo 1987), as derived in
Fader, Hardie & Lee's note "A note on deriving the Pareto/NBD model and
related expressions" (2005).

A customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha) and
stays alive for an exponential time with rate mu ~ Gamma(s, beta). Data per
customer as for BG/NBD: x repeat purchases, t_x the time of the last one, T
the age, in one time unit (kam-xl uses days; alpha and beta have that unit).

The likelihood holds a difference of two Gauss hypergeometric terms, the
place implementations overflow: each term is evaluated in log space after
Euler's transformation, 2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z),
whose series has first parameter 1 and stays finite for any x.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .mle import maximize_log_likelihood


@dataclass(frozen=True)
class ParetoNBDFit:
    r: float
    alpha: float
    s: float
    beta: float
    log_likelihood: float
    converged: bool
    customers: int

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0) (FHL note eq. 11)."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        params = (self.r, self.alpha, self.s, self.beta)
        log_odds = (np.log(self.s) - np.log(self.r + self.s + x) + (self.r + x) * np.log(self.alpha + T)
                    + self.s * np.log(self.beta + T) + _log_a0(params, x, t_x, T))
        return special.expit(-log_odds)

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """E[Y(t) | x, t_x, T], purchases in (T, T+t]
        = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive) (FHL note eq. 22)."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        if abs(s - 1.0) < 1e-9:   # the limit s -> 1
            rate = (r + x) / (alpha + T) * (beta + T) * np.log((beta + T + t) / (beta + T))
        else:
            rate = ((r + x) * (beta + T) / ((alpha + T) * (s - 1.0))
                    * (1.0 - np.power((beta + T) / (beta + T + t), s - 1.0)))
        return rate * self.p_alive(x, t_x, T)

    def unconditional_purchases(self, t) -> np.ndarray:
        """E[X(t)] for a new customer = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (FHL note eq. 17)."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        t = np.asarray(t, dtype=float)
        if abs(s - 1.0) < 1e-9:
            return r * beta / alpha * np.log((beta + t) / beta)
        return r * beta / (alpha * (s - 1.0)) * (1.0 - np.power(beta / (beta + t), s - 1.0))

    def count_probability(self, n: int, t) -> np.ndarray:
        """P(X(t) = n) (Fader & Hardie 2006, "Deriving an expression for P(X(t) = x)
        under the Pareto/NBD model", eq. 16): NB(n) (beta/(beta+t))^s
        + alpha^r beta^s B(r+n, s+1)/B(r, s) [B1 - sum_{j=0..n} Gamma(r+s+j)/(Gamma(r+s) j!) t^j B2(j)],
        the B terms Gauss hypergeometric functions of the larger of alpha and beta.
        Powers are taken as ratios (each below 1) so nothing overflows."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        t = np.asarray(t, dtype=float)
        c = r + s + n + 1.0
        head = np.exp(special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1.0)
                      + r * np.log(alpha / (alpha + t)) + _times_log(n, t / (alpha + t))
                      + s * np.log(beta / (beta + t)))
        if alpha >= beta:
            big, second = alpha, s + 1.0
            b1 = np.power(beta / alpha, s) * special.hyp2f1(r + s, second, c, (alpha - beta) / alpha)
        else:
            big, second = beta, r + n
            b1 = np.power(alpha / beta, r) * special.hyp2f1(r + s, second, c, (beta - alpha) / beta)
        later = sum(np.exp(special.gammaln(r + s + j) - special.gammaln(r + s) - special.gammaln(j + 1.0)
                           + r * np.log(alpha / (big + t)) + s * np.log(beta / (big + t))
                           + _times_log(j, t / (big + t)))
                    * special.hyp2f1(r + s + j, second, c, (big - min(alpha, beta)) / (big + t))
                    for j in range(n + 1))
        with np.errstate(invalid="ignore"):
            closed = head + np.exp(special.betaln(r + n, s + 1.0) - special.betaln(r, s)) * (b1 - later)
        # With s and beta very large (no drop-out visible: the model tends to the NBD) B1 and the sum are both
        # huge and their difference is lost; there the integral over the time of death is taken instead.
        lost = ~np.isfinite(closed) | (closed < 0.0) | (closed > 1.0)
        return np.where(lost, head + self._death_term(n, t), closed) if np.any(lost) else closed

    def _death_term(self, n: int, t) -> np.ndarray:
        """P(n purchases, then death, by t) = integral over tau in [0, t] of the density of the time of death,
        (s/beta) (beta/(beta+tau))^(s+1), times NB_tau(n), the chance of n purchases by tau (lambda and mu
        are independent), by 96-point Gauss-Legendre quadrature."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        t = np.asarray(t, dtype=float)
        nodes, weights = np.polynomial.legendre.leggauss(96)
        tau = t[..., None] * (nodes + 1.0) / 2.0
        log_density = np.log(s / beta) + (s + 1.0) * (np.log(beta) - np.log(beta + tau))
        log_count = (special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1.0)
                     + r * np.log(alpha / (alpha + tau)) + _times_log(n, tau / (alpha + tau)))
        return t / 2.0 * (np.exp(log_density + log_count) @ weights)


def _times_log(k: int, ratio) -> np.ndarray:
    """k log(ratio), 0 when k = 0 (also at ratio 0, t = 0, where numpy gives 0 x -inf = NaN)."""
    with np.errstate(divide="ignore"):
        return k * np.log(ratio) if k > 0 else np.zeros_like(np.asarray(ratio, dtype=float))


def _log_a0(params, x, t_x, T) -> np.ndarray:
    """log A0 of the likelihood: the hypergeometric term at t_x minus the same at T (always > 0)."""
    r, alpha, s, beta = params
    a = r + s + x
    if alpha >= beta:
        b = s + 1.0
        big, small = alpha, beta
    else:
        b = r + x
        big, small = beta, alpha

    def term(y):
        z = (big - small) / (big + y)
        with np.errstate(divide="ignore", invalid="ignore"):
            series = special.hyp2f1(1.0, a + 1.0 - b, a + 1.0, z)
            return (1.0 - b) * (np.log(small + y) - np.log(big + y)) + np.log(series) - a * np.log(big + y)
    at_t_x, at_T = term(t_x), term(T)
    with np.errstate(divide="ignore", invalid="ignore"):
        return at_t_x + np.log(-np.expm1(at_T - at_t_x))


def log_likelihood(params, x, t_x, T, weights=None) -> float:
    """Sum of log L_i = log[ Gamma(r+x) alpha^r beta^s / Gamma(r) ( 1/((alpha+T)^(r+x) (beta+T)^s)
    + s/(r+s+x) A0 ) ] (FHL note eq. 19) for params = (r, alpha, s, beta)."""
    r, alpha, s, beta = params
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    survived = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    died = np.log(s) - np.log(r + s + x) + _log_a0(params, x, t_x, T)
    with np.errstate(invalid="ignore"):   # far from the optimum 2F1 can fail: a NaN the optimiser rejects
        terms = head + np.logaddexp(survived, died)
    return float(np.sum(terms if weights is None else weights * terms))


def fit_pareto_nbd(x, t_x, T, initial=(1.0, None, 1.0, None)) -> ParetoNBDFit:
    """Maximum-likelihood fit with the optimiser the other models share;
    identical (x, t_x, T) rows are pooled with weights."""
    data = np.column_stack([np.asarray(v, dtype=float) for v in (x, t_x, T)])
    unique, counts = np.unique(data, axis=0, return_counts=True)
    ux, ut, uT = unique.T
    r0, alpha0, s0, beta0 = initial
    scale = max(float(np.mean(T)), 1.0)
    params, ll, converged = maximize_log_likelihood(lambda p: log_likelihood(p, ux, ut, uT, counts),
                                                    [r0, alpha0 or scale, s0, beta0 or scale], (-12, 12))
    r, alpha, s, beta = params
    return ParetoNBDFit(float(r), float(alpha), float(s), float(beta), ll, converged, int(len(data)))
