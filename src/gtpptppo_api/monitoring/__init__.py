"""Monitoring and evaluation with the checklist instrument (3.3.1, 3.3.2, Lampiran VI)."""
