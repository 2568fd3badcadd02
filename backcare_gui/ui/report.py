"""The clinician report: an A4 PDF with real, searchable text (QTextDocuments drawn on a
QPdfWriter), the pain chart as a picture (spasm episodes marked on it), the spasm diary, every
session in a table whose header row starts each page it runs onto, what hurt, the red-flag
answers, heat sessions and desk breaks, and a footer line on each page.

Pages are filled here, not by Qt: Qt paginates line by line, so it can cut a table row in
half at a page's foot (and its page-break flags move single cells, not rows). Each part is
measured, whole rows go on a page while they fit, and each page's slice of a table is laid out
as a table of its own, its header row first.

Needs a QApplication (the chart is a QtCharts scene); the command line makes an offscreen one.
"""

from __future__ import annotations

import contextlib
import errno
import html
import itertools
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextTable,
)
from PySide6.QtWidgets import QApplication, QGraphicsScene

from backcare_gui.store import export
from backcare_gui.store.export import ChartData, Progress, Report
from backcare_gui.ui import theme

if TYPE_CHECKING:
    from backcare_gui.store.diary import Episode

DPI: Final = 300
MARGINS_MM: Final = QMarginsF(16, 14, 16, 12)  # left, top, right, bottom
TITLE: Final = "BackCare report"
NOTE_CHARACTERS: Final = 400  # a longer note is shortened in print (the CSV has it all)
EPISODE_NOTE_CHARACTERS: Final = 160  # the diary's note column is narrower
# Desk breaks come many a day: past this many events only the most recent are listed (the
# figures still count them all), so months of breaks do not become dozens of pages.
TIMER_ROWS: Final = 100
_CHART_URL: Final = QUrl("backcare:chart.png")
_CHART_LOGICAL: Final = QSizeF(900, 330)  # the chart's layout size; drawn sharper than this
_C: Final = theme.LIGHT  # paper is light, whatever the screen's colour scheme


