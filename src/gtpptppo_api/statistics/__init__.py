"""Victim statistics: counts in SQL over a region's subtree, small cells suppressed."""
