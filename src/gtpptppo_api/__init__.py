"""GT-PPTPPO API: the record and reporting backbone of Indonesia's anti-trafficking task forces.

Built on Permen PPPA No. 10/2012 (guideline for forming and strengthening the Gugus Tugas
Pencegahan dan Penanganan Tindak Pidana Perdagangan Orang).
"""

__version__ = "0.1.0"
