"""Entities: enterprises, universities, institutes, parks, places and technologies.

Two sources, each one pass over the simplified view of ``doc.text`` (so traditional-script
plans match; the ``text`` reported is still the text as written):

* **the vocabulary** — ``data/entities.tsv`` (maintained by hand), the region gazetteer
  ``data/regions.tsv`` (places), and the user's own file (``LUODI_ENTITIES=path.tsv``, or
  ``load_vocabulary(extra)``; same columns, its rows win) — found in one left-to-right
  pass in which every position takes its longest name (see :class:`Vocabulary`);
* **suffix patterns** for names the vocabulary lacks (X大学, X研究院, X高新区,
  X有限公司…).  Precision comes first: a stem is accepted only when it starts with a known
  place or entity (“广州北斗产业园”, “腾讯人工智能实验室”) or is a short stem right after
  punctuation or a function word that does not open with a generic word (“、仲恺农业工程学院”).
  Phrases such as 一批人工智能产业园, 重点实验室 or 新型研发机构 never become entities.

Mentions never overlap — the longest wins (国家超级计算广州中心, not 广州) — and each one
carries its canonical name, type, smallest section and exact source span.

TSV format: header ``name<TAB>type<TAB>aliases``; aliases separated by ``|``; ``#`` starts a
comment line.  ``type`` is one of :data:`ENTITY_TYPES`, or ``stop`` for a phrase that is
never an entity and shields its words (天河二号 is not the 天河 district).  An alias written
``^美的`` only counts at the start of a word (not in 完美的).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from luodi.document import Document, Section
from luodi.errors import LuodiError
from luodi.extract.classify import gazetteer
from luodi.text import to_simplified

ENTITY_TYPES = ("enterprise", "university", "institute", "park", "place", "technology")
STOP = "stop"
ENV_VAR = "LUODI_ENTITIES"

Row = tuple[str, str, list[str]]


class VocabularyError(LuodiError, ValueError):
    """An entity vocabulary file that cannot be used."""

    status = 422

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Term:
    name: str  # canonical name
    type: str  # one of ENTITY_TYPES, or STOP
    strict: bool = False  # only at the start of a word


class Mention(NamedTuple):
    start: int  # offsets in the text that was scanned
    end: int
    name: str
    type: str


# -- the vocabulary ------------------------------------------------------------------------

# Gazetteer aliases that are ordinary words far more often than places (朝阳产业, 世界大同,
# 大兴调查研究, 日照时数, 白银价格…).  Their full names (朝阳市, 大同市…) still match.
_AMBIGUOUS_PLACE_ALIASES = frozenset(
    "兴安 朝阳 白山 大同 长治 安康 普洱 红河 文山 山南 海北 海东 海西 黄南 玉树 和田 塔城 德宏 "
    "白银 来宾 日照 金山 大兴 平谷 长宁 红桥 东丽 石柱 城口 大足 南川 梁平 开州 武隆 云阳 巫山 "
    "秀山 彭水 合川 永川 铜梁 新都 金牛 锦江 金堂 大邑 上城 临平 富阳 临安 洪山 江夏 新洲 汉南 "
    "新乡 黑河 通化 四平 松原 白城 辽阳 营口 吉安 宜春 上饶 抚州 新余 三明 南平 信阳 安阳 许昌 "
    "周口 开封 保定 承德 丽水 金华 玉林 百色 河源 阳江 清远 云浮 中卫 吴忠 固原 定西 庆阳 平凉 "
    "巴州 博州 克州 延安 商洛 汉中 宝山 普陀 静安 青山 嘉定 奉贤 崇明 南开 宁河 静海 津南 北辰 "
    "武清 宝坻 蓟州 巫溪 奉节 垫江 丰都 荣昌 璧山 黔江 江津 南岸 北碚".split()
)


class Vocabulary:
    """Surface forms (simplified) → :class:`Term`, and a fast way to find them.

    Finding is one left-to-right pass, like Aho–Corasick but leaning on C: a compiled
    regex proposes the positions whose first two characters could start a name, and a
    dict of first two characters → name lengths (longest first) decides, so every
    position takes its longest name and a match skips the text it covers.
    """

    def __init__(self, terms: dict[str, Term]) -> None:
        self.terms = terms
        lengths: dict[str, set[int]] = {}
        for surface in terms:
            lengths.setdefault(surface[:2], set()).add(len(surface))
        self.lengths = {head: tuple(sorted(ls, reverse=True)) for head, ls in lengths.items()}
        firsts = "".join(sorted({s[0] for s in terms}))
        seconds = "".join(sorted({s[1] for s in terms if len(s) > 1}))
        self.starts = re.compile(f"(?=([{re.escape(firsts)}][{re.escape(seconds)}]))") if terms else re.compile("(?!)")
        # surfaces whose context must be checked: ^strict ones, Latin-edged ones (5G, AI)
        # and places that may lend their last character to the next word (深圳市场)
        self.careful = frozenset(
            s
            for s, t in terms.items()
            if t.strict or _is_alnum_ascii(s[0]) or _is_alnum_ascii(s[-1]) or (t.type == "place" and s[-1] in "区市县省")
        )

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, surface: object) -> bool:
        return isinstance(surface, str) and to_simplified(surface) in self.terms

    def get(self, surface: str) -> Term | None:
        return self.terms.get(to_simplified(surface))


def parse_vocabulary(data: str, where: str = "<vocabulary>") -> list[Row]:
    """Rows ``(name, type, aliases)`` of a vocabulary TSV (header line optional)."""
    rows: list[Row] = []
    for lineno, line in enumerate(data.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if cells[:2] == ["name", "type"] and not rows:
            continue  # the header
        if len(cells) < 2 or not cells[0].lstrip("^"):
            raise VocabularyError(f"{where}:{lineno}", "expected name<TAB>type<TAB>aliases")
        kind = cells[1].lower()
        if kind not in (*ENTITY_TYPES, STOP):
            allowed = ", ".join((*ENTITY_TYPES, STOP))
            raise VocabularyError(f"{where}:{lineno}", f"unknown type {cells[1]!r} (one of {allowed})")
        aliases = [a for a in (a.strip() for a in cells[2].split("|")) if a] if len(cells) > 2 else []
        short = [a for a in (cells[0], *aliases) if len(a.lstrip("^")) < 2]
        if short:
            raise VocabularyError(f"{where}:{lineno}", f"{short[0]!r}: names need at least two characters")
        rows.append((cells[0], kind, aliases))
    return rows


def read_vocabulary(path: Path) -> list[Row]:
    try:
        data = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabularyError(str(path), f"cannot read entity vocabulary ({exc})") from exc
    return parse_vocabulary(data, str(path))


def _builtin_rows() -> list[Row]:
    data = resources.files("luodi").joinpath("data/entities.tsv").read_text("utf-8")
    return parse_vocabulary(data, "luodi/data/entities.tsv")


def _add_rows(terms: dict[str, Term], rows: Iterable[Row]) -> None:
    for name, kind, aliases in rows:
        canonical = name.lstrip("^")
        for surface in (name, *aliases):
            strict = surface.startswith("^")
            terms[to_simplified(surface.lstrip("^"))] = Term(canonical, kind, strict)


def _gazetteer_terms() -> dict[str, Term]:
    terms: dict[str, Term] = {}
    for surface, place in gazetteer().items():
        if len(surface) < 2 or (surface != place.name and surface in _AMBIGUOUS_PLACE_ALIASES):
            continue
        terms[surface] = Term(place.name, "place")
    return terms


@lru_cache(maxsize=8)
def _load(extra: str | None, _stamp: float) -> Vocabulary:
    terms = _gazetteer_terms()
    _add_rows(terms, _builtin_rows())
    if extra:
        _add_rows(terms, read_vocabulary(Path(extra)))
    return Vocabulary(terms)


def load_vocabulary(extra: Path | None = None) -> Vocabulary:
    """The built-in vocabulary (entities.tsv + the region gazetteer), plus ``extra``'s rows.

    Rows of ``extra`` override built-in ones with the same name or alias.  Cached; a
    changed file (new modification time) is read again.
    """
    if extra is None:
        return _load(None, 0.0)
    path = Path(extra).expanduser()
    try:
        stamp = path.stat().st_mtime
    except OSError as exc:
        raise VocabularyError(str(path), f"cannot read entity vocabulary ({exc})") from exc
    return _load(str(path.resolve()), stamp)


def vocabulary_from_env() -> Vocabulary:
    """The vocabulary the pipeline uses: built-in plus the file named by ``LUODI_ENTITIES``."""
    extra = os.environ.get(ENV_VAR, "").strip()
    return load_vocabulary(Path(extra) if extra else None)


# -- word boundaries -----------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_alnum_ascii(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# Words after which a name may start (and before which a pattern stem is cut): verbs that
# introduce an organisation or a place, and function words.  以上 comes before 以.
_BOUNDARY_WORDS = (
    "支持 鼓励 依托 建设 推动 推进 加快 加强 加大 引导 组建 设立 成立 创建 打造 培育 引进 发挥 联合 "
    "围绕 依靠 借助 利用 组织 实施 完善 提升 共建 筹建 争创 建立 申报 认定 带动 牵头 参与 落户 入驻 "
    "吸引 对接 携手 包括 集聚 聚集 拥有 积极 大力 着力 优化 升级 扩建 新建 启动 开展 探索 谋划 深化 "
    "壮大 扶持 推广 形成 构建 链接 例如 比如 其中 以及 及其 以上 以下 重点 "
    "等 的 了 着 和 或 及 与 并 跟 同 在 于 由 向 对 为 将 把 从 以 让 使 被 给 是 有 到 至 每 各 该 其 这 那 如"
).split()
_BOUNDARY_RE = re.compile("|".join(sorted(_BOUNDARY_WORDS, key=len, reverse=True)))
_BOUNDARY_SET = frozenset(_BOUNDARY_WORDS)


def _word_start(text: str, pos: int) -> bool:
    """Whether a name can start at ``pos``: after non-Chinese text or a boundary word."""
    if pos == 0 or not _is_cjk(text[pos - 1]):
        return True
    return text[max(pos - 2, 0) : pos] in _BOUNDARY_SET or text[pos - 1] in _BOUNDARY_SET


# A place whose last character starts the next word: 深圳市场 is 深圳 + 市场.
_PLACE_TAILS = frozenset("区域 市场 市民 市级 县域 县级 区级 省级 省内 省外 市内 市外 县城".split())


def _vocabulary_mentions(text: str, vocab: Vocabulary) -> list[Mention]:
    out: list[Mention] = []
    terms = vocab.terms
    lengths = vocab.lengths
    careful = vocab.careful
    resume = 0
    for hit in vocab.starts.finditer(text):
        start = hit.start()
        if start < resume:
            continue
        for size in lengths.get(hit.group(1), ()):
            end = start + size
            surface = text[start:end]
            term = terms.get(surface)
            if term is None:
                continue
            if surface in careful:
                if not _fits(text, start, end, term):
                    continue
                if term.type == "place" and text[end - 1 : end + 1] in _PLACE_TAILS:
                    shorter = terms.get(surface[:-1])
                    if shorter is None or shorter.type != "place":
                        continue
                    term, end = shorter, end - 1  # 深圳市场 is 深圳 + 市场
            out.append(Mention(start, end, term.name, term.type))
            resume = end
            break
    return out


def _fits(text: str, start: int, end: int, term: Term) -> bool:
    """Whether the context lets this match stand (5G not inside 15G; ^美的 not in 完美的)."""
    if _is_alnum_ascii(text[start]) and start > 0 and _is_alnum_ascii(text[start - 1]):
        return False
    if _is_alnum_ascii(text[end - 1]) and end < len(text) and _is_alnum_ascii(text[end]):
        return False
    return not term.strict or _word_start(text, start)


# -- suffix patterns -----------------------------------------------------------------------

_SUFFIX_KINDS = {
    **dict.fromkeys(("大学", "学院"), "university"),
    **dict.fromkeys(("研究院", "研究所", "实验室", "研究中心"), "institute"),
    **dict.fromkeys(
        (
            "产业园",
            "科技园",
            "软件园",
            "创新园",
            "高新区",
            "经开区",
            "开发区",
            "新区",
            "合作区",
            "示范区",
            "小镇",
            "科技城",
            "科学城",
        ),
        "park",
    ),
    **dict.fromkeys(("科技有限公司", "股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "银行"), "enterprise"),
}
# A plain alternation (no groups, no look-arounds) lets the regex engine skip ahead fast.
_SUFFIX = re.compile("|".join(sorted(_SUFFIX_KINDS, key=len, reverse=True)))
# What may not follow a suffix: 大学城 and 大学生 are no universities, 银行业 no bank.
_SUFFIX_NOT_BEFORE = {"大学": "城生", "银行": "业保间卡账贷"}

# Stems that open with these are descriptions, not names (一批人工智能产业园, 省级实验室…).
_GENERIC_START = tuple(
    (
        "一 各 多 若干 相关 有关 其他 其它 重点 龙头 骨干 领军 知名 顶尖 头部 标杆 国内 国外 国际 海外 境外 "
        "境内 全球 世界 全国 国家 省级 市级 区级 县级 省内 市内 本地 本市 本省 我市 我省 我区 全市 全省 全区 "
        "人工 智能 智慧 数字 数据 产业 科技 科研 创新 现代 特色 新型 专业 高校 高等 高水平 高端 高新 高层次 "
        "大型 中小 小微 教育 医疗 金融 未来 示范 先进 优势 综合 公共 联合 新一代 专用 工业 服务 社会 平台 "
        "独角兽 优质 上述 下属 子 分 合作 共建 企业 园区 职业 技工 本科 研究 研发 工程 技术 实验 开放 开源 "
        "应用 军民 融合 战略 新兴 该 此 这 那 本 个 家 所 批 项 座 类 种 级 上 下 内 外 区域 城市 农业 "
        "制造 新能源 网络 信息 虚拟 设计 中央 无人 软件 互联网 电子 集成 民营 国有 外资 合资 投资 创业 孵化 双创 众创 省 市 区 县"
    ).split()
)
# Words that mark a category wherever they stand (建设5家以上人工智能联合实验室).
_CATEGORY_MARKERS = (
    "一批 若干 各类 各级 一流 一些 高水平 省级 市级 区级 县级 国家级 以上 相关 有关 多个 多家 这些 "
    "此类 一个 一家 一所 为主 为重点 企业 机构 单位 部门"
).split()
# Words that say nothing about which organisation is meant.
_GENERIC_WORDS = sorted(
    (
        "重点 工程 技术 联合 新型 创新 产业 企业 特色 专业 公共 综合 重大 高新技术 高新 研发 科技 科研 "
        "国家 省 市 区 级 人工智能 智能 数字 开放 协同 共性 关键 核心 基础 应用 示范 前沿 交叉 学科 "
        "工程技术 制造业 技术创新 子 分 总 控股 投资 发展 管理 服务 研究"
    ).split(),
    key=len,
    reverse=True,
)
_GENERIC_RE = re.compile("|".join(_GENERIC_WORDS))
# After which a park may be named without a place in it (、滨海湾新区; 依托X合作区; 建设X科技城).
_PARK_CUTS = frozenset(("", "等", "依托", "建设"))
_QUOTES = frozenset("“‘「『《〈\"'")
_ANCHOR_TYPES = frozenset(("place", "enterprise", "university", "institute", "park"))
_LEGAL_FORMS = ("有限公司", "有限责任公司", "股份有限公司")
_MAX_BACK = 20


def _generic_only(stem: str) -> bool:
    return not _GENERIC_RE.sub("", stem)


def _stem_start(text: str, at: int, covered: Callable[[int, int], bool]) -> tuple[int, str] | None:
    """Where the stem ending at ``at`` starts, and what cut it off: the boundary word,
    ``""`` after punctuation or at the start of the text, ``"“"`` right after a quote mark.

    ``None`` when the stem cannot be delimited: no boundary within reach, or a number or
    Latin letter right before it (10个人工智能产业园).
    """
    a = at
    while a > 0 and at - a < _MAX_BACK and _is_cjk(text[a - 1]):
        a -= 1
    cut: re.Match[str] | None = None
    for m in _BOUNDARY_RE.finditer(text, a, at):
        if not covered(m.start(), m.end()):  # 和 in 和平区 is no boundary
            cut = m
    if cut is not None:
        return cut.end(), cut.group()
    if a == 0:
        return a, ""
    before = text[a - 1]
    if _is_cjk(before) or _is_alnum_ascii(before):
        return None
    return a, "“" if before in _QUOTES else ""


class _Coverage:
    """Which offsets the vocabulary mentions cover, for the pattern stage."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.mentions = mentions
        self.starts = [m.start for m in mentions]
        self.by_start = {m.start: m for m in mentions}

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, end - 1) - 1
        return i >= 0 and self.mentions[i].end > start

    def at(self, start: int) -> Mention | None:
        return self.by_start.get(start)


