"""Rule tables for the billing engine: the bundled CSVs plus any CMS file a clinic imported.

`load_bundled_ruleset()` reads `resources/rules/` only (works without a database);
`load_ruleset(session)` adds the imported MUE/PTP tables stored in the database, which take
priority: an imported MUE table wins for the dates it covers; an imported PTP file replaces the
bundled 8-code extract (CMS files carry the whole edit history with effective and deletion
dates, so the newest import alone answers for every date of service).
"""

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ptdesk.domain.billing.codes import CodeInfo, CodeKind, TherapyClass
from ptdesk.domain.billing.edits import MueEntry, MueTable, PtpEdit, PtpTable
from ptdesk.domain.billing.findings import Severity
from ptdesk.domain.billing.kx import KxThreshold
from ptdesk.domain.billing.modifiers import PayerPolicy
from ptdesk.domain.billing.ruleset import FeeEntry, RuleSet, TableInfo
from ptdesk.domain.money import round_cents
from ptdesk.domain.payers import PayerKind
from ptdesk.storage.bundled import rules_dir as rules_dir  # where it lived before: kept

if TYPE_CHECKING:  # SQLAlchemy loads only for the clinic's imports: the CSV readers (cost
    from sqlalchemy.orm import Session  # estimates, the audit's bundled tables) stay light


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


def _yes(text: str) -> bool:
    return text.strip().lower() in ("yes", "y", "true", "1")


def _severity(text: str) -> Severity | None:
    return Severity(text.strip()) if text.strip() else None


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    return {r["table"]: r for r in _rows(folder / "manifest.csv")}


def read_codes(folder: Path) -> dict[str, CodeInfo]:
    return {
        r["code"]: CodeInfo(
            code=r["code"],
            kind=CodeKind(r["kind"]),
            therapy=TherapyClass(r["therapy_class"]),
            description=r["description"],
            confidence=r["confidence"],
            note=r["note"],
            cq_applies=_yes(r["cq_applies"]),
        )
        for r in _rows(folder / "codes.csv")
    }


def read_kx(folder: Path, version: str) -> dict[int, KxThreshold]:
    out = {}
    for r in _rows(folder / "kx_thresholds.csv"):
        year = int(r["year"])
        label = f"{version} ({year}: {r['confidence']})"
        out[year] = KxThreshold(
            year=year,
            pt_slp=Decimal(r["pt_slp_usd"]),
            ot=Decimal(r["ot_usd"]),
            review=Decimal(r["review_usd"]) if r["review_usd"].strip() else None,
            confidence=r["confidence"],
            source=r["source"],
            version=label,
        )
    return out


def read_bundled_mue(folder: Path) -> list[MueEntry]:
    """Dated rows first (they win for their quarter), undated fallback rows last."""
    entries = [
        MueEntry(
            code=r["code"],
            limit=int(r["limit"]),
            mai=int(r["mai"]),
            version=r["version"],
            effective_from=_date(r["effective_from"]),
            effective_to=_date(r["effective_to"]),
            confidence=r["confidence"],
        )
        for r in _rows(folder / "mue.csv")
    ]
    return sorted(entries, key=lambda e: e.effective_from is None)


def read_bundled_ptp(folder: Path) -> list[PtpEdit]:
    out = []
    for r in _rows(folder / "ncci_ptp.csv"):
        eff = _date(r["effective"])
        if eff is None:
            continue
        out.append(
            PtpEdit(
                r["column1"],
                r["column2"],
                eff,
                _date(r["deletion"]),
                int(r["modifier_indicator"]),
                r["version"],
            )
        )
    return out


def read_fees(folder: Path) -> dict[int, dict[str, FeeEntry]]:
    out: dict[int, dict[str, FeeEntry]] = {}
    for r in _rows(folder / "fee_schedule.csv"):
        year = int(r["year"])
        rvu = Decimal(r["nonfac_total_rvu"])
        cf = Decimal(r["conversion_factor"])
        amount = round_cents(rvu * cf)
        out.setdefault(year, {})[r["code"]] = FeeEntry(
            code=r["code"],
            year=year,
            status=r["status"],
            total_rvu=rvu,
            conversion_factor=cf,
            amount=amount,
            version=f"PFS {year} national non-facility ({r['release']})",
        )
    return out


