"""Front matter: the wrapper notice, the plan's title, its issuers and dates.

Many plans arrive inside a notice (通知) that issues (印发) them: a notice title, an
addressee line (各区人民政府…：), one or two sentences (现将《…》印发给你们), a signature
(issuers, then a date), and only then the plan.  This component finds that structure
— in whatever order the page puts it — sets the titles, issuers, signing date and
document number, and marks where the plan's own body starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luodi.document import Document, Section
from luodi.extract.layout import _ORG_LINE, is_title_like
from luodi.extract.lines import Line, split_lines
from luodi.text import to_simplified

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_TRAILING_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日$")
# Signatures of orders list office holders: "中华人民共和国公安部部长" then the name.
_OFFICE = re.compile(r"(部长|主任|局长|署长|总理|主席|书记|委员长|行长|会长|厅长|市长|省长)$")
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,15}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*\d{1,4}\s*号"
    r"|[\u4e00-\u9fff]{0,12}令\s*第\s*\d{1,4}\s*号"
)
_ISSUE_SENTENCE = re.compile(
    r"《([^《》\n]{4,120})》[^。\n《]{0,120}?(?:印发给你们|印发你们|现予以?印发|予以印发|现予公布|予以发布|现印发)"
    r"|(?:现|特)(?:将|公布)《([^《》\n]{4,120})》"
)
_NOTICE_TITLE = re.compile(r"关于(?:印发|转发|发布)(.+)的通知")
_ADDRESSEE = re.compile(r"^[^。]{2,200}[：:]$")
_BEFORE_ABOUT = re.compile(r"^(.{2,80}?)关于")
_BODY_END = re.compile(r"(?<=办公厅)|(?<=办公室)|(?<=委员会)|(?<=人民政府)(?!办公)")


def parse_date(text: str | None) -> str | None:
    if not text:
        return None
    m = _DATE.search(text) or _ISO_DATE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _clean_title(title: str) -> str:
    title = title.strip().lstrip("#").strip()
    return title.strip("《》")


def _issuers_from_title(title: str) -> list[str]:
    m = _BEFORE_ABOUT.match(title)
    if not m:
        return []
    head = m.group(1).strip()
    parts = [p for p in re.split(r"[\s、，]+", head) if p]
    # "中共深圳市委办公厅深圳市人民政府办公厅" lost its space: split after each body suffix.
    if len(parts) == 1:
        parts = [p for p in _BODY_END.split(head) if p]
    return [p for p in parts if len(p) >= 2 and not p.startswith("等")]


@dataclass
class _Notice:
    title_line: int | None  # index of the notice's title line
    sentence_line: int  # the 印发 sentence
    plan_title: str
    signature: list[int]  # issuer lines
    date_line: int | None
    first_line: int  # where the notice block starts
    last_line: int  # last line of the notice block


def _find_notice(lines: list[Line]) -> _Notice | None:
    for i, line in enumerate(lines[:80]):
        m = _ISSUE_SENTENCE.search(line.simp)
        if not m:
            continue
        group = 1 if m.group(1) else 2
        plan_title = _clean_title(line.text[m.start(group) : m.end(group)])
        title_line = None
        for j in range(max(0, i - 6), min(len(lines), i + 12)):
            t = lines[j].simp
            if j != i and "通知" in t and is_title_like(t.lstrip("#")):
                title_line = j
                break
        # Signature: organisation lines then a date, right after the sentence.
        signature: list[int] = []
        date_line = None
        for j in range(i + 1, min(len(lines), i + 30)):
            t = lines[j].simp
            if _DATE_LINE.match(t):
                date_line = j
                break
            if _ORG_LINE.match(t) or (len(t) <= 30 and "。" not in t and "，" not in t and not is_title_like(t)):
                signature.append(j)
                continue
            if j == i + 1 and len(t) < 200 and "。" in t:  # a second sentence of the notice
                continue
            break
        if date_line is None and _TRAILING_DATE.search(line.simp):
            date_line = i  # "…起施行。总理 李克强 2017年12月25日" on one line
        if date_line is None:
            signature = []
        first = i
        while first > 0 and (first - 1 == title_line or _ADDRESSEE.match(lines[first - 1].simp)):
            first -= 1
        if title_line is not None:
            first = min(first, title_line)
        last = max([i] + signature + ([date_line] if date_line is not None else []))
        if title_line is not None and title_line > last:
            last = title_line
        return _Notice(title_line, i, plan_title, signature, date_line, first, last)
    return None


def _plan_title_line(lines: list[Line], start: int, plan_title: str) -> int | None:
    """The plan's own title line, if it follows the notice."""
    want = re.sub(r"[\s#（）()—－-]", "", plan_title)
    for j in range(start, min(len(lines), start + 4)):
        got = re.sub(r"[\s#（）()—－-]", "", lines[j].simp)
        if got and (got == want or (len(got) >= 6 and want.startswith(got))):
            return j
    return None


