"""Integrated service centres (Pusat Pelayanan Terpadu, PPT / P2TP2A), Permen PPPA 10/2012 §3.2
and §5.1.2."""
