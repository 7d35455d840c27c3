"""The per-case consent record and legal basis (UU 27/2022 Pelindungan Data Pribadi)."""
