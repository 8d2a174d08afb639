"""The plan on a page as a printable PDF (reportlab, as the subject-access export).

Everything goes into one frame the size of an A4 page; if it does not fit, reportlab's
`KeepInFrame` shrinks it (type and all) until it does, so the plan is always one page:
about six goals at full size, more in smaller type."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone

from enablement.core.dates import long_date
from enablement.referrals.rules import level_label


def _fonts():
    from enablement.privacy.export import _fonts as register

    register()


def plan_pdf(plan, episode) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

    _fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVuSans-Bold")
    h1 = ParagraphStyle("h1", parent=bold, fontSize=17, leading=21, spaceAfter=2)
    h2 = ParagraphStyle("h2", parent=bold, fontSize=12, leading=15, spaceBefore=7, spaceAfter=3)

    def para(text, style=body):
        return Paragraph(escape(str(text or "")).replace("\n", "<br/>") or "&nbsp;", style)

    person = episode.person
    story = [
        Paragraph(f"My enablement plan: {escape(person.full_name)}", h1),
        para(
            f"{episode.service.name} · {episode.team.name} · version {plan.version} · "
            f"{plan.get_status_display()}",
            small,
        ),
    ]
    dates = [
        f"Allocated to {episode.worker} on {long_date(timezone.localdate(episode.allocated_at))}"
    ]
    if episode.started_on:
        dates.append(f"started {long_date(episode.started_on)}")
    if episode.planned_end:
        dates.append(f"planned end {long_date(episode.planned_end)}")
    story.append(para("; ".join(dates), small))
    if plan.level:
        story.append(para(f"Level of support: {level_label(plan.level)}", small))

    story.append(Paragraph("Goals", h2))
    rows = [
        [para("What I want to do", bold), para("How we will know", bold), para("By when", bold)]
    ]
    for goal in plan.goals.all():
        what = goal.description + (f"\nSteps: {goal.steps}" if goal.steps else "")
        rows.append([para(what), para(goal.measure), para(long_date(goal.target_date))])
    table = Table(rows, colWidths=[85 * mm, 62 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1f1")),
            ]
        )
    )
    story.append(table)
    for title, text in (
        ("My strengths", plan.strengths),
        ("What I already do that helps", plan.own_strategies),
        ("Interventions", plan.interventions),
    ):
        if text:
            story += [Paragraph(title, h2), para(text)]
    names = [r.name for r in plan.resources.all()]
    if names:
        story += [Paragraph("Resources", h2), para(", ".join(names))]

    story.append(Paragraph("Agreed and signed", h2))
    worker = (
        f"{plan.worker_signed_by} on {long_date(timezone.localdate(plan.worker_signed_at))}"
        if plan.worker_signed_at
        else "Not signed yet"
    )
    if plan.person_signed_on:
        how = "on paper" if plan.person_signed_how == "paper" else "in their own account"
        signed = f"{person.full_name}, {how}, on {long_date(plan.person_signed_on)}"
    else:
        signed = "Not signed yet"
    story += [para(f"Worker: {worker}"), para(f"Person: {signed}"), Spacer(1, 2 * mm)]

    buffer = BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(f"Enablement plan version {plan.version}")
    frame = Frame(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm, showBoundary=0)
    frame.addFromList(
        [KeepInFrame(width - 32 * mm, height - 32 * mm, story, mode="shrink")], canvas
    )
    canvas.setFont("DejaVuSans", 7)
    canvas.drawString(
        15 * mm, 9 * mm, f"{episode.referral.reference} · plan version {plan.version}"
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
