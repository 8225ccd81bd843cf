"""Admin for resource allocation tables (being written)."""
