"""A heading's own number, told apart from numbers that belong to what it says."""

from __future__ import annotations

import pytest

from contentqa.numbering import OwnNumber, own_number


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Step 3: Mix the dough", OwnNumber(3, "step", len("Step 3: "))),
        ("Step 3 Mix the dough", OwnNumber(3, "step", len("Step 3 "))),
        ("step3 - mix", OwnNumber(3, "step", len("step3 - "))),
        ("3. Mix the dough", OwnNumber(3, "", len("3. "))),
        ("2a) Cut the board", OwnNumber(2, "", len("2a) "))),
        ("4 – Sand the edges", OwnNumber(4, "", len("4 – "))),
        ("7", OwnNumber(7, "", 1)),
        ("  Strategy 2 - Breathe", OwnNumber(2, "strategy", len("  Strategy 2 - "))),
        ("Part 2: Steep", OwnNumber(2, "part", len("Part 2: "))),
        ("Tip 2 Keep it short", OwnNumber(2, "tip", len("Tip 2 "))),
        ("3.Mix the dough", OwnNumber(3, "", len("3."))),
        ("3)Mix the dough", OwnNumber(3, "", len("3)"))),
        ("3- Mix the dough", OwnNumber(3, "", len("3- "))),
        ("3 -Mix the dough", OwnNumber(3, "", len("3 -"))),
        ("Step Two: Clean up", OwnNumber(2, "step", len("Step Two: "))),
        ("tip eleven - Rest", OwnNumber(11, "tip", len("tip eleven - "))),
    ],
)
def test_numbering(heading, expected):
    assert own_number(heading) == expected


@pytest.mark.parametrize(
    "heading",
    [
        "10-minute warm-up",
        "2.5 cups of flour",
        "4 screws hold the cover",
        "12:30 is lunch",
        "Steps 3 and 4 go together",
        "Mix for 3 minutes",
        "Step 2.1: Remove the screw",
        "Step 1-2: Prep",
        "Step 10-minute warm-up",
        "10 - 15 minutes of kneading",
        "Part two of the plan",
        "Step one more time",
        "",
    ],
)
def test_numbers_that_belong_to_the_heading(heading):
    assert own_number(heading) is None
