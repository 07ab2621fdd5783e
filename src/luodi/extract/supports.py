"""Support standards (``doc.supports``): what the government gives, and on what condition.

A support is a clause that *gives* (对X给予支持, 给予500万元激励, 按…30%给予补助, 支持符合
条件的X), or a clause that states money or a share for a subsidy without 给予 (一次性奖励
100万元, 单个企业年度激励金额最高不超过2000万元).  Clauses before it in the same sentence
that name who gets it or how it is computed (对…的企业，/ 按照…的50%，/ 年销量5000辆以上的
车型，) belong to it, and so does a cap that follows a share-based support in the same
sentence (…按10%给予激励，单个企业年度激励金额不超过300万元).

Not supports: 加大…支持力度, 支持X做Y (a task), 不重复给予, 要求给予 (someone else's demand),
予以支持 without an amount.

Amounts: 给予500万元 → amount 500; 最高/不超过/上限 500万元 → amount_max 500 (a cap, no fixed
amount); 100-500万元 → 100 / 500.  ``unit`` is the money unit as written (万元).  ``ratio``
is a fraction: 按实际投入的30% → 0.3; a threshold in the condition (低于申报量的80%) is not it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from luodi.document import Document
from luodi.extract.numbers import Quantity
from luodi.extract.targets import (
    CONDITIONAL_SUPPORT_RE,
    GIVE_RE,
    SUPPORT_NOUN,
    Scan,
    Sentence,
    item_span,
    scan,
)
from luodi.text import to_simplified

Clause = tuple[int, int]

# 不重复给予 / 不予: no grant; 要求给予特殊服务: someone else demanding, not the government giving.
_NEGATED = re.compile(r"不(?:再|重复|得|予)?$|不重复|不予|要求|索要|请求|谋取|骗取")
_SUBSIDY = re.compile(r"奖励|补助|补贴|资助|激励|贴息|奖补")
_CAP_WORD = re.compile(r"最高|最多|上限|不超过|不高于|封顶")
_CAP_BEFORE = re.compile(rf"(?:{_CAP_WORD.pattern})为?[^，。；\d]{{0,10}}$")
_COMPARE_BEFORE = re.compile(r"(?:低于|高于|超过|不足|达到|不低于|不少于|不高于|少于|多于|大于|小于|在)[^，。；]{0,12}$")
# 按实际投入的30% / 按不超过总投资20% / 贴息比例不超过LPR的50%: the share paid
_SHARE_OF = re.compile(r"(?:按照?|比例)[^，。；]*$")
_SHARE_NOUN = re.compile(r"的(?:比例|补助|补贴|奖励|资助|支持|贴息|奖补)")  # 给予不超过20%的补助
_ATTACH_START = re.compile(r"^(?:对|按|按照|依据|根据|凡|经|其中对|并对)")
_ENTITY = (
    r"企业|机构|单位|项目|人才|团队|平台|园区|主体|车型|产品|个人|高校|医院|学校|基地|中心|实验室|集群|"
    r"孵化器|联盟|协会|工程|场景|人员|用户"
)
_ENTITY_END = re.compile(rf"(?:{_ENTITY})$")
# 给予新能源商用车整车企业最高1000万元… / 给予保险机构激励: the one given to, named right after 给予.
_GIVE_TO = re.compile(
    rf"(?:给予|给与|予以)(?!一次性|最高)(?P<who>[^，。；\d]{{2,30}}?(?:{_ENTITY}))(?=最高|一次性|不超过|\d|(?:{SUPPORT_NOUN}))"
)
_TO_WHOM = re.compile(r"^(?:其中|并|同时|另|还)?对(?:于)?(?P<who>[^，。；：]{2,60}?)(?=按照|按|给予|给与|予以|视|将|$)")
_SUPPORT_WHOM = re.compile(r"支持(?P<who>(?:符合条件|经认定|新认定|新引进)[^，。；]{0,40})")


@dataclass
class _Item:
    sent: Sentence
    clauses: list[Clause] = field(default_factory=list)
    trigger: Clause | None = None

    @property
    def start(self) -> int:
        return self.clauses[0][0]

    @property
    def end(self) -> int:
        return self.clauses[-1][1]


def _text(sent: Sentence, clause: Clause) -> str:
    return sent.index.simp[clause[0] : clause[1]]


def _money(qs: list[Quantity]) -> list[Quantity]:
    return [q for q in qs if q.is_money]


def _money_or_ratio(sent: Sentence, clause: Clause) -> bool:
    return any(q.is_money or q.unit == "%" for q in sent.quantities_in(*clause))


_FUNDS = re.compile(r"基金|资金|财政|经费|专项|补助|奖励|补贴|贷款|贴息|资助")


def _gives(sent: Sentence, clause: Clause) -> bool:
    """A clause that gives: 给予…支持 / (基金)支持符合条件的… / 予以…(with an amount).
    支持符合条件的企业上市融资 encourages; only money behind it makes it a standard."""
    text = _text(sent, clause)
    m = GIVE_RE.search(text)
    if m and not _NEGATED.search(text[: m.start()][-4:]):
        return True
    if CONDITIONAL_SUPPORT_RE.search(text) and _FUNDS.search(text):
        return True
    at = text.find("予以")
    return at >= 0 and not _NEGATED.search(text[:at][-4:]) and _money_or_ratio(sent, clause)


def _states_standard(sent: Sentence, clause: Clause) -> bool:
    """一次性奖励100万元 / 单个企业年度激励金额最高不超过2000万元: money for a subsidy, no 给予."""
    text = _text(sent, clause)
    if "拨付" in text:
        return False  # 签订任务书后拨付补助资金的50%: how a grant is paid, not another standard
    return _money_or_ratio(sent, clause) and bool(_SUBSIDY.search(text) or _CAP_WORD.search(text))


def _names_who(text: str) -> bool:
    """年销量5000辆以上的车型: a clause that names who gets it, by a condition."""
    return "的" in text and bool(_ENTITY_END.search(text)) and not _ATTACH_START.match(text)


def _attaches(sent: Sentence, clause: Clause) -> bool:
    """对…的企业 / 按照…的50% / 年销量5000辆以上的车型: who gets it, or how it is computed.
    (Money alone does not attach: 安排专项资金不少于5亿元 is a budget, not the standard.)"""
    text = _text(sent, clause).strip()
    return bool(_ATTACH_START.match(text)) or _names_who(text)


def _sentence_items(sent: Sentence) -> list[_Item]:
    items: list[_Item] = []
    pending: list[Clause] = []  # 对…/按…的30%: waiting for the clause that gives
    last: _Item | None = None  # the support a following cap may belong to

    def flush() -> None:
        # 对X，按投资额的30%补助。: no 给予 came, but the waiting clauses state a standard.
        nonlocal last
        if any(_states_standard(sent, c) for c in pending):
            items.append(_Item(sent, list(pending), pending[-1]))
            last = items[-1]
        pending.clear()

    for clause in sent.clauses:
        if _gives(sent, clause):
            items.append(_Item(sent, [*pending, clause], clause))
            pending.clear()
            last = items[-1]
        elif _ATTACH_START.match(_text(sent, clause).strip()):
            pending.append(clause)
        elif _states_standard(sent, clause):
            if last is not None and not pending and _amounts(last) == (None, None):
                last.clauses.append(clause)  # …按10%给予激励，单个企业…不超过300万元: its cap
            else:
                items.append(_Item(sent, [*pending, clause], clause))
                last = items[-1]
            pending.clear()
        elif _attaches(sent, clause):
            pending.append(clause)
        else:
            flush()
    flush()
    return items


def _amounts(item: _Item) -> tuple[Quantity | None, Quantity | None]:
    """(fixed amount, cap), leaving out money that is part of a condition (营收超过1000万元的)."""
    simp = item.sent.index.simp
    fixed: Quantity | None = None
    cap: Quantity | None = None
    for clause in item.clauses:
        for q in _money(item.sent.quantities_in(*clause)):
            if simp[q.end : q.end + 1] == "的" and clause != item.trigger:
                continue
            before = simp[clause[0] : q.start]
            if _CAP_BEFORE.search(before) or q.post in ("以内", "之内"):
                cap = cap or q
            elif fixed is None and (clause == item.trigger or not _ATTACH_START.match(simp[clause[0] : clause[1]])):
                fixed = q
    return fixed, cap


def _ratio(item: _Item) -> float | None:
    """The share paid (按实际投入的30%), not a threshold of the condition (低于申报量的80%)."""
    simp = item.sent.index.simp
    ordered = ([item.trigger] if item.trigger else []) + [c for c in item.clauses if c != item.trigger]
    for clause in ordered:
        for q in item.sent.quantities_in(*clause):
            if q.unit != "%" or (simp[q.end : q.end + 1] == "的" and not _SHARE_NOUN.match(simp, q.end)):
                continue  # 30%的在孵企业: part of a condition (but 按总投资20%的比例: the share)
            before = simp[clause[0] : q.start]
            if _COMPARE_BEFORE.search(before) and not _SHARE_OF.search(before):
                continue
            return round(float(q.value) / 100, 6)
    return None


def _to_whom(item: _Item) -> tuple[int, int] | None:
    """对X按…/对X给予…: the span of X."""
    for clause in item.clauses:
        raw = _text(item.sent, clause)
        m = _TO_WHOM.match(raw.strip())
        if m:
            off = clause[0] + len(raw) - len(raw.lstrip())
            return off + m.start("who"), off + m.end("who")
    return None


def _who(sc: Scan, item: _Item) -> tuple[str | None, str | None]:
    """(beneficiary, condition), in the document's own script."""
    text, body = sc.text, sc.simp[item.start : item.end]
    to_whom = _to_whom(item)
    cond_clause = next((c for c in item.clauses[:-1] if _names_who(_text(item.sent, c).strip())), None)
    give = _GIVE_TO.search(body)
    support = _SUPPORT_WHOM.search(body)
    cond: str | None = None
    if give:
        who = text[item.start + give.start("who") : item.start + give.end("who")]
        cond = text[to_whom[0] : to_whom[1]] if to_whom else None
    elif to_whom:
        who = text[to_whom[0] : to_whom[1]]
    elif support:
        who = text[item.start + support.start("who") : item.start + support.end("who")]
    elif cond_clause:
        phrase = text[cond_clause[0] : cond_clause[1]].strip()
        cut = phrase.rindex("的")
        return phrase[cut + 1 :] or None, phrase[:cut] or None  # 年销量5000辆以上的车型
    else:
        return None, None
    if cond is None and "的" in who:
        cond = who[: who.rindex("的")]  # 符合条件的人工智能高端人才 → 符合条件
    if cond is None and cond_clause:
        phrase = text[cond_clause[0] : cond_clause[1]].strip()
        cond = phrase[: phrase.rindex("的")] or None
    return who.strip() or None, cond


