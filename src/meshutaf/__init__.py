"""Meshutaf: a platform for cross-sector collaborative processes."""

__version__ = "0.1.0"
