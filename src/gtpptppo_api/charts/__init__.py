"""Organisation charts of task forces in the layout of Lampiran I-III."""
