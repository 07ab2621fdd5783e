"""Classification metadata: region and level, plan period, script, document type."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from luodi.clean.chars import CJK_RE, DOC_TYPES
from luodi.document import Document, Period
from luodi.text import to_simplified

_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年?\s*[－—\-–~～至到]+\s*((?:19|20)\d{2})\s*年")
_NATIONAL = re.compile(
    r"^(?:国务院|中共中央|全国|国家|中华人民共和国|最高人民|中央|"
    r"(?:工业和信息化|公安|民政|财政|商务|教育|科学技术|司法|交通运输|农业农村|自然资源|生态环境|住房和城乡建设|"
    r"水利|文化和旅游|人力资源社会保障|人力资源和社会保障|应急管理|外交|国防)部)"
)
_PLACE = re.compile(r"^(?:中共)?([\u4e00-\u9fff]{2,8}?)(省|自治区|特别行政区|市|自治州|地区|盟|区|县)")


@dataclass(frozen=True)
class Place:
    name: str
    level: str  # province | city | district
    province: str
    city: str | None


@cache
def gazetteer() -> dict[str, Place]:
    """Full names and aliases of provinces, cities and some districts → Place."""
    places: dict[str, Place] = {}
    try:
        data = resources.files("luodi").joinpath("data/regions.tsv").read_text("utf-8")
    except FileNotFoundError:
        return places
    for row in csv.DictReader((line for line in data.splitlines() if not line.startswith("#")), delimiter="\t"):
        aliases = [a for a in (row.get("aliases") or "").split("|") if a]
        city = next((a[5:] for a in aliases if a.startswith("city:")), None)
        place = Place(row["name"], row["level"], row["province"], city)
        places.setdefault(row["name"], place)
        for alias in aliases:
            if not alias.startswith("city:") and len(alias) >= 2:
                places.setdefault(alias, place)
    return places


def find_place(name: str) -> Place | None:
    """The most specific known place an issuer or title starts with."""
    name = to_simplified(name).removeprefix("中共")
    places = gazetteer()
    best: Place | None = None
    for size in range(min(len(name), 12), 1, -1):
        hit = places.get(name[:size])
        if hit:
            best = hit
            break
    if best and best.level != "district":
        # "深圳市南山区…": a district inside the city.
        rest = name[len(best.name) :] if name.startswith(best.name) else ""
        for size in range(min(len(rest), 8), 1, -1):
            sub = places.get(rest[:size])
            if sub and sub.level == "district" and sub.province == best.province:
                return sub
    if best:
        return best
    m = _PLACE.match(name)
    if m:
        suffix = m.group(2)
        level = {"省": "province", "自治区": "province", "特别行政区": "province"}.get(suffix, "city")
        if suffix in ("区", "县"):
            level = "district"
        full = m.group(1) + suffix
        return Place(full, level, full if level == "province" else "", None)
    return None


_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def classify_region(doc: Document) -> None:
    meta = doc.meta
    candidates = [*meta.issuers, meta.notice_title or "", meta.title or ""]
    candidates += [v for k, v in meta.fields.items() if k in ("发布机构", "发文机关")]
    for name in candidates:
        if not name:
            continue
        if _NATIONAL.match(to_simplified(name)):
            meta.region, meta.level, meta.province = "全国", "national", None
            return
        place = find_place(name)
        if place:
            meta.region = place.name
            if place.level == "district":  # 深圳市南山区; a municipality's district: 北京市海淀区
                meta.region = (place.city or (place.province if place.province in _MUNICIPALITIES else "")) + place.name
            meta.level = place.level
            meta.province = place.province or None
            return


# A five-year plan named by its number (“十四五”规划): 十四五 is 2021—2025.
_FIVE_YEAR_PLAN = re.compile(r"十([一二三四五六七八九])五(?=[”’\"」]?[^，。（(]{0,20}规划)")
_ORDINALS = "一二三四五六七八九"


def classify_period(doc: Document) -> None:
    # Only a title states the plan's period; years in the body are goals or history.
    for text in (doc.meta.title, doc.meta.notice_title):
        if not text:
            continue
        m = _PERIOD.search(text)
        if m:
            start, end = int(m.group(1)), int(m.group(2))
            if start <= end <= start + 30:
                doc.meta.period = Period(start, end)
                return
    for text in (doc.meta.title, doc.meta.notice_title):
        five = _FIVE_YEAR_PLAN.search(to_simplified(text or ""))
        if five:  # 十一五 is 2006—2010, 十四五 2021—2025
            start = 2006 + 5 * _ORDINALS.index(five.group(1))
            doc.meta.period = Period(start, start + 4)
            return


def classify_script(doc: Document) -> None:
    """hant when a noticeable share of the Chinese characters change under t2s."""
    text, simplified = doc.text[:6000], doc.simplified[:6000]
    if text == simplified:
        doc.meta.script = "hans"
        return
    cjk = len(CJK_RE.findall(text)) or 1
    changed = sum(1 for a, b in zip(text, simplified, strict=False) if a != b)
    doc.meta.script = "hant" if changed / cjk > 0.03 else "hans"


def classify_doc_type(doc: Document) -> None:
    for title in (doc.meta.title, doc.meta.notice_title):
        if not title:
            continue
        bare = re.sub(r"（[^）]*）$", "", to_simplified(title)).strip()
        for word, kind in DOC_TYPES:
            if bare.endswith(word):
                doc.meta.doc_type = kind
                return


def classify(doc: Document) -> None:
    classify_region(doc)
    classify_period(doc)
    classify_script(doc)
    classify_doc_type(doc)