def extract_front_matter(doc: Document) -> None:
    lines = split_lines(doc.text, doc.simplified)
    meta = doc.meta
    fields = meta.fields
    notice = _find_notice(lines)
    body_line = 0
    if notice:
        meta.title = notice.plan_title
        if notice.title_line is not None:
            meta.notice_title = _clean_title(lines[notice.title_line].text)
        elif "title" in _field_roles(fields):
            meta.notice_title = _field(fields, "title")
        meta.issuers = _signers([lines[j].text for j in notice.signature])
        if notice.date_line is not None:
            meta.issued = parse_date(_TRAILING_DATE.search(lines[notice.date_line].simp).group(0))  # type: ignore[union-attr]
        body_line = notice.last_line + 1
        title_at = _plan_title_line(lines, body_line, to_simplified(notice.plan_title))
        if title_at is not None:
            meta.title = _clean_title(lines[title_at].text)
            body_line = title_at + 1
        _add_notice_section(doc, lines, notice)
    else:
        body_line, under_title = _title_without_notice(doc, lines)
        blocks = _signature_blocks(lines, body_line)
        if blocks:  # a document without a notice is signed where its own text ends
            meta.issuers, signed = blocks[0]
            meta.issued = parse_date(signed)
        elif under_title:
            meta.issuers = under_title  # title, then the issuing body on its own line, then the text
    if not meta.title:
        meta.title = _clean_title(_field(fields, "title") or "") or None
    if not meta.issuers:
        meta.issuers = _issuers_from_title(meta.notice_title or meta.title or "")
    if not meta.issuers and _field(fields, "issuer"):
        meta.issuers = [p for p in re.split(r"[\s、，]+", _field(fields, "issuer") or "") if p]
    if not meta.issuers and _field(fields, "publisher"):
        meta.issuers = [p for p in re.split(r"[\s、，]+", _field(fields, "publisher") or "") if p]
    meta.doc_number = _doc_number(fields, lines[: max(body_line, 1)], meta.notice_title or meta.title)
    if not meta.issuers and meta.doc_number and "令" in meta.doc_number:
        # 中华人民共和国国务院令第693号: the order is issued by the body that numbers it.
        body = meta.doc_number.split("令")[0].removeprefix("中华人民共和国")
        meta.issuers = [body] if len(body) >= 2 else []
    meta.published = parse_date(_field(fields, "published"))
    if not meta.issued:
        meta.issued = parse_date(_field(fields, "signed")) or parse_date(_field(fields, "issued"))
    if not meta.issued:
        meta.issued = _closing_date(lines) or meta.published
    doc.body_start = lines[body_line].start if body_line < len(lines) else len(doc.text)


def _org_names(text: str) -> list[str]:
    """The bodies on one signature line: joint documents sign two or three to a line, set
    apart by spaces (工业和信息化部　　国家发展改革委); [] when the line is not all bodies."""
    parts = [p for p in re.split(r"[\s\u3000]+", text.strip()) if p]
    if len(parts) > 1 and all(_ORG_LINE.match(to_simplified(p)) for p in parts):
        return parts
    return [text.strip()] if _ORG_LINE.match(to_simplified(text.strip())) else []


def _signers(lines: list[str]) -> list[str]:
    """Bodies of a signature block: office titles become their body, personal names go."""
    names: list[str] = []
    for line in lines:  # 工业和信息化部　　国家发展改革委: two bodies on one line
        orgs = _org_names(line)
        names += orgs if len(orgs) > 1 else [line]
    out = []
    for name in names:
        simple = to_simplified(name)
        office = _OFFICE.search(simple)
        if office and len(simple) > len(office.group(0)) + 1:
            out.append(name[: office.start()])
        elif _ORG_LINE.match(simple) or len(simple) > 4:
            out.append(name)
    return out


