"""What happens to one demo patient: the authorizations of an episode, visit dates and the
service lines of each session. Pure (a seeded `random.Random` is passed in), relative to `today`.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ptdesk.demo import data as dd
from ptdesk.domain.auth_terms import AuthUnit
from ptdesk.domain.payers import PayerKind
from ptdesk.storage.models import AuthorizationState

# Where a patient's current authorization stands relative to `today`. The demo cycles through
# all of them first, so even a small clinic shows every state; then they are drawn by weight.
SCENARIOS: dict[str, int] = {
    "fresh": 28,
    "yellow_visits": 7,
    "few_left": 7,
    "ending_7": 6,
    "ending_21": 7,
    "expired": 6,
    "exhausted": 4,
    "pending": 5,
    "consecutive": 8,
    "units_one_code": 3,
    "code_specific": 3,
    "none_in_force": 4,
    "discharged": 12,
}


@dataclass
class AuthSpec:
    start: date
    end: date
    authorized: int
    state: AuthorizationState = AuthorizationState.ACTIVE
    counts: AuthUnit = AuthUnit.VISITS
    codes: tuple[tuple[str, int | None], ...] = ()
    notes: str = ""


@dataclass
class EpisodePlan:
    auths: list[AuthSpec] = field(default_factory=list)
    past: list[date] = field(default_factory=list)  # completed visits
    booked: list[date] = field(default_factory=list)
    hint: str = ""  # "units": 97110 on every visit; "manual": 97140 on every other visit


# --- schedules ---------------------------------------------------------------------------

PATTERNS = ((0, 3), (1, 4), (0, 2, 4), (1, 3), (0, 2))


def forward(start: date, n: int, pattern: tuple[int, ...]) -> list[date]:
    out: list[date] = []
    d = start
    while len(out) < n:
        if d.weekday() in pattern:
            out.append(d)
        d += timedelta(days=1)
    return out


def backward(before: date, n: int, pattern: tuple[int, ...]) -> list[date]:
    """`n` pattern days strictly before `before`, oldest first."""
    out: list[date] = []
    d = before - timedelta(days=1)
    while len(out) < n:
        if d.weekday() in pattern:
            out.append(d)
        d -= timedelta(days=1)
    return out[::-1]


def between(start: date, end_excl: date, pattern: tuple[int, ...]) -> list[date]:
    out, d = [], start
    while d < end_excl:
        if d.weekday() in pattern:
            out.append(d)
        d += timedelta(days=1)
    return out


def plan_episode(scenario: str, t: date, p: tuple[int, ...], rng: random.Random) -> EpisodePlan:
    """Authorizations and visit dates for one patient's current episode."""
    day = timedelta(days=1)
    if scenario == "fresh":
        start = t - rng.randint(2, 12) * day
        past = between(start, t, p)
        return EpisodePlan(
            [AuthSpec(start, start + 59 * day, rng.choice((12, 16, 20, 24)))],
            past,
            forward(t, 3, p),
        )
    if scenario in ("yellow_visits", "few_left", "exhausted"):
        authorized, used, booked = {
            "yellow_visits": (12, 8, 2),
            "few_left": (12, 10, 3),
            "exhausted": (8, 8, 2),
        }[scenario]
        past = backward(t, used, p)
        return EpisodePlan(
            [AuthSpec(past[0] - day, t + rng.randint(25, 40) * day, authorized)],
            past,
            forward(t, booked, p),
        )
    if scenario in ("ending_7", "ending_21"):
        end = t + (rng.randint(1, 7) if scenario == "ending_7" else rng.randint(8, 21)) * day
        past = backward(t, rng.randint(6, 10), p)
        # ending_7 books past the end date, so the desk sees the uncovered visit.
        return EpisodePlan(
            [AuthSpec(past[0] - day, end, 24)],
            past,
            forward(t, 5 if scenario == "ending_7" else 3, p),
        )
    if scenario == "expired":
        end = t - rng.randint(1, 10) * day
        past = backward(end + day, 9, p)
        return EpisodePlan([AuthSpec(past[0] - day, end, 12)], past, forward(t, 2, p))
    if scenario == "pending":
        past = backward(t, 12, p)
        old = AuthSpec(past[0] - day, t - day, 12)
        new = AuthSpec(
            t,
            t + 59 * day,
            12,
            AuthorizationState.PENDING,
            notes="Renewal requested; awaiting the payer's decision (demo).",
        )
        return EpisodePlan([old, new], past, forward(t, 2, p))
    if scenario == "consecutive":
        split = t - rng.randint(5, 9) * day
        old_visits = backward(split, 12, p)
        old = AuthSpec(old_visits[0] - day, split - day, 12)
        new = AuthSpec(split, split + 59 * day, 12)
        return EpisodePlan([old, new], old_visits + between(split, t, p), forward(t, 3, p))
    if scenario == "units_one_code":
        past = backward(t, 7, p)
        auth = AuthSpec(
            past[0] - day, t + 40 * day, 24, counts=AuthUnit.UNITS, codes=(("97110", 24),)
        )
        return EpisodePlan([auth], past, forward(t, 3, p), hint="units")
    if scenario == "code_specific":
        past = backward(t, 6, p)
        start, end = past[0] - day, t + 35 * day
        exercise = AuthSpec(
            start,
            end,
            12,
            codes=(("97110", None), ("97112", None), ("97530", None), ("97116", None)),
        )
        manual = AuthSpec(start, end, 4, codes=(("97140", None),))
        return EpisodePlan([exercise, manual], past, forward(t, 3, p), hint="manual")
    if scenario == "none_in_force":
        return EpisodePlan([], [], forward(t + day, rng.randint(1, 2), p))
    if scenario == "discharged":
        end = t - rng.randint(45, 420) * day
        past = backward(end, rng.randint(6, 16), p)
        return EpisodePlan([AuthSpec(past[0] - day, end, len(past) + rng.randint(0, 4))], past, [])
    raise ValueError(scenario)


