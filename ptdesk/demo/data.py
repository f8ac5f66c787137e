"""The synthetic demo clinic's vocabulary: names, streets, payers, providers, codes and fees.

Everything here is invented. Phone numbers use the 555-0100..0199 block that the North American
Numbering Plan keeps for fiction; e-mail addresses use example.com/example.org (RFC 2606);
NPIs start with 999, a range CMS never issues (real NPIs start with 1 or 2), with a valid
check digit so a Luhn validator accepts them.
"""

from dataclasses import dataclass
from decimal import Decimal

from ptdesk.domain.payers import PayerKind, ProviderRole

# Long word lists stay compact.
# fmt: off
# Given names by rough frequency: common American names first, then a wide mix so the demo
# shows accents, apostrophes, hyphens and spaces in names as a US clinic really sees them.
FIRST_NAMES_F = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Nancy", "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Dorothy", "Kimberly",
    "Emily", "Donna", "Michelle", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca",
    "Laura", "Sharon", "Cynthia", "Kathleen", "Amy", "Shirley", "Angela", "Helen", "Anna",
    "Brenda", "Pamela", "Nicole", "Ruth", "Katherine", "Samantha", "Christine", "Emma", "Olivia",
    "Sophia", "Ava", "Isabella", "Mia", "Abigail", "Madison", "Chloé", "Zoë", "Renée", "Noémie",
    "María", "Lucía", "Sofía", "Ximena", "Guadalupe", "Mónica", "Inés", "Begoña", "Aisha",
    "Fatima", "Nour", "Leila", "Mei", "Xiu", "Lan", "Thảo", "Linh", "Ngọc", "Ji-woo", "Seo-yeon",
    "Min-ji", "Priya", "Ananya", "Lakshmi", "Aaliyah", "Imani", "Keisha", "Latoya", "Shanice",
    "Mary-Kate", "Anne-Marie", "Siobhán", "Aoife", "Bríd", "Małgorzata", "Agnieszka", "Zofia",
    "Ingrid", "Björk", "Astrid", "Olga", "Svetlana", "Yuki", "Haruka", "Maëlle", "Dagný",
)
FIRST_NAMES_M = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
    "Christopher", "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul",
    "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward",
    "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen",
    "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory", "Frank", "Raymond",
    "José", "Jesús", "Martín", "Andrés", "Ángel", "Raúl", "Joaquín", "Sebastián", "Iñaki",
    "Muhammad", "Omar", "Yusuf", "Karim", "Wei", "Jian", "Hao", "Minh", "Dũng", "Quang", "Min-jun",
    "Ji-ho", "Arjun", "Rahul", "Vikram", "DeShawn", "Tyrone", "Jamal", "Darnell", "Jean-Luc",
    "Jean-Pierre", "François", "Benoît", "Séamus", "Eoin", "Pádraig", "Łukasz", "Paweł",
    "Wojciech", "Jürgen", "Björn", "Søren", "Håkon", "Dmitri", "Kenji", "Hiroshi",
)
MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"
PREFERRED = {
    "Elizabeth": "Liz", "Margaret": "Peggy", "Katherine": "Kate", "Patricia": "Trish",
    "Robert": "Bob", "William": "Bill", "Richard": "Rick", "James": "Jim", "Joseph": "Joe",
    "Michael": "Mike", "Christopher": "Chris", "Jennifer": "Jen", "Deborah": "Debbie",
    "Jonathan": "Jon", "Samantha": "Sam", "Anthony": "Tony", "Thomas": "Tom", "Ji-woo": "Jenny",
    "Min-jun": "Mike", "Małgorzata": "Gosia", "Pádraig": "Paddy", "Guadalupe": "Lupe",
}
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
    "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell",
    "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
    "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
    "Ramírez", "Núñez", "Muñoz", "Peña", "Ibáñez", "Gutiérrez", "Álvarez", "De la Cruz", "De León",
    "Del Río", "O'Brien", "O'Connor", "O'Neil", "O'Malley", "D'Angelo", "D'Souza", "McDonald",
    "MacKenzie", "Smith-Jones", "Garcia-Lopez", "Bryant-Walker", "Lee-Chang", "Nguyen", "Nguyễn",
    "Trần", "Lê", "Phạm", "Kim", "Park", "Choi", "Chen", "Wang", "Liu", "Zhang", "Li", "Patel",
    "Shah", "Singh", "Reddy", "Iyer", "Khan", "Haddad", "Abdullah", "Okafor", "Adeyemi", "Mensah",
    "Washington", "Jefferson", "Banks", "Van der Berg", "Van Dyke", "St. James", "Müller",
    "Schröder", "Weiß", "Kowalski", "Wiśniewski", "Dąbrowski", "Søndergaard", "Johansson",
    "Ivanov", "Tanaka", "Sato", "Yamamoto", "Fitzgerald", "Kowalczyk", "Rossi", "Esposito",
    "Bianchi", "Côté", "Lefèvre", "Bélanger",
)
# Same name, different date of birth: the duplicate check and lookup must tell them apart.
NAME_TWINS = (("García", "María"), ("Smith", "James"), ("Nguyen", "Linh"), ("O'Brien", "Mary"))

