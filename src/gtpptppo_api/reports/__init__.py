"""Reports rolled up the chain of Lampiran V (seed 3.3.3): annual and five-yearly."""
