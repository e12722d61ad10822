"""carintel: competitor-intelligence news tracker for cross-industry carmaking ventures."""

__version__ = "0.1.0"
