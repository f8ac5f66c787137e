"""The ICD-10-CM code sets ptdesk knows: the shipped April 2026 set (resources/rules) and any
CMS file imported since (`ptdesk rules import`, stored in imported_icd10_codes). Loaded lazily,
once per process: ~78,000 codes, ~0.6 MB gzip."""

from __future__ import annotations

import gzip
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.domain.diagnoses import CodeSet
from ptdesk.storage.bundled import resources_dir

SHIPPED = "icd10cm-2026-04.tsv.gz"
ICD_KIND = "icd10cm"  # rule_imports.kind of an imported ICD-10-CM release


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


# Imported releases never change once stored (a new file is a new import): each is read from
# the database once per process and kept, keyed by what it is (the file's hash and its dates),
# not by its row id, which another database (a test's, a restored backup) gives another file.
_imported: dict[tuple[str, str, date, date], CodeSet] = {}
_lock = threading.Lock()


def imported_sets(s: Session) -> tuple[CodeSet, ...]:
    from ptdesk.storage.models import ImportedIcd10Code, RuleImport

    heads = s.execute(select(RuleImport.id, RuleImport.sha256, RuleImport.version,
                             RuleImport.effective_from, RuleImport.effective_to)
                      .where(RuleImport.kind == ICD_KIND).order_by(RuleImport.id)).all()
    out = []
    for import_id, sha256, version, start, end in heads:
        if start is None or end is None:
            continue  # every ICD import has its dates; a hand-made row without them is skipped
        key = (sha256, version, start, end)
        with _lock:
            known = _imported.get(key)
        if known is None:
            rows = s.execute(select(ImportedIcd10Code.code, ImportedIcd10Code.description)
                             .where(ImportedIcd10Code.import_id == import_id))
            known = CodeSet(version, start, end, dict(rows.tuples().all()))
            with _lock:
                _imported[key] = known
        out.append(known)
    return tuple(out)


def code_sets(s: Session) -> tuple[CodeSet, ...]:
    """Every set ptdesk knows: the shipped one first, then the clinic's imports (oldest first),
    so an imported release wins over the shipped one for the dates both cover."""
    return (*shipped_sets(), *imported_sets(s))
