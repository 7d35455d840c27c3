"""Disclosure control: what analysts and the public may learn from aggregates and rows.

Counts go out perturbed by cell key (:mod:`.ptable`); row-level releases are k-anonymous
(:mod:`.release`). The task forces' chain and national administrators keep exact figures.
See ``docs/disclosure-control.md``.
"""
