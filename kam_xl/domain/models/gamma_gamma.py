"""Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The
Gamma-Gamma model of monetary value"; Colombo & Jiang 1999).

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma).
Data per customer: x repeat transactions with mean value m_x. Money in the
reporting currency.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .mle import maximize_log_likelihood


@dataclass(frozen=True)
class GammaGammaFit:
    p: float
    q: float
    gamma: float
    log_likelihood: float
    converged: bool
    customers: int

    def expected_order_value(self, x, m_x) -> np.ndarray:
        """E[M | p, q, gamma, m_x, x] = p (gamma + x m_x) / (p x + q - 1); with
        x = 0 this is the population mean p gamma / (q - 1)."""
        x, m_x = np.asarray(x, dtype=float), np.nan_to_num(np.asarray(m_x, dtype=float))
        return self.p * (self.gamma + x * m_x) / (self.p * x + self.q - 1.0)


def log_likelihood(params, x, m_x) -> float:
    """Sum over customers of log f(m_x | p, q, gamma, x) (Fader & Hardie 2013 eq. 3)."""
    p, q, gamma = params
    px = p * x
    terms = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(gamma)
             + (px - 1.0) * np.log(m_x) + px * np.log(x) - (px + q) * np.log(gamma + x * m_x))
    return float(np.sum(terms))


def fit_gamma_gamma(x, m_x) -> GammaGammaFit:
    """Maximum likelihood over customers with x > 0 and m_x > 0 (log-parameters)."""
    x, m_x = np.asarray(x, dtype=float), np.asarray(m_x, dtype=float)
    keep = (x > 0) & (m_x > 0) & np.isfinite(m_x)
    x, m_x = x[keep], m_x[keep]

    params, ll, converged = maximize_log_likelihood(lambda p: log_likelihood(p, x, m_x),
                                                    [1.0, 1.0, max(float(np.mean(m_x)), 1e-6)], (-12, 14))
    p, q, gamma = params
    return GammaGammaFit(float(p), float(q), float(gamma), ll, converged, int(keep.sum()))