def read_policies(folder: Path, version: str) -> dict[PayerKind, PayerPolicy]:
    return {
        PayerKind(r["payer_kind"]): PayerPolicy(
            payer_kind=PayerKind(r["payer_kind"]),
            needs_gp=_yes(r["needs_gp"]),
            needs_kx=_yes(r["needs_kx"]),
            needs_cq=_yes(r["needs_cq"]),
            edits_severity=_severity(r["edits_severity"]),
            pfs_status_severity=_severity(r["pfs_status_severity"]),
            source=r["source"],
            version=version,
        )
        for r in _rows(folder / "payer_modifier_policy.csv")
    }


def _table_info(manifest: dict[str, dict[str, str]], name: str, rows: int) -> TableInfo:
    m = manifest[name]
    return TableInfo(name, m["version"], m["source"], m["confidence"], rows)


def build_ruleset(
    folder: Path | None = None,
    extra_mue: Sequence[MueEntry] = (),
    imported_ptp: Sequence[PtpEdit] | None = None,
    extra_tables: Iterable[TableInfo] = (),
) -> RuleSet:
    folder = folder or rules_dir()
    manifest = read_manifest(folder)
    codes = read_codes(folder)
    kx = read_kx(folder, manifest["kx_thresholds"]["version"])
    bundled_mue = read_bundled_mue(folder)
    bundled_ptp = read_bundled_ptp(folder)
    fees = read_fees(folder)
    policies = read_policies(folder, manifest["payer_modifier_policy"]["version"])
    tables = (
        _table_info(manifest, "codes", len(codes)),
        _table_info(manifest, "kx_thresholds", len(kx)),
        _table_info(manifest, "mue", len(bundled_mue)),
        _table_info(manifest, "ncci_ptp", len(bundled_ptp)),
        _table_info(manifest, "fee_schedule", sum(len(v) for v in fees.values())),
        _table_info(manifest, "payer_modifier_policy", len(policies)),
        *extra_tables,
    )
    return RuleSet(
        codes=codes,
        codes_version=manifest["codes"]["version"],
        kx=kx,
        mue=MueTable([*extra_mue, *bundled_mue]),
        ptp=PtpTable(bundled_ptp if imported_ptp is None else imported_ptp),
        fees=fees,
        policies=policies,
        tables=tables,
    )


def load_bundled_ruleset() -> RuleSet:
    return build_ruleset()


def load_ruleset(session: "Session") -> RuleSet:
    """Bundled tables plus the clinic's imports (newest MUE import first for each date)."""
    from sqlalchemy import select

    from ptdesk.storage.models.rule_tables import ImportedMue, ImportedPtp, RuleImport

    # ICD-10-CM releases are imported the same way but are no billing table (icd10_files.py).
    imports = session.scalars(select(RuleImport).where(RuleImport.kind != "icd10cm")
                              .order_by(RuleImport.id.desc())).all()
    extra_mue: list[MueEntry] = []
    ptp: list[PtpEdit] | None = None
    infos = []
    for imp in imports:
        version = f"imported: {imp.version}"
        if imp.kind == "mue":
            rows = session.scalars(select(ImportedMue).where(ImportedMue.import_id == imp.id))
            extra_mue.extend(
                MueEntry(
                    r.code,
                    r.limit_units,
                    r.mai,
                    version,
                    imp.effective_from,
                    imp.effective_to,
                    "CMS file imported by the clinic",
                )
                for r in rows
            )
        elif imp.kind == "ptp" and ptp is None:
            rows_p = session.scalars(select(ImportedPtp).where(ImportedPtp.import_id == imp.id))
            ptp = [
                PtpEdit(
                    r.column1, r.column2, r.effective, r.deletion, r.indicator, version, r.rationale
                )
                for r in rows_p
            ]
        infos.append(
            TableInfo(
                f"imported {imp.kind}",
                imp.version,
                f"CMS file {imp.file_name}",
                "as published by CMS (imported)",
                imp.rows_kept,
            )
        )
    return build_ruleset(extra_mue=extra_mue, imported_ptp=ptp, extra_tables=infos)
