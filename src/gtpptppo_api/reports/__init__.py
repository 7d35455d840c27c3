"""Reports rolled up the chain of Lampiran V (Permen PPPA 10/2012 §3.3.3): annual and
five-yearly."""
