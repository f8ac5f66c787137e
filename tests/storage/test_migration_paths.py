"""Every older revision upgrades a POPULATED database to head without losing a row, on SQLite
and PostgreSQL, and ends equal to the same data created at head (derived usage included).

How: a reference database is built at head with plain SQL (the rows a clinic has: patients,
payers, a provider, coverages, authorizations with codes, visits in every status with service
lines, a fee schedule, imported rule tables, a renewal request, status bands) and its derived
rows computed. For each older revision (read from the script directory, so revisions added
later are tested too) a database is migrated to that revision, the reference rows are copied in
(only the tables and columns that revision has), then it is upgraded to head and compared
table by table. Before this fix, 0002 -> head lost every service line (the batch rebuild of
`visits` cascaded) and 0003 -> head left the usage tables empty.
"""

import itertools
import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, select

from ptdesk.domain.search_keys import sort_name
from ptdesk.services.authorizations.derived_usage import rebuild_derived_usage
from ptdesk.storage.engine import create_engine_for
from ptdesk.storage.migrate import alembic_config, migration_connection, upgrade_to_head
from ptdesk.storage.migration_guard import MigrationRefused
from tests.pg_cluster import PgCluster

# Bookkeeping, not clinic data: the change counters move with every write, app_settings holds
# which ptdesk version last upgraded the file.
_NOT_COMPARED = {"alembic_version", "app_settings", "change_counters", "patient_changes"}
# Recomputed from the clinic's rows by the upgrade: expected even where the old schema lacked them.
_DERIVED = {"authorization_usage", "coverage_usage", "period_usage", "board_inputs"}
# Rewritten by the allocation whenever visits.authorization_id moves (a time, not data).
_NOT_COMPARED_COLUMNS = {("visits", "updated_at")}
_counter = itertools.count()
_T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def _older_revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    chain = [r.revision for r in script.walk_revisions()]  # head first
    return list(reversed(chain[1:]))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Engine]]:
    """Makes empty databases on one backend; disposes and drops them afterwards."""
    engines: list[Engine] = []
    dropped: list[str] = []
    cluster: PgCluster | None = None
    if request.param == "postgresql":
        if os.environ.get("PTDESK_TEST_PG_URL"):
            pytest.skip("needs a server on which the test may create databases")
        cluster = request.getfixturevalue("pg_cluster")
        if cluster is None:
            pytest.skip("PostgreSQL server binaries are not installed")

    def make() -> Engine:
        n = next(_counter)
        if cluster is None:
            url = f"sqlite:///{tmp_path / f'clinic{n}.sqlite3'}"
        else:
            name = f"ptdesk_mp{os.getpid()}_{n}"
            url = cluster.createdb(name)
            dropped.append(name)
        engines.append(create_engine_for(url))
        return engines[-1]

    yield make
    for eng in engines:
        eng.dispose()
    for name in dropped:
        assert cluster is not None
        cluster.dropdb(name)


