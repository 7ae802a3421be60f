"""The HTTP layer shared by blueprints: pages, caching, security headers, errors, filters."""
