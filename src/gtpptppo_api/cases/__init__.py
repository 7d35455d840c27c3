"""Victim case records pushed by service centres (pencatatan dan pelaporan korban, 3.3, 5.4)."""
