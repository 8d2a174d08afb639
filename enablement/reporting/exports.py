"""The dashboard's tables as CSV and XLSX, and the whole dashboard as a PDF for a board
paper. The files hold exactly what the page shows, hidden cells included ("*"), so a
commissioner's file is as aggregate as their page."""

import io
import re
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from enablement.core.exports import csv_bytes
from enablement.reporting.rules import Figure


def _value(cell):
    return cell.value if cell.value is not None else cell.text


def figure_csv(figure: Figure) -> bytes:
    return csv_bytes(figure.table.headers, ([c.text for c in row] for row in figure.table.rows))


def figure_xlsx(figure: Figure, caption: str) -> bytes:
    workbook = Workbook(write_only=True)
    # A sheet's name is at most 31 characters, without \ / ? * [ ] or :.
    sheet = workbook.create_sheet(re.sub(r"[\\/?*\[\]:]", " ", figure.title)[:31])
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, figure.title)
    title.font = bold
    sheet.append([title])
    sheet.append([_text(sheet, figure.definition)])
    sheet.append([_text(sheet, caption)])
    sheet.append([])
    header = []
    for text in figure.table.headers:
        cell = WriteOnlyCell(sheet, text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in figure.table.rows:
        # Numbers as numbers (a spreadsheet sums them); labels and "*" as text.
        sheet.append([_value(c) if c.numeric else _text(sheet, c.text) for c in row])
    for note in figure.notes:
        sheet.append([_text(sheet, note)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def dashboard_pdf(figures: list[Figure], heading: str, caption: str, footnote: str) -> bytes:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from enablement.privacy.export import _fonts

    _fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVuSans-Bold", fontSize=16, leading=20)
    h2 = ParagraphStyle(
        "h2", parent=body, fontName="DejaVuSans-Bold", fontSize=11.5, leading=14, spaceBefore=8
    )
    width = A4[0] - 30 * mm
    story = [
        Paragraph(escape(heading), h1),
        Paragraph(escape(caption), body),
        Paragraph(escape(footnote), small),
    ]
    palette = [colors.HexColor(c) for c in ("#1d70b8", "#f47738", "#00703c", "#4c2c92")]
    for figure in figures:
        block = [Paragraph(escape(figure.title), h2), Paragraph(escape(figure.definition), small)]
        chart = figure.chart
        if chart.groups and any(v is not None for g in chart.groups for v in g.values):
            drawing = Drawing(width, 110)
            bars = VerticalBarChart()
            bars.x, bars.y, bars.width, bars.height = 30, 28, width - 40, 72
            bars.data = [[g.values[s] or 0 for g in chart.groups] for s in range(len(chart.series))]
            bars.categoryAxis.categoryNames = [g.label for g in chart.groups]
            bars.categoryAxis.labels.fontName = "DejaVuSans"
            bars.categoryAxis.labels.fontSize = 6
            bars.categoryAxis.labels.angle = 30
            bars.categoryAxis.labels.boxAnchor = "ne"
            bars.valueAxis.labels.fontName = "DejaVuSans"
            bars.valueAxis.labels.fontSize = 6
            bars.valueAxis.valueMin = 0
            if chart.scale_max is not None:
                bars.valueAxis.valueMax = chart.scale_max
            for s in range(len(chart.series)):
                bars.bars[s].fillColor = palette[s % len(palette)]
            drawing.add(bars)
            block.append(drawing)
            names = ("blue", "orange", "green", "purple")
            legend = ", ".join(f"{s} ({names[i % len(names)]})" for i, s in enumerate(chart.series))
            block.append(Paragraph(escape(f"Bars: {legend}. A hidden value has no bar."), small))
        data = [[Paragraph(escape(h), small) for h in figure.table.headers]]
        data += [[Paragraph(escape(c.text), small) for c in row] for row in figure.table.rows]
        table = Table(data, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        block.append(table)
        block += [Paragraph(escape(n), small) for n in figure.notes]
        story.append(KeepTogether(block))
        story.append(Spacer(1, 4))
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=heading,
    ).build(story)
    return out.getvalue()
