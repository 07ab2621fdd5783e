"""Highlights: source offsets mapped back to the clean text, marks woven in, everything escaped."""

from __future__ import annotations

import html as htmllib
import re

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from luodi.clean.mapped import MappedText
from luodi.web.highlight import Mark, SourceToClean, anchors, non_overlapping, weave


def test_web_highlight_escapes_text_and_attributes() -> None:
    text = '<b>目标</b>"&'
    out = weave(text, [Mark(3, 5, "target", href='/x?a=1&b="2"', title="<t>")], [])
    assert isinstance(out, Markup)
    assert str(out) == ('&lt;b&gt;<a class="hl hl-target" title="&lt;t&gt;" href="/x?a=1&amp;b=&quot;2&quot;">目标</a>'
                        "&lt;/b&gt;&quot;&amp;")


def test_web_highlight_inner_marks_inside_outer_are_not_links() -> None:
    text = "市科技创新委建设算力平台"
    outer = [Mark(0, 12, "target", href="/item/1")]
    inner = [Mark(0, 6, "unit", href="/unit"), Mark(8, 10, "entity", href="/e")]
    html = str(weave(text, outer, inner))
    assert html.count("<a ") == 1  # links never nest
    assert '<mark class="hl hl-unit">市科技创新委</mark>' in html and '<mark class="hl hl-entity">算力</mark>' in html


def test_web_highlight_overlaps_keep_the_first() -> None:
    marks = [Mark(0, 4, "a"), Mark(2, 6, "b"), Mark(6, 8, "c"), Mark(5, 5, "empty")]
    assert [m.cls for m in non_overlapping(marks)] == ["a", "c"]


def test_web_highlight_offset_and_out_of_range_marks() -> None:
    text = "一二三四"
    html = str(weave(text, [Mark(11, 13, "target")], [Mark(14, 20, "entity")], offset=10))
    assert html == '一<a class="hl hl-target">二三</a>四'.replace("<a", "<mark").replace("</a>", "</mark>")


def test_web_highlight_source_to_clean_through_edits() -> None:
    source = "人工 智能\n产业 规模(rén)突破100亿元"
    mapped = MappedText.identity(source).edit([(2, 3, ""), (8, 9, ""), (11, 16, "")])  # drop spaces and a gloss
    clean = mapped.text
    assert clean == "人工智能\n产业规模突破100亿元"
    inv = SourceToClean(mapped.runs)
    a, b = source.index("突破"), source.index("亿元") + 2
    span = inv.span(a, b)
    assert span is not None and clean[span[0]:span[1]] == "突破100亿元"
    s = inv.span(source.index("产业"), source.index("规模") + 2)
    assert s is not None and clean[s[0]:s[1]] == "产业规模"


@given(st.text(max_size=40), st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=6))
def test_web_highlight_weave_keeps_the_text(text: str, spans: list[tuple[int, int]]) -> None:
    marks = [Mark(min(a, b), max(a, b), "target") for a, b in spans]
    html = str(weave(text, marks, marks[::-1]))
    # Every "<" left is a tag of ours (the text's own are escaped): drop the tags, unescape, get the text back.
    assert htmllib.unescape(re.sub(r"<[^>]*>", "", html)) == text


def test_web_highlight_source_panel_anchors() -> None:
    html = str(anchors("甲<乙>丙", [(1, "src-1"), (0, "src-0")], [Mark(1, 4, "target", anchor="t0")]))
    assert html == ('<span class="src-anchor" id="src-0"></span>甲<span class="src-anchor" id="src-1"></span>'
                    '<mark class="hl hl-target" id="t0">&lt;乙&gt;</mark>丙')
