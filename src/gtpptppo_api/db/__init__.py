"""Database: declarative base, engine factory and the request session."""

from gtpptppo_api.db.base import Base, utcnow
from gtpptppo_api.db.engine import create_engine, create_sessionmaker

__all__ = ["Base", "create_engine", "create_sessionmaker", "utcnow"]
