"""BG/NBD and Gamma-Gamma against published CDNOW estimates and simulated data."""
import numpy as np
import pandas as pd
import pytest

from kam_xl.domain.models import fit_bgnbd, fit_gamma_gamma
from kam_xl.domain.models.bgnbd import BetaGeoFit

# Fader, Hardie & Lee (2005), CDNOW sample of 2,357 customers, 39-week calibration.
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
# Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", same sample.
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def test_bgnbd_reproduces_cdnow(cdnow_dir):
    data = pd.read_csv(cdnow_dir / "cdnow_customers_summary.csv")
    fit = fit_bgnbd(data["frequency"], data["recency"], data["T"])
    for name, value in PUBLISHED_BGNBD.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.01), name
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.1)        # as reported in the paper
    # FHL 2005: customer with x=2, t_x=30.43, T=38.86 expects 1.226 purchases in the next 39 weeks.
    assert fit.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.001)


def test_bgnbd_time_unit_is_days(cdnow_dir):
    data = pd.read_csv(cdnow_dir / "cdnow_customers_summary.csv")
    fit = fit_bgnbd(data["frequency"], data["recency"] * 7, data["T"] * 7)
    assert fit.alpha == pytest.approx(4.414 * 7, rel=0.01)               # alpha scales with the time unit
    assert fit.r == pytest.approx(0.243, rel=0.01)


def test_gamma_gamma_reproduces_cdnow(cdnow_dir):
    data = pd.read_csv(cdnow_dir / "cdnow_customers_summary_with_transactions.csv")
    fit = fit_gamma_gamma(data["x"], data["zbar"])
    assert fit.customers == 946
    for name, value in PUBLISHED_GG.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.01), name
    # E[M] = p (gamma + x m) / (p x + q - 1) by hand for x=2, m=22.35:
    assert fit.expected_order_value(2, 22.35) == pytest.approx(
        fit.p * (fit.gamma + 2 * 22.35) / (fit.p * 2 + fit.q - 1))


def simulate_bgnbd(n, r, alpha, a, b, T, rng):
    """Purchases of n customers observed for T time units under BG/NBD."""
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t, alive = 0.0, True
        while alive:
            t += rng.exponential(1.0 / lam[i])
            if t > T:
                break
            x[i] += 1
            t_x[i] = t
            alive = rng.random() > p[i]
    return x, t_x, np.full(n, T)


def test_bgnbd_recovers_simulated_parameters():
    truth = {"r": 0.8, "alpha": 20.0, "a": 0.6, "b": 3.0}
    x, t_x, T = simulate_bgnbd(6000, *truth.values(), T=365.0, rng=np.random.default_rng(42))
    fit = fit_bgnbd(x, t_x, T)
    for name, value in truth.items():
        assert getattr(fit, name) == pytest.approx(value, rel=0.2), name
    assert fit.converged


def test_gamma_gamma_recovers_simulated_parameters():
    rng = np.random.default_rng(5)
    p, q, gamma = 4.0, 3.0, 50.0
    nu = rng.gamma(q, 1.0 / gamma, 4000)
    x = rng.integers(1, 12, 4000)
    m = np.array([rng.gamma(p, 1.0 / v, k).mean() for v, k in zip(nu, x)])
    fit = fit_gamma_gamma(x, m)
    assert fit.p == pytest.approx(p, rel=0.15)
    assert fit.q == pytest.approx(q, rel=0.15)
    assert fit.gamma == pytest.approx(gamma, rel=0.2)


def test_large_frequency_is_stable():
    fit = BetaGeoFit(r=0.24, alpha=4.4, a=0.79, b=2.4, log_likelihood=0, converged=True, customers=1)
    # A daily buyer for 10 years: no overflow, about one purchase a day ahead while alive.
    expected = fit.expected_purchases(30.0, 3650, 3650.0, 3650.0)
    assert np.isfinite(expected) and expected == pytest.approx(30, rel=0.05)
    assert fit.p_alive(3650, 3650.0, 3650.0) == pytest.approx(1.0, abs=1e-3)
    assert fit.p_alive(0, 0.0, 100.0) == 1.0                             # no repeat: cannot have died


def test_expected_purchases_matches_unconditional_for_new_customer():
    fit = BetaGeoFit(r=0.24, alpha=4.4, a=0.79, b=2.4, log_likelihood=0, converged=True, customers=1)
    # x = t_x = T = 0: the conditional expectation is E[X(t)] of a new customer (FHL eq. 7).
    assert fit.expected_purchases(39.0, 0, 0.0, 0.0) == pytest.approx(fit.unconditional_purchases(39.0), rel=1e-9)
