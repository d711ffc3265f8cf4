"""How rules quote guide text in their messages."""

from __future__ import annotations


def quote(text: str, limit: int = 70) -> str:
    """``text`` in curly quotes on one line, cut with an ellipsis past ``limit`` characters."""
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}”"
