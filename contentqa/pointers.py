"""RFC 6901 JSON pointers, and how to name the place they point at for a human reader."""

from __future__ import annotations

from jsonpointer import escape, unescape

_SINGULAR = {
    "intro": "intro paragraph",
    "takeaways": "takeaway",
    "steps": "step",
    "body": "paragraph",
    "action_items": "action item",
    "strategies": "strategy",
    "sections": "section",
    "items": "item",
    "callouts": "callout",
    "quotes": "quote",
    "faq": "FAQ",
    "related_guides": "related guide",
    "sources": "source",
    "badges": "badge",
}


def escape_token(token: str) -> str:
    return escape(token)


def join(*tokens: str | int) -> str:
    return "".join(f"/{escape(str(token))}" for token in tokens)


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [unescape(token) for token in pointer.split("/")[1:]]


def parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if pointer else ""


def wildcard(pointer: str) -> str:
    """The pointer with list indices replaced by ``*`` (stable when items move)."""
    return "/".join("*" if token.isdigit() else token for token in pointer.split("/"))


def describe(pointer: str) -> str:
    """Name a pointer for readers: ``/steps/2/body/0`` -> ``step 3 › paragraph 1``."""
    tokens = split(pointer)
    if not tokens:
        return "the guide"
    words: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is not None and following.isdigit():
            words.append(f"{_SINGULAR.get(token, token)} {int(following) + 1}")
            i += 2
        else:
            words.append(f"`{token}`")
            i += 1
    return " › ".join(words)
