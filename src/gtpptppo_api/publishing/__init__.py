"""Publishing reports to the community and the public site (Permen PPPA 10/2012 §2.x.4 a,
§5.4, §5.7)."""