def fit_to_visits(
    plan: EpisodePlan, k: int, p: tuple[int, ...], rng: random.Random, chain: bool
) -> None:
    """Benchmark mode: exactly `k` visits, the older ones under a chain of earlier auths."""
    keep_booked = max(k // 10, 1 if k > 1 else 0)
    # Where the plan begins, taken before the booked visits are cut: with k = 1 a plan of
    # booked visits only keeps none of them (and had nothing else to go back from).
    starts = [a.start for a in plan.auths] + plan.past[:1] + plan.booked[:1]
    plan.booked = plan.booked[:keep_booked]
    room = k - len(plan.booked)
    if len(plan.past) >= room:
        plan.past = plan.past[len(plan.past) - room :]
        return
    older = backward(min(starts), room - len(plan.past), p)
    plan.past = older + plan.past
    while chain and older:
        n = rng.randint(12, 20)
        chunk, older = older[-n:], older[:-n] if n < len(older) else []
        plan.auths.insert(0, AuthSpec(chunk[0], chunk[-1], len(chunk) + rng.randint(0, 2)))


# --- sessions ----------------------------------------------------------------------------

# Allowed amount as a share of the Medicare fee, by payer kind (self-pay: none recorded).
FEE_FACTOR = {
    PayerKind.MEDICARE: 100,
    PayerKind.MEDICARE_ADVANTAGE: 97,
    PayerKind.MEDICAID: 75,
    PayerKind.COMMERCIAL: 130,
    PayerKind.WORKERS_COMP: 160,
}
# Payer kinds whose lines carry CQ when an assistant furnished more than 10% of a service.
CQ_KINDS = frozenset({PayerKind.MEDICARE, PayerKind.MEDICARE_ADVANTAGE})
# One line: (code, minutes, assistant minutes, units, modifiers, allowed amount in cents).
Line = tuple[str, int, int, int, str, int | None]

_SESSION_POOL = tuple(code for code, weight in dd.SESSION_CODES for _ in range(weight))


def session_lines(
    rng: random.Random,
    kind: PayerKind,
    cms: bool,
    *,
    is_eval: bool,
    hint: str,
    index: int,
    assisted: bool,
) -> list[Line]:
    """The service lines of one session, with units by the payer's method (CMS total time or
    AMA per code) and GP/CQ modifiers; KX is the caller's (it needs the year's running total)."""
    timed: list[tuple[str, int]] = []
    untimed: list[tuple[str, int]] = []
    if is_eval:
        untimed.append((rng.choice(dd.EVAL_CODES), rng.choice((40, 45, 50, 60))))
        if rng.random() < 0.6:
            timed.append(("97110", rng.choice((10, 12, 15))))
    else:
        n = rng.choice((2, 2, 3, 3, 3, 4))
        chosen: list[str] = []
        while len(chosen) < n:
            code = rng.choice(_SESSION_POOL)
            if code not in chosen:
                chosen.append(code)
        if hint == "units":
            chosen = ["97110", *[c for c in chosen if c not in ("97110", "97140")][:1]]
        elif hint == "manual":
            chosen = [c for c in chosen if c != "97140"]
            if index % 2:
                chosen.append("97140")
        for code in chosen:
            if code == "97035":
                minutes = rng.choice((8, 8, 10))
            elif hint == "units" and code == "97110":
                minutes = 30
            else:
                minutes = rng.choice(dd.MINUTE_CHOICES)
            timed.append((code, minutes))
        if rng.random() < 0.2:
            untimed.append(("G0283", 15))
        if rng.random() < 0.04:
            untimed.append((dd.REEVAL_CODE, 30))
    timed_minutes = [m for _, m in timed]
    units = dd.cms_units(timed_minutes) if cms else dd.ama_units(timed_minutes)
    base = "" if kind is PayerKind.SELF_PAY else "GP"
    factor = FEE_FACTOR.get(kind)
    cq_kind = kind in CQ_KINDS
    out: list[Line] = []
    for (code, m), u in [*zip(timed, units, strict=True), *((x, 1) for x in untimed)]:
        asst = 0
        if assisted:
            r = rng.random()
            asst = m if r < 0.45 else (min(m, rng.choice((1, 2, 3))) if r < 0.6 else 0)
        mods = base + " CQ" if cq_kind and u and asst * 10 > m else base
        cents = None if factor is None else dd.FEE_CENTS[code] * u * factor // 100
        out.append((code, m, asst, u, mods, cents))
    return out
