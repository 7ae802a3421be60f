"""Morning briefings: signing up, confirming, changing regions, unsubscribing, and the archive."""

from blueprints.briefings.views import bp

__all__ = ["bp"]
