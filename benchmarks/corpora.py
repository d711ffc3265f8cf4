"""Converters from the real third-party corpora to contentqa guide dicts.

The corpora are *read at run time* from ``<repo>/../shared/corpora/`` (override with the
``CONTENTQA_CORPORA`` environment variable); nothing from them is copied into the repository.
Several are non-commercial (CC BY-NC-SA): use them for benchmarks and tests only.

Every function that needs a corpus raises :class:`CorpusMissing` (with a message naming the
folder) when it is absent, so callers can skip cleanly::

    try:
        guides = myfixit_guides()
    except CorpusMissing as exc:
        print(f"skipped: {exc}")

Mappings
--------
* MyFixit (iFixit): one guide per iFixit guide. ``id`` = slug of the title + ``-`` + 6 hex
  digits of a hash of the iFixit guide id (stable, unique). ``category`` = the iFixit
  category. Each iFixit step is one step: ``title`` = the first words (6 by default) of the
  step text with iFixit link markup reduced to its label; ``body`` = **one paragraph**, the
  step's bullet lines joined with spaces (equal to upstream ``Text_raw`` up to whitespace),
  markup left as is. ``bullets="paragraphs"`` makes each bullet its own paragraph instead, and
  ``bullets="items"`` also copies the bullets into ``action_items`` (which makes every bullet
  an exact duplicate of a body sentence, so it is off by default). The source URL is kept in
  ``x-source``.
* OpenPI wikiHow: one guide per procedure: the title, ``category`` = wikiHow topic, and each
  one-sentence step a step whose body is that sentence and whose title is its first words.
* Clough & Stevenson: :func:`clough_pairs` returns ``(answer_text, source_text, label)``
  with ``label`` in ``cut``, ``light``, ``heavy``, ``non``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("CONTENTQA_CORPORA", REPO.parent / "shared" / "corpora"))

MYFIXIT = "myfixit_ifixit"
WIKIHOW = "openpi_wikihow"
CLOUGH = "clough_plagiarism_short_answers"

CLOUGH_LABELS = ("cut", "light", "heavy", "non")

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
# iFixit wiki links: [https://...|label|new_window=true], [guide|750|label], [link|url|label]
_LINK = re.compile(r"\[(?:[^\[\]|]*\|)*?([^\[\]|]+?)(?:\|new_window=true)?\]")
_EDGE_PUNCT = " \t\n.,;:!?-–—\"'()[]*"


class CorpusMissing(RuntimeError):
    """A corpus folder or file is not there (the benchmark should skip, not fail)."""


def corpus_dir(name: str) -> Path:
    folder = CORPORA / name
    if not folder.is_dir():
        raise CorpusMissing(f"corpus folder {folder} not found")
    return folder


def available(name: str) -> bool:
    return (CORPORA / name).is_dir()


# -- helpers ----------------------------------------------------------------------------


def slugify(text: str, limit: int = 60) -> str:
    slug = _SLUG_JUNK.sub("-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug.strip("-") or "guide"


def short_hash(value: Any, digits: int = 6) -> str:
    return hashlib.blake2b(str(value).encode("utf-8"), digest_size=8).hexdigest()[:digits]


def strip_markup(text: str) -> str:
    """iFixit link markup reduced to its visible label."""
    previous = None
    while previous != text:
        previous, text = text, _LINK.sub(r"\1", text)
    return text


def title_from_text(text: str, words: int = 6, fallback: str = "Untitled step") -> str:
    """A short step title: the first ``words`` words of ``text``, without edge punctuation."""
    tokens = strip_markup(text).split()
    title = " ".join(tokens[:words]).strip(_EDGE_PUNCT)
    if not re.search(r"\w", title):
        return fallback
    return title[0].upper() + title[1:]


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


# -- MyFixit (iFixit) -------------------------------------------------------------------


def myfixit_records(categories: Sequence[str] | None = None) -> Iterator[dict]:
    """Raw MyFixit records, file by file in name order (``categories``: file stems)."""
    folder = corpus_dir(MYFIXIT)
    files = sorted(folder.glob("*.jsonl"))
    if categories is not None:
        files = [f for f in files if f.stem in categories]
    if not files:
        raise CorpusMissing(f"no MyFixit .jsonl files in {folder}")
    for path in files:
        yield from _jsonl(path)


def myfixit_step_text(step: dict) -> str:
    return " ".join(b.strip() for b in step.get("bullets", []) if b and b.strip())


def myfixit_guide(record: dict, bullets: str = "paragraph", title_words: int = 6) -> dict:
    if bullets not in ("paragraph", "paragraphs", "items"):
        raise ValueError("bullets must be paragraph, paragraphs or items")
    title = " ".join(str(record.get("title") or "").split()) or f"iFixit guide {record['guide_id']}"
    steps = []
    for n, step in enumerate(sorted(record.get("steps", []), key=lambda s: s.get("order", 0))):
        lines = [" ".join(b.split()) for b in step.get("bullets", []) if b and b.strip()]
        text = " ".join(lines)
        out: dict[str, Any] = {
            "title": title_from_text(text, title_words, fallback=f"Part {n + 1} of the repair"),
            "body": lines if bullets == "paragraphs" else ([text] if text else []),
        }
        if bullets == "items":
            out["action_items"] = lines
        steps.append(out)
    if not steps:
        steps.append({"title": "No steps given", "body": []})
    guide: dict[str, Any] = {
        "schema_version": 1,
        "id": f"{slugify(title)}-{short_hash(('ifixit', record['guide_id']))}",
        "title": title,
        "steps": steps,
    }
    if record.get("category"):
        guide["category"] = str(record["category"])
    if record.get("url"):
        guide["x-source"] = record["url"]
    return guide


def myfixit_guides(
    categories: Sequence[str] | None = None, limit: int | None = None, bullets: str = "paragraph"
) -> list[dict]:
    """One guide dict per iFixit guide (all 2,317 by default)."""
    out = []
    for record in myfixit_records(categories):
        out.append(myfixit_guide(record, bullets))
        if limit is not None and len(out) >= limit:
            break
    return out


# -- OpenPI wikiHow ---------------------------------------------------------------------


def wikihow_records() -> Iterator[dict]:
    path = corpus_dir(WIKIHOW) / "procedures.jsonl"
    if not path.is_file():
        raise CorpusMissing(f"{path} not found")
    yield from _jsonl(path)


def wikihow_guide(record: dict, title_words: int = 6) -> dict:
    title = " ".join(str(record.get("title") or "").split()) or "How to do it"
    steps = [
        {
            "title": title_from_text(s, title_words, fallback=f"Step part {n + 1}"),
            "body": [s.strip()],
        }
        for n, s in enumerate(record.get("steps", []))
        if s and s.strip()
    ] or [{"title": "No steps given", "body": []}]
    guide: dict[str, Any] = {
        "schema_version": 1,
        "id": f"{slugify(title)}-{short_hash(('wikihow', record.get('url') or title))}",
        "title": title,
        "steps": steps,
    }
    if record.get("topic"):
        guide["category"] = record["topic"]
    if record.get("url"):
        guide["x-source"] = record["url"]
    return guide


def wikihow_guides(limit: int | None = None) -> list[dict]:
    out = []
    for record in wikihow_records():
        out.append(wikihow_guide(record))
        if limit is not None and len(out) >= limit:
            break
    return out


# -- Clough & Stevenson -----------------------------------------------------------------


def clough_documents() -> dict[str, dict]:
    path = corpus_dir(CLOUGH) / "documents.jsonl"
    if not path.is_file():
        raise CorpusMissing(f"{path} not found")
    return {doc["file"]: doc for doc in _jsonl(path)}


def clough_pairs(with_files: bool = False) -> list[tuple]:
    """Labeled ``(answer_text, source_text, label)`` for the 95 answer/source pairs.

    ``label`` is ``cut`` (near copy), ``light`` (light revision), ``heavy`` (heavy revision)
    or ``non`` (not plagiarised). With ``with_files=True`` each tuple also carries
    ``answer_file, source_file`` (to write each source only once).
    """
    documents = clough_documents()
    path = corpus_dir(CLOUGH) / "answer_source_pairs.tsv"
    if not path.is_file():
        raise CorpusMissing(f"{path} not found")
    pairs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            label = row["category"].strip()
            if label not in CLOUGH_LABELS:
                continue
            answer = documents[row["answer_file"]]["text"]
            source = documents[row["source_file"]]["text"]
            if with_files:
                pairs.append((answer, source, label, row["answer_file"], row["source_file"]))
            else:
                pairs.append((answer, source, label))
    return pairs


def paragraph_guide(guide_id: str, title: str, text: str) -> dict:
    """A tiny guide holding ``text`` as its one intro paragraph (blank lines folded)."""
    return {
        "schema_version": 1,
        "id": guide_id,
        "title": title,
        "intro": [" ".join(text.split())],
        "steps": [{"title": "Read the text above", "body": []}],
    }


# -- writing ----------------------------------------------------------------------------


def write_library(guides: Iterable[dict], folder: str | Path) -> list[Path]:
    """One ``<id>.json`` per guide in ``folder`` (created); ids must be unique."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    seen: set[str] = set()
    for guide in guides:
        guide_id = guide["id"]
        if guide_id in seen:
            raise ValueError(f"duplicate guide id {guide_id!r}")
        seen.add(guide_id)
        path = folder / f"{guide_id}.json"
        path.write_text(json.dumps(guide, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def validate_guides(guides: Iterable[dict]) -> list[str]:
    """Schema problems, as ``id: message`` lines (empty when every guide is valid)."""
    import jsonschema

    schema = json.loads((REPO / "schemas" / "guide.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for guide in guides:
        for error in validator.iter_errors(guide):
            problems.append(f"{guide.get('id')}: {error.message}")
    return problems


if __name__ == "__main__":  # a quick self-check: convert everything and validate it
    for name, make in (("MyFixit", myfixit_guides), ("wikiHow", wikihow_guides)):
        try:
            converted = make()
        except CorpusMissing as exc:
            print(f"{name}: skipped ({exc})")
            continue
        problems = validate_guides(converted)
        steps = sum(len(g["steps"]) for g in converted)
        print(f"{name}: {len(converted)} guides, {steps} steps, {len(problems)} schema problems")
        for line in problems[:5]:
            print("  ", line)
    try:
        pairs = clough_pairs()
        counts = {label: sum(1 for p in pairs if p[2] == label) for label in CLOUGH_LABELS}
        print(f"Clough & Stevenson: {len(pairs)} pairs {counts}")
    except CorpusMissing as exc:
        print(f"Clough & Stevenson: skipped ({exc})")
