"""Members of task forces and the decrees appointing and dismissing them (2.1.1, 2.x.5)."""
