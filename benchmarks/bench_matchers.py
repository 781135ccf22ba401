"""Speed of the text matchers: skills and occupation of 200,000 postings.

Titles and departments come from the shared id-jobs samples; each posting gets
a description of six requirement sentences (about 350 characters with the title) assembled from Indonesian and English
requirement sentences, so the skill extractor scans realistic text lengths.
Goal: both matchers over 200,000 postings in well under a minute each.

Run: ``python -m benchmarks matchers [--rows 200000]``
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import time
from pathlib import Path

from jobs_ingest.occupations import OccupationClassifier
from jobs_ingest.skills import SkillExtractor

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_JOBS = Path(os.environ.get("PRAKERJA_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")) / "jobs"
BOARDS = ("dealls", "kalibrr", "evermos", "vidio")
GOAL_SECONDS = 60.0
SENTENCES = (
    "Minimal lulusan SMA/SMK atau D3 dari semua jurusan.",
    "Menguasai Microsoft Excel dan Google Sheets.",
    "Mampu bekerja dalam tim maupun individu, teliti dan bertanggung jawab.",
    "Memiliki kemampuan komunikasi dan negosiasi yang baik.",
    "Bersedia ditempatkan di seluruh Indonesia.",
    "Experience with Python, SQL and cloud platforms such as AWS is a plus.",
    "Strong problem solving and time management skills.",
    "Memiliki SIM A/SIM C dan kendaraan pribadi.",
    "Fluent in English, both written and spoken.",
    "Berpengalaman di bidang penjualan minimal 1 tahun.",
    "Familiar with Figma, Adobe Photoshop and Canva.",
    "Memahami perpajakan (PPh 21, PPN) dan pembukuan.",
)


def postings(rows: int, seed: int = 7) -> list[tuple[str, str, str]]:
    samples = []
    for board in BOARDS:
        with open(SHARED_JOBS / f"{board}.csv", newline="", encoding="utf-8") as handle:
            samples += [(r["job_title"], r["job_department"]) for r in csv.DictReader(handle)]
    rng = random.Random(seed)
    out = []
    for _ in range(rows):
        title, department = rng.choice(samples)
        out.append((title, department, " ".join(rng.sample(SENTENCES, 6))))
    return out


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks matchers")
    parser.add_argument("--rows", type=int, default=200_000)
    options, _others = parser.parse_known_args(argv)
    started = time.perf_counter()
    skills, occupations = SkillExtractor.from_reference(), OccupationClassifier.from_reference()
    print(f"built both matchers in {time.perf_counter() - started:.2f}s")
    data = postings(options.rows)
    characters = sum(len(t) + len(d) + len(x) for t, d, x in data)
    print(f"{len(data):,} postings, {characters / len(data):.0f} characters each on average")

    started = time.perf_counter()
    found = sum(len(skills.extract(f"{t}\n{d}\n{x}")) for t, d, x in data)
    seconds = time.perf_counter() - started
    print(f"skills: {seconds:.1f}s ({len(data) / seconds:,.0f} postings/s, {found / len(data):.1f} mentions each)"
          f" -> {'OK' if seconds < GOAL_SECONDS else 'SLOWER THAN GOAL'}")

    started = time.perf_counter()
    placed = sum(1 for t, d, x in data if occupations.classify(t, department=d, description=x))
    seconds = time.perf_counter() - started
    print(f"occupations: {seconds:.1f}s ({len(data) / seconds:,.0f} postings/s, {placed / len(data):.1%} placed)"
          f" -> {'OK' if seconds < GOAL_SECONDS else 'SLOWER THAN GOAL'}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
