"""Cadence compliance of meetings, monitoring and evaluation (3.1, 3.3.1 d)."""