def write_pdf(report: Report, target: Path | str, progress: Progress | None = None) -> int:
    """Write the report to a file, replaced whole (never left half-written). Returns the number
    of pages. `progress(done, total)` is told how far it got (and may raise to cancel)."""
    path = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        writer = QPdfWriter(str(tmp))
        pages = _write(report, writer, progress)
        del writer  # flushes and closes the file
        with tmp.open("rb+") as file:
            os.fsync(file.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return pages


def pdf_bytes(report: Report, progress: Progress | None = None) -> tuple[bytes, int]:
    """The report as bytes (for `--pdf -`), and its number of pages."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    pages = _write(report, writer, progress)
    del writer
    buffer.close()
    return bytes(buffer.data().data()), pages


# --- the parts of a report ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Text:
    html: str
    keep_with_next: bool = False  # a heading: never the last thing on a page


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[str]
    widths: list[int]  # percent of the page width, per column
    rows: list[list[str]]  # cells as HTML (escaped text)

    def html(self, first: int, end: int) -> str:
        """The header row, then rows first..end-1."""
        cells = "".join(
            f"<th width='{width}%' align='left' style='background-color: {_C.soft}; "
            f"color: {_C.text}; font-size: 9pt; border: 1px solid {_C.border};'>"
            f"{_e(title)}</th>" for title, width in zip(self.headers, self.widths, strict=True))
        parts = [f"<table width='100%' cellspacing='0' cellpadding='5' style='border-collapse: "
                 f"collapse; border: 1px solid {_C.border};'><thead><tr>{cells}</tr></thead>"]
        for n in range(first, end):
            shade = f" style='background-color: {_C.window};'" if n % 2 else ""
            parts.append(f"<tr{shade}>")
            parts.extend(f"<td style='font-size: 9pt; border-bottom: 1px solid {_C.border};'>"
                         f"{cell}</td>" for cell in self.rows[n])
            parts.append("</tr>")
        parts.append("</table>")
        return "".join(parts)


Part = Text | Table


def report_parts(report: Report, chart_width: int, chart_height: int) -> list[Part]:
    """The report as a sequence of texts and tables; `chart_*` in pixels of 1/96 inch."""
    r = report
    sessions = len(r.sessions)
    if r.rated:
        rated = (f" (over the {r.rated} session{'s' if r.rated != 1 else ''} rated before "
                 f"and after; {r.relief} with a meaningful easing)")
    else:
        rated = " (no session was rated both before and after)"
    per_week = export.MISSING
    if r.per_week is not None and r.per_week_from is not None:
        per_week = (f"{r.per_week:.1f} on average from {export.day_text(r.per_week_from)} "
                    "(completed or stopped early)")
    facts = [
        ("Period", _e(r.period_text)),
        ("Sessions", _e(f"{sessions}" + (f": {r.status_text}" if sessions else ""))),
        ("Sessions per week", _e(per_week)),
        ("Days in a row", _e(f"{export.streak_text(r.streak)}, up to "
                             f"{export.day_text(r.last_day)}")),
        ("Mean pain before (0-10)", _e(export.mean_text(r.mean_before))),
        ("Mean pain after (0-10)", _e(export.mean_text(r.mean_after))),
        ("Mean change", _e(export.signed_text(r.mean_change)) + f"<span style='font-weight: "
         f"normal; color: {_C.muted};'>{_e(rated)}</span>"),
    ]
    front = [
        f"<h1 style='color: {_C.primary}; font-size: 22pt;'>{_e(TITLE)}</h1>",
        f"<p style='color: {_C.muted};'>Guided back exercise sessions and pain ratings "
        f"(0 = no pain, 10 = worst pain imaginable), {_e(r.period_text)}. "
        f"Made on {_e(export.day_text(r.made_on))}.</p>",
        "<table cellspacing='0' cellpadding='4'>",
        *(f"<tr><td style='color: {_C.muted}; padding-right: 24px;'>{_e(name)}</td>"
          f"<td><b>{value}</b></td></tr>" for name, value in facts),
        "</table>",
        _heading("Pain over time"),
        "<p>No pain ratings or spasm episodes in this period.</p>"
        if r.chart.empty and not r.chart.episodes else
        f"<p><img src='{_CHART_URL.toString()}' width='{chart_width}' height='{chart_height}'>"
        "</p>",
    ]
    parts: list[Part] = [Text("".join(front)), *diary_parts(r.diary),
                         Text(_heading("All sessions"), True)]
    if r.sessions:
        parts.append(Table(
            ["Date", "Routine", "Status", "Min", "Pain", "Change", "Note"],
            [17, 16, 15, 6, 8, 11, 27],
            [[_e(export.local_short(s.started_at)), _e(s.routine_title),
              _e(export.STATUS_WORDS.get(s.status, s.status)),
              _e(export.minutes_text(s.active_seconds)),
              _e(export.pain_text(s.pain_before, s.pain_after)),
              _e(export.change_text(s.pain_before, s.pain_after)), _e(_short(s.note))]
             for s in r.sessions]))
    else:
        parts.append(Text("<p>No sessions in this period.</p>"))
    parts.append(Text(_heading("When something hurt"), True))
    if r.hurt:
        parts.append(Table(["Date", "Routine", "Exercise", "What was done"], [20, 26, 27, 27],
                           [[_e(export.local_short(h.at)), _e(h.routine_title),
                             _e(h.exercise_name), _e(h.action_text)] for h in r.hurt]))
    else:
        parts.append(Text("<p>Nothing was marked as hurting in this period.</p>"))
    parts.append(Text(_heading("Red-flag answers"), True))
    if r.red_flags:
        parts.append(Table(["Date", "Any sign answered yes", "Clinician checked",
                            "Signs answered yes"], [18, 16, 16, 50],
                           [[_e(export.local_short(f.at)), "Yes" if f.any_yes else "No",
                             "Yes" if f.clinician_checked else "No", _e(f.signs_text)]
                            for f in r.red_flags]))
    else:
        parts.append(Text("<p>The red-flag questions were not answered in this period.</p>"))
    parts.extend(timer_parts(r.timers))
    return parts


def diary_parts(summary: export.DiarySummary) -> list[Part]:
    """'Spasm diary': the figures, then every episode of the period (oldest first), each with
    its length ('still going' while it is), severity, where, triggers, what helped and note."""
    heading = Text(_heading("Spasm diary"), True)
    if summary.empty:
        return [heading, Text("<p>No spasm episodes were logged in this period.</p>")]
    facts = [
        "<table cellspacing='0' cellpadding='4' style='margin-bottom: 8px;'>",
        *(f"<tr><td style='color: {_C.muted}; padding-right: 24px;'>{_e(name)}</td>"
          f"<td><b>{_e(value)}</b></td></tr>" for name, value in summary.facts),
        "</table>",
    ]
    table = Table(["Started", "Length", "Severity", "Where", "Triggers", "What helped", "Note"],
                  [14, 13, 11, 13, 17, 13, 19],
                  [[_e(export.local_short(e.started_at)), _e(export.episode_length(e)),
                    str(e.severity), _e(export.episode_where(e)),
                    _e(export.episode_triggers(e)), _e(export.episode_helped(e)),
                    _episode_note(e)] for e in summary.episodes])
    return [heading, Text("".join(facts)), table]


def _episode_note(episode: Episode) -> str:
    """The note, shortened; warning signs ticked on the form stand first, in bold."""
    signs = export.episode_signs(episode)
    note = _e(_short(episode.note, EPISODE_NOTE_CHARACTERS))
    if not signs:
        return note
    return f"<b>Warning signs: {_e(signs)}</b>" + (f"<br>{note}" if note else "")


def timer_parts(summary: export.TimerSummary) -> list[Part]:
    """'Heat and breaks': the counts, then the events (the most recent TIMER_ROWS)."""
    heading = Text(_heading("Heat and breaks"), True)
    if summary.empty:
        return [heading, Text("<p>No heat sessions or desk breaks were recorded in this "
                              "period.</p>")]
    listed = summary.events[-TIMER_ROWS:]
    facts = [("Heat sessions", summary.heat_text), ("Desk breaks", summary.breaks_text)]
    lines = [
        "<table cellspacing='0' cellpadding='4'>",
        *(f"<tr><td style='color: {_C.muted}; padding-right: 24px;'>{_e(name)}</td>"
          f"<td><b>{_e(value)}</b></td></tr>" for name, value in facts),
        "</table>",
        f"<p style='color: {_C.muted};'>{_e(export.NATURAL_MEANING)}",
    ]
    if len(listed) < len(summary.events):
        lines.append(_e(f" The {len(listed)} most recent of the {len(summary.events)} events "
                        "are listed; the counts above include them all."))
    lines.append("</p>")
    table = Table(["Date", "What", "Outcome", "Min"], [22, 30, 36, 12],
                  [[_e(export.local_short(e.at)), _e(export.timer_what(e)),
                    _e(export.timer_outcome(e).capitalize()), _e(export.timer_minutes(e))]
                   for e in listed])
    return [heading, Text("".join(lines)), table]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _heading(text: str) -> str:
    return f"<h2 style='color: {_C.primary}; font-size: 13pt;'>{_e(text)}</h2>"


def _short(note: str, characters: int = NOTE_CHARACTERS) -> str:
    return note if len(note) <= characters else note[:characters - 1].rstrip() + "…"


# --- laying out and drawing -----------------------------------------------------------------

@dataclass
class _Page:
    placed: list[tuple[float, QTextDocument]] = field(default_factory=list)


class _Layout:
    """Fills pages of `height` with the parts, each a document `width` wide."""

    def __init__(self, writer: QPdfWriter, width: float, height: float, font: QFont,
                 chart: QImage) -> None:
        self.writer, self.width, self.height, self.font = writer, width, height, font
        self.chart = chart
        self.pages: list[_Page] = [_Page()]
        self.y = 0.0
        self.gap = writer.resolution() * 6 / 25.4  # 6 mm

    def document(self, text: str) -> QTextDocument:
        document = QTextDocument()
        document.documentLayout().setPaintDevice(self.writer)  # points mean the same on paper
        document.setDefaultFont(self.font)
        document.setDocumentMargin(0)
        document.setTextWidth(self.width)
        document.addResource(QTextDocument.ResourceType.ImageResource, _CHART_URL, self.chart)
        document.setHtml(text)
        return document

    @staticmethod
    def tall(document: QTextDocument) -> float:
        return document.documentLayout().documentSize().height()

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = 0.0

    def place(self, document: QTextDocument) -> None:
        height = self.tall(document)
        if self.y > 0 and self.y + height > self.height:
            self.new_page()
        self.pages[-1].placed.append((self.y, document))
        self.y += height

    def add(self, parts: list[Part], progress: Progress | None) -> None:
        for n, part in enumerate(parts):
            if isinstance(part, Table):
                self.add_table(part)
            else:
                document = self.document(part.html)
                if part.keep_with_next and n + 1 < len(parts):
                    need = self.gap + self.tall(document) + self.first_height(parts[n + 1])
                    if self.y > 0 and self.y + need > self.height:
                        self.new_page()
                    if self.y > 0:
                        self.y += self.gap  # air above a heading, not at a page's top
                self.place(document)
            if progress is not None:
                progress(n + 1, len(parts))

    def first_height(self, part: Part) -> float:
        """The height of what must stand on the same page as a heading before it."""
        if isinstance(part, Table):
            return self.tall(self.document(part.html(0, 1)))
        return self.tall(self.document(part.html))

    def add_table(self, table: Table) -> None:
        pitches, header = self.row_heights(table)
        start = 0
        while start < len(table.rows):
            room = self.height - self.y
            end, used = start, header
            while end < len(table.rows) and used + pitches[end] <= room:
                used += pitches[end]
                end += 1
            if end == start:  # not even one row fits
                if self.y > 0:
                    self.new_page()
                    continue
                end = start + 1  # taller than a page: it stands alone (its foot is cut)
            document = self.document(table.html(start, end))
            while self.tall(document) > room and end > start + 1:  # measured, to be sure
                end -= 1
                document = self.document(table.html(start, end))
            if self.y > 0 and self.tall(document) > room:
                self.new_page()
                continue
            self.pages[-1].placed.append((self.y, document))
            self.y += self.tall(document)
            start = end
            if start < len(table.rows):
                self.new_page()

    def row_heights(self, table: Table) -> tuple[list[float], float]:
        """Each row's height and the header row's (with the table's borders), from one
        document of the whole table, laid out once."""
        document = self.document(table.html(0, len(table.rows)))
        layout = document.documentLayout()
        frame = next(f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable))
        tops = [layout.blockBoundingRect(frame.cellAt(row, 0).firstCursorPosition().block())
                .top() for row in range(frame.rows())]  # the header row, then each row
        total = self.tall(document)
        header = tops[1] if len(tops) > 1 else total
        pitches = [b - a for a, b in itertools.pairwise(tops[1:])]
        pitches.append(total - tops[-1])
        return pitches, header


def _write(report: Report, writer: QPdfWriter, progress: Progress | None) -> int:
    def tell(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total)

    writer.setResolution(DPI)
    writer.setTitle(f"{TITLE}, {report.period_text}")
    writer.setCreator("BackCare")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, MARGINS_MM,
                                     QPageLayout.Unit.Millimeter))
    body = writer.pageLayout().paintRectPixels(DPI)
    footer_height = round(DPI * 0.32)  # about 8 mm: a gap, the rule and one small line
    chart_width = round(body.width())
    chart_height = round(chart_width * _CHART_LOGICAL.height() / _CHART_LOGICAL.width())
    chart = chart_image(report.chart, chart_width, chart_height)
    tell(1, 10)
    flow = _Layout(writer, body.width(), body.height() - footer_height, QFont(_family(), 10),
                   chart)
    # <img> sizes are in pixels of 1/96 inch; the layout scales them to the writer's DPI.
    flow.add(report_parts(report, chart_width * 96 // DPI, chart_height * 96 // DPI),
             lambda done, total: tell(1 + 3 * done // total, 10))
    pages = len(flow.pages)

    footer_font = QFont(_family(), 8)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(errno.EIO, "the PDF file could not be written")
    try:
        for number, page in enumerate(flow.pages):
            if number:
                writer.newPage()
            for y, document in page.placed:
                painter.save()
                painter.translate(QPointF(0, y))
                document.drawContents(painter, QRectF(0, 0, body.width(),
                                                      flow.height - y))
                painter.restore()
            _footer(painter, body.width(), body.height(), footer_font, number + 1, pages)
            tell(4 * pages + 6 * (number + 1), 10 * pages)
    finally:
        painter.end()
    return pages


def _family() -> str:
    return QApplication.font().family() if QApplication.instance() else QFont().family()


def _footer(painter: QPainter, width: float, height: float, font: QFont, page: int,
            pages: int) -> None:
    painter.save()
    painter.setFont(font)
    line = painter.fontMetrics().height()
    painter.setPen(QPen(QColor(_C.border), 2))
    painter.drawLine(QPointF(0, height - line * 1.6), QPointF(width, height - line * 1.6))
    painter.setPen(QColor(_C.muted))
    box = QRectF(0, height - line * 1.3, width, line * 1.3)
    painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                     export.FOOTER)
    painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                     f"Page {page} of {pages}")
    painter.restore()


def chart_image(data: ChartData, width: int, height: int) -> QImage:
    """The History page's chart, drawn at `width` x `height` pixels on white."""
    from backcare_gui.ui.history import PainChart

    chart = PainChart(_C, QFont(_family(), 14))
    chart.set_data(data)
    chart.chart.setBackgroundRoundness(0)
    chart.chart.setBackgroundBrush(QColor("#ffffff"))
    scene = QGraphicsScene()
    scene.addItem(chart.chart)
    chart.chart.resize(_CHART_LOGICAL)
    chart.chart.layout().activate()
    QApplication.processEvents()  # the chart lays out its axes on a posted event
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, width, height), QRectF(0, 0, _CHART_LOGICAL.width(),
                                                            _CHART_LOGICAL.height()))
    painter.end()
    scene.removeItem(chart.chart)
    with contextlib.suppress(RuntimeError):
        chart.chart.deleteLater()
    return image
