"""The subject-access export (UK GDPR article 15): everything held about one person, as
JSON (complete, machine-readable) and as a readable PDF built from the same records.

Every stored field of every record is written, walked from the models' own field lists, so
a field added later is exported without anyone remembering to add it here.
"""

import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

from enablement.casework.models import Episode
from enablement.governance.models import AccessLogEntry, Event
from enablement.notifications.models import Notification
from enablement.outcomes.models import Assessment
from enablement.people.models import Person
from enablement.privacy.models import Anonymisation, LegalHold
from enablement.referrals.models import Referral, TriageDecision

FORMAT_VERSION = 1
FONTS = Path(__file__).resolve().parent / "fonts"


# --- One record's fields ---------------------------------------------------------------


def _json_value(obj, f: models.Field):
    if f.is_relation:
        related = getattr(obj, f.name)
        return None if related is None else str(related)
    value = getattr(obj, f.attname)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _coded_words():
    """Plain words for the codes some fields store without Django choices."""
    from enablement.referrals.rules import CHECKLIST_LABELS, COMPLEX_FEATURES, Eligibility
    from enablement.referrals.services import DECISION_ACTIONS

    def words(labels):
        return lambda codes: ", ".join(labels.get(c, c) for c in codes)

    eligibility = {e.value: e.label for e in Eligibility}
    decisions = {code: action.label for code, action in DECISION_ACTIONS.items()}
    return {
        ("referralreturn", "missing"): words(CHECKLIST_LABELS),
        ("screening", "complex_features"): words(dict(COMPLEX_FEATURES)),
        ("screening", "eligibility"): lambda code: eligibility.get(code, code),
        ("screening", "decision"): lambda code: decisions.get(code, code),
    }


def _display(obj, f: models.Field, coded=None) -> str:
    value = getattr(obj, f.attname)
    if value in (None, "", [], {}):
        return ""
    translate = (coded or {}).get((obj._meta.model_name, f.name))
    if translate is not None:
        return translate(value)
    if f.is_relation:
        return str(getattr(obj, f.name))
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%-d %B %Y, %H:%M}"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _label(f: models.Field) -> str:
    name = str(f.verbose_name)
    return name[:1].upper() + name[1:]


@dataclass
class Record:
    """One stored row: its fields for JSON, and (label, words) pairs for the PDF."""

    title: str
    data: dict
    rows: list[tuple[str, str]]
    children: dict[str, list["Record"]] = field(default_factory=dict)

    def as_json(self) -> dict:
        out = dict(self.data)
        for key, records in self.children.items():
            out[key] = [r.as_json() for r in records]
        return out


def _record(obj, title: str, *, skip: tuple[str, ...] = (), coded=None) -> Record:
    """`skip` leaves fields out of the readable copy only; the JSON has every field."""
    data, rows = {}, []
    for f in obj._meta.concrete_fields:
        data[f.name] = _json_value(obj, f)
        if f.choices and getattr(obj, f.attname) not in (None, ""):
            data[f"{f.name}_label"] = _display(obj, f)
        words = _display(obj, f, coded)
        if words and f.name not in ("id", *skip):
            rows.append((_label(f), words))
    for m2m in obj._meta.many_to_many:
        names = [str(o) for o in getattr(obj, m2m.name).all()]
        data[m2m.name] = names
        if names:
            rows.append((_label(m2m), ", ".join(names)))
    return Record(title, data, rows)


# --- Everything about one person -------------------------------------------------------


@dataclass
class SubjectAccess:
    person: Person
    produced_at: datetime
    produced_by: str
    sections: dict[str, list[Record]]

    def as_json(self) -> dict:
        return {
            "export": {
                "format_version": FORMAT_VERSION,
                "kind": "UK GDPR article 15 subject access export",
                "service": settings.ENABLEMENT_SERVICE_NAME,
                "produced_at": self.produced_at.isoformat(),
                "produced_by": self.produced_by,
            },
            "person": self.sections["person"][0].as_json(),
            **{
                key: [r.as_json() for r in records]
                for key, records in self.sections.items()
                if key != "person"
            },
        }


