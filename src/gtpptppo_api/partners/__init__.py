"""Community partners of a task force (Peran Serta Masyarakat, Permen PPPA 10/2012, 5.7)."""
