"""Small shared helpers: schema base, pagination, ETags."""
