"""Capacity building of task-force members and service-centre staff (Penguatan SDM, 5.1)."""
