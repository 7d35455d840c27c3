"""Coordination meetings of the task forces (Permen PPPA 10/2012, 3.1 and 3.2)."""
