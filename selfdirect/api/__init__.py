"""The JSON API (/api/v1/), described by its OpenAPI schema at /api/v1/openapi.json."""
