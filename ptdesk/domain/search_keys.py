"""What a receptionist types into the search box, and the keys a patient can be found by.

Both sides are normalised the same way (lower case, accents and punctuation dropped), so
"smi jo" finds Jo Smith, "o'bri" finds O'Brien and "jose" finds José.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ptdesk.domain.dates import parse_date

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_DATE_US = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PHONEISH = re.compile(r"^[\d\s().+-]+$")

# A phone query needs at least this many digits: fewer would match thousands of numbers.
MIN_PHONE_DIGITS = 4


class TermKind(StrEnum):
    NAME = "name"
    PHONE = "phone"
    PHONE_REVERSED = "phone_rev"  # digits reversed, so "last four" is a prefix search too
    CHART = "chart"
    MEMBER = "member"


def fold(text: str) -> str:
    """Lower case with accents removed: 'José Ñúñez' -> 'jose nunez'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_key(text: str) -> str:
    """The searchable form of one name: 'O'Brien-Smith' -> 'obriensmith'."""
    return _NON_ALNUM.sub("", fold(text))


def name_keys(text: str) -> set[str]:
    """Keys for a whole name: joined, and each part ('Smith-Jones' -> smithjones, smith, jones)."""
    folded = fold(text)
    parts = [p for p in _NON_ALNUM.split(folded) if p]
    keys = set(parts)
    if parts:
        keys.add("".join(parts))
    return keys


def sort_name(last_name: str, first_name: str) -> str:
    """The order patients are listed in: by last then first name, accents folded, so "Ávila"
    sits among the As and "de la Cruz" among the Ds on every database and locale."""
    return f"{name_key(last_name)} {name_key(first_name)}"[:160]


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


# "x12", "ext 12", "ext. 12", "extension 12" at the end of a phone number.
_EXTENSION = re.compile(r"\s*,?\s*(?:x|ext\.?|extension)\s*(\d{1,6})\s*$", re.IGNORECASE)


def split_extension(text: str) -> tuple[str, str]:
    """'(555) 234-5678 ext. 12' -> ('(555) 234-5678', '12'); no extension -> (text, '')."""
    m = _EXTENSION.search(text)
    if m is None:
        return text.strip(), ""
    return text[: m.start()].strip(), m[1]


def phone_key(text: str) -> str:
    """Digits of a US phone number without the leading country code 1 and any extension."""
    d = digits(split_extension(text)[0])
    if len(d) == 11 and d.startswith("1"):
        d = d[1:]
    return d


def id_key(text: str) -> str:
    """Chart numbers and member ids: letters and digits only, lower case."""
    return _NON_ALNUM.sub("", fold(text))


@dataclass(frozen=True, slots=True)
class SearchTerm:
    kind: TermKind
    term: str


def patient_terms(
    *,
    last_name: str,
    first_name: str,
    preferred_name: str = "",
    middle_name: str = "",
    phones: tuple[str, ...] = (),
    chart_number: str = "",
    member_ids: tuple[str, ...] = (),
) -> set[SearchTerm]:
    """Every key one patient can be found by."""
    terms: set[SearchTerm] = set()
    for name in (last_name, first_name, preferred_name, middle_name):
        terms.update(SearchTerm(TermKind.NAME, k[:80]) for k in name_keys(name))
    for phone in phones:
        key = phone_key(phone)
        if key:
            terms.add(SearchTerm(TermKind.PHONE, key))
            terms.add(SearchTerm(TermKind.PHONE_REVERSED, key[::-1]))
    if id_key(chart_number):
        terms.add(SearchTerm(TermKind.CHART, id_key(chart_number)))
    terms.update(SearchTerm(TermKind.MEMBER, id_key(m)) for m in member_ids if id_key(m))
    return terms


@dataclass(frozen=True, slots=True)
class TokenQuery:
    """One typed word: the term prefix to look for and which kinds of key may match it."""

    prefix: str
    kinds: tuple[TermKind, ...]

    def lookups(self) -> tuple[tuple[TermKind, str], ...]:
        """(kind, prefix) pairs to search; a phone prefix is also tried as the number's end."""
        pairs: list[tuple[TermKind, str]] = []
        for kind in self.kinds:
            pairs.append((kind, self.prefix))
            if kind is TermKind.PHONE:
                pairs.append((TermKind.PHONE_REVERSED, self.prefix[::-1]))
        return tuple(pairs)


@dataclass(frozen=True, slots=True)
class PatientQuery:
    """A parsed search: a date of birth, or words that must all match (AND)."""

    date_of_birth: date | None = None
    tokens: tuple[TokenQuery, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.date_of_birth is None and not self.tokens


def parse_date_of_birth(text: str, today: date) -> date | None:
    """03/07/1961, 3/7/61, 3-7-1961 and 1961-03-07 -> 1961-03-07; None if not a real date.
    Only these shapes: in the search box six or eight bare digits are a phone number."""
    text = text.strip()
    if not (_DATE_US.match(text) or _DATE_ISO.match(text)):
        return None
    return parse_date(text, today)


def parse_query(text: str, today: date) -> PatientQuery:
    """Turn what was typed into a query. `today` decides the century of a two-digit year."""
    text = text.strip()
    if not text:
        return PatientQuery()
    dob = parse_date_of_birth(text, today)
    if dob is not None:
        return PatientQuery(date_of_birth=dob)
    if _PHONEISH.match(text) and len(digits(text)) >= MIN_PHONE_DIGITS:
        d = phone_key(text)
        return PatientQuery(
            tokens=(TokenQuery(d, (TermKind.PHONE, TermKind.CHART, TermKind.MEMBER)),)
        )
    tokens = []
    for word in re.split(r"[\s,]+", text):
        key = name_key(word)
        if not key:
            continue
        if key.isdigit() and len(key) >= MIN_PHONE_DIGITS:
            tokens.append(TokenQuery(key, (TermKind.PHONE, TermKind.CHART, TermKind.MEMBER)))
        elif any(c.isdigit() for c in key):
            tokens.append(TokenQuery(key, (TermKind.CHART, TermKind.MEMBER)))
        else:
            tokens.append(TokenQuery(key, (TermKind.NAME, TermKind.CHART, TermKind.MEMBER)))
    return PatientQuery(tokens=tuple(tokens))


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix`.

    Keys hold only [a-z0-9], so bumping the last character is enough and needs no collation
    tricks: `term >= prefix AND term < upper` is an index range scan on any database.
    """
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
