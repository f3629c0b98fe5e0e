"""The BG/NBD and Gamma-Gamma equations term by term (likelihoods, P(alive), expected purchases, the fits);
many were added where mutation testing (`make mutation`, docs/TESTING.md) showed a changed line in the
models run that no other test noticed. Every expected value is worked out by hand in the
comment beside it."""
import math

import numpy as np
import pytest
from scipy.special import betaln, gammaln, hyp2f1

from kam_xl.domain.models import BetaGeoFit, GammaGammaFit, fit_bgnbd, fit_gamma_gamma
from kam_xl.domain.models import bgnbd, gamma_gamma

# Parameters of the size of the CDNOW estimates (FHL 2005: r 0.243, alpha 4.414, a 0.793, b 2.426),
# with a > 1 where E[Y(t)] needs it.
R, ALPHA, A, B = 0.25, 4.4, 1.8, 2.4
FIT = BetaGeoFit(R, ALPHA, A, B, 0.0, True, 3)


def paper_likelihood(r, alpha, a, b, x, t_x, T):
    """FHL 2005 eq. 6, written out term by term (not in log space)."""
    common = math.exp(gammaln(r + x) - gammaln(r)) * alpha ** r
    first = math.exp(betaln(a, b + x) - betaln(a, b)) * common / (alpha + T) ** (r + x)
    second = (math.exp(betaln(a + 1, b + x - 1) - betaln(a, b)) * common / (alpha + t_x) ** (r + x)) if x > 0 else 0.0
    return first + second


def test_bgnbd_log_likelihood_is_the_sum_of_eq_6_with_weights():
    x, t_x, T = np.array([0.0, 1.0, 4.0]), np.array([0.0, 3.0, 20.0]), np.array([10.0, 12.0, 30.0])
    want = [math.log(paper_likelihood(R, ALPHA, A, B, *row)) for row in zip(x, t_x, T)]
    assert bgnbd.log_likelihood((R, ALPHA, A, B), x, t_x, T) == pytest.approx(sum(want), rel=1e-10)
    w = np.array([2.0, 1.0, 3.0])
    assert bgnbd.log_likelihood((R, ALPHA, A, B), x, t_x, T, w) == pytest.approx(
        2 * want[0] + want[1] + 3 * want[2], rel=1e-10)


def test_bgnbd_p_alive_eq_13_and_expected_purchases_eq_10():
    x, t_x, T, t = 2.0, 5.0, 9.0, 6.0
    death_odds = A / (B + x - 1) * ((ALPHA + T) / (ALPHA + t_x)) ** (R + x)
    p_alive = 1 / (1 + death_odds)                                          # FHL 2005 eq. 13
    assert FIT.p_alive(x, t_x, T) == pytest.approx(p_alive, rel=1e-12)
    assert FIT.p_alive(0.0, 0.0, T) == 1.0                                  # no repeat purchase: alive
    z = t / (ALPHA + T + t)
    # eq. 10 in its original form (without Euler's transformation)
    ey = ((A + B + x - 1) / (A - 1) * (1 - ((ALPHA + T) / (ALPHA + T + t)) ** (R + x)
                                      * hyp2f1(R + x, B + x, A + B + x - 1, z)) * p_alive)
    assert FIT.expected_purchases(t, x, t_x, T) == pytest.approx(ey, rel=1e-10)
    # eq. 7 for a new customer
    ex = (A + B - 1) / (A - 1) * (1 - (ALPHA / (ALPHA + t)) ** R * hyp2f1(R, B, A + B - 1, t / (ALPHA + t)))
    assert FIT.unconditional_purchases(t) == pytest.approx(ex, rel=1e-12)


def test_fit_bgnbd_pools_rows_and_counts_customers():
    # a small book: the fit must reach the likelihood maximum and report every customer
    x = np.array([0, 0, 1, 2, 0, 3, 1, 0, 5, 2] * 3, dtype=float)
    t_x = np.array([0, 0, 10, 20, 0, 30, 5, 0, 35, 25] * 3, dtype=float)
    T = np.array([40, 38, 40, 39, 36, 40, 30, 20, 40, 35] * 3, dtype=float)
    fit = fit_bgnbd(x, t_x, T)
    assert fit.customers == 30 and fit.converged
    ll = bgnbd.log_likelihood((fit.r, fit.alpha, fit.a, fit.b), x, t_x, T)
    assert fit.log_likelihood == pytest.approx(ll, rel=1e-9)
    for factor in (0.97, 1.03):                                             # a maximum in every direction
        for i in range(4):
            params = [fit.r, fit.alpha, fit.a, fit.b]
            params[i] *= factor
            assert bgnbd.log_likelihood(params, x, t_x, T) <= ll + 1e-9


def test_gamma_gamma_order_value_and_likelihood():
    p, q, g = 6.25, 3.74, 15.44                                             # F&H 2013 CDNOW estimates
    fit = GammaGammaFit(p, q, g, 0.0, True, 2)
    # E[M] = p (gamma + x m) / (p x + q - 1); x = 0 -> p gamma / (q - 1)
    assert fit.expected_order_value(3, 40.0) == pytest.approx(p * (g + 3 * 40.0) / (p * 3 + q - 1), rel=1e-12)
    assert fit.expected_order_value(0, np.nan) == pytest.approx(p * g / (q - 1), rel=1e-12)
    # F&H 2013 eq. 3 for two customers
    def f(m, x):
        return math.exp(gammaln(p * x + q) - gammaln(p * x) - gammaln(q)) * g ** q * m ** (p * x - 1) \
            * x ** (p * x) / (g + m * x) ** (p * x + q)
    want = math.log(f(40.0, 3)) + math.log(f(12.5, 1))
    got = gamma_gamma.log_likelihood((p, q, g), np.array([3.0, 1.0]), np.array([40.0, 12.5]))
    assert got == pytest.approx(want, rel=1e-10)


