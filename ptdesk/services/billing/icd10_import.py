"""`ptdesk rules import` of CMS's yearly ICD-10-CM code file (issue 10 item 3).

The whole release goes in one transaction (one `rule_imports` row and its codes, written with
one Core insert): a file that cannot be read, or a database that fails half-way, leaves nothing
behind. From then on the diagnosis check of every visit uses the release in force on its date
of service (storage/icd10_files.py `code_sets`): a code retired in the new release is caught at
entry for visits it covers, and visits before it keep the set of their own date.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.diagnoses import set_for
from ptdesk.domain.icd10_release import (
    IcdFileError,
    IcdRelease,
    parse_release,
    retired_problem,
)
from ptdesk.domain.permissions import Permission
from ptdesk.services.accounts.access import require
from ptdesk.storage.engine import session_scope
from ptdesk.storage.icd10_files import ICD_KIND, code_sets, shipped_sets
from ptdesk.storage.models import ImportedIcd10Code, RuleImport


@dataclass(frozen=True, slots=True)
class IcdImported:
    name: str  # "ICD-10-CM FY2027"
    file_name: str
    codes: int
    lines_read: int
    effective_from: date
    effective_to: date
    retired: int  # codes of the set in force the day before that this release no longer has
    added: int


@dataclass(frozen=True, slots=True)
class IcdSetInfo:
    """One line of `ptdesk rules list`."""

    name: str
    effective_from: date
    effective_to: date
    codes: int
    source: str


def read_release(path: Path, effective: date | None) -> IcdRelease:
    try:
        with path.open(encoding="utf-8-sig", errors="strict") as f:
            return parse_release(f, path.name, effective)
    except UnicodeDecodeError:
        # CMS's files are plain ASCII; anything else is not one of them (a zip, a PDF).
        raise IcdFileError(f"{path.name}: not a text file (unzip CMS's download and give the "
                           "icd10cm_order or icd10cm_codes .txt file)") from None
    except OSError as exc:
        raise IcdFileError(f"{path} cannot be read ({exc.strerror})") from None


def import_icd_release(factory: sessionmaker[Session], path: Path, now: datetime,
                       effective: date | None = None, *,
                       allow_retiring: bool = False) -> IcdImported:
    """Reads and stores one release; `IcdFileError` (nothing stored) if the file is wrong, or
    if it drops so many codes it is most likely cut short (unless `allow_retiring`)."""
    require(Permission.IMPORT_RULES)
    release = read_release(path, effective)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with session_scope(factory) as s:
        if s.scalar(select(RuleImport.id).where(RuleImport.sha256 == digest)) is not None:
            raise IcdFileError(f"{path.name} was already imported")
        before, _stale = set_for(code_sets(s), release.effective_from - timedelta(days=1))
        old = set(before.codes) if before is not None else set()
        if not allow_retiring and (why := retired_problem(release, old, path.name)):
            raise IcdFileError(why)
        imp = RuleImport(kind=ICD_KIND, version=release.name, file_name=path.name[:300],
                         sha256=digest, imported_at=now,
                         effective_from=release.effective_from,
                         effective_to=release.effective_to, rows_read=release.lines_read,
                         rows_kept=len(release.codes))
        s.add(imp)
        s.flush()
        s.execute(insert(ImportedIcd10Code), [
            {"import_id": imp.id, "code": c, "description": d}
            for c, d in release.codes.items()])
    new = set(release.codes)
    return IcdImported(release.name, path.name, len(release.codes), release.lines_read,
                       release.effective_from, release.effective_to,
                       len(old - new) if old else 0, len(new - old) if old else 0)


def icd_sets(factory: sessionmaker[Session] | None) -> tuple[IcdSetInfo, ...]:
    """The shipped release and the clinic's imports, for `ptdesk rules list`."""
    shipped = tuple(IcdSetInfo(c.name, c.effective_from, c.effective_to, len(c.codes),
                               "shipped with ptdesk (resources/rules/SOURCES.md)")
                    for c in shipped_sets())
    if factory is None:
        return shipped
    with session_scope(factory) as s:
        rows = s.execute(select(RuleImport.version, RuleImport.effective_from,
                                RuleImport.effective_to, RuleImport.rows_kept,
                                RuleImport.file_name)
                         .where(RuleImport.kind == ICD_KIND).order_by(RuleImport.id)).all()
    return (*shipped, *(IcdSetInfo(v, f, t, n, f"CMS file {name} (imported)")
                        for v, f, t, n, name in rows if f is not None and t is not None))
