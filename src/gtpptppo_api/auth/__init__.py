"""Authentication (bearer tokens) and authorisation (roles and jurisdiction)."""
