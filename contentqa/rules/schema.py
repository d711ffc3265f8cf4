"""Rules reported while loading and validating a guide file (category ``schema``)."""

from __future__ import annotations

from contentqa.model import Category, Severity
from contentqa.registry import Rule, register


class _LoaderRule(Rule):
    category = Category.SCHEMA
    severity = Severity.ERROR
    scope = "loader"


@register
class InvalidEncoding(_LoaderRule):
    """The file is not plain UTF-8 text, or starts with a byte order mark.

    **What it finds.** Bytes that are not valid UTF-8 (a file saved as Latin-1 or
    Windows-1252, say), and a UTF-8 byte order mark (BOM) at the start of the file.

    **Why it matters.** Guides are exchanged between editors, tools and the website as UTF-8
    JSON. A file in another encoding shows garbled characters ("Ã©" for "é") once published,
    and many JSON tools refuse a BOM outright. The position given is the first bad byte.

    **Example.** A guide saved from an old Windows editor::

        {"title": "Caf\\xe9 basics"}     <- byte 0xE9 is "é" in Latin-1, invalid in UTF-8

    Fix: re-save the file as "UTF-8" (not "UTF-8 with BOM") in your editor.
    """

    code = "S001"
    name = "invalid-encoding"


@register
class InvalidJson(_LoaderRule):
    """The file is not valid JSON.

    **What it finds.** JSON syntax errors: a missing comma or quote, a trailing comma, a
    comment, single quotes, an unclosed bracket, a number with a leading zero or in
    hexadecimal, nesting deeper than 100 levels, and ``NaN`` or ``Infinity``, which some
    programs write but JSON does not have. The line and column point at the place where the
    JSON reader gave up, which is usually right after the real mistake. Also a guide's name
    that cannot be read as a file: a link to nothing, a loop of links, a pipe or a device.

    **Why it matters.** Nothing else can be checked in a file that cannot be read.

    **Example.**::

        {"title": "Repot a plant",
         "steps": [{"title": "Water first", "body": []},]}   <- trailing comma

    Fix: remove the comma after the last element.
    """

    code = "S002"
    name = "invalid-json"


@register
class NotAnObject(_LoaderRule):
    """The file holds JSON, but not one guide object.

    **What it finds.** A top-level value that is a list, a string, a number or null instead
    of the ``{ ... }`` object a guide is.

    **Why it matters.** One file holds exactly one guide. A list of guides, or an empty file
    that holds ``null``, cannot be checked.

    **Example.** ``[{"id": "a", ...}, {"id": "b", ...}]`` -- split it into one file per guide.
    """

    code = "S003"
    name = "not-an-object"


@register
class FileTooLarge(_LoaderRule):
    """The file is larger than the configured size limit (5 MB by default).

    **What it finds.** Files above ``max-file-size`` bytes. They are not read at all.

    **Why it matters.** A guide is a web page: a multi-megabyte guide file is almost always
    an export gone wrong (embedded images, a whole site dumped into one field), and reading
    it would slow every run.

    **Example.** ``guides/export.json`` of 48 MB. Raise ``max-file-size`` in the
    configuration if such files are intended.
    """

    code = "S004"
    name = "file-too-large"


@register
class DuplicateKey(_LoaderRule):
    """The same field name appears twice in one object.

    **What it finds.** An object with two members of the same name, such as two ``"title"``
    keys in one step.

    **Why it matters.** JSON readers silently keep the last value and drop the first, so
    text an editor wrote disappears without any warning. The position is the second key.

    **Example.**::

        {"title": "Water the plant", "body": ["..."], "title": "Water first"}

    Fix: keep one of the two values.
    """

    code = "S005"
    name = "duplicate-key"