def _pattern_mentions(text: str, coverage: _Coverage) -> list[Mention]:
    out: list[Mention] = []
    for m in _SUFFIX.finditer(text):
        suffix = m.group()
        kind = _SUFFIX_KINDS[suffix]
        s, e = m.span()
        if e < len(text) and text[e] in _SUFFIX_NOT_BEFORE.get(suffix, ""):
            continue
        if coverage.overlaps(s, e):  # 中山大学, 深汕特别合作区: the vocabulary has it
            continue
        if suffix == "学院" and s > 0 and text[s - 1] == "科":
            kind, s = "institute", s - 1  # X科学院
        if suffix.endswith("园") and text[e : e + 1] == "区":
            continue  # 科技园区, 价值创新园区: a kind of place, not a named one
        found = _stem_start(text, s, coverage.overlaps)
        if found is None:
            continue
        b, cut = found
        mention = _judge(text, kind, b, s, e, cut, coverage)
        if mention is not None:
            out.append(mention)
    return out


def _judge(text: str, kind: str, b: int, s: int, e: int, cut: str, coverage: _Coverage) -> Mention | None:
    """A mention for stem ``text[b:s]`` + suffix ``text[s:e]``, if the stem is a proper name."""
    stem = text[b:s]
    if any(marker in stem for marker in _CATEGORY_MARKERS):
        return None
    anchor = coverage.at(b)
    if anchor is not None and anchor.type in _ANCHOR_TYPES and anchor.end <= s:
        return _judge_anchored(text, kind, anchor, s, e)
    if anchor is not None:
        return None  # 人工智能学院, 大数据研究院: a technology (or a stop phrase) is no name
    if stem.startswith(_GENERIC_START) or _generic_only(stem):
        return None
    quoted = cut == "“"
    if kind == "park":
        shortest, longest = 2, 6
        if cut not in _PARK_CUTS and not quoted:
            return None
    elif kind == "enterprise" and not text[s:e].endswith(_LEGAL_FORMS):
        shortest, longest = 4, 8  # 锦泰保险公司, not 电力公司 or 加盖公司
    else:
        shortest, longest = 3, 8  # 仲恺农业工程学院, not 虚拟实验室
    if quoted:
        shortest = 2  # “穗腾实验室”
    if not shortest <= len(stem) <= longest:
        return None
    return Mention(b, e, text[b:e], kind)


