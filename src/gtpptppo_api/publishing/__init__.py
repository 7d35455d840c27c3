"""Publishing reports to the community and the public site (seed 2.x.4 a, 5.4, 5.7)."""
