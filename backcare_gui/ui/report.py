"""The clinician report: an A4 PDF with real, searchable text (a QTextDocument laid out on a
QPdfWriter), the pain chart as a picture, the full sessions table with its header repeated on
every page, what hurt, the red-flag answers, and a footer line on each page.

Needs a QApplication (the chart is a QtCharts scene); the command line makes an offscreen one.
"""

from __future__ import annotations

import contextlib
import errno
import html
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final, cast

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextTable,
)
from PySide6.QtWidgets import QApplication, QGraphicsScene

from backcare_gui.store import export
from backcare_gui.store.export import ChartData, Progress, Report
from backcare_gui.ui import theme

DPI: Final = 300
MARGINS_MM: Final = QMarginsF(16, 14, 16, 12)  # left, top, right, bottom
TITLE: Final = "BackCare report"
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
    footer_font = QFont(_family(), 8)
    footer_height = round(DPI * 0.32)  # about 8 mm: a gap, the rule and one small line

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # points mean the same on paper
    document.setDefaultFont(QFont(_family(), 10))
    document.setDocumentMargin(0)
    page_size = QSizeF(body.width(), body.height() - footer_height)
    document.setPageSize(page_size)
    chart_width = round(body.width())
    chart_height = round(chart_width * _CHART_LOGICAL.height() / _CHART_LOGICAL.width())
    document.addResource(QTextDocument.ResourceType.ImageResource, _CHART_URL,
                         chart_image(report.chart, chart_width, chart_height))
    tell(1, 10)
    document.setHtml(report_html(report, chart_width, chart_height))
    pages = keep_lines_whole(document, DPI / 96)  # lays the whole document out
    tell(3, 10)

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(errno.EIO, "the PDF file could not be written")
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * page_size.height())
            document.drawContents(painter, QRectF(0, number * page_size.height(),
                                                  page_size.width(), page_size.height()))
            painter.restore()
            _footer(painter, body.width(), body.height(), footer_font, number + 1, pages)
            tell(3 * pages + 7 * (number + 1), 10 * pages)
    finally:
        painter.end()
    return pages


