"""What one generated patient gets: demographics and insurance, an episode of authorizations,
visits and their service lines, drawn from a seeded random source so a clinic is the same for
the same seed and day. `ClinicBuilder.patient(n)` writes patient n through the `Writer`.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptdesk.demo import data as dd
from ptdesk.demo.people import coverage, person
from ptdesk.demo.plans import (
    PATTERNS,
    SCENARIOS,
    EpisodePlan,
    Line,
    fit_to_visits,
    plan_episode,
    session_lines,
)
from ptdesk.demo.writer import Writer
from ptdesk.domain.auth_terms import AuthorizationTerms, AuthUnit
from ptdesk.domain.authorization import AuthorizationRecord, unit_pools
from ptdesk.domain.payers import (
    PayerKind,
    ProviderRole,
    UnitMethod,
    VisitStatus,
    default_unit_method,
)
from ptdesk.domain.search_keys import patient_terms, sort_name
from ptdesk.domain.visit_allocation import VisitLine, VisitRecord, allocate
from ptdesk.storage.models import AuthorizationState, Payer, Provider


@dataclass(frozen=True)
class _PayerRef:
    id: int
    demo: dd.DemoPayer

    @property
    def kind(self) -> PayerKind:
        return self.demo.kind


_DAY = timedelta(days=1)
_NO_AUTH_SCENARIOS = (
    "fresh",
    "yellow_visits",
    "few_left",
    "ending_21",
    "discharged",
    "discharged",
    "none_in_force",
)
_SLOTS = tuple(time(h, m) for h in range(7, 18) for m in (0, 30))


class ClinicBuilder:
    def __init__(self, session: Session, *, today: date, seed: int, k: int | None) -> None:
        self.rng = random.Random(seed)
        self.t = today
        self.k = k
        self.w = Writer(session)
        self.payers = self._ensure_payers(session)
        self.pts, self.ptas = self._ensure_providers(session)
        self.auth_patients = 0
        self.in_force = 0
        self.auth_total = 0
        self._elsewhere = (0, 0)
        self._weights = [p.demo.weight for p in self.payers]
        self._scen_names = list(SCENARIOS)
        self._scen_weights = list(SCENARIOS.values())
        self._codes = [c for c, _ in dd.SESSION_CODES]
        self._code_weights = [w for _, w in dd.SESSION_CODES]

    # reference data ----------------------------------------------------------------------
    def _ensure_payers(self, s: Session) -> list[_PayerRef]:
        existing = {p.name: p for p in s.scalars(select(Payer))}
        refs = []
        for i, demo in enumerate(dd.PAYERS):
            payer = existing.get(demo.name)
            if payer is None:
                slug = "".join(c for c in demo.name.lower() if c.isalnum())[:24]
                payer = Payer(
                    name=demo.name,
                    kind=demo.kind,
                    unit_method=default_unit_method(demo.kind),
                    requires_prior_auth=demo.requires_prior_auth,
                    phone="" if demo.kind is PayerKind.SELF_PAY else f"(800) 555-01{i:02d}",
                    portal_url=""
                    if demo.kind is PayerKind.SELF_PAY
                    else f"https://portal.example.com/{slug}",
                    notes="Cash rate $95 per visit (demo)."
                    if demo.kind is PayerKind.SELF_PAY
                    else "Synthetic demo payer.",
                )
                s.add(payer)
                s.flush()
            refs.append(_PayerRef(payer.id, demo))
        return refs

    def _ensure_providers(self, s: Session) -> tuple[list[int], list[int]]:
        pts: list[int] = []
        ptas: list[int] = []
        for i, demo in enumerate(dd.PROVIDERS):
            npi = dd.luhn_npi(f"{999_000_101 + i}")
            prov = s.scalars(select(Provider).where(Provider.npi == npi)).first()
            if prov is None:
                prov = Provider(
                    first_name=demo.first_name,
                    last_name=demo.last_name,
                    credentials=demo.credentials,
                    npi=npi,
                    role=demo.role,
                )
                s.add(prov)
                s.flush()
            (pts if demo.role is ProviderRole.PT else ptas).append(prov.id)
        return pts, ptas

    # one patient -------------------------------------------------------------------------
    def patient(self, n: int) -> None:
        rng, t = self.rng, self.t
        self._elsewhere = (0, 0)  # Medicare: (year, PT+SLP cents from other providers)
        primary = rng.choices(self.payers, self._weights)[0]
        secondary = self._secondary(primary)
        pid = self.w.next_id["patients"]
        row = person(rng, n, primary.kind, t, chart_number=f"C{pid:06d}")
        row["sort_name"] = sort_name(row["last_name"], row["first_name"])
        self.w.add("patients", row)
        cov1, member1 = self._coverage(pid, primary, 1)
        member_ids = [member1]
        cov2 = None
        if secondary is not None:
            cov2, member2 = self._coverage(pid, secondary, 2)
            member_ids.append(member2)
        last, first = row["last_name"], row["first_name"]
        middle, preferred = row["middle_name"], row["preferred_name"]
        mobile, home = row["phone_mobile"], row["phone_home"]
        for term in sorted(
            patient_terms(
                last_name=last,
                first_name=first,
                preferred_name=preferred,
                middle_name=middle,
                phones=tuple(p for p in (mobile, home) if p),
                chart_number=row["chart_number"],
                member_ids=tuple(m for m in member_ids if m),
            ),
            key=lambda x: (x.kind.value, x.term),
        ):
            self.w.add_raw("patient_search_terms", pid, term.kind.value, term.term)
        if primary.demo.requires_prior_auth:
            auth_cov: int | None = cov1
        elif secondary is not None and secondary.demo.requires_prior_auth:
            auth_cov = cov2
        else:
            auth_cov = None
        pattern = rng.choice(PATTERNS)
        if auth_cov is not None:
            if self.auth_patients < len(self._scen_names):
                scenario = self._scen_names[self.auth_patients]
            else:
                scenario = rng.choices(self._scen_names, self._scen_weights)[0]
            self.auth_patients += 1
            plan = plan_episode(scenario, t, pattern, rng)
        else:
            scenario = rng.choice(_NO_AUTH_SCENARIOS)
            plan = plan_episode(scenario, t, pattern, rng)
            plan.auths = []
        if self.k is not None:
            fit_to_visits(plan, self.k, pattern, rng, chain=auth_cov is not None)
        if scenario == "discharged" and rng.random() < 0.3:
            row["active"] = False
        auths: list[AuthorizationRecord] = []
        if auth_cov is not None:
            auths = self._authorizations(
                auth_cov, plan, scenario, primary if auth_cov == cov1 else secondary
            )
        # Visits are billed to the primary; a secondary's authorization is not drawn from.
        self._visits(pid, cov1, primary, plan, auths if auth_cov == cov1 else [])

    def _secondary(self, primary: _PayerRef) -> _PayerRef | None:
        rng = self.rng
        if primary.kind is PayerKind.MEDICARE and rng.random() < 0.35:
            kind = PayerKind.MEDICAID if rng.random() < 0.35 else PayerKind.COMMERCIAL
        elif primary.kind is PayerKind.COMMERCIAL and rng.random() < 0.06:
            kind = PayerKind.COMMERCIAL
        else:
            return None
        options = [p for p in self.payers if p.kind is kind and p.id != primary.id]
        return rng.choice(options)

    def _coverage(self, pid: int, payer: _PayerRef, priority: int) -> tuple[int, str]:
        row = coverage(self.rng, payer.demo, priority, self.t)
        row.update(patient_id=pid, payer_id=payer.id)
        if priority == 1 and row["therapy_amount_elsewhere"] is not None:
            self._elsewhere = (self.t.year, int(row["therapy_amount_elsewhere"] * 100))
        return self.w.add("coverages", row), row["member_id"]

    def _authorizations(
        self, cov: int, plan: EpisodePlan, scenario: str, payer: _PayerRef | None
    ) -> list[AuthorizationRecord]:
        """Write the plan's authorizations; return them as the allocation rules see them."""
        rng, t = self.rng, self.t
        records: list[AuthorizationRecord] = []
        prefix = payer.demo.member_prefix if payer is not None else "AUTH"
        for i, a in enumerate(plan.auths):
            ended = scenario == "discharged" and i == len(plan.auths) - 1 and rng.random() < 0.5
            state = AuthorizationState.ENDED if ended else a.state
            pending = state is AuthorizationState.PENDING
            carry = 2 if scenario == "ending_21" and i == len(plan.auths) - 1 else 0
            aid = self.w.add(
                "authorizations",
                {
                    "coverage_id": cov,
                    "number": "" if pending else f"{prefix}-{rng.randint(10**6, 10**8 - 1)}",
                    "state": state,
                    "start_date": a.start,
                    "end_date": a.end,
                    "counts": a.counts,
                    "authorized": a.authorized,
                    "used_before_ptdesk": carry,
                    "ended_on": a.end if ended else None,
                    "end_reason": "Discharged: goals met" if ended else "",
                    "notes": a.notes,
                },
            )
            self.auth_total += 1
            if state is AuthorizationState.ACTIVE and a.start <= t <= a.end:
                self.in_force += 1
            for code, units in a.codes:
                self.w.add(
                    "authorization_codes",
                    {"authorization_id": aid, "code": code, "authorized_units": units},
                )
            terms = AuthorizationTerms(
                a.start, a.end, a.authorized, frozenset(c for c, _ in a.codes), a.counts
            )
            if a.counts is AuthUnit.UNITS:
                pools = {c: u or 0 for c, u in a.codes}
                records.extend(unit_pools(aid, cov, terms, pools, state=state))
            else:
                records.append(AuthorizationRecord(aid, cov, terms, state, carry))
        return records

    def _visits(
        self,
        pid: int,
        cov: int,
        payer: _PayerRef,
        plan: EpisodePlan,
        auths: list[AuthorizationRecord],
    ) -> None:
        rng, t, k, w = self.rng, self.t, self.k, self.w
        events: list[tuple[date, VisitStatus]] = [(d, VisitStatus.COMPLETED) for d in plan.past]
        if k is None:  # extras beside the scenario's counted visits
            for d in plan.past:
                if rng.random() < 0.08 and d + _DAY < t:
                    events.append((d + _DAY, rng.choice(_MISSED)))
        else:  # exactly k rows: some of the older ones did not happen
            events = [
                (d, rng.choice(_MISSED[:3]) if i and rng.random() < 0.07 else s)
                for i, (d, s) in enumerate(events)
            ]
        events.sort(key=lambda e: e[0])
        events += [(d, VisitStatus.BOOKED) for d in plan.booked]
        pt = self.pts[pid % len(self.pts)]
        pta = self.ptas[pid % len(self.ptas)] if pid % 3 else None
        kind = payer.kind
        cms = default_unit_method(kind) is UnitMethod.CMS
        kx_kind = kind is PayerKind.MEDICARE
        ytd_year, ytd, limit = 0, 0, 0
        prev: date | None = None
        done = 0
        first_id = w.next_id["visits"]
        visits: list[tuple[date, VisitStatus, int | None, list[Line]]] = []
        for d, status in events:
            has_lines = status is VisitStatus.COMPLETED or status is VisitStatus.VOIDED
            is_eval = has_lines and (prev is None or (d - prev).days > 30)
            assistant = pta if (pta and has_lines and not is_eval and rng.random() < 0.4) else None
            if not has_lines:
                visits.append((d, status, assistant, []))
                continue
            lines = session_lines(
                rng, kind, cms, is_eval=is_eval, hint=plan.hint, index=done,
                assisted=assistant is not None,
            )  # fmt: skip
            kx = kx_kind and status is VisitStatus.COMPLETED
            if status is VisitStatus.COMPLETED:
                prev = d
                done += 1
            if kx and d.year != ytd_year:
                ytd_year = d.year
                ytd = self._elsewhere[1] if self._elsewhere[0] == d.year else 0
                limit = dd.KX_THRESHOLD_CENTS.get(d.year) or max(dd.KX_THRESHOLD_CENTS.values())
            if kx:
                for i, (code, minutes, asst, units, mods, cents) in enumerate(lines):
                    ytd += cents or 0
                    if units and cents and ytd > limit:
                        lines[i] = (code, minutes, asst, units, mods + " KX", cents)
            visits.append((d, status, assistant, lines))
        drawn = _drawn_from(first_id, cov, visits, auths) if auths else {}
        for i, (d, status, assistant, lines) in enumerate(visits):
            vid = w.add_raw(
                "visits", pid, cov, drawn.get(first_id + i), pt, assistant, w.day(d),
                w.clock(rng.choice(_SLOTS)), status.value,
                _VOID_REASON if status is VisitStatus.VOIDED else "", "",
            )  # fmt: skip
            for no, (code, minutes, asst, units, mods, cents) in enumerate(lines, 1):
                w.add_raw("service_lines", vid, no, code, minutes, asst, units, mods, cents)


def _drawn_from(
    first_id: int,
    cov: int,
    visits: list[tuple[date, VisitStatus, int | None, list[Line]]],
    auths: list[AuthorizationRecord],
) -> dict[int, int]:
    """visits.authorization_id, by the domain's own allocation rules: the authorization each
    visit draws its visit from (else the first it draws units from)."""
    records = [
        VisitRecord(first_id + i, d, status, cov, tuple(VisitLine(ln[0], ln[3]) for ln in lines))
        for i, (d, status, _a, lines) in enumerate(visits)
    ]
    out: dict[int, int] = {}
    for va in allocate(records, auths).visits:
        if va.draws:
            by_visit = [dr for dr in va.draws if not dr.key[1]]
            out[va.visit.visit_id] = (by_visit or list(va.draws))[0].key[0]
    return out


_MISSED = (VisitStatus.CANCELLED, VisitStatus.CANCELLED, VisitStatus.NO_SHOW, VisitStatus.VOIDED)
_VOID_REASON = "Entered on the wrong date (demo)"


