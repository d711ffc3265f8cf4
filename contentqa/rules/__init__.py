"""Built-in rules. Importing this package registers them all."""

from contentqa.rules import duplicates, schema  # noqa: F401
