"""The printed estimate and Good Faith Estimate: byte-stable with invariant=1, the figures and
every 45 CFR 149.610(c)(1) element in the extracted text in English and Spanish, and the same
bytes whatever the desktop's locale."""

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ptdesk.domain.estimate import compute_estimate
from ptdesk.domain.estimate_document import EstimateDocument
from ptdesk.domain.estimate_scenario import parse_scenario
from ptdesk.reports.estimate_pdf import build_estimate_pdf
from ptdesk.reports.good_faith_estimate_pdf import build_good_faith_estimate_pdf
from ptdesk.storage.estimate_tables import load_estimate_tables, read_code_descriptions

CLINIC = {"name": "Riverside Physical Therapy",
          "address": ["1200 Main Street, Suite 4", "Springfield, IL 62701"], "state": "IL",
          "phone": "(217) 555-0142", "npi": "1234567893", "tin": "12-3456789"}
INSURED: dict[str, Any] = {
    "as_of": "2026-01-12", "payer_type": "commercial",
    "patient": {"name": "Ana Rivera", "date_of_birth": "1961-03-07"},
    "benefits": {"deductible": "1500.00", "deductible_met": "200.00", "coinsurance_percent": "20",
                 "oop_max": "4000.00", "oop_met": "500.00", "visit_limit": 20, "visits_used": 4,
                 "auth_visits_left": 8, "auth_end": "2026-03-31", "verified_by": "M. Lopez"},
    "fees": {"97110": "29.06"}, "self_pay_prices": {"97110": "45.00"},
    "plan_of_care": {"first_visit": "2026-01-13", "visits_per_week": 2, "weeks": 6,
                     "evaluation": "97162", "per_visit": [{"code": "97110", "units": 2}]},
    "diagnoses": ["M54.50"], "clinic": CLINIC, "payer_name": "Blue Shield PPO",
}
UNINSURED: dict[str, Any] = {
    **{k: v for k, v in INSURED.items() if k not in ("benefits", "payer_name")},
    "payer_type": "uninsured", "self_pay_prices": {"97162": "150.00", "97110": "45.00"},
}


def document(data: dict[str, Any]) -> EstimateDocument:
    scenario = parse_scenario(data)
    est = compute_estimate(scenario.request, load_estimate_tables())
    return scenario.document(est, date(2026, 1, 12), read_code_descriptions())


def pdf_bytes(build: Any, data: dict[str, Any], lang: str) -> bytes:
    out = io.BytesIO()
    build(document(data), out, lang=lang, invariant=True)
    return out.getvalue()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


BUILDS = [(build_estimate_pdf, INSURED), (build_good_faith_estimate_pdf, UNINSURED)]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(("build", "data"), BUILDS, ids=["estimate", "gfe"])
def test_invariant_output_is_byte_stable(build: Any, data: dict[str, Any], lang: str) -> None:
    first = pdf_bytes(build, data, lang)
    assert first.startswith(b"%PDF")
    assert pdf_bytes(build, data, lang) == first
    assert pages(first) == 1  # twelve visits fit on one page


