"""Bulk imports of case records (impor data kasus): a file in, the worker stores its rows."""
