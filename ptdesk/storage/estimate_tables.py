"""The bundled tables a cost estimate needs: the default fee schedule (CMS RVUs x conversion
factor by year, `fee_schedule.csv`) and Medicare Part B figures by year
(`medicare_part_b.csv`). Both files carry their sources in `resources/rules/SOURCES.md`."""

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path

from ptdesk.domain.estimate_model import EstimateTables, PartBFigures
from ptdesk.storage.rule_tables import read_fees, rules_dir


def read_part_b(folder: Path) -> dict[int, PartBFigures]:
    with (folder / "medicare_part_b.csv").open(newline="", encoding="utf-8") as f:
        return {
            int(r["year"]): PartBFigures(
                year=int(r["year"]),
                deductible=Decimal(r["deductible_usd"]),
                coinsurance_percent=Decimal(r["coinsurance_percent"]),
                source=f"CMS {r['year']} Part B figures",
            )
            for r in csv.DictReader(f)
        }


@cache
def read_code_descriptions() -> dict[str, dict[str, str]]:
    """"en"/"es" -> code -> ptdesk's own plain-language description (codes.csv)."""
    with (rules_dir() / "codes.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        "en": {r["code"]: r["description"] for r in rows},
        "es": {r["code"]: r.get("description_es") or r["description"] for r in rows},
    }


@cache
def load_estimate_tables() -> EstimateTables:
    """Read once per process (the files ship with ptdesk and do not change while it runs)."""
    folder = rules_dir()
    return EstimateTables(default_fees=read_fees(folder), part_b=read_part_b(folder))
