"""Cooperation agreements of the task forces (Kerjasama GT-PPTPPO, BAB IV)."""
