"""The maximum-likelihood fit every model here shares: parameters searched in
log space (so they stay positive), L-BFGS-B within bounds, then a Nelder-Mead
polish from where it stopped."""
from __future__ import annotations

import numpy as np
from scipy import optimize

_POLISH = {"xatol": 1e-9, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000}


def maximize_log_likelihood(log_likelihood, start, bounds: tuple[float, float]) -> tuple[np.ndarray, float, bool]:
    """(parameters, log-likelihood at them, converged) for ``log_likelihood(parameters)``,
    started at ``start`` (positive parameters) with each log-parameter within ``bounds``.
    A likelihood that is not finite counts as the worst possible."""
    # Nelder-Mead's fatol is absolute, and a likelihood summed over 100,000 customers is in the millions, where
    # float steps are larger than it: it would run to maxfev. Scaled to about 1 at the start, the tolerance is relative.
    at_start = -log_likelihood(np.asarray(start, dtype=float))
    scale = abs(at_start) if np.isfinite(at_start) and abs(at_start) > 1.0 else 1.0

    def objective(log_params):
        value = -log_likelihood(np.exp(log_params)) / scale
        return value if np.isfinite(value) else 1e300

    first = optimize.minimize(objective, np.log(start), method="L-BFGS-B", bounds=[bounds] * len(start))
    # Nelder-Mead's simplex starts at first.x and only ever keeps better points: it ends no worse.
    best = optimize.minimize(objective, first.x, method="Nelder-Mead", options=_POLISH)
    converged = bool(np.isfinite(best.fun) and best.fun < 1e299 and (first.success or best.success))
    return np.exp(best.x), float(-best.fun * scale), converged
