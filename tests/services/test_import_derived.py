"""Imported visits count exactly like visits entered in the app (issue 13): after importing a
generated clinic (several payers, Medicare KX totals, visit and units authorizations, visits
in no particular order, then a second visit file changing some), the derived allocation and
usage tables equal a fresh recompute by `services.derived_usage`, on SQLite and PostgreSQL."""

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ptdesk.domain.imports.columns import ImportKind
from ptdesk.services.authorizations.derived_usage import rebuild_derived_usage
from ptdesk.services.imports.service import ImportService
from ptdesk.storage.engine import session_scope
from ptdesk.storage.models import (
    AuthorizationUsage,
    BoardInputs,
    CoverageUsage,
    PeriodUsage,
    Visit,
)

TODAY = date(2026, 12, 1)
K = ImportKind
PAYERS = [("Medicare", "medicare"), ("Acme Health", "commercial"),
          ("State Medicaid", "medicaid"), ("Coastal MA", "medicare_advantage")]
CODES = ["97110", "97112", "97140", "97530", "97116"]


def _files(n: int, seed: int) -> tuple[dict[ImportKind, str], str]:
    rng = random.Random(seed)
    pats = ["chart,last_name,first_name,date_of_birth,sex,active"]
    covs = ["chart,payer,rank,member_id,effective,visit_limit,ytd_therapy_allowed_elsewhere"]
    auths = ["chart,payer,number,status,start,end,visits,units,codes,used_before"]
    visits: list[str] = []
    later: list[str] = []
    for i in range(n):
        chart = f"G{i:04d}"
        payer = PAYERS[i % 4][0]
        pats.append(f"{chart},Last{i},First{i},1950-0{1 + i % 9}-1{i % 9},{'FM'[i % 2]},yes")
        limit = rng.choice(["", "20", "8"])
        elsewhere = rng.choice(["", "1500", "2350.50"]) if payer == "Medicare" else ""
        covs.append(f"{chart},{payer},primary,M{i},2025-01-01,{limit},{elsewhere}")
        start = TODAY - timedelta(days=rng.randint(10, 70))
        if payer != "Medicare" and i % 3:
            if i % 2:
                auths.append(f"{chart},{payer},A{i},approved,{start},"
                             f"{start + timedelta(days=60)},{rng.randint(3, 12)},,,"
                             f"{rng.randint(0, 2)}")
            else:
                auths.append(f"{chart},{payer},U{i},approved,{start},"
                             f"{start + timedelta(days=60)},,97110:{rng.randint(4, 20)};"
                             f"97140:{rng.randint(2, 10)},,")
        days = rng.sample(range(-90, 31), rng.randint(0, 14))  # one visit a day at most
        for j, offset in enumerate(days):
            day = TODAY + timedelta(days=offset)
            at = f"{8 + j % 9}:{rng.choice(['00', '30'])}"
            if day <= TODAY and rng.random() < 0.8:
                lines = ";".join(f"{c}:{rng.choice((8, 15, 23, 30, 38))}"
                                 for c in rng.sample(CODES, rng.randint(1, 3)))
                row = f"{chart},{day},{at},,,completed,{lines}"
                if rng.random() < 0.2:  # later file: the same visit, cancelled after all
                    later.append(f"{chart},{day},{at},,,cancelled,")
            else:
                row = f"{chart},{day},{at},,,{rng.choice(['booked', 'no_show'])},"
                if day > TODAY and rng.random() < 0.3:
                    later.append(f"{chart},{day},{at},,,cancelled,")
            visits.append(row)
    rng.shuffle(visits)  # a clinic's export is not in date order per patient
    head = "chart,date,time,provider,payer,status,lines"
    payers = "name,payer_type\n" + "\n".join(f"{a},{b}" for a, b in PAYERS)
    files = {K.PAYERS: payers, K.PATIENTS: "\n".join(pats), K.COVERAGES: "\n".join(covs),
             K.AUTHORIZATIONS: "\n".join(auths), K.VISITS: "\n".join([head, *visits])}
    return files, "\n".join([head, *later])


def _derived(factory: sessionmaker[Session]) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    with session_scope(factory) as s:
        for model in (AuthorizationUsage, CoverageUsage, PeriodUsage, BoardInputs):
            t = model.__table__
            out[t.name] = sorted(tuple(r) for r in s.execute(select(*t.c)))
        out["visits"] = sorted(tuple(r) for r in s.execute(
            select(Visit.id, Visit.authorization_id)))
    return out


def test_imported_usage_equals_a_fresh_recompute(session_factory: sessionmaker[Session]
                                                 ) -> None:
    files, later = _files(120, seed=11)
    service = ImportService(session_factory)
    for kind, text in files.items():
        report = service.run(kind, text.encode(), today=TODAY)
        assert report.problems == (), (kind, report.problems[:3])
    report = service.run(K.VISITS, later.encode(), today=TODAY)
    assert report.problems == ()
    assert report.updated > 10
    imported = _derived(session_factory)
    assert len(imported["authorization_usage"]) > 30
    assert len(imported["period_usage"]) > 100
    assert len(imported["board_inputs"]) >= 120
    assert sum(a is not None for _, a in imported["visits"]) > 100
    with session_scope(session_factory) as s:
        rebuild_derived_usage(s.connection())
    assert _derived(session_factory) == imported