def test_fit_gamma_gamma_uses_only_repeat_buyers_with_positive_means():
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.integers(1, 6, 200).astype(float), [0.0, 2.0, 3.0]])
    m = np.concatenate([rng.gamma(5.0, 8.0, 200), [50.0, 0.0, np.inf]])   # the last three are left out
    fit = fit_gamma_gamma(x, m)
    assert fit.customers == 200 and fit.converged
    ll = gamma_gamma.log_likelihood((fit.p, fit.q, fit.gamma), x[:200], m[:200])
    assert fit.log_likelihood == pytest.approx(ll, rel=1e-9)
    for factor in (0.97, 1.03):
        for i in range(3):
            params = [fit.p, fit.q, fit.gamma]
            params[i] *= factor
            assert gamma_gamma.log_likelihood(params, x[:200], m[:200]) <= ll + 1e-9


def test_p_alive_without_repeat_purchases_is_one_and_silent():
    import warnings
    # x = 0: the death odds are 0 whatever log(b + x - 1) is: with b = 1 it is log 0, with b < 1 the log of a
    # negative number; neither may reach the user as a RuntimeWarning
    for b in (1.0, 0.5):
        fit = BetaGeoFit(R, ALPHA, A, b, 0.0, True, 1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert fit.p_alive(np.array([0.0]), np.array([0.0]), np.array([10.0])).tolist() == [1.0]


def test_fit_gamma_gamma_keeps_small_positive_means():
    x = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 4.0, 1.0, 2.0])
    m = np.array([0.5, 0.8, 0.6, 0.9, 0.7, 0.65, 0.4, 0.75])     # every mean below 1: all 8 are used
    assert fit_gamma_gamma(x, m).customers == 8


def _polished(objective, start):
    """An independent high-precision optimum started from ``start`` (BFGS with a tight gradient tolerance)."""
    from scipy import optimize
    return optimize.minimize(objective, start, method="BFGS", options={"gtol": 1e-10, "maxiter": 10000}).x


def _gg_data():
    rng = np.random.default_rng(11)
    x = rng.integers(1, 8, 300).astype(float)
    m = rng.gamma(6.0, 2.5, 300) * rng.gamma(4.0, 1.0, 300) / 4.0
    return x, m


def _bg_data():
    rng = np.random.default_rng(5)
    T = rng.uniform(30, 60, 400).round()
    x = rng.poisson(2.0, 400).astype(float) * (rng.random(400) < 0.7)
    t_x = np.where(x > 0, (T * rng.uniform(0.2, 1.0, 400)).round(), 0.0)
    return x, t_x, T


def test_fit_gamma_gamma_is_precise_and_silent():
    import warnings
    x, m = _gg_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                       # no OptimizeWarning either
        fit = fit_gamma_gamma(x, m)
    logs = np.log([fit.p, fit.q, fit.gamma])
    best = _polished(lambda v: -gamma_gamma.log_likelihood(np.exp(v), x, m), logs)
    assert logs == pytest.approx(best, abs=1e-8)                             # at the maximum to 1e-8 in log terms


def test_fit_bgnbd_is_precise_and_silent():
    import warnings
    x, t_x, T = _bg_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = fit_bgnbd(x, t_x, T)
    logs = np.log([fit.r, fit.alpha, fit.a, fit.b])
    best = _polished(lambda v: -bgnbd.log_likelihood(np.exp(v), x, t_x, T), logs)
    assert logs == pytest.approx(best, abs=1e-8)
    assert fit.customers == 400 and fit.converged


def test_bgnbd_log_likelihood_with_b_below_one():
    # x = 1 and b = 0.5: the second term has b + x - 1 = 0.5 (log 0.5 < 0), written out in eq. 6
    b = 0.5
    x, t_x, T = np.array([1.0, 2.0]), np.array([3.0, 8.0]), np.array([12.0, 12.0])
    want = sum(math.log(paper_likelihood(R, ALPHA, A, b, *row)) for row in zip(x, t_x, T))
    assert bgnbd.log_likelihood((R, ALPHA, A, b), x, t_x, T) == pytest.approx(want, rel=1e-10)


def test_fits_that_find_no_valid_likelihood_are_not_converged():
    # spends of 1e308 overflow gamma + x m_x for every parameter: the likelihood is nowhere finite
    with np.errstate(over="ignore", invalid="ignore"):
        gg = fit_gamma_gamma(np.array([2.0, 3.0]), np.array([1e308, 1e308]))
    assert gg.customers == 2 and not gg.converged
    # infinite ages: log(alpha + T) is infinite for every parameter
    inf = np.array([np.inf, np.inf])
    with np.errstate(over="ignore", invalid="ignore"):
        bg = fit_bgnbd(np.array([1.0, 2.0]), inf, inf, initial=(1.0, 1.0, 1.0, 1.0))
    assert bg.customers == 2 and not bg.converged