STREETS = (
    "Maple", "Oak", "Cedar", "Pine", "Elm", "Willow", "Birch", "Lakeview", "Hillcrest", "Sunset",
    "Meadow", "River", "Park", "Church", "Mill", "Orchard", "Prairie", "Ridge", "Spring",
    "Highland", "Forest", "Harbor", "Juniper", "Aspen", "Sycamore", "Magnolia", "Chestnut",
    "Dogwood", "Bluebird", "Cardinal", "Kingfisher", "Quarry", "Fox Run", "Heron",
)
STREET_TYPES = ("St", "Ave", "Rd", "Ln", "Dr", "Ct", "Way", "Pl", "Blvd", "Ter")
# (city, state, ZIP prefix): invented towns around an invented lake.
CITIES = (
    ("Lakeside", "WI", "539"), ("Maple Falls", "WI", "539"), ("Cedar Hollow", "WI", "535"),
    ("North Harbor", "WI", "532"), ("Prairie View", "IL", "610"), ("Riverbend", "IL", "611"),
    ("Fox Crossing", "WI", "549"), ("Willow Creek", "MN", "559"), ("Stonebridge", "IA", "520"),
)

# fmt: on

# Area codes (any NPA) with exchange 555 and lines 0100-0199: fictional numbers only.
# Valid NANP area codes: N11 (211, 311... 911) are service codes that no phone line has.
AREA_CODES = tuple(a for a in range(201, 990) if a % 100 != 11)


def fictional_phone(area: int, line: int) -> str:
    """(608) 555-0142: `line` is 0..99 inside the fictional 555-01xx block."""
    return f"({area}) 555-01{line:02d}"