def gather(person: Person, *, now: datetime, produced_by) -> SubjectAccess:
    person = Person.objects.select_related("registered_team", "created_by", "portal_user").get(
        pk=person.pk
    )
    coded = _coded_words()
    referrals = []
    for referral in (
        Referral.objects.filter(person=person)
        .select_related("service", "service_settings", "team", "referrer", "named_social_worker")
        .prefetch_related("skills_needed")
        .order_by("received_at", "pk")
    ):
        record = _record(referral, f"Referral {referral.reference}", skip=("person",))
        record.children = {
            "risks": [
                _record(r, f"Risk: {r.get_area_display()}", skip=("referral",))
                for r in referral.risks.all()
            ],
            "returns": [
                _record(r, "Returned to the referrer", skip=("referral",), coded=coded)
                for r in referral.returns.select_related("returned_by").order_by("returned_at")
            ],
            "triage": [
                _record(t, "Triage decision", skip=("referral",))
                for t in TriageDecision.objects.filter(referral=referral).select_related(
                    "destination", "hub", "decided_by", "created_referral"
                )
            ],
            "screenings": [
                _record(s, "Screening", skip=("referral",), coded=coded)
                for s in referral.screenings.select_related("screened_by").order_by("screened_at")
            ],
            "holds": [
                _record(h, "Hold: question to the named social worker", skip=("referral",))
                for h in referral.holds.select_related("started_by", "answered_by").order_by(
                    "started_at"
                )
            ],
        }
        referrals.append(record)
    sections = {
        "person": [_record(person, "Details")],
        "carers": [_record(c, "Carer", skip=("person",)) for c in person.carers.all()],
        "referrals": referrals,
        "episodes": [
            _record(e, f"Episode for referral {e.referral.reference}", skip=("person",))
            for e in Episode.objects.filter(person=person)
            .select_related("referral", "service", "service_settings", "team", "worker__user")
            .select_related("allocated_by")
            .order_by("allocated_at")
        ],
        # Outcome scores with every answer (issue 13): the answers are the person's own
        # words about their life, as numbers.
        "outcome_scores": [
            _record(
                a,
                f"{a.instrument.name}: {a.occasion_label}",
                skip=("episode",),
            )
            for a in Assessment.objects.filter(episode__person=person)
            .select_related("instrument", "recorded_by")
            .order_by("completed_on", "pk")
        ],
        "timeline": [
            # The summary is the plain words; the kind and data (codes) are in the JSON.
            _record(e, e.summary, skip=("person", "kind", "data"))
            for e in Event.objects.filter(person=person)
            .select_related("actor", "service", "referral", "episode__referral")
            .order_by("occurred_at", "pk")
        ],
        "notifications": [
            _record(n, n.subject)
            for n in Notification.objects.filter(referral__person=person)
            .select_related("user", "referral")
            .order_by("created_at", "pk")
        ],
        "access_log": [
            _record(a, a.get_action_display(), skip=("person",))
            for a in AccessLogEntry.objects.filter(person=person)
            .select_related("user")
            .order_by("at", "pk")
        ],
        "legal_holds": [
            _record(h, "Legal hold", skip=("person",))
            for h in LegalHold.objects.filter(person=person)
            .select_related("placed_by", "lifted_by")
            .order_by("placed_at")
        ],
        "anonymisation": [
            _record(a, "Anonymised", skip=("person",))
            for a in Anonymisation.objects.filter(person=person)
        ],
    }
    return SubjectAccess(person, now, str(produced_by), sections)


def as_json_bytes(export: SubjectAccess) -> bytes:
    return json.dumps(export.as_json(), indent=2, ensure_ascii=False, default=str).encode()


# --- The readable copy -----------------------------------------------------------------

SECTION_TITLES = {
    "person": "Personal details",
    "carers": "Carers",
    "referrals": "Referrals",
    "episodes": "Episodes of enablement",
    "outcome_scores": "Outcome scores (answers to wellbeing and recovery questions)",
    "timeline": "Timeline: what happened, when and by whom",
    "notifications": "Messages sent to staff about the referrals",
    "access_log": "Who has looked at or exported the record",
    "legal_holds": "Legal holds",
    "anonymisation": "Anonymisation",
}
CHILD_TITLES = {
    "risks": "Risk information",
    "returns": "Returns to the referrer",
    "triage": "Triage decision",
    "screenings": "Screenings",
    "holds": "Holds",
}


def _fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONTS / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")


def as_pdf_bytes(export: SubjectAccess) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=9.5, leading=12.5)
    key = ParagraphStyle("key", parent=body, fontName="DejaVuSans-Bold")
    field_style = ParagraphStyle("field", parent=body, leftIndent=4 * mm, spaceAfter=2)
    h1 = ParagraphStyle("h1", parent=key, fontSize=18, leading=23, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=key, fontSize=14, leading=18, spaceBefore=12, spaceAfter=6)
    h3 = ParagraphStyle("h3", parent=key, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3)
    h4 = ParagraphStyle("h4", parent=key, fontSize=10, leading=13, spaceBefore=5, spaceAfter=2)

    def para(text: str, style=body):
        # Free text keeps its line breaks; nothing typed by a user is read as markup.
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def rows(pairs):
        # One paragraph per field, not a table: a paragraph flows onto the next page, a
        # table cell longer than a page cannot be laid out at all.
        return [
            Paragraph(f"<b>{escape(k)}:</b> " + escape(v).replace("\n", "<br/>"), field_style)
            for k, v in pairs
        ]

    def record(r: Record, style) -> list:
        out = [para(r.title, style), *rows(r.rows)]
        for child_key, children in r.children.items():
            if children:
                out.append(para(CHILD_TITLES.get(child_key, child_key), h4))
                out.extend(x for c in children for x in record(c, body))
        return out

    person = export.person
    story = [
        para(f"Subject access export: {person.full_name}", h1),
        para(
            f"Everything {settings.ENABLEMENT_SERVICE_NAME} holds about this person, produced "
            f"{timezone.localtime(export.produced_at):%-d %B %Y at %H:%M} by "
            f"{export.produced_by} (UK GDPR article 15). The JSON export holds the same "
            "records in full, with the codes behind the words used here."
        ),
    ]
    for key_, records in export.sections.items():
        story.append(para(SECTION_TITLES[key_], h2))
        if not records:
            story.append(para("None held."))
        for r in records:
            story.extend(record(r, h3))
        story.append(Spacer(1, 4 * mm))

    buffer = io.BytesIO()

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("DejaVuSans", 8)
        canvas.drawString(20 * mm, 10 * mm, f"Subject access export, person {person.pk}")
        canvas.drawRightString(190 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Subject access export, person {person.pk}",
        author=settings.ENABLEMENT_SERVICE_NAME,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    ).build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
