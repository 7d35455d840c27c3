"""A log buffer configured as in production (JSON lines at DEBUG)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
import structlog

from gtpptppo_api.observability import logs
from gtpptppo_api.settings import Settings


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Every log record of the process, as configured for production at DEBUG, into a
    buffer; the logging set-up is put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("sqlalchemy", "aiosqlite")}
    stream = io.StringIO()
    logs.configure(Settings(log_format="json", log_level="DEBUG", sql_echo=False), stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)
        structlog.reset_defaults()
