"""Built-in rules. Importing this package registers them all."""

from contentqa.rules import schema  # noqa: F401