def _migrate_to(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _downgrade(engine: Engine, target: str) -> None:
    cfg = alembic_config()
    with migration_connection(engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, target)


def _populate_at_head(engine: Engine) -> None:
    """The rows a clinic has, as plain INSERTs into the head schema (reflected, so the values
    are bound with each column's own type), then the derived rows computed."""
    meta = MetaData()
    meta.reflect(engine)
    stamps = {"created_at": _T0, "updated_at": _T0}
    with engine.begin() as conn:

        def ins(table: str, *rows: dict[str, object]) -> None:
            conn.execute(meta.tables[table].insert(), list(rows))

        ins("payers",
            {"id": 1, "name": "Acme Health", "kind": "commercial", "unit_method": "ama",
             "requires_prior_auth": True},
            {"id": 2, "name": "Medicare Part B", "kind": "medicare", "unit_method": "cms",
             "requires_prior_auth": False})
        ins("providers", {"id": 1, "first_name": "Dana", "last_name": "Lee",
                          "credentials": "PT, DPT", "npi": "1234567893", "role": "PT"})
        ins("patients", *({"id": pid, "chart_number": f"C{pid}", "last_name": last,
                           "first_name": first, "date_of_birth": dob,
                           "sort_name": sort_name(last, first), **stamps}
                          for pid, last, first, dob in ((1, "Rivera", "Ana", date(1980, 5, 1)),
                                                        (2, "Okafor", "Ben", date(1950, 2, 3)))))
        cov = {"priority": 1, "effective_date": date(2025, 1, 1), "plan_year_start_month": 1,
               "plan_year_start_day": 1}
        ins("coverages",
            {"id": 1, "patient_id": 1, "payer_id": 1, "member_id": "A1",
             "visit_limit_per_year": 30, **cov},
            {"id": 2, "patient_id": 2, "payer_id": 2, "member_id": "M1",
             "visit_limit_per_year": None, **cov})
        ins("authorizations",
            {"id": 1, "coverage_id": 1, "number": "AU-1", "state": "active",
             "start_date": date(2026, 1, 1), "end_date": date(2026, 3, 31), "counts": "visits",
             "authorized": 12, "used_before_ptdesk": 2, "created_at": _T0},
            {"id": 2, "coverage_id": 1, "number": "AU-2", "state": "active",
             "start_date": date(2026, 4, 1), "end_date": date(2026, 6, 30), "counts": "units",
             "authorized": 20, "used_before_ptdesk": 0, "created_at": _T0})
        ins("authorization_codes",
            {"id": 1, "authorization_id": 2, "code": "97110", "authorized_units": 20})
        statuses = ["completed", "completed", "checked_in", "booked", "cancelled", "no_show",
                    "voided", "completed"]
        line_id = itertools.count(1)
        for vid in range(1, 25):
            pid = 1 if vid % 3 else 2
            status = statuses[vid % len(statuses)]
            ins("visits", {"id": vid, "patient_id": pid, "coverage_id": pid, "provider_id": 1,
                           "visit_date": date(2026, 1 + vid % 6, 1 + vid),
                           "scheduled_time": time(9, 0), "status": status,
                           "checked_in_at": _T0 if status in ("checked_in", "completed")
                           else None,
                           "void_reason": "wrong patient" if status == "voided" else "",
                           **stamps})
            if status == "completed":
                ins("service_lines", *({"id": next(line_id), "visit_id": vid, "line_no": n,
                                        "code": code, "minutes": 15 * units, "units": units,
                                        "allowed_amount": 3150 * units}
                                       for n, (code, units) in enumerate(
                                           (("97110", 2), ("97140", 1)), 1)))
        ins("fee_schedules", {"id": 1, "payer_id": 1, "year": 2026, "name": "A"})
        ins("fee_schedule_entries",
            {"id": 1, "schedule_id": 1, "code": "97110", "allowed_amount": 3150},
            {"id": 2, "schedule_id": 1, "code": "97140", "allowed_amount": 2890})
        ins("rule_imports", {"id": 1, "kind": "mue", "version": "2026Q1",
                             "file_name": "mue.csv", "sha256": "ab" * 32, "imported_at": _T0,
                             "rows_read": 2, "rows_kept": 2})
        ins("imported_mue",
            {"id": 1, "import_id": 1, "code": "97110", "limit_units": 6, "mai": 3},
            {"id": 2, "import_id": 1, "code": "97140", "limit_units": 4, "mai": 3})
        ins("imported_ptp", {"id": 1, "import_id": 1, "column1": "97140", "column2": "97530",
                             "effective": date(2020, 1, 1), "indicator": 1})
        ins("authorization_requests",
            {"id": 1, "coverage_id": 1, "authorization_id": 1, "status": "pending",
             "method": "fax", "urgency": "standard", "sent_at": _T0, "visits_requested": 12,
             **stamps})
        ins("status_band_settings",
            {"id": 1, "payer_id": None, "red_visits": 2, "yellow_visits": 4, "red_days": 7,
             "yellow_days": 14, "renew_at_visits": 3, "renew_late_below_visits": 1,
             "renew_days_before_end": 10, "kx_approaching_within": 20000})
    with engine.begin() as conn:
        rebuild_derived_usage(conn)


def _copy_rows(source: Engine, target: Engine) -> set[str]:
    """The reference rows into an older schema: only the tables and columns it has (their
    names are returned)."""
    meta = MetaData()
    meta.reflect(target)
    with source.connect() as src, target.begin() as dst:
        for table in meta.sorted_tables:
            if table.name in ("alembic_version", "app_settings"):
                continue
            cols = [c.name for c in table.columns]
            rows = src.execute(select(*(table.c[c] for c in cols))).all()
            if rows:
                dst.execute(table.insert(), [dict(zip(cols, r, strict=True)) for r in rows])
    return set(meta.tables)


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple[object, ...]]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name in _NOT_COMPARED:
                continue
            t: Table = table
            cols = sorted((c for c in t.columns if (name, c.name) not in _NOT_COMPARED_COLUMNS),
                          key=lambda c: c.name)
            out[name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    return out


@pytest.mark.parametrize("revision", _older_revisions())
def test_populated_database_upgrades_without_losing_a_row(
    new_db: Callable[[], Engine], revision: str
) -> None:
    reference = new_db()
    upgrade_to_head(reference)
    _populate_at_head(reference)
    at_head = _snapshot(reference)
    assert len(at_head["service_lines"]) > 0
    assert len(at_head["authorization_usage"]) > 0

    old = new_db()
    _migrate_to(old, revision)
    had = _copy_rows(reference, old)
    # A table the old revision did not have cannot have held rows (the derived ones excepted)
    expected = {t: rows if t in had or t in _DERIVED else [] for t, rows in at_head.items()}
    result = upgrade_to_head(old, rebuild_derived=rebuild_derived_usage)
    assert result.from_revision == revision
    if revision < "0004":  # the usage tables did not exist: they must have been computed
        assert result.rebuilt_derived
    got = _snapshot(old)
    lost = {t: len(expected[t]) - len(got.get(t, [])) for t in expected
            if len(got.get(t, [])) != len(expected[t])}
    assert lost == {}
    differ = {t: ([r for r in got[t] if r not in expected[t]][:2],
                  [r for r in expected[t] if r not in got[t]][:2])
              for t in expected if got[t] != expected[t]}
    assert differ == {}, repr(differ)
    # The derived rows equal a fresh recompute on the upgraded database.
    with old.begin() as conn:
        rebuild_derived_usage(conn)
    assert _snapshot(old) == got


def test_downgrade_that_would_drop_rows_refuses(new_db: Callable[[], Engine]) -> None:
    engine = new_db()
    upgrade_to_head(engine)
    _populate_at_head(engine)
    before = _snapshot(engine)
    with pytest.raises(MigrationRefused, match="restore the backup"):
        _downgrade(engine, "base")
    assert _snapshot(engine) == before


def test_each_downgrade_keeps_the_rows_or_refuses(new_db: Callable[[], Engine]) -> None:
    """Walking down from head one revision at a time: every step either refuses (and changes
    nothing) or keeps every row of the tables that remain (before the fix, head -> 0004
    rebuilt `patients` with foreign keys on and deleted coverages, authorizations, visits)."""
    engine = new_db()
    upgrade_to_head(engine)
    _populate_at_head(engine)
    for _ in _older_revisions():
        before = {t: len(rows) for t, rows in _snapshot(engine).items()}
        try:
            _downgrade(engine, "-1")
        except MigrationRefused:
            assert {t: len(rows) for t, rows in _snapshot(engine).items()} == before
            return
        after = {t: len(rows) for t, rows in _snapshot(engine).items()}
        assert {t: n for t, n in after.items() if n != before[t] and t not in _DERIVED} == {}


def test_alembic_from_its_own_url_is_as_safe(
    new_db: Callable[[], Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`alembic -x url=...` / PTDESK_DB_URL (env.py builds its own engine) goes through the
    same safe connection: one step down from head keeps every clinic row."""
    engine = new_db()
    upgrade_to_head(engine)
    _populate_at_head(engine)
    # Tables with rows: a step down may drop a table the step added while it is empty (0011's
    # users and audit trail), never one holding a row.
    before = {t: len(rows) for t, rows in _snapshot(engine).items() if t not in _DERIVED and rows}
    engine.dispose()
    monkeypatch.setenv("PTDESK_DB_URL", engine.url.render_as_string(hide_password=False))
    command.downgrade(alembic_config(), "-1")
    after = {t: len(rows) for t, rows in _snapshot(engine).items() if t not in _DERIVED and rows}
    assert after == before