def keep_lines_whole(document: QTextDocument, px_per_unit: float) -> int:
    """Qt paginates line by line: a table row of two-line cells can be cut in half at a
    page's foot, and a heading can end a page while its table starts the next. A cut row gets
    a page break before it (Qt then moves the whole row under the repeated header); a lonely
    heading gets a top margin that moves it to the next page. (The first line after a table
    can also be cut; the spacer paragraph after each table takes that.) `px_per_unit`: device
    pixels per margin unit (96 per inch). Returns the number of pages."""
    height = document.pageSize().height()
    layout = document.documentLayout()

    def page(y: float) -> int:
        return int(y // height)

    document.pageCount()  # the layout is lazy: finish it before reading positions
    frame_items = cast("Iterable[QTextFrame.iterator]", document.rootFrame())  # stubs lack it
    items = [(item.currentBlock(), item.currentFrame()) for item in frame_items]
    for n, (block, frame) in enumerate(items):
        if isinstance(frame, QTextTable):
            _keep_rows_whole(document, frame, page)
            continue
        if frame is not None or block.blockFormat().headingLevel() == 0 or n + 1 == len(items):
            continue
        top = layout.blockBoundingRect(block).top()
        after_block, after_frame = items[n + 1]
        if isinstance(after_frame, QTextTable):  # where its first row begins
            after_block = after_frame.cellAt(0, 0).firstCursorPosition().block()
        elif after_frame is not None:
            continue
        if page(layout.blockBoundingRect(after_block).top()) > page(top):
            gap = (page(top) + 1) * height - top
            form = block.blockFormat()
            form.setTopMargin(form.topMargin() + gap / px_per_unit + 1)
            QTextCursor(block).setBlockFormat(form)
            document.pageCount()
    return document.pageCount()


def _keep_rows_whole(document: QTextDocument, table: QTextTable,
                     page: Callable[[float], int]) -> None:
    """Page breaks before the rows Qt would cut. Each change of the document lays the whole
    table out again (slow for long tables), so the breaks are planned the way Qt paginates,
    from each row's height, and set in one edit; a row the plan missed is fixed on its own."""
    first_cut = next(iter(_cut_rows(document, table, page)), None)
    if first_cut is None:
        return
    extents = _row_extents(document, table)
    offset = _page_offset(document, table, extents, page)
    if offset is None:  # no row starts a page yet: break before the first cut one, and see
        _break_before(document, table, [first_cut])
        extents = _row_extents(document, table)
        offset = extents[first_cut][0] - page(extents[first_cut][0]) * document.pageSize()\
            .height()
    _break_before(document, table, _plan_breaks(document, table, extents, offset, page))
    for _ in range(5):  # normally none is left; a row taller than a page cannot be helped
        height = document.pageSize().height()
        extents = _row_extents(document, table)
        left = [row for row in _cut_rows(document, table, page)
                if extents[row][1] - extents[row][0] < height - offset]
        if not left:
            break
        _break_before(document, table, left[:1])


def _cut_rows(document: QTextDocument, table: QTextTable,
              page: Callable[[float], int]) -> list[int]:
    """The rows (after the first) whose text runs from one page onto the next."""
    extents = _row_extents(document, table)
    first = table.format().headerRowCount() + 1
    return [row for row in range(first, table.rows())
            if page(extents[row][0]) != page(extents[row][1] - 0.5)]


def _row_extents(document: QTextDocument, table: QTextTable) -> list[tuple[float, float]]:
    """(top, bottom) of each row's text in the document as it is laid out now."""
    document.pageCount()  # the layout is lazy: finish it before reading positions
    layout = document.documentLayout()
    extents = []
    for row in range(table.rows()):
        top = layout.blockBoundingRect(table.cellAt(row, 0).firstCursorPosition().block()).top()
        bottom = max(layout.blockBoundingRect(table.cellAt(row, column).lastCursorPosition()
                                              .block()).bottom()
                     for column in range(table.columns()))
        extents.append((top, bottom))
    return extents


def _page_offset(document: QTextDocument, table: QTextTable,
                 extents: list[tuple[float, float]], page: Callable[[float], int],
                 ) -> float | None:
    """How far below a page's top Qt puts the first row of a page (under the repeated
    header), read from a row Qt has already moved to a new page."""
    height = document.pageSize().height()
    for row in range(table.format().headerRowCount() + 1, table.rows()):
        top, bottom = extents[row]
        if page(top) > page(extents[row - 1][1] - 0.5) and page(top) == page(bottom - 0.5):
            return top - page(top) * height
    return None


def _plan_breaks(document: QTextDocument, table: QTextTable,
                 extents: list[tuple[float, float]], offset: float,
                 page: Callable[[float], int]) -> list[int]:
    """Qt's own rule, line by line: a row whose first line does not fit moves to the next page
    whole; one whose first line fits but not the rest is cut: that one needs a break."""
    height = document.pageSize().height()
    layout = document.documentLayout()
    first = table.format().headerRowCount() + 1
    # Whole rows, unpaginated: where each starts and how tall its first line and its text are.
    document.setPageSize(QSizeF(document.pageSize().width(), 1e9))
    whole = _row_extents(document, table)
    first_lines = []
    for row in range(table.rows()):
        block = table.cellAt(row, 0).firstCursorPosition().block()
        line = block.layout().lineAt(0)
        first_lines.append(layout.blockBoundingRect(block).top() + line.y() + line.height()
                           - whole[row][0])
    document.setPageSize(QSizeF(document.pageSize().width(), height))
    # A line fits when the cell's padding and border below it fit too. Taken as the whole gap
    # between two rows' texts, a little more than Qt's: a row Qt cuts after all is fixed by
    # the caller, while a break before a row Qt moves anyway would leave a page empty.
    gaps = sorted(whole[row + 1][0] - whole[row][1] for row in range(first, table.rows() - 1))
    inset = gaps[len(gaps) // 2] if gaps else 0.0
    breaks = []
    y = extents[first][0]  # exact: Qt placed it so
    for row in range(first, table.rows()):
        if row > first:
            y += whole[row][0] - whole[row - 1][0]
        if page(y + first_lines[row] + inset) != page(y):
            y = (page(y) + 1) * height + offset  # Qt moves it
        elif page(y + whole[row][1] - whole[row][0] + inset) != page(y):
            breaks.append(row)
            y = (page(y) + 1) * height + offset
    return breaks


def _break_before(document: QTextDocument, table: QTextTable, rows: list[int]) -> None:
    if not rows:
        return
    cursor = QTextCursor(document)
    cursor.beginEditBlock()  # one layout for all of them
    for row in rows:
        for column in range(table.columns()):  # each cell flows on its own: move them all
            block = table.cellAt(row, column).firstCursorPosition().block()
            form = block.blockFormat()
            form.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            QTextCursor(block).setBlockFormat(form)
    cursor.endEditBlock()


def _family() -> str:
    return QApplication.font().family() if QApplication.instance() else QFont().family()


def _footer(painter: QPainter, width: float, height: float, font: QFont, page: int,
            pages: int) -> None:
    painter.save()
    painter.setFont(font)
    line = painter.fontMetrics().height()
    painter.setPen(QPen(QColor(_C.border), 2))
    painter.drawLine(QRectF(0, height - line * 1.6, width, 0).topLeft(),
                     QRectF(0, height - line * 1.6, width, 0).topRight())
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


# --- the text -------------------------------------------------------------------------------

def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_TABLE: Final = (f"<table width='100%' cellspacing='0' cellpadding='5' "
                 f"style='border-collapse: collapse; border: 1px solid {_C.border};'>")


def _table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    """A table whose header row repeats at the top of every page it runs onto (<thead>
    becomes QTextTableFormat.headerRowCount)."""
    cells = []
    for n, title in enumerate(headers):
        width = f" width='{widths[n]}%'" if widths else ""
        cells.append(f"<th{width} align='left' style='background-color: {_C.soft}; "
                     f"color: {_C.text}; font-size: 9pt; border: 1px solid {_C.border};'>"
                     f"{_e(title)}</th>")
    parts = [_TABLE, "<thead><tr>", *cells, "</tr></thead>"]
    for n, row in enumerate(rows):
        shade = f" style='background-color: {_C.window};'" if n % 2 else ""
        parts.append(f"<tr{shade}>")
        parts.extend(f"<td style='font-size: 9pt; border-bottom: 1px solid {_C.border};'>"
                     f"{cell}</td>" for cell in row)
        parts.append("</tr>")
    # A small paragraph after the table: Qt's pagination can leave the first line after a
    # table across a page's edge; this one is too small to see, and the text after it is
    # paginated normally.
    parts.append("</table><p style='font-size: 1pt;'>&nbsp;</p>")
    return "".join(parts)


def _facts(rows: list[tuple[str, str]]) -> str:
    parts = ["<table cellspacing='0' cellpadding='4'>"]
    for name, value in rows:
        parts.append(f"<tr><td style='color: {_C.muted}; padding-right: 24px;'>{_e(name)}</td>"
                     f"<td><b>{value}</b></td></tr>")
    parts.append("</table>")
    return "".join(parts)


def report_html(report: Report, chart_width: int, chart_height: int) -> str:
    r = report
    h2 = f"<h2 style='color: {_C.primary}; font-size: 13pt; margin-top: 18px;'>"
    sessions = len(r.sessions)
    if r.rated:
        rated = (f" (over the {r.rated} session{'s' if r.rated != 1 else ''} rated before "
                 f"and after; {r.relief} with a meaningful easing)")
    else:
        rated = " (no session was rated both before and after)"
    facts = [
        ("Period", _e(r.period_text)),
        ("Sessions", _e(f"{sessions}" + (f": {r.status_text}" if sessions else ""))),
        ("Sessions per week", _e(export.MISSING if r.per_week is None or r.per_week_from is None
                                 else f"{r.per_week:.1f} on average from "
                                 f"{export.day_text(r.per_week_from)} (completed or stopped "
                                 "early)")),
        ("Days in a row", _e(f"{export.streak_text(r.streak)}, up to "
                             f"{export.day_text(r.last_day)}")),
        ("Mean pain before (0-10)", _e(export.mean_text(r.mean_before))),
        ("Mean pain after (0-10)", _e(export.mean_text(r.mean_after))),
        ("Mean change", _e(export.signed_text(r.mean_change)) + f"<span style='font-weight: "
         f"normal; color: {_C.muted};'>{_e(rated)}</span>"),
    ]
    parts = [
        f"<h1 style='color: {_C.primary}; font-size: 22pt;'>{_e(TITLE)}</h1>",
        f"<p style='color: {_C.muted};'>Guided back exercise sessions and pain ratings "
        f"(0 = no pain, 10 = worst pain imaginable), {_e(r.period_text)}. "
        f"Made on {_e(export.day_text(r.made_on))}.</p>",
        _facts(facts),
        f"{h2}Pain over time</h2>",
    ]
    if r.chart.empty:
        parts.append("<p>No pain ratings in this period.</p>")
    else:
        # <img> sizes are in 96-dpi pixels; the layout scales them to the writer's DPI.
        parts.append(f"<p><img src='{_CHART_URL.toString()}' "
                     f"width='{chart_width * 96 // DPI}' height='{chart_height * 96 // DPI}'>"
                     "</p>")
    parts.append(f"{h2}All sessions</h2>")
    if r.sessions:
        rows = [[_e(export.local_short(s.started_at)), _e(s.routine_title),
                 _e(export.STATUS_WORDS.get(s.status, s.status)),
                 _e(export.minutes_text(s.active_seconds)),
                 _e(export.pain_text(s.pain_before, s.pain_after)),
                 _e(export.change_text(s.pain_before, s.pain_after)),
                 _e(s.note)] for s in r.sessions]
        parts.append(_table(["Date", "Routine", "Status", "Min", "Pain", "Change", "Note"],
                            rows, [17, 16, 15, 6, 8, 11, 27]))
    else:
        parts.append("<p>No sessions in this period.</p>")
    parts.append(f"{h2}When something hurt</h2>")
    if r.hurt:
        parts.append(_table(["Date", "Routine", "Exercise", "What was done"],
                            [[_e(export.local_short(h.at)), _e(h.routine_title),
                              _e(h.exercise_name), _e(h.action_text)] for h in r.hurt],
                            [20, 26, 27, 27]))
    else:
        parts.append("<p>Nothing was marked as hurting in this period.</p>")
    parts.append(f"{h2}Red-flag answers</h2>")
    if r.red_flags:
        parts.append(_table(["Date", "Any sign answered yes", "Clinician checked",
                             "Signs answered yes"],
                            [[_e(export.local_short(f.at)), "Yes" if f.any_yes else "No",
                              "Yes" if f.clinician_checked else "No", _e(f.signs_text)]
                             for f in r.red_flags], [18, 16, 16, 50]))
    else:
        parts.append("<p>The red-flag questions were not answered in this period.</p>")
    return "".join(parts)