def _field_roles(fields: dict[str, str]) -> set[str]:
    from luodi.extract.layout import FIELD_KEYS

    return {FIELD_KEYS[k] for k in fields if k in FIELD_KEYS}


def _field(fields: dict[str, str], role: str) -> str | None:
    from luodi.extract.layout import FIELD_KEYS

    for key, value in fields.items():
        if FIELD_KEYS.get(key) == role and value:
            return value
    return None


def _doc_number(fields: dict[str, str], header: list[Line], title: str | None) -> str | None:
    """The document's own number: from its metadata or its header, never a citation in the body."""
    value = _field(fields, "doc_number")
    if value:
        m = _DOC_NUMBER.search(value)
        return _tidy_number(m.group(0)) if m else value.strip("()（） ") or None
    for k, line in enumerate(header):
        t = line.simp  # matched on the simplified view, returned as written (廈府辦〔2020〕47號)
        if t == "令" and k + 1 < len(header) and re.fullmatch(r"第\s*\d{1,4}\s*号", header[k + 1].simp):
            return line.text + header[k + 1].text
        m = _DOC_NUMBER.search(t)
        if m and (len(t) - len(m.group(0)) <= 4 or (t.endswith(("）", ")")) and "《" not in t[m.end() :])):
            written = _tidy_number(line.text[m.start() : m.end()])
            if "〔" in t and "印发" in t and "《" in t and t.find("《") < m.start():
                # "关于印发《…》的通知（川发改价格〔2025〕480号）": the number trails the title.
                return written
            if len(t) - len(m.group(0)) <= 4:
                return written
    return None


def _tidy_number(number: str) -> str:
    number = re.sub(r"\s+", "", number)
    # Square or round brackets around the year are variants of 〔〕.
    return re.sub(r"[\[［(（【](\d{4})[\]］)）】]", r"〔\1〕", number)


def _closing_date(lines: list[Line]) -> str | None:
    """A signature date at the very end of a document without a notice."""
    for line in reversed(lines[-6:]):
        if _DATE_LINE.match(line.simp):
            return parse_date(line.simp)
    return None


def _title_without_notice(doc: Document, lines: list[Line]) -> tuple[int, list[str]]:
    """No wrapper notice: the title is the last title-like line before the text begins
    (pages repeat the title in breadcrumbs first); an addressee line may follow it.
    Returns where the text begins and the bodies named on lines of their own under the title."""
    title_at = None
    for i, line in enumerate(lines[:40]):
        t = line.simp.lstrip("#").strip()
        if is_title_like(t):
            title_at = i
        elif title_at is not None and (_ADDRESSEE.match(t) or len(t) > 60 or _heading_start(t)):
            break
    if title_at is None:
        return 0, []
    doc.meta.title = _clean_title(lines[title_at].text)
    j = title_at + 1
    orgs: list[str] = []
    while j < len(lines) and (_DOC_NUMBER.fullmatch(lines[j].simp) or _ORG_LINE.match(lines[j].simp)):
        orgs += _org_names(lines[j].text)
        j += 1
    if j < len(lines) and _ADDRESSEE.match(lines[j].simp) and len(lines[j].text) < 200:
        j += 1
    return j, orgs


def _heading_start(line: str) -> bool:
    from luodi.extract.outline import match_heading

    return match_heading(line) is not None


def _signature_blocks(lines: list[Line], start: int) -> list[tuple[list[str], str]]:
    """(issuers, date) of every signature block — organisation lines right above a date line."""
    blocks = []
    for k in range(start, len(lines)):
        if not _DATE_LINE.match(lines[k].simp):
            continue
        names: list[str] = []
        j = k - 1
        while j >= start and (orgs := _org_names(lines[j].text)) and len(names) < 30:
            names[0:0] = orgs
            j -= 1
        if names:
            blocks.append((names, lines[k].simp))
    return blocks


def _add_notice_section(doc: Document, lines: list[Line], notice: _Notice) -> None:
    start = lines[notice.first_line].start
    end = lines[notice.last_line].end
    text_start = lines[notice.first_line + 1].start if notice.title_line == notice.first_line else start
    doc.sections.append(
        Section(
            id="notice",
            parent=None,
            label=None,
            heading=doc.meta.notice_title,
            level=1,
            start=start,
            text_start=text_start,
            text_end=end,
            end=end,
            kind="notice",
        )
    )
