"""The words of ptdesk's printed documents in English and Spanish: one catalogue of dicts.

Why dicts and not gettext .po/.mo: the documents are the only translated text, a few dozen
sentences with named placeholders; a dict is read and reviewed in one place, needs no compile
step or .mo file to ship, is type-checked, and a test checks every key has both languages and
the same placeholders. Dates and money are written by `domain/lang_format.py`, never the
desktop's locale. The Spanish is plain US Spanish as a front desk would say it.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ptdesk.domain.estimate_model import Assumption, EstimatePayer, Phase
from ptdesk.domain.estimate_text import PAYER_LABELS_EN, TEMPLATES_EN, render
from ptdesk.domain.lang_format import check_lang, format_date, format_money, format_short_date

TEXT: Mapping[str, Mapping[str, str]] = {
    # header, patient block, summary
    "estimate_title": {"en": "Your estimated cost for physical therapy",
                       "es": "Costo estimado de su fisioterapia"},
    "prepared": {"en": "Prepared {date}", "es": "Preparado el {date}"},
    "prepared_by": {"en": "Prepared by", "es": "Preparado por"},
    "phone": {"en": "Phone", "es": "Teléfono"},
    "npi": {"en": "NPI", "es": "NPI"},
    "tin": {"en": "TIN", "es": "TIN (n.º fiscal)"},
    "patient": {"en": "Patient", "es": "Paciente"},
    "dob": {"en": "Date of birth", "es": "Fecha de nacimiento"},
    "payer": {"en": "Insurance", "es": "Seguro"},
    "plan": {"en": "Plan", "es": "Plan"},
    "member": {"en": "Member ID ends in", "es": "N.º de afiliado termina en"},
    "benefits_as_of": {"en": "Benefits as of", "es": "Beneficios al"},
    "verified_by": {"en": "Verified by", "es": "Verificado por"},
    "not_verified": {"en": "not recorded", "es": "no consta"},
    "you_pay": {"en": "You pay (estimate)", "es": "Usted paga (estimado)"},
    "plan_pays": {"en": "Your plan pays", "es": "Su plan paga"},
    "allowed_total": {"en": "Allowed amount", "es": "Monto permitido"},
    "for_visits": {"en": "for {n} visits", "es": "por {n} visitas"},
    "if_not_extended_total": {
        "en": "If the authorization is not extended, visits {first} to {last} are not covered "
        "and you would pay {amount} in all.",
        "es": "Si la autorización no se extiende, las visitas {first} a {last} no tendrán "
        "cobertura y usted pagaría {amount} en total.",
    },
    "plan_of_care": {"en": "Plan of care", "es": "Plan de atención"},
    "plan_text": {"en": "{visits} visits, {per_week} a week, from {first} to {last}.",
                  "es": "{visits} visitas, {per_week} por semana, del {first} al {last}."},
    "plan_first_eval": {"en": "Visit 1: evaluation ({code}).",
                        "es": "Visita 1: evaluación ({code})."},
    "plan_each_visit": {"en": "Each visit: {codes}.", "es": "Cada visita: {codes}."},
    "units": {"en": "{n} units", "es": "{n} unidades"},
    # visit table
    "visit_by_visit": {"en": "Visit by visit", "es": "Visita por visita"},
    "col_n": {"en": "#", "es": "N.º"},
    "col_date": {"en": "Date", "es": "Fecha"},
    "col_codes": {"en": "Codes", "es": "Códigos"},
    "col_allowed": {"en": "Allowed", "es": "Permitido"},
    "col_plan_pays": {"en": "Plan pays", "es": "Paga el plan"},
    "col_you_pay": {"en": "You pay", "es": "Usted paga"},
    "col_phase": {"en": "What applies", "es": "Qué se aplica"},
    "total": {"en": "Total", "es": "Total"},
    "needs_extension": {"en": "if not extended: {amount}",
                        "es": "si no se extiende: {amount}"},
    # basis and notes
    "basis": {"en": "What this estimate is based on", "es": "En qué se basa este estimado"},
    "good_to_know": {"en": "Good to know", "es": "Para tener en cuenta"},
    "note_not_bill": {
        "en": "This is an estimate, not a bill. Your plan decides what it pays when it "
        "processes each claim, so what you owe may differ.",
        "es": "Esto es un estimado, no una factura. Su plan decide cuánto paga al procesar "
        "cada reclamo, así que lo que usted deba puede ser distinto.",
    },
    "note_terms": {
        "en": "Deductible: what you pay each plan year before your plan starts to pay. "
        "Coinsurance: your percentage of the allowed amount after the deductible. Copay: a fixed "
        "amount per visit. Out-of-pocket maximum: once you have paid this much in a plan year, "
        "your plan pays the rest of covered care.",
        "es": "Deducible: lo que usted paga cada año del plan antes de que su plan empiece a "
        "pagar. Coseguro: su porcentaje del monto permitido después del deducible. Copago: una "
        "cantidad fija por visita. Máximo de gastos de bolsillo: cuando usted haya pagado esa "
        "cantidad en un año del plan, su plan paga el resto de la atención cubierta.",
    },
    "note_changes": {
        "en": "If your benefits, the number of visits or the treatment change, ask us for a new "
        "estimate.",
        "es": "Si cambian sus beneficios, el número de visitas o el tratamiento, pídanos un "
        "nuevo estimado.",
    },
    "page": {"en": "Page {n} of {total}", "es": "Página {n} de {total}"},
    # Good Faith Estimate, 45 CFR 149.610(c)(1)
    "gfe_title": {"en": "Good Faith Estimate", "es": "Estimación de Buena Fe"},
    "gfe_subtitle": {"en": "for health care items and services",
                     "es": "de artículos y servicios de atención médica"},
    "gfe_law": {"en": "No Surprises Act, 45 CFR 149.610",
                "es": "Ley Sin Sorpresas, 45 CFR 149.610"},
    "gfe_intro": {
        "en": "You are getting this Good Faith Estimate because you do not have health "
        "insurance or are not using it for these services. It lists the charges we expect for "
        "your physical therapy.",
        "es": "Usted recibe esta Estimación de Buena Fe porque no tiene seguro médico o no lo "
        "usará para estos servicios. Indica los cargos que prevemos para su fisioterapia.",
    },
    "gfe_primary": {"en": "Primary service", "es": "Servicio principal"},
    "gfe_primary_text": {
        "en": "Outpatient physical therapy: {first_what} and a plan of care of {visits} visits, "
        "about {per_week} a week.",
        "es": "Fisioterapia ambulatoria: {first_what} y un plan de atención de {visits} "
        "visitas, unas {per_week} por semana.",
    },
    "gfe_eval": {"en": "an evaluation ({code})", "es": "una evaluación ({code})"},
    "gfe_treatment": {"en": "treatment visits", "es": "visitas de tratamiento"},
    "gfe_scheduled": {"en": "Scheduled: first visit {first}; last visit expected {last}.",
                      "es": "Programado: primera visita el {first}; última visita prevista el "
                      "{last}."},
    "gfe_diagnoses": {"en": "Diagnosis codes (ICD-10-CM)",
                      "es": "Códigos de diagnóstico (CIE-10-MC)"},
    "gfe_no_diagnoses": {"en": "Not known yet: they will be set at the evaluation.",
                         "es": "Aún no se conocen: se determinarán en la evaluación."},
    "gfe_provider": {"en": "Provider and where you will be seen",
                     "es": "Proveedor y lugar de atención"},
    "gfe_provider_name": {"en": "Provider", "es": "Proveedor"},
    "gfe_location": {"en": "Location", "es": "Dirección"},
    "gfe_state": {"en": "State", "es": "Estado"},
    "gfe_items": {"en": "Expected items, services and charges",
                  "es": "Artículos, servicios y cargos previstos"},
    "gfe_group_a": {"en": "A. {name} (convening provider)",
                    "es": "A. {name} (proveedor que coordina su atención)"},
    "gfe_this_clinic": {"en": "This clinic", "es": "Esta clínica"},
    "col_code": {"en": "Service code", "es": "Código"},
    "col_description": {"en": "Description", "es": "Descripción"},
    "col_dx": {"en": "Diagnosis codes", "es": "Diagnósticos"},
    "col_qty": {"en": "Quantity", "es": "Cantidad"},
    "col_price": {"en": "Price each", "es": "Precio c/u"},
    "col_charge": {"en": "Expected charge", "es": "Cargo previsto"},
    "gfe_total": {"en": "Total expected charges", "es": "Total de cargos previstos"},
    "gfe_group_b": {
        "en": "B. Co-providers and co-facilities: none expected. If another provider or "
        "facility becomes part of your care, you will get their estimate.",
        "es": "B. Otros proveedores o centros: no se prevé ninguno. Si otro proveedor o centro "
        "participa en su atención, recibirá su estimación.",
    },
    "gfe_separate": {"en": "Items or services scheduled separately",
                     "es": "Artículos o servicios que se programan por separado"},
    "gfe_separate_disclaimer": {
        "en": "Separate Good Faith Estimates will be issued to you upon scheduling or upon "
        "request for the items or services listed below. To ask for one, call {contact} or ask "
        "at the front desk.",
        "es": "Se le entregarán Estimaciones de Buena Fe por separado al programar o al "
        "solicitar los artículos o servicios de la lista siguiente. Para pedir una, llame al "
        "{contact} o pregunte en la recepción.",
    },
    "gfe_separate_none": {"en": "None expected at this time.",
                          "es": "No se prevé ninguno por ahora."},
    "gfe_disclaimers": {"en": "Please read", "es": "Lea con atención"},
    "gfe_additional": {
        "en": "There may be additional items or services the provider recommends as part of "
        "your course of care that must be requested or scheduled separately and are not "
        "reflected in this Good Faith Estimate.",
        "es": "Puede haber artículos o servicios adicionales que el proveedor recomiende como "
        "parte de su tratamiento, que deban solicitarse o programarse por separado y que no "
        "figuran en esta Estimación de Buena Fe.",
    },
    "gfe_only_estimate": {
        "en": "This Good Faith Estimate is only an estimate of the items and services "
        "reasonably expected at the time it was issued. Actual items, services or charges may "
        "differ from this Good Faith Estimate.",
        "es": "Esta Estimación de Buena Fe es solo un estimado de los artículos y servicios "
        "razonablemente previstos cuando se emitió. Los artículos, servicios o cargos reales "
        "pueden ser distintos de los de esta Estimación de Buena Fe.",
    },
    "gfe_dispute": {
        "en": "You have the right to start the patient-provider dispute resolution process if "
        "the actual billed charges are substantially in excess of the expected charges in this "
        "Good Faith Estimate: {threshold} or more above the expected charges of this provider. "
        "Start it within 120 days of the date on the bill. Instructions are at "
        "www.cms.gov/nosurprises. Starting a dispute will not adversely affect the quality of "
        "the care you receive.",
        "es": "Usted tiene derecho a iniciar el proceso de resolución de disputas entre "
        "paciente y proveedor si los cargos facturados son considerablemente mayores que los "
        "cargos previstos en esta Estimación de Buena Fe: {threshold} o más por encima de los "
        "cargos previstos de este proveedor. Inícielo dentro de los 120 días siguientes a la "
        "fecha de la factura. Las instrucciones están en www.cms.gov/nosurprises. Iniciar una "
        "disputa no afectará negativamente la calidad de la atención que reciba.",
    },
    "gfe_not_contract": {
        "en": "This Good Faith Estimate is not a contract and does not require you to obtain "
        "the items or services from any of the providers or facilities listed in it.",
        "es": "Esta Estimación de Buena Fe no es un contrato y no le obliga a recibir los "
        "artículos o servicios de ninguno de los proveedores o centros que figuran en ella.",
    },
    "gfe_keep": {
        "en": "Keep a copy of this Good Faith Estimate: you will need it if you are billed a "
        "higher amount.",
        "es": "Guarde una copia de esta Estimación de Buena Fe: la necesitará si le facturan "
        "una cantidad mayor.",
    },
    "gfe_units_over": {"en": "{units} units over {visits} visits",
                       "es": "{units} unidades en {visits} visitas"},
}

PHASES: Mapping[Phase, Mapping[str, str]] = {
    Phase.DEDUCTIBLE: {"en": "deductible", "es": "deducible"},
    Phase.COINSURANCE: {"en": "coinsurance", "es": "coseguro"},
    Phase.COPAY: {"en": "copay", "es": "copago"},
    Phase.OOP_MAX_REACHED: {"en": "out-of-pocket max reached",
                            "es": "máximo de gastos de bolsillo alcanzado"},
    Phase.COVERED_IN_FULL: {"en": "covered in full", "es": "cubierto por completo"},
    Phase.NOT_COVERED_LIMIT: {"en": "not covered: visit limit",
                              "es": "sin cobertura: límite de visitas"},
    Phase.SELF_PAY: {"en": "self-pay", "es": "pago por cuenta propia"},
}

PAYER_LABELS: Mapping[str, Mapping[EstimatePayer, str]] = {
    "en": PAYER_LABELS_EN,
    "es": {
        EstimatePayer.MEDICARE: "Medicare (Original, Parte B)",
        EstimatePayer.MEDICARE_ADVANTAGE: "Medicare Advantage",
        EstimatePayer.MEDICAID: "Medicaid",
        EstimatePayer.COMMERCIAL: "Seguro comercial",
        EstimatePayer.WORKERS_COMP: "Compensación laboral",
        EstimatePayer.SELF_PAY: "Pago por cuenta propia",
        EstimatePayer.UNINSURED: "Sin seguro",
    },
}

# The assumptions' wording (domain/estimate_text.py keys), Spanish.
ASSUMPTIONS_ES: Mapping[str, str] = {
    "payer": "Tipo de pagador: {payer}.",
    "plan": "Plan de atención: {visits} visitas, {per_week} por semana desde el {first}; la "
    "visita 1 es {first_what}.",
    "first_eval": "solo la evaluación ({code})",
    "first_lines": "los servicios indicados para ella",
    "first_treatment": "una visita de tratamiento",
    "as_of": "Beneficios al {as_of}{verified}.",
    "verified_by": ", verificados por {who}",
    "deductible": "Deducible de {deductible}, del que ya se han cubierto {met}.",
    "deductible_waived": "El plan no aplica el deducible a la terapia.",
    "no_deductible": "Sin deducible.",
    "part_b": "Medicare Parte B {year}: deducible de {deductible} y luego el {coins_pct} del "
    "monto permitido; sin máximo de gastos de bolsillo (cifras de CMS para {year}).",
    "coinsurance": "Coseguro del {coins_pct} del monto permitido después del deducible, "
    "redondeado al centavo.",
    "copay": "Copago de {copay} por visita.",
    "oop": "Máximo de gastos de bolsillo de {oop_max}, del que ya se han pagado {met}; al "
    "alcanzarlo, el plan paga el resto.",
    "no_oop": "Sin máximo de gastos de bolsillo.",
    "new_plan_year": "El {start} empieza un nuevo año del plan: ese día vuelven a cero el "
    "deducible, los gastos de bolsillo y el conteo de visitas.",
    "visit_limit": "Límite de visitas: {limit} por año del plan, {used} usadas antes de este plan.",
    "limit_reached": "Desde la visita {n} ({date}) se alcanza el límite de visitas del plan: "
    "esas visitas no tienen cobertura y se cobran al precio de pago por cuenta propia.",
    "auth": "Autorización: quedan {left} visitas{until}.",
    "auth_until": ", hasta el {end}",
    "auth_date_only": "Autorización hasta el {end}.",
    "auth_runs_out": "Desde la visita {n} ({date}) la autorización se agota: esas visitas solo "
    "tienen cobertura si se extiende; si no, usted paga el precio de pago por cuenta propia.",
    "self_pay": "Precios de pago por cuenta propia de la lista de la clínica; un código sin "
    "precio se cobra a su monto permitido.",
    "default_fees": "{codes}: precio del arancel nacional de CMS de {year} (RVU sin "
    "instalación x factor de conversión) x factor de localidad {factor}.",
    "mppr_approx": "Aproximado: Medicare reduce un 50% la parte de gastos de práctica de la "
    "segunda unidad de terapia del día y las siguientes (reducción por procedimientos "
    "múltiples); los montos nacionales usados aquí no la aplican, así que los montos permitidos "
    "y su parte pueden ser algo menores.",
    "bundled": "{codes}: incluido en otros servicios para Medicare, $0.00.",
    "estimate_only": "Esto es un estimado: el plan decide cuánto paga al procesar los reclamos.",
}
ASSUMPTION_TEMPLATES: Mapping[str, Mapping[str, str]] = {"en": TEMPLATES_EN, "es": ASSUMPTIONS_ES}


def t(key: str, lang: str, **values: object) -> str:
    """The catalogue's text for `key` in `lang`, placeholders filled (dates and money written
    for the language)."""
    text = TEXT[key][check_lang(lang)]
    if not values:
        return text
    return text.format(**{k: fmt(v, lang) for k, v in values.items()})


def fmt(value: object, lang: str) -> str:
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, date):
        return format_date(value, lang)
    return str(value)


def short_date(value: date, lang: str) -> str:
    return format_short_date(value, lang)


def phase_text(phases: tuple[Phase, ...], lang: str) -> str:
    return ", ".join(PHASES[p][lang] for p in phases)


def payer_label(payer: EstimatePayer, lang: str) -> str:
    return PAYER_LABELS[check_lang(lang)][payer]


def assumption_text(a: Assumption, lang: str) -> str:
    return render(a, lang, ASSUMPTION_TEMPLATES[check_lang(lang)], PAYER_LABELS[lang])