def luhn_npi(base9: str) -> str:
    """A 10-digit NPI-shaped number: 9 digits plus the check digit NPIs use (prefix 80840)."""
    digits = [int(c) for c in "80840" + base9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return base9 + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class DemoProvider:
    first_name: str
    last_name: str
    credentials: str
    role: ProviderRole


PROVIDERS = (
    DemoProvider("Hannah", "Okonkwo", "PT, DPT", ProviderRole.PT),
    DemoProvider("Marcus", "Lindqvist", "PT, DPT, OCS", ProviderRole.PT),
    DemoProvider("Rosa", "Villaseñor", "PT, DPT", ProviderRole.PT),
    DemoProvider("Daniel", "O'Hara", "PT, MPT", ProviderRole.PT),
    DemoProvider("Keiko", "Matsuda", "PTA", ProviderRole.PTA),
    DemoProvider("Tyler", "Brennan-Shaw", "PTA", ProviderRole.PTA),
    DemoProvider("Amara", "Diallo", "PTA", ProviderRole.PTA),
)


@dataclass(frozen=True)
class DemoPayer:
    name: str
    kind: PayerKind
    requires_prior_auth: bool
    weight: int  # how often patients have it as their primary
    member_prefix: str
    plan_year_month: int = 1  # most plans renew on January 1


PAYERS = (
    DemoPayer("Medicare Part B (demo MAC)", PayerKind.MEDICARE, False, 20, ""),
    DemoPayer("Medicare Part B (demo MAC, Jurisdiction 8)", PayerKind.MEDICARE, False, 4, ""),
    DemoPayer("Railroad Medicare (demo)", PayerKind.MEDICARE, False, 1, ""),
    DemoPayer("Lakeside Medicare Advantage HMO", PayerKind.MEDICARE_ADVANTAGE, True, 7, "LMA"),
    DemoPayer("Prairie Senior Choice PPO", PayerKind.MEDICARE_ADVANTAGE, True, 5, "PSC"),
    DemoPayer("Harborview Medicare Complete", PayerKind.MEDICARE_ADVANTAGE, False, 3, "HMC"),
    DemoPayer("State Medicaid Fee-for-Service (demo)", PayerKind.MEDICAID, True, 4, "MCD"),
    DemoPayer("Riverbend Community Care (Medicaid)", PayerKind.MEDICAID, True, 5, "RCC"),
    DemoPayer("Sunrise Family Health (Medicaid MCO)", PayerKind.MEDICAID, True, 3, "SFH"),
    DemoPayer("Lakeside Health Plan", PayerKind.COMMERCIAL, True, 10, "LHP"),
    DemoPayer("Summit Mutual PPO", PayerKind.COMMERCIAL, False, 7, "SMP", 7),
    DemoPayer("Cedar Valley HMO", PayerKind.COMMERCIAL, True, 6, "CVH"),
    DemoPayer("Northstar Employee Benefits", PayerKind.COMMERCIAL, True, 5, "NSB", 10),
    DemoPayer("Bluewater Health Alliance", PayerKind.COMMERCIAL, True, 5, "BWA"),
    DemoPayer("Keystone Workers' Compensation Fund", PayerKind.WORKERS_COMP, True, 4, "KWC"),
    DemoPayer("Ironworks Mutual Comp", PayerKind.WORKERS_COMP, True, 2, "IMC"),
    DemoPayer("Tri-County Employers' Comp", PayerKind.WORKERS_COMP, True, 2, "TCE"),
    DemoPayer("Self-pay", PayerKind.SELF_PAY, False, 4, ""),
    DemoPayer("Self-pay (prompt-pay discount)", PayerKind.SELF_PAY, False, 2, ""),
    DemoPayer("Cash package (10 visits)", PayerKind.SELF_PAY, False, 1, ""),
)

# 2025 national non-facility amounts (total RVU x 32.3465, PFS RVU25D), rounded: close to what
# a clinic sees, used for the demo's allowed amounts and the KX running total only.
FEES = {
    "97110": Decimal("28.79"),
    "97112": Decimal("32.02"),
    "97116": Decimal("28.79"),
    "97140": Decimal("27.17"),
    "97530": Decimal("34.61"),
    "97035": Decimal("13.91"),
    "97161": Decimal("98.01"),
    "97162": Decimal("98.01"),
    "97163": Decimal("98.01"),
    "97164": Decimal("67.60"),
    "G0283": Decimal("12.29"),
}
FEE_CENTS = {code: int(amount * 100) for code, amount in FEES.items()}
TIMED_CODES = frozenset({"97110", "97112", "97116", "97140", "97530", "97035"})
EVAL_CODES = ("97161", "97162", "97163")
REEVAL_CODE = "97164"
# Medicare's KX threshold for PT and SLP combined (shared/data/kx_thresholds.csv).
KX_THRESHOLD_CENTS = {2024: 233_000, 2025: 241_000, 2026: 248_000}
# Part B deductible by year (CMS fact sheets), for the demo's Medicare coverages.
PART_B_DEDUCTIBLE = {2024: Decimal("240.00"), 2025: Decimal("257.00"), 2026: Decimal("283.00")}

# Timed codes a session draws from, with how often each appears.
SESSION_CODES = (
    ("97110", 10),
    ("97140", 6),
    ("97112", 5),
    ("97530", 5),
    ("97116", 2),
    ("97035", 1),
)
MINUTE_CHOICES = (8, 10, 12, 13, 15, 15, 15, 18, 20, 22, 23, 25, 28, 30, 30, 38)


def cms_units(minutes: list[int]) -> list[int]:
    """CMS total-time units: N = floor((T + 7) / 15) for all timed minutes together, each code
    gets its whole 15-minute blocks, and the units left go to the largest remainders (ties: more
    minutes first, then order). Pub 100-04 Ch. 5 §20.2."""
    total = sum(minutes)
    units = [m // 15 for m in minutes]
    extra = (total + 7) // 15 - sum(units) if total > 0 else 0
    if extra > 0:
        order = sorted(
            (i for i, m in enumerate(minutes) if m % 15),
            key=lambda i: (-(minutes[i] % 15), -minutes[i], i),
        )
        for i in order[:extra]:
            units[i] += 1
    return units


def ama_units(minutes: list[int]) -> list[int]:
    """AMA/CPT: each code on its own clock, 8 minutes or more make a unit."""
    return [(m + 7) // 15 if m > 0 else 0 for m in minutes]