def _record(doc: Document, sc: Scan, item: _Item) -> dict[str, Any]:
    fixed, cap = _amounts(item)
    money = fixed or cap
    post = len(money.post or "") if money else 0
    who, cond = _who(sc, item)
    span, quote = item_span(doc, item.start, item.end)
    sec = sc.section_at(item.start)
    amount_max = fixed.value_max if fixed and fixed.value_max is not None else cap.value if cap else None
    tiers = _tiers(sc, item)
    if fixed is not None and tiers:  # 分别给予奖励100万元、300万元、500万元: the lowest and highest tier
        amount_max = max(amount_max or 0, *tiers)
    return {
        "amount": fixed.value if fixed else None,
        "amount_max": amount_max,
        "unit": sc.text[money.end - post - len(money.unit) : money.end - post] if money else None,
        "ratio": _ratio(item),
        "beneficiary": who,
        "condition": cond,
        "quote": quote,
        "section": sec.id if sec else None,
        "span": span,
    }


def _tiers(sc: Scan, item: _Item) -> list[float]:
    """The amounts of a 分别给予… list of tiers, in one clause."""
    for clause in item.clauses:
        money = [q for q in item.sent.quantities_in(*clause) if q.is_money]
        if len(money) >= 2 and "分别" in sc.simp[item.sent.start : clause[1]]:
            return [float(q.value) for q in money]
    return []


def extract_supports(doc: Document) -> None:
    """Fill ``doc.supports``."""
    sc = scan(doc)
    out: list[dict[str, Any]] = []
    for para in sc.paragraphs:
        if para.base or not para.index.may_support(para.start, para.end):
            continue  # 发展基础 tells what was given in the past
        for sent in para.sentences:
            if sent.support:
                out += [r for r in (_record(doc, sc, item) for item in _sentence_items(sent)) if _standard(r)]
    doc.supports = out


def _standard(record: dict[str, Any]) -> bool:
    """按照“从高不重复”原则给予支持 states how standards combine, not a standard."""
    if any(record[k] is not None for k in ("amount", "amount_max", "ratio", "beneficiary")):
        return True
    return not _PRINCIPLE.search(to_simplified(record["quote"]))


_PRINCIPLE = re.compile(r"原则[^，。；]{0,4}给予")
