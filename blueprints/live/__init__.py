"""Live updates; importing the package adds every module's views to `bp` (in views.py)."""

from blueprints.live import coverage  # noqa: F401  (adds the live coverage poll to bp)
