"""Personal data lifecycle (UU 27/2022, Pelindungan Data Pribadi): data subject requests,
erasure by crypto-shredding, retention, the breach register (docs/personal-data.md)."""
