"""Forecasting, anomaly detection, usage patterns, backtests and model storage. Pure functions on pandas data."""
