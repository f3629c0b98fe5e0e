"""Probability models for customer-base analysis (one model per module)."""
from .bgnbd import BetaGeoFit, fit_bgnbd
from .gamma_gamma import GammaGammaFit, fit_gamma_gamma
from .pareto_nbd import ParetoNBDFit, fit_pareto_nbd

__all__ = ["BetaGeoFit", "GammaGammaFit", "ParetoNBDFit", "fit_bgnbd", "fit_gamma_gamma", "fit_pareto_nbd"]