ESTIMATE_TEXT = {
    "en": ["Your estimated cost for physical therapy", "You pay (estimate): $737.18 for 12 visits",
           "Ana Rivera", "March 7, 1961", "Blue Shield PPO", "Riverside Physical Therapy",
           "1234567893", "12-3456789", "(217) 555-0142", "Tue, Jan 13, 2026", "$97.86",
           "$58.12", "$737.18", "$864.70", "deductible; if not extended: $90.00",
           "Benefits as of January 12, 2026, verified by M. Lopez.",
           "Deductible $1,500.00, of which $200.00 already met.", "This is an estimate, not a bill",
           "Page 1 of 1"],
    "es": ["Costo estimado de su fisioterapia", "Usted paga (estimado): $737.18 por 12 visitas",
           "7 de marzo de 1961", "mar, 13 ene 2026", "$97.86", "$737.18", "$864.70",
           "deducible; si no se extiende: $90.00",
           "Beneficios al 12 de enero de 2026, verificados por M. Lopez.",
           "Deducible de $1,500.00, del que ya se han cubierto $200.00.", "deducible",
           "Esto es un estimado, no una factura", "Página 1 de 1"],
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_estimate_text_holds_the_figures(lang: str) -> None:
    text = text_of(pdf_bytes(build_estimate_pdf, INSURED, lang))
    for expected in ESTIMATE_TEXT[lang]:
        assert expected in text, expected


# One phrase per 149.610(c)(1) element, in each language (pt-rules H3).
GFE_ELEMENTS = {
    "en": {
        "(i) name, date of birth": ["Ana Rivera", "March 7, 1961"],
        "(ii) primary service, scheduled date": ["Outpatient physical therapy",
                                                  "first visit January 13, 2026"],
        "(iii) items grouped by provider": ["A. Riverside Physical Therapy (convening provider)",
                                            "B. Co-providers and co-facilities"],
        "(iv) diagnosis, service codes, charges": ["M54.50", "97162", "97110", "$150.00",
                                                   "$990.00", "Total expected charges $1,140.00"],
        "(v) name, NPI, TIN, state, location": ["NPI 1234567893", "12-3456789", "State IL",
                                                "1200 Main Street, Suite 4, Springfield, IL"],
        "(vii) separate GFEs notice": ["Separate Good Faith Estimates will be issued to you upon "
                                       "scheduling or upon request", "(217) 555-0142"],
        "(vi) separately scheduled list": ["None expected at this time."],
        "(viii) additional items": ["additional items or services the provider recommends"],
        "(ix) only an estimate": ["Actual items, services or charges may differ"],
        "(x) dispute": ["patient-provider dispute resolution", "$400.00 or more",
                        "www.cms.gov/nosurprises", "will not adversely affect the quality"],
        "(xi) not a contract": ["is not a contract and does not require you to obtain"],
    },
    "es": {
        "(i)": ["Ana Rivera", "7 de marzo de 1961"],
        "(ii)": ["Fisioterapia ambulatoria", "primera visita el 13 de enero de 2026"],
        "(iii)": ["A. Riverside Physical Therapy (proveedor que coordina su atención)",
                  "B. Otros proveedores o centros"],
        "(iv)": ["M54.50", "97162", "Ejercicio terapéutico", "$150.00", "$990.00",
                 "Total de cargos previstos $1,140.00"],
        "(v)": ["NPI 1234567893", "12-3456789", "Estado IL", "1200 Main Street, Suite 4"],
        "(vii)": ["Se le entregarán Estimaciones de Buena Fe por separado", "(217) 555-0142"],
        "(vi)": ["No se prevé ninguno por ahora."],
        "(viii)": ["artículos o servicios adicionales"],
        "(ix)": ["pueden ser distintos de los de esta Estimación de Buena Fe"],
        "(x)": ["resolución de disputas entre paciente y proveedor", "$400.00 o más",
                "www.cms.gov/nosurprises", "no afectará negativamente la calidad"],
        "(xi)": ["no es un contrato y no le obliga"],
    },
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_gfe_holds_every_required_element(lang: str) -> None:
    text = text_of(pdf_bytes(build_good_faith_estimate_pdf, UNINSURED, lang))
    for element, phrases in GFE_ELEMENTS[lang].items():
        for phrase in phrases:
            assert phrase in text, f"{element}: {phrase!r}"
    # (vii) is printed above the (vi) list
    notice = GFE_ELEMENTS[lang]["(vii)" if lang == "es" else "(vii) separate GFEs notice"][0]
    listed = GFE_ELEMENTS[lang]["(vi)" if lang == "es" else "(vi) separately scheduled list"][0]
    assert text.index(notice) < text.index(listed)


def test_missing_clinic_details_print_lines_to_fill_in() -> None:
    data = {k: v for k, v in UNINSURED.items() if k != "clinic"}
    text = text_of(pdf_bytes(build_good_faith_estimate_pdf, data, "en"))
    assert "NPI ______" in text
    assert "TIN ______" in text


def test_a_german_or_spanish_desktop_prints_the_same_bytes(tmp_path: Path) -> None:
    """The documents never read the process locale: under de_DE and es_ES (set the way Qt sets
    it at start-up, setlocale(LC_ALL, "")) the bytes equal the C-locale bytes."""
    script = (
        "import io, locale, sys\n"
        "locale.setlocale(locale.LC_ALL, '')\n"
        "from tests.reports.test_estimate_documents import pdf_bytes, BUILDS\n"
        "for build, data in BUILDS:\n"
        "    for lang in ('en', 'es'):\n"
        "        sys.stdout.buffer.write(pdf_bytes(build, data, lang))\n"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = {}
    for loc in ("C.UTF-8", "de_DE.UTF-8", "es_ES.UTF-8"):
        env = {**os.environ, "LC_ALL": loc, "LANG": loc}
        run = subprocess.run([sys.executable, "-c", script], cwd=root, env=env,
                             capture_output=True, timeout=120, check=False)
        if run.returncode != 0 and b"unsupported locale" in run.stderr:
            pytest.skip(f"locale {loc} is not installed")
        assert run.returncode == 0, run.stderr.decode()
        outputs[loc] = run.stdout
    assert outputs["de_DE.UTF-8"] == outputs["C.UTF-8"]
    assert outputs["es_ES.UTF-8"] == outputs["C.UTF-8"]
