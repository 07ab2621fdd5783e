"""Tables: runs of tab-separated lines (how readers hand over every table) become
:class:`Table` objects, even when the file ends in the middle of a row."""

from __future__ import annotations

from luodi.document import Document, Table
from luodi.extract.lines import Line, split_lines


def _title_before(lines: list[Line], index: int) -> str | None:
    """A short caption line right above the table (“城市+AI”应用场景清单（第一批）)."""
    if index == 0:
        return None
    text = lines[index - 1].text.strip()
    if text and len(text) <= 60 and "。" not in text and "\t" not in text:
        return text.lstrip("#").strip()
    return None


def extract_tables(doc: Document) -> None:
    lines = split_lines(doc.text)
    i = 0
    while i < len(lines):
        if "\t" not in lines[i].text:
            i += 1
            continue
        j = i
        while j < len(lines) and "\t" in lines[j].text:
            j += 1
        if j - i >= 2:
            doc.tables.append(_make_table(lines, i, j, at_end=j == len(lines)))
        i = j
    for table in doc.tables:
        table.section = _section_at(doc, table.start)


def _make_table(lines: list[Line], i: int, j: int, at_end: bool) -> Table:
    header = [c.strip() for c in lines[i].text.split("\t")]
    rows = [[c.strip() for c in lines[k].text.split("\t")] for k in range(i + 1, j)]
    width = len(header)
    truncated = False
    if rows and at_end and (len(rows[-1]) < width or not rows[-1][0]):
        truncated = True  # the file stops inside the last row
    rows = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
    return Table(
        title=_title_before(lines, i), header=header, rows=rows, start=lines[i].start, end=lines[j - 1].end,
        truncated=truncated,
    )


def _section_at(doc: Document, offset: int) -> str | None:
    best = None
    for sec in doc.sections:
        if sec.start <= offset < max(sec.end, sec.start + 1):
            if best is None or sec.level >= best.level:
                best = sec
    return best.id if best else None
