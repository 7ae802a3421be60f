"""The demo newsroom: data files under `data/`, the loader, and synthetic stories for load tests."""

from demo.files import DemoDataError, read_all
from demo.loader import load_demo, load_frame
from demo.synthetic import load_synthetic

__all__ = ["DemoDataError", "load_demo", "load_frame", "load_synthetic", "read_all"]
