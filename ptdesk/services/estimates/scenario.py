"""`ptdesk estimate --scenario FILE.json`: read the scenario, compute the estimate, build the
chosen output (JSON text or a PDF) in memory so the command writes all or nothing.

No database: everything the estimate needs is in the file or in the bundled tables
(`storage/estimate_tables.py`). Errors are `ValidationError`s naming the field.
"""

import json
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from ptdesk.domain.errors import ValidationError
from ptdesk.domain.estimate import compute_estimate
from ptdesk.domain.estimate_model import Estimate
from ptdesk.domain.estimate_scenario import Scenario, estimate_json, parse_scenario
from ptdesk.storage.estimate_tables import load_estimate_tables, read_code_descriptions

MAX_SCENARIO_BYTES = 1_000_000  # a scenario is a few hundred bytes; a huge file is a mistake


@dataclass(frozen=True, slots=True)
class ScenarioEstimate:
    scenario: Scenario
    estimate: Estimate


def read_scenario(path: Path) -> Scenario:
    try:
        if path.stat().st_size > MAX_SCENARIO_BYTES:
            raise ValidationError(f"scenario: {path.name} is too large to be a scenario file",
                                  field="scenario")
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationError(f"scenario: {path} does not exist", field="scenario") from None
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or "it is not UTF-8 text"
        raise ValidationError(f"scenario: {path} cannot be read ({why})",
                              field="scenario") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"scenario: {path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})", field="scenario") from None
    return parse_scenario(data)


def estimate_scenario(path: Path) -> ScenarioEstimate:
    scenario = read_scenario(path)
    return ScenarioEstimate(scenario, compute_estimate(scenario.request, load_estimate_tables()))


def render_json(result: ScenarioEstimate) -> bytes:
    return (json.dumps(estimate_json(result.estimate), indent=2) + "\n").encode("utf-8")


def render_pdf(result: ScenarioEstimate, *, lang: str, document: str, today: date,
               invariant: bool = False) -> bytes:
    """The estimate, or for self-pay/uninsured the Good Faith Estimate (`document` "auto"),
    as PDF bytes."""
    from ptdesk.reports.estimate_pdf import build_estimate_pdf
    from ptdesk.reports.good_faith_estimate_pdf import build_good_faith_estimate_pdf

    own_way = result.scenario.request.payer_type.pays_own_way
    kind = ("gfe" if own_way else "estimate") if document == "auto" else document
    if kind == "gfe" and not own_way:
        raise ValidationError(
            "--document: a Good Faith Estimate is for uninsured and self-pay patients only "
            f"(this scenario's payer_type is {result.scenario.request.payer_type.value})",
            field="document")
    data = result.scenario.document(result.estimate, today, read_code_descriptions())
    out = BytesIO()
    build = build_good_faith_estimate_pdf if kind == "gfe" else build_estimate_pdf
    build(data, out, lang=lang, invariant=invariant)
    return out.getvalue()
