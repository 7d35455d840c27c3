"""Facilities of secretariats and service centres (Sarana dan Prasarana, 5.2)."""
