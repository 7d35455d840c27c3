"""Operations: metrics (Prometheus), logs (structlog JSON lines) and traces (OpenTelemetry)."""