def _judge_anchored(text: str, kind: str, anchor: Mention, s: int, e: int) -> Mention | None:
    """A stem that starts with a known place or organisation: 广州北斗产业园, 腾讯人工智能实验室."""
    rest = text[anchor.end : s]
    if len(rest) > 14:
        return None
    if not rest:
        if kind == "institute":
            return None  # 广东省实验室, 中山大学研究院: too vague
        if kind == "enterprise":
            if text[s:e] == "银行" and anchor.type == "place":
                return Mention(anchor.start, e, text[anchor.start : e], kind)  # 成都银行
            if anchor.type != "enterprise":
                return None  # 深圳公司
            return Mention(anchor.start, e, anchor.name, "enterprise")  # 腾讯公司 is 腾讯
    elif kind == "institute" and (rest.endswith("重点") or (anchor.type == "place" and len(rest) <= 4 and _generic_only(rest))):
        return None  # 广东省重点实验室, 深圳市工程研究中心 (but 腾讯人工智能实验室 is one lab)
    return Mention(anchor.start, e, text[anchor.start : e], kind)


# -- putting it together -------------------------------------------------------------------


def _resolve(vocab_mentions: list[Mention], pattern_mentions: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, the longest winning; ``stop`` phrases dropped at the end."""
    kept = list(vocab_mentions)  # already non-overlapping, leftmost-longest
    for cand in sorted(pattern_mentions, key=lambda m: (m.start - m.end, m.start)):
        clash = [k for k in kept if k.start < cand.end and cand.start < k.end]
        if all(k.end - k.start < cand.end - cand.start for k in clash):
            beaten = set(clash)
            kept = [k for k in kept if k not in beaten]
            kept.append(cand)
    kept.sort(key=lambda m: m.start)
    return [m for m in kept if m.type != STOP]


def find_mentions(text: str, vocab: Vocabulary | None = None) -> list[Mention]:
    """Entity mentions in ``text`` (any script), as offsets into ``text``."""
    vocab = vocab if vocab is not None else vocabulary_from_env()
    simplified = to_simplified(text)
    found = _vocabulary_mentions(simplified, vocab)
    coverage = _Coverage(found)
    return _resolve(found, _pattern_mentions(simplified, coverage))


def _section_finder(sections: Sequence[Section]) -> Callable[[int], str | None]:
    """The id of the smallest section containing a clean offset."""
    ordered = sorted(sections, key=lambda s: (s.start, -s.end))
    starts = [s.start for s in ordered]
    by_id = {s.id: s for s in sections}

    def find(pos: int) -> str | None:
        i = bisect_right(starts, pos) - 1
        sec: Section | None = ordered[i] if i >= 0 else None
        while sec is not None and pos >= max(sec.end, sec.start + 1):
            sec = by_id.get(sec.parent) if sec.parent is not None else None
        if sec is None and i > 0:  # a top-level section ended early: look further back
            for cand in reversed(ordered[:i]):
                if cand.start <= pos < max(cand.end, cand.start + 1):
                    return cand.id
        return sec.id if sec is not None else None

    return find


def extract_entities(doc: Document) -> None:
    """Fill ``doc.entities``: one record per mention, in document order."""
    section_of = _section_finder(doc.sections)
    raw = doc.raw.text
    text = doc.text
    entities: list[dict[str, Any]] = []
    for m in find_mentions(text):
        start, end = doc.source_span(m.start, m.end)
        entities.append(
            {
                "name": m.name,
                "type": m.type,
                "text": text[m.start : m.end],
                "section": section_of(m.start),
                "span": [start, end],
                "quote": raw[start:end],
            }
        )
    doc.entities = entities
