"""Probability models for customer-base analysis (one model per module)."""
from .bgnbd import BetaGeoFit, fit_bgnbd
from .gamma_gamma import GammaGammaFit, fit_gamma_gamma

__all__ = ["BetaGeoFit", "GammaGammaFit", "fit_bgnbd", "fit_gamma_gamma"]
