"""The audit through a pool of worker processes writes the same bytes as in one process."""

import io
import random

import pytest

from ptdesk.services.billing import audit
from ptdesk.storage.rule_tables import load_bundled_ruleset
from tests.services.test_audit import FIELD_CHOICES

RULES = load_bundled_ruleset()


def random_file(n_rows: int, seed: int) -> str:
    rnd = random.Random(seed)
    names = list(FIELD_CHOICES)
    out = [",".join(names)]
    vid = 0
    for _ in range(n_rows):
        if rnd.random() < 0.4:
            vid += 1
        row = [rnd.choice(FIELD_CHOICES[c]) for c in names]
        row[0] = rnd.choice([f"v{vid}", f"v{vid}", f"v{vid}", "", f"v{max(vid - 3, 0)}"])
        out.append(",".join(f'"{x}"' if "," in x else x for x in row))
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_pool_output_is_byte_identical(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "CHUNK_VISITS", 37)  # many chunks, some cut inside odd rows
    text = random_file(3_000, seed=11)
    one, two = io.StringIO(), io.StringIO()
    s1 = audit.audit_stream(io.StringIO(text), one, fmt, RULES, workers=1)
    s2 = audit.audit_stream(io.StringIO(text), two, fmt, RULES, workers=2)
    assert two.getvalue() == one.getvalue()
    assert s2 == s1
    assert s1.visits > 100
