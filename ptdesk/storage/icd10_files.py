"""The ICD-10-CM code sets ptdesk knows: the shipped April 2026 set (resources/rules) and any
CMS file imported since. Loaded lazily, once per process: ~78,000 codes, ~0.6 MB gzip."""

from __future__ import annotations

import gzip
from datetime import date
from functools import lru_cache
from pathlib import Path

from ptdesk.domain.diagnoses import CodeSet
from ptdesk.storage.bundled import resources_dir

SHIPPED = "icd10cm-2026-04.tsv.gz"


def read_code_set(path: Path, name: str) -> CodeSet:
    """A `code<TAB>description` file (gzip or plain) with `# effective_from:` / `# effective_to:`
    header lines."""
    opener = gzip.open if path.suffix == ".gz" else open
    meta: dict[str, str] = {}
    codes: dict[str, str] = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta[key.strip()] = value.strip()
                continue
            code, _, desc = line.rstrip("\n").partition("\t")
            if code:
                codes[code] = desc
    return CodeSet(name, date.fromisoformat(meta["effective_from"]),
                   date.fromisoformat(meta["effective_to"]), codes)


@lru_cache(maxsize=1)
def shipped_sets() -> tuple[CodeSet, ...]:
    return (read_code_set(resources_dir() / "rules" / SHIPPED, "ICD-10-CM April 2026"),)
