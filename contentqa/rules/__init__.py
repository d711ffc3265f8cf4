"""Built-in rules. Importing this package registers them all."""

from contentqa.rules import duplicates, readability, schema, structure, style  # noqa: F401
