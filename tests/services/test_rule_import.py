"""Importing CMS quarterly MUE and PTP files, and using them in the engine."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.billing import RuleId, ServiceLine, VisitInput, evaluate_visit
from ptdesk.domain.payers import PayerKind, UnitMethod
from ptdesk.services.billing.rule_data import RuleImportError, detect_kind, import_rule_file
from ptdesk.storage.engine import session_scope
from ptdesk.storage.rule_tables import load_bundled_ruleset, load_ruleset

NOW = datetime(2027, 1, 2, 9, 0, tzinfo=UTC)

MUE_TEXT = (
    '"CPT codes, descriptions and other data only are copyright 2026 American Medical '
    'Association. All rights reserved."\n'
    '"Applicable FARS/DFARS apply."\n\n'
    '"HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator",'
    '"MUE Rationale"\n'
    '"0001U","1","2 Date of Service Edit: Policy","Code Descriptor / CPT Instruction"\n'
    '"97110","3","3 Date of Service Edit: Clinical","Clinical: Data"\n'
    '"97112","4","3 Date of Service Edit: Clinical","Clinical: Data"\n'
)

PTP_TEXT = (
    "CPT only copyright 2026 American Medical Association. All rights reserved.\n"
    "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date "
    "*=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"
    "97140\t97530\t\t20270101\t*\t1\tMutually exclusive procedures\n"
    "97161\t97110\t\t20200101\t20200101\t9\tCPT Manual\n"
    "99213\t97110\t\t20000101\t*\t1\tStandards of medical practice\n"
)


def _visit(day: date, *lines: ServiceLine) -> VisitInput:
    return VisitInput(day, PayerKind.MEDICARE, UnitMethod.CMS, lines)


def test_detect_kind() -> None:
    assert detect_kind(MUE_TEXT.splitlines())[0] == "mue"
    kind, at, delim = detect_kind(PTP_TEXT.splitlines())
    assert (kind, at, delim) == ("ptp", 1, "\t")
    with pytest.raises(RuleImportError):
        detect_kind(["a,b,c", "1,2,3"])


def test_import_mue_applies_to_its_quarter(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    f = tmp_path / "MCR_MUE_PractitionerServices_Eff_01-01-2027.csv"
    f.write_text(MUE_TEXT)
    result = import_rule_file(session_factory, f, load_bundled_ruleset(), NOW)
    assert (result.kind, result.rows_read, result.rows_kept) == ("mue", 3, 2)
    assert (result.effective_from, result.effective_to) == (date(2027, 1, 1), date(2027, 3, 31))
    with session_scope(session_factory) as s:
        rules = load_ruleset(s)
    inside = evaluate_visit(_visit(date(2027, 2, 1), ServiceLine("97110", 60)), rules)
    f_mue = next(x for x in inside.findings if x.rule == RuleId.MUE_EXCEEDED)
    assert "imported" in f_mue.table_version
    outside = evaluate_visit(_visit(date(2026, 8, 1), ServiceLine("97110", 60)), rules)
    assert RuleId.MUE_EXCEEDED not in [x.rule for x in outside.findings]
    with pytest.raises(RuleImportError, match="already imported"):
        import_rule_file(session_factory, f, load_bundled_ruleset(), NOW)


def test_import_ptp_tab_delimited_replaces_bundled_pairs(
    session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    f = tmp_path / "ccipra-v330r0-f1.txt"
    f.write_text(PTP_TEXT)
    result = import_rule_file(session_factory, f, load_bundled_ruleset(), NOW)
    assert (result.kind, result.rows_kept) == ("ptp", 2)
    with session_scope(session_factory) as s:
        rules = load_ruleset(s)
    r = evaluate_visit(
        _visit(date(2027, 2, 1), ServiceLine("97140", 15), ServiceLine("97530", 15)), rules
    )
    f_ncci = next(x for x in r.findings if x.rule == RuleId.NCCI_MODIFIER_NEEDED)
    assert "ccipra-v330r0-f1" in f_ncci.table_version
    assert any(t.name == "imported ptp" for t in rules.tables)


def test_import_ptp_comma_delimited(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    f = tmp_path / "ptp.csv"
    f.write_text(PTP_TEXT.replace("\t", ","))
    assert import_rule_file(session_factory, f, load_bundled_ruleset(), NOW).rows_kept == 2


def test_not_a_cms_file(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(RuleImportError, match="does not look like"):
        import_rule_file(session_factory, f, load_bundled_ruleset(), NOW)
