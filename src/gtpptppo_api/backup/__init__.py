"""Backups of the embedded mode: the SQLite database and its key file in one archive."""
