"""Integrated service centres (Pusat Pelayanan Terpadu, PPT / P2TP2A), seed 3.2 and 5.1.2."""
