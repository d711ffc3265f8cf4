"""Choose the near-duplicate scorer and thresholds by measurement on the labeled set.

For every scorer, runs the duplicate engine over ``tests/fixtures/duplicates`` with very low
thresholds, then sweeps the threshold per level and prints precision, recall and F1.

    .venv/bin/python benchmarks/choose_scorer.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "duplicates"))

from labeled import FOLDER, GUIDES, evaluate, finding_locations, load_labels  # noqa: E402

from contentqa.config import parse_config  # noqa: E402
from contentqa.duplicates.similarity import SCORERS  # noqa: E402
from contentqa.load import discover  # noqa: E402
from contentqa.pipeline import run  # noqa: E402

NEAR = {
    "D006": "step",
    "D007": "strategy",
    "D008": "faq",
    "D009": "paragraph",
    "D010": "item",
    "D011": "sentence",
}


def sweep(scorer: str) -> dict[str, list[tuple[float, float, float, float]]]:
    """Per level: that level at a very low threshold with ``scorer``, the others at their
    defaults (coarser findings hide the finer pairs they explain, so levels interact)."""
    expected, _ = load_labels()
    results: dict[str, list[tuple[float, float, float, float]]] = {}
    for code in NEAR:
        low = {"threshold": 0.3, "scorer": scorer}
        if code == "D006":
            low["error-threshold"] = 0.3
        report = run(discover([GUIDES]), parse_config({"rules": {code: low}}))
        found = [(f.code, finding_locations(f), f.score) for f in report.findings]
        others = [(c, loc) for c, loc, _ in found if c != code]
        rows = []
        for step in range(40, 100):
            threshold = step / 100
            kept = [(c, loc) for c, loc, score in found if c == code and score >= threshold]
            s = evaluate(kept + others, expected)[code]
            f1 = (
                2 * s.precision * s.recall / (s.precision + s.recall)
                if s.precision + s.recall
                else 0
            )
            rows.append((threshold, s.precision, s.recall, f1))
        results[code] = rows
    return results


def main() -> None:
    print(f"labeled set: {FOLDER}")
    expected, negatives = load_labels()
    counts = {code: sum(1 for e in expected if e.code == code) for code in NEAR}
    print("positives per rule:", counts, "negatives:", len(negatives))
    best: dict[str, tuple] = {}
    for scorer in SCORERS:
        results = sweep(scorer)
        for code, rows in results.items():
            top = max(rows, key=lambda r: (r[3], r[1], -r[0]))
            print(
                f"{scorer:>13} {code} {NEAR[code]:>9}: best F1 {top[3]:.3f} at threshold "
                f"{top[0]:.2f} (precision {top[1]:.3f}, recall {top[2]:.3f})"
            )
            if code not in best or top[3] > best[code][1][3]:
                best[code] = (scorer, top)
    print("\nbest per level:")
    for code, (scorer, (threshold, p, r, f1)) in best.items():
        print(
            f"  {code} {NEAR[code]:>9}: {scorer} @ {threshold:.2f}  P={p:.3f} R={r:.3f} F1={f1:.3f}"
        )


if __name__ == "__main__":
    main()
