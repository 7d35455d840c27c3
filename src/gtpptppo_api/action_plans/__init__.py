"""Action plans: RAN at national level, RAD in the regions (Permen PPPA 10/2012, BAB V)."""