@register
class SchemaViolation(_LoaderRule):
    """The guide does not follow the guide format (``schemas/guide.schema.json``).

    **What it finds.** Missing required fields (``id``, ``title``, ``steps``), misspelt or
    unknown field names (``stpes``), values of the wrong type (a number where text is
    expected, a single string where a list of paragraphs is expected), empty titles, an
    ``id`` that is not a lowercase slug. Every problem in the file is reported, not only the
    first, each at its own line and column.

    **Why it matters.** The publishing system and every other check rely on the format. An
    unknown field is almost always a typo, and its content would never be published.

    **Example.**::

        {"schema_version": 1, "id": "repot", "title": "Repot a plant", "stpes": [...]}

    reports ``unknown field `stpes` -- did you mean `steps`?`` and ``missing required field
    `steps```. Keys starting with ``x-`` are free for extensions and never reported.
    """

    code = "S006"
    name = "schema-violation"


@register
class InvalidMarkdown(_LoaderRule):
    """A Markdown guide whose structure does not map onto the guide format.

    **What it finds.** Front matter that is not valid YAML, a ``###`` heading outside
    ``## Steps``, ``## Strategies``, ``## FAQ`` or ``## Callouts``, a list in the intro,
    a code block or raw HTML, as a block or a tag within a line (an HTML comment is an
    editor's note, left out), an image, a table, a block quote outside ``## Quotes``, a list
    inside a list item, a list item of several paragraphs; front matter keys that are not
    text or are written twice, YAML sets, and aliases that expand too far. The position is
    the Markdown line. Every such place is reported, one finding each; bad front matter
    stops the reading. The mapping is documented in
    ``contentqa.markdown`` and the README.

    **Why it matters.** What cannot be mapped would be silently lost on import.

    **Example.** ``line 14: a level-3 heading “Tips” is only allowed under ## Steps,
    ## Strategies or ## FAQ``.
    """

    code = "S010"
    name = "invalid-markdown"


@register
class UnusedSuppression(_LoaderRule):
    """A suppression that suppressed nothing in this run.

    **What it finds.** Entries of ``per-file-ignores`` or ``suppress`` in the configuration,
    and ``"x-contentqa": {"ignore": [...]}`` objects in guides, that matched no finding.

    **Why it matters.** A suppression outlives the problem it excused; left in place, it
    would silently hide the next, unrelated problem of the same kind.

    **Example.** ``"x-contentqa": {"ignore": ["D005"]}`` on a step whose boilerplate was
    removed last month. Delete the suppression.
    """

    code = "S008"
    name = "unused-suppression"
    severity = Severity.WARNING


@register
class ExpiredSuppression(_LoaderRule):
    """A suppression whose ``expires`` date has passed (it no longer suppresses anything).

    **What it finds.** Suppressions with an ``expires`` date before today. They stop
    applying on that date, and the findings they covered are reported again.

    **Why it matters.** Temporary exceptions ("until the legal review is done") need an end;
    this is it. Fix the findings, or renew the suppression with a reason.

    **Example.** ``"x-contentqa": {"ignore": ["R001"], "reason": "rewrite pending",
    "expires": "2026-06-30"}``.
    """

    code = "S009"
    name = "expired-suppression"
    severity = Severity.WARNING


@register
class InvalidGuideSetting(_LoaderRule):
    """A guide's own ``x-contentqa`` setting that cannot be used as written.

    **What it finds.** In a guide's ``"x-contentqa"`` objects: a setting that does not exist
    (``"ignroe"``), an ``ignore`` that is not a list of rule codes, an ``expires`` that is
    not a date written YYYY-MM-DD, an ``audience`` the run does not know, or one set below
    the guide's top level, where it is not read.

    **Why it matters.** The schema leaves ``x-`` fields to the writer, so nothing else
    checks them, and a setting that cannot be read is dropped without a word: a
    suppression meant to end would never expire, a guide for children would be scored
    for adults.

    **Example.** ``"x-contentqa": {"ignore": ["R001"], "expires": "soon"}``.
    """

    code = "S011"
    name = "invalid-guide-setting"


@register
class InternalError(_LoaderRule):
    """contentqa itself failed while checking this file.

    **What it finds.** An unexpected error inside a rule or stage of contentqa while it
    processed this guide. The other files are still checked.

    **Why it matters.** The guide was not fully checked, so a passing result for it cannot
    be trusted. This is a bug in contentqa: please report it with the guide attached.

    **Example.** ``internal error in rule D001: KeyError 'body'``.
    """

    code = "S007"
    name = "internal-error"
