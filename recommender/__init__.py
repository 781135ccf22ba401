"""Recommender: features, models (LightFM hybrid + baselines), fast filtered top-K, explanations,
next training, registry, batch scoring and the serving functions (see docs/recommender.md)."""
