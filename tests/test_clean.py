"""Cleaning passes on text copied out of a PDF (the samples' other noise is covered by the
seed goldens): page furniture goes, wrapped sentences and numbers come back whole, and every
clean offset still points at the source."""

from __future__ import annotations

from luodi.clean import clean_text

PDF_COPY = (
    "安徽省人工智能产业发展规划\n"
    "一、发展基础\n"
    "2020年，全省人工智能产业规模达到760亿\n"
    "元，同比增长24.6%。全省建成国家级创新平台12个，形成一批原\n"
    "\n"
    "— 2 —\n"
    "\n"
    "安徽省人工智能产业发展规划\n"
    "创成果。\n"
    "二、发展目标\n"
    "到2025年，开放测试道路不少于200\n"
    "公里。\n"
    "第3页\n"
    "安徽省人工智能产业发展规划\n"
    "三、重点任务\n"
    "7/20\n"
    "安徽省人工智能产业发展规划\n"
)


def test_page_furniture_goes_and_wraps_are_rejoined() -> None:
    mt = clean_text(PDF_COPY)
    assert mt.text.split("\n") == [
        "安徽省人工智能产业发展规划",  # the title once, not the running header of every page
        "一、发展基础",
        "2020年，全省人工智能产业规模达到760亿元，同比增长24.6%。全省建成国家级创新平台12个，形成一批原创成果。",
        "二、发展目标",
        "到2025年，开放测试道路不少于200公里。",
        "三、重点任务",
    ]
    at = mt.text.index("760亿元")
    start, end = mt.source_span(at, at + 5)
    assert PDF_COPY[start:end] == "760亿\n元"


def test_repeated_lines_that_are_content_stay() -> None:
    text = "（责任单位：市经信局）\n" * 3 + "专栏\n" * 3
    assert clean_text(text).text.count("责任单位") == 3
