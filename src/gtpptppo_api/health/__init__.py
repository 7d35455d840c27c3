"""Health of the process, for orchestrators and load balancers."""
