"""The newsroom: the domain. Models, body rendering, photos, search, syndication; no HTTP."""
