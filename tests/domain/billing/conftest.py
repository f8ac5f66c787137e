import pytest

from ptdesk.domain.billing.ruleset import RuleSet
from ptdesk.storage.rule_tables import load_bundled_ruleset


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_bundled_ruleset()
