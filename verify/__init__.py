"""Comparison engine, NumPy kernels, diagnosis, report formats."""
