"""contentqa: a content linting and quality pipeline for structured how-to guides."""

__version__ = "0.1.0"
