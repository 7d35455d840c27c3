"""Reference regions: the nation, 38 provinces and 514 regencies/cities (Kemendagri codes)."""
