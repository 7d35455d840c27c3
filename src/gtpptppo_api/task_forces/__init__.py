"""Task forces (Gugus Tugas), their sub-task-forces and their decrees (BAB II)."""
