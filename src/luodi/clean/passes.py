"""Cleaning passes.  Each is ``MappedText -> MappedText`` and only removes or rewrites
noise, so every character of the clean text still maps to the source.

The order matters and is fixed by :data:`PASSES`: flattened pages are split into lines
before spaces are normalised, glosses and links go before punctuation is normalised,
and broken lines are rejoined last, when the lines look the way the outline expects.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from luodi.clean.chars import CJK, CLOSERS, DOC_TYPE_WORDS, END_PUNCT, OPENERS, SPACE
from luodi.clean.mapped import Edit, MappedText

Pass = Callable[[MappedText], MappedText]

# -- line endings ---------------------------------------------------------------------
_CR = re.compile(r"\r\n?|\u2028|\u2029|\x0c")


def normalise_newlines(mt: MappedText) -> MappedText:
    return mt.sub(_CR, "\n")


# -- pages flattened onto one line ----------------------------------------------------
_FLAT_SPACE = re.compile(
    r"(?<![A-Za-z0-9])[ \u00a0\u3000]+(?![A-Za-z0-9])|(?<=[^\x00-\x7f])[ \u00a0]+|[ \u00a0]+(?=[^\x00-\x7f])"
)


def split_flattened_lines(mt: MappedText) -> MappedText:
    """Some pages arrive as one line with single spaces where the page had breaks.

    Only very long lines that are mostly such space-separated runs are split; inside
    a normal paragraph a stray space never becomes a line break.
    """
    edits: list[Edit] = []
    pos = 0
    for line in mt.text.split("\n"):
        if len(line) > 1500 and line.count(" ") > len(line) / 150:
            for m in _FLAT_SPACE.finditer(line):
                edits.append((pos + m.start(), pos + m.end(), "\n"))
        pos += len(line) + 1
    return mt.edit(edits)


# -- articles run together on one line ------------------------------------------------
_RUN_ON_ARTICLE = re.compile(r"(?<=[。；])[ \u3000]*(?=第[〇零一二三四五六七八九十百千\d]+条[ \u3000])")


def split_run_on_articles(mt: MappedText) -> MappedText:
    """"…制定本条例。第二条　…": an article label after a finished sentence starts a line.
    The space after the label keeps references (依照本法第六条规定) where they are."""
    return mt.sub(_RUN_ON_ARTICLE, "\n")


# -- inline pinyin glosses: 產(chǎn)業(yè) -> 產業 ---------------------------------------------
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# A line break may fall inside or before a gloss (a PDF wrapped 關(guān) as "關(" + "guān)").
_GLOSS = re.compile(rf"\n?[(（]\n?([a-z{_TONED}]{{1,7}})\n?[)）]")
_CJK_CHAR = re.compile(f"[{CJK}]")
_TONED_RE = re.compile(f"[{_TONED}]")


def strip_pinyin_glosses(mt: MappedText) -> MappedText:
    """Remove pinyin readings pasted after characters.

    A toned syllable is unmistakable; a toneless one (``的(de)``) is removed only when
    the document is full of toned glosses, so ``(a)`` in an ordinary text survives.
    """
    text = mt.text
    # The gloss must follow a Chinese character (checked here: a look-behind would be tried at every position).
    matches = [m for m in _GLOSS.finditer(text) if m.start() and _CJK_CHAR.match(text, m.start() - 1)]
    toned = sum(1 for m in matches if _TONED_RE.search(m.group(1)))
    dense = toned >= 5
    edits = [(m.start(), m.end(), "") for m in matches if dense or _TONED_RE.search(m.group(1))]
    return mt.edit(edits)


# -- URLs and Markdown ----------------------------------------------------------------
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]*)\)")
_URL = re.compile(r"(?:https?://|www\.)[\w\-./?%&=#:~+@!$,;*]*[\w/#=]", re.ASCII)
_EMPTY_PARENS = re.compile(r"[（(][\s\\]*[）)]")
_MD_ESCAPE = re.compile(r"\\+([\\`*_{}\[\]()#+\-.!|<>~])")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def remove_links(mt: MappedText) -> MappedText:
    """Markdown links keep their words; bare URLs pasted into the body go."""

    def link(m: re.Match[str]) -> str:
        label = m.group(1)
        return "" if _URL.fullmatch(label.replace("\\", "")) or not label.strip() else label

    mt = mt.sub(_MD_LINK, link)
    mt = mt.sub(_URL, "")
    return mt.sub(_EMPTY_PARENS, "")


def unescape_markdown(mt: MappedText) -> MappedText:
    mt = mt.sub(_MD_ESCAPE, r"\1")
    return mt.sub(_MD_EMPHASIS, r"\2")


# -- widths and punctuation -----------------------------------------------------------
_FULLWIDTH_ALNUM = {cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_ALNUM.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_ALNUM.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_ALNUM[0xFF05] = "%"  # ％
_HAS_FULLWIDTH = re.compile("[\uff05\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
# ASCII punctuation touching a CJK character (or a full-width bracket) is Chinese punctuation.
_CJKISH = f"[{CJK}（）《》“”〔〕、，。]"


def normalise_width(mt: MappedText) -> MappedText:
    """Full-width digits and letters become ASCII; ASCII punctuation in Chinese text
    becomes its full-width form, so every later pattern has one form to match."""
    if _HAS_FULLWIDTH.search(mt.text):  # translate() costs a dict lookup per character
        mt = mt.translate(_FULLWIDTH_ALNUM)
    text = mt.text
    edits: list[Edit] = []
    for m in _HALF_CANDIDATE.finditer(text):
        i, ch = m.start(), m.group(0)
        before = text[i - 1] if i else ""
        if before == " " and i > 1:
            before = text[i - 2]
        after = text[i + 1 : i + 2]
        if _is_cjkish(before) or _is_cjkish(after) or (ch == ")" and before.isdigit() and _is_cjkish(after)):
            edits.append((i, i + 1, _HALF_TO_FULL[ch]))
        elif ch == "(" and _FULL_CLOSE_AHEAD.match(text, i + 1):
            edits.append((i, i + 1, "（"))  # (2020-2022年）: opened before digits, closed full-width
    return mt.edit(edits)


_HALF_CANDIDATE = re.compile(r"[(),:;!?]")
_CJKISH_RE = re.compile(_CJKISH)
_FULL_CLOSE_AHEAD = re.compile(r"[^()\n]{0,40}）|\d+\)")


def _is_cjkish(ch: str) -> bool:
    return bool(ch) and bool(_CJKISH_RE.match(ch))


# -- spaces ---------------------------------------------------------------------------


def _is_table_row(line: str) -> bool:
    """Two tabs, or one between words, make a table row (even a row whose cells are empty)."""
    return line.count("\t") >= 2 or bool(re.search(r"\S\t+\S", line))


_WORD_CJK = re.compile(f"[{CJK}]{{2}}")


def _kept_space(line: str, start: int, end: int) -> str:
    """A space between two Chinese words separates names (两个发文机关); one next to a
    single letter-spaced character (国 家 能 源 局) or next to digits (2023 年) is layout;
    between Latin words one space stays."""
    before, after = line[max(0, start - 2) : start], line[end : end + 2]
    if _WORD_CJK.fullmatch(before) and _WORD_CJK.fullmatch(after):
        return " "
    if before[-1:].isascii() and after[:1].isascii():
        return " "
    return ""


def normalise_spaces(mt: MappedText) -> MappedText:
    """Trim lines; drop spaces next to Chinese text (``2023 年`` -> ``2023年``); keep
    single spaces between Latin words.  Table rows keep their tabs (empty cells too)
    and a single space between words, which may separate two names in one cell."""
    text = mt.text
    edits: list[Edit] = []
    table_rows = _table_row_spans(text) if "\t" in text else []
    for m in _SPACE_RUN.finditer(text):
        a, b = m.start(), m.end()
        line_start = text.rfind("\n", 0, a) + 1
        line_end = text.find("\n", b)
        line_end = len(text) if line_end < 0 else line_end
        run = m.group(0)
        at_edge = a == line_start or b == line_end
        if table_rows and _inside(table_rows, a):
            keep = "" if at_edge or "\t" in text[a - 1 : b + 1] or "\t" in run else " "
            keep = keep if "\t" not in run else run.replace(" ", "").replace("\u3000", "")
        elif at_edge:
            keep = ""
        elif "\t" in run:
            keep = ""
        else:
            keep = _kept_space(text, a, b)
        if keep != run:
            edits.append((a, b, keep))
    return mt.edit(edits)


_SPACE_RUN = re.compile(rf"[{SPACE}\t]+")


def _table_row_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for line in text.split("\n"):
        if _is_table_row(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    i = bisect_right(spans, (offset, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= offset <= spans[i][1]


# -- page furniture left in text copied out of a PDF ----------------------------------------
PAGE_NUMBER = re.compile(
    r"^[ \t\u3000]*(?:"
    r"[-—–－―─]+[ \t\u3000]*\d{1,4}[ \t\u3000]*[-—–－―─]+"  # - 3 -   — 3 —
    r"|第[ \t\u3000]*\d{1,4}[ \t\u3000]*页(?:[ \t\u3000]*[,，/][ \t\u3000]*共[ \t\u3000]*\d{1,4}[ \t\u3000]*页)?"
    r"|\d{1,4}[ \t\u3000]*/[ \t\u3000]*\d{1,4}"  # 3 / 12
    r")[ \t\u3000]*$"
)
_RUNNING_HEADER = re.compile(rf"^[{CJK}“”\"《》（）()〔〕\d—－\-]{{6,40}}$")


def drop_page_furniture(mt: MappedText) -> MappedText:
    """Page numbers (— 7 —, 第7页, 7/20) and a running header repeated on every page
    (the plan's title, 某某人民政府办公厅文件): every copy but the first goes, so that
    a sentence the page break cut can be rejoined."""
    text = mt.text
    if "\n" not in text:
        return mt
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        spans.append((pos, pos + len(raw), raw.strip(f"{SPACE}\t")))
        pos += len(raw) + 1
    counts: dict[str, int] = {}
    for _, _, line in spans:
        if _RUNNING_HEADER.match(line) and not _LABEL_START.match(line):
            counts[line] = counts.get(line, 0) + 1
    seen: set[str] = set()
    edits: list[Edit] = []
    for start, end, line in spans:
        repeated = counts.get(line, 0) >= 3
        if PAGE_NUMBER.match(line) or (repeated and line in seen):
            edits.append((start, min(end + 1, len(text)), ""))
        seen.add(line)
    return mt.edit(edits) if edits else mt


# -- broken lines ---------------------------------------------------------------------
_LABEL_START = re.compile(
    r"^(?:#|第[〇零一二三四五六七八九十百千\d]+[章节条步部篇]|[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,2}[．.、](?!\d)|[①-⑳]|附件|附录)"
)
_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff（）]{2,30}(?:政府|委员会|办公厅|办公室|局|厅|委|部|署|院|办|总局|中心|公司|银行)$")
_FRAGMENT = re.compile(
    rf"^[\d\s.．〔〕（）()\[\]“”‘’《》、，,%％\-－—~～:：]{{1,24}}$|^[年月日号个家项元万亿]$|^[{OPENERS}]$|^[.…·\s]{{3,}}[\d\s\-]*$"
)
_UNIT_START = re.compile(r"^(?:[年月日号个家项元万亿%％．.、台套件人名所条款户场次辆架吨倍座张亩]|公里|平方|千瓦|美元)")
_NUMBER_END = re.compile(r"\d[万亿千百]{0,2}$")
_ENDS_WITH_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日$")
_TITLE_TAIL = re.compile(rf"^\S{{0,30}}(?:{DOC_TYPE_WORDS})(?:（[^）]*）)?$")


def _is_standalone(line: str) -> bool:
    """Lines that stand on their own even after an unfinished line: headings, dates,
    signatures, table rows, key: value metadata."""
    return bool(
        _LABEL_START.match(line)
        or _DATE_LINE.match(line)
        or _ORG_LINE.match(line)
        or "\t" in line
        or re.match(r"^[^\s：:]{2,8}[：:]", line)
    )


_BARE_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,2}[．.、]|第[一二三四五六七八九十百\d]+[章节条步]|[①-⑳])$"
)
_DOC_TYPE_ONLY = re.compile(rf"^(?:{DOC_TYPE_WORDS})(?:（[^）]*）)?$")


_PAIRS = {"（": "）", "［": "］", "〔": "〕", "【": "】"}
# A responsibility clause still open at the end of a line: its units go on, however many.
_UNITS_OPEN = re.compile(r"[（［〔【]\s*(?:牵头|责任|主责|配合|参与|协办)(?:单位|部门)[：:][^）］〕】]*$")


def _open_bracket_tail(line: str) -> str | None:
    """The closer still owed by a bracket opened in the last 200 characters of ``line``."""
    tail = line[-200:]
    if all(
        tail.count(opener) == tail.count(closer) and tail.rfind(opener) < tail.rfind(closer) + 1
        for opener, closer in _PAIRS.items()
    ):
        return None  # most lines: every bracket closed (checked at C speed)
    owed: list[str] = []
    for ch in tail:
        if ch in _PAIRS:
            owed.append(_PAIRS[ch])
        elif owed and ch == owed[-1]:
            owed.pop()
    return owed[0] if owed else None


def _should_join(prev: str, nxt: str, after: str) -> bool:
    """Should the break between ``prev`` and ``nxt`` go?  ``after`` is the line after ``nxt``."""
    if not prev or not nxt or "\t" in prev or "\t" in nxt:
        return False
    if _BARE_LABEL.match(prev):
        return True  # "三、" / "（十一）" alone: its heading is on the next line
    if nxt.isdigit() and after[:1] in ("．", ".", "、"):
        return False  # "1" + "．需求响应…": the number starts the next item
    if _FRAGMENT.match(nxt) and not _LABEL_START.match(nxt):
        # "特此通知。" + "2021" (年2月2日): a date after a finished sentence starts a new line;
        # so does one after a short heading ("一、实施背景" + "2018~2020" 年…).
        short_heading = bool(_LABEL_START.match(prev)) and len(prev) <= 30 and not re.search("[，。；]", prev)
        return not ((prev[-1] in "。！？" or short_heading) and nxt[:1].isdigit())
    if nxt[0] in CLOSERS or nxt[0] in "、，。；：！？%％":
        return True
    if _FRAGMENT.match(prev) and (prev[-1] in OPENERS or prev[-1] in "．." or (prev.isdigit() and len(prev) <= 2)):
        return True
    if prev[-1] in OPENERS:
        return True
    if prev[-1] in "，、" and not _LABEL_START.match(nxt):
        return True  # a clause mark promises more of the sentence (a PDF wrapped it here)
    if _NUMBER_END.search(prev) and _UNIT_START.match(nxt):
        return True  # "规模达到600亿" + "元。": a number cut from its unit
    if prev.count("《") > prev.count("》") and "》" in nxt[:60]:
        return True
    closer = _open_bracket_tail(prev)
    if closer and (closer in nxt[:40] or (closer in nxt and _UNITS_OPEN.search(prev))):
        return True  # （责任单位：… or ［牵头单位：… wrapped before its closing bracket
    if prev[-1] in END_PUNCT or _is_standalone(nxt):
        return False
    # A title broken before its document type: "…关于印发广东省新一代" + "人工智能发展规划的通知".
    title_head = "关于" in prev and not _TITLE_TAIL.match(prev) and not _is_standalone(prev)
    if len(prev) <= 60 and len(nxt) <= 40 and _TITLE_TAIL.match(nxt) and title_head:
        return True
    if _DOC_TYPE_ONLY.match(nxt) and len(prev) <= 40 and not _is_standalone(prev):
        return True  # "四川省深化新能源上网电价市场化改革" + "实施方案"
    # A sentence broken by a page break: a long line cut mid-word, continued by text —
    # not a signature date followed by a title, nor a short title-like line.
    long_paragraph = len(prev) >= 25 and ("，" in prev or "。" in prev) and not _ENDS_WITH_DATE.search(prev)
    sentence_like = len(nxt) > 40 or bool(re.search("[，。；、]", nxt))
    return long_paragraph and sentence_like and bool(re.match(rf"[{CJK}\w“（]", nxt))


def join_broken_lines(mt: MappedText) -> MappedText:
    """Rejoin sentences, numbers and titles that page breaks or blank lines split.

    Lines are walked in order and each decision sees the line as merged so far, so a
    title broken over four lines ("…关于印发" "2021" "年春节期间" "…的通知") comes back whole.
    """
    text = mt.text
    edits: list[Edit] = []
    lines: list[tuple[int, int]] = []  # (start, end) of non-blank lines
    pos = 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append((pos, pos + len(raw)))
        pos += len(raw) + 1
    current = text[lines[0][0] : lines[0][1]] if lines else ""
    for k in range(1, len(lines)):
        (_, a1), (b0, b1) = lines[k - 1], lines[k]
        nxt = text[b0:b1]
        after = text[lines[k + 1][0] : lines[k + 1][1]] if k + 1 < len(lines) else ""
        if _should_join(current, nxt, after):
            edits.append((a1, b0, ""))
            current += nxt
        else:
            if b0 - a1 > 1:  # blank lines between two real lines carry no meaning
                edits.append((a1, b0, "\n"))
            current = nxt
    if lines and lines[0][0] > 0:
        edits.append((0, lines[0][0], ""))
    if lines and lines[-1][1] < len(text):
        edits.append((lines[-1][1], len(text), ""))
    return mt.edit(edits)


PASSES: tuple[Pass, ...] = (
    normalise_newlines,
    split_flattened_lines,
    split_run_on_articles,
    strip_pinyin_glosses,
    remove_links,
    unescape_markdown,
    normalise_width,
    normalise_spaces,
    drop_page_furniture,
    join_broken_lines,
)
