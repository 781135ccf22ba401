"""Build the occupation model the package ships (jobs_ingest/occupation_model.npz).

    .venv/bin/python tools/build_occupation_model.py          # rebuild and write
    .venv/bin/python tools/build_occupation_model.py --check  # exit 1 when the shipped file is stale

Inputs: the development part of tests/data/occupation_titles.csv (hand-labelled
board titles; the held-out part is never read) and the shipped keyword lexicon
and group titles in data/reference. Nothing is downloaded; the build is
deterministic. Run it after changing the labels, the lexicon, the features or
the training settings (see docs/normalization.md), then
`prakerja ingest reclassify` to apply the new model to stored vacancies.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jobs_ingest.occupation_model import MODEL_PATH, OccupationModel
from jobs_ingest.occupation_training import build, read_labelled_titles

LABELS = Path(__file__).resolve().parents[1] / "tests" / "data" / "occupation_titles.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS, help="labelled title file (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=MODEL_PATH, help="model file (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only compare a fresh build with the file")
    args = parser.parse_args(argv)

    model, report = build(read_labelled_titles(args.labels))
    print(
        f"cross-validated on {report.titles} development titles: sub-major accuracy {report.accuracy:.3f}, "
        f"ECE {report.ece:.3f}, temperature {report.temperature:.2f}, threshold {report.threshold:.3f} "
        f"(coverage {report.coverage:.1%}, precision {report.precision:.1%})"
    )
    if args.check:
        current = args.output.exists() and OccupationModel.load(args.output).same_as(model)
        print(f"{args.output}: {'current' if current else 'STALE: run tools/build_occupation_model.py'}")
        return 0 if current else 1
    model.save(args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size:,} bytes, {len(model.features):,} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
