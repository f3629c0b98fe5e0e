"""BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

A customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha) and
drops out after any purchase with probability p ~ Beta(a, b). Data per customer:
x = repeat purchases, t_x = time of the last purchase, T = age, all measured
from the first purchase in one time unit (kam-xl uses days; alpha has that unit).
Everything is evaluated in log space so large x does not overflow.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .mle import maximize_log_likelihood


@dataclass(frozen=True)
class BetaGeoFit:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    converged: bool
    customers: int

    def p_alive(self, x, t_x, T) -> np.ndarray:
        """P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        return special.expit(-_log_death_odds(self, x, t_x, T))

    def expected_purchases(self, t, x, t_x, T) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] (FHL 2005 eq. 10).

        Uses 2F1 after Euler's transformation,
        ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
          = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),  z = t/(alpha+T+t),
        whose parameters stay small when x is large. When a and b are very
        large (no drop-out visible in the data: the fit tends to the NBD) the
        transformed 2F1 overflows while the direct one does not, so that one
        is used there.
        """
        x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        z = t / (alpha + T + t)
        with np.errstate(over="ignore", invalid="ignore"):
            tail = np.power(1.0 - z, a - 1.0) * special.hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
            direct = np.power(1.0 - z, r + x) * special.hyp2f1(r + x, b + x, a + b + x - 1.0, z)
        tail = np.where(np.isfinite(tail), tail, direct)
        return (a + b + x - 1.0) / (a - 1.0) * (1.0 - tail) * self.p_alive(x, t_x, T)

    def unconditional_purchases(self, t) -> np.ndarray:
        """E[X(t)] for a new customer (FHL 2005 eq. 7)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        t = np.asarray(t, dtype=float)
        z = t / (alpha + t)
        hypergeometric = special.hyp2f1(r, b, a + b - 1.0, z)
        return (a + b - 1.0) / (a - 1.0) * (1.0 - np.power(alpha / (alpha + t), r) * hypergeometric)

    def count_probability(self, n: int, t) -> np.ndarray:
        """P(X(t) = n): the chance of exactly n repeat purchases in (0, t] (FHL 2005 eq. 8),
        B(a, b+n)/B(a, b) NB(n) + [n>0] B(a+1, b+n-1)/B(a, b) (1 - sum_{j<n} NB(j)),
        NB(j) = Gamma(r+j)/(Gamma(r) j!) (alpha/(alpha+t))^r (t/(alpha+t))^j."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        t = np.asarray(t, dtype=float)
        with np.errstate(divide="ignore"):   # t = 0: log 0 = -inf, used only where j > 0
            log_p, log_q = np.log(alpha / (alpha + t)), np.log(t / (alpha + t))

        def negative_binomial(j):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.exp(special.gammaln(r + j) - special.gammaln(r) - special.gammaln(j + 1.0)
                              + r * log_p + np.where(j > 0, j * log_q, 0.0))
        stayed = np.exp(special.betaln(a, b + n) - special.betaln(a, b)) * negative_binomial(n)
        if n == 0:
            return stayed
        below = sum(negative_binomial(j) for j in range(n))
        return stayed + np.exp(special.betaln(a + 1.0, b + n - 1.0) - special.betaln(a, b)) * (1.0 - below)


def _log_death_odds(fit, x, t_x, T):
    """log( [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) ); -inf when x = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (np.log(fit.a) - np.log(fit.b + x - 1.0)
                 + (fit.r + x) * (np.log(fit.alpha + T) - np.log(fit.alpha + t_x)))
    return np.where(x > 0, value, -np.inf)


def log_likelihood(params, x, t_x, T, weights=None) -> float:
    """Sum of log L_i (FHL 2005 eq. 6) for params = (r, alpha, a, b)."""
    r, alpha, a, b = params
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1.0, 1e-300)) - (r + x) * np.log(alpha + t_x),
                      -np.inf)
    terms = a1 + a2 + np.logaddexp(a3, a4)
    return float(np.sum(terms if weights is None else weights * terms))


def fit_bgnbd(x, t_x, T, initial=(1.0, None, 1.0, 1.0)) -> BetaGeoFit:
    """Maximum-likelihood fit over log-parameters (L-BFGS-B, then Nelder-Mead polish).

    Identical (x, t_x, T) rows are pooled with weights, so the cost grows with
    distinct histories, not customers.
    """
    data = np.column_stack([np.asarray(v, dtype=float) for v in (x, t_x, T)])
    unique, counts = np.unique(data, axis=0, return_counts=True)
    ux, ut, uT = unique.T
    r0, alpha0, a0, b0 = initial
    alpha0 = alpha0 if alpha0 is not None else max(float(np.mean(T)), 1.0)
    params, ll, converged = maximize_log_likelihood(lambda p: log_likelihood(p, ux, ut, uT, counts),
                                                    [r0, alpha0, a0, b0], (-12, 12))
    r, alpha, a, b = params
    return BetaGeoFit(float(r), float(alpha), float(a), float(b), ll, converged, int(len(data)))
