"""Number agreement for every generated sentence: "1 booked visit falls", "2 booked visits fall".

One helper for nouns (`plural`) and one for the verb that follows a counted subject (`agree`),
so no sentence builds its own "s" (a hand-made "visit(s)" or `'s' if n != 1` is how "1 booked
visit fall" slipped in).
"""

_IRREGULAR = {"is": "are", "was": "were", "has": "have", "does": "do"}


def noun(n: int, one: str, many: str | None = None) -> str:
    """The noun alone, in the number `n` asks for: noun(1, "visit") == "visit"."""
    return one if n == 1 else (many or one + "s")


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 visit", "2 visits", "0 visits", "12,000 rows"; `many` for irregular plurals."""
    return f"{n:,} {noun(n, one, many)}"


def agree(n: int, singular: str, many: str | None = None) -> str:
    """The verb after a subject counted `n`: agree(1, "falls") == "falls", agree(2, "falls") ==
    "fall", agree(2, "is") == "are". `many` when the plural is not the singular minus its s."""
    if n == 1:
        return singular
    if many is not None:
        return many
    if singular in _IRREGULAR:
        return _IRREGULAR[singular]
    return singular[:-1] if singular.endswith("s") else singular
