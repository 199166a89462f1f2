"""How an entry of the history looks in its list: the time, the first line or the search
snippet with its matches in bold, drawn as two lines of HTML."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPalette,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from desktop_asr.stores.history.entry import HistoryEntry
from desktop_asr.stores.history.search import Snippet

FIRST_LINE_CHARS = 200
HTML_ROLE = Qt.ItemDataRole.UserRole + 1


def format_time(moment: datetime, now: datetime | None = None) -> str:
    """Local time, short: the time of day for today, else the date and time."""
    local = QDateTime.fromMSecsSinceEpoch(round(moment.timestamp() * 1000))
    today = (now or datetime.now().astimezone()).astimezone().date()
    locale = QLocale()
    if moment.astimezone().date() == today:
        return locale.toString(local.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(local, QLocale.FormatType.ShortFormat)


def snippet_html(snippet: Snippet) -> str:
    """The snippet as HTML, escaped, with the matches in bold."""
    out, pos = [], 0
    for start, end in snippet.highlights:
        out += [html.escape(snippet.text[pos:start]), "<b>",
                html.escape(snippet.text[start:end]), "</b>"]
        pos = end
    out.append(html.escape(snippet.text[pos:]))
    return "".join(out)


def first_line(text: str) -> str:
    lines = text.strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= FIRST_LINE_CHARS else line[: FIRST_LINE_CHARS - 1] + "…"


def can_rerun(entry: HistoryEntry) -> bool:
    """A recording can be sent again only while its audio is kept."""
    return entry.source_kind != "recording" or entry.audio_path is not None


class EntryDelegate(QStyledItemDelegate):
    """Draws an item's HTML (two lines: facts, then text or snippet) without wrapping."""

    def _document(self, option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(2)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.NoWrap)
        doc.setDefaultTextOption(text_option)
        doc.setHtml(str(index.data(HTML_ROLE) or ""))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        doc = self._document(opt, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        cut = self._cut_lines(doc, rect.width())
        ellipsis = opt.fontMetrics.horizontalAdvance("…") + 2
        painter.save()
        painter.translate(rect.topLeft())
        clip = rect.translated(-rect.topLeft())
        if cut:  # lines too long for the list end in "…", never mid-number
            clip.setWidth(max(0, clip.width() - ellipsis))
        painter.setClipRect(clip)
        doc.documentLayout().draw(painter, context)
        painter.setClipping(False)
        painter.setPen(opt.palette.color(role))
        for top, height in cut:
            painter.drawText(QRect(clip.width(), top, ellipsis, height),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "…")
        painter.restore()

    @staticmethod
    def _cut_lines(doc: QTextDocument, width: int) -> list[tuple[int, int]]:
        """(top, height) of each line of ``doc`` wider than ``width``."""
        cut = []
        block = doc.begin()
        layout = doc.documentLayout()
        while block.isValid():
            lines = block.layout()
            if lines is not None and lines.lineCount() and (
                    lines.lineAt(0).naturalTextWidth() + 2 * doc.documentMargin() > width):
                box = layout.blockBoundingRect(block)
                cut.append((int(box.top()), int(box.height())))
            block = block.next()
        return cut

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        doc = self._document(option, index)
        # Lines longer than the list are cut at its edge: no horizontal scrolling.
        return QSize(100, int(doc.size().height()) + 2)


def source_name(source: str) -> str:
    return source if "://" in source else (Path(source).name or source)
