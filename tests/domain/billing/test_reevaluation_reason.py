"""pt-rules F4: a re-evaluation (97164) needs the significant change that justifies it. The rule
lives once, in the engine; it speaks only where the reason is asked (not in the audit)."""

from datetime import date

from ptdesk.domain.billing.engine import ServiceLine, VisitInput, evaluate_visit
from ptdesk.domain.billing.findings import RuleId, Severity
from ptdesk.domain.payers import PayerKind, UnitMethod
from ptdesk.storage.rule_tables import load_bundled_ruleset

RULES = load_bundled_ruleset()


def _findings(reason: str | None) -> list[RuleId]:
    v = VisitInput(date(2026, 3, 2), PayerKind.MEDICARE, UnitMethod.CMS,
                   (ServiceLine("97164", 30), ServiceLine("97110", 15)), reeval_reason=reason)
    res = evaluate_visit(v, RULES)
    errors = [f for f in res.findings if f.rule is RuleId.REEVAL_REASON_MISSING]
    assert all(f.severity is Severity.ERROR and f.line == 0 for f in errors)
    return [f.rule for f in errors]


def test_reevaluation_without_reason_is_an_error() -> None:
    assert _findings("") == [RuleId.REEVAL_REASON_MISSING]


def test_reason_given_or_not_asked_is_silent() -> None:
    assert _findings("significant_change") == []
    assert _findings(None) == []  # the audit's files carry no reason
