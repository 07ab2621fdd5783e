"""Heading lines, one at a time (the whole outlines are checked against the seed goldens)."""

from __future__ import annotations

import pytest

from luodi.extract.outline import match_heading


@pytest.mark.parametrize(
    ("line", "label", "heading"),
    [
        ("（四）加强科技研发攻关。聚焦核心技术，开展联合攻关。", "（四）", "加强科技研发攻关"),
        ("一、发展目标", "一、", "发展目标"),
        # a measure titles its articles …
        ("第二条　支持通用大模型研发。支持本市企业开展关键技术攻关。", "第二条", "支持通用大模型研发"),
        ("第一条 发展基础和目标。上海是我国人工智能发展的重要策源地。", "第一条", "发展基础和目标"),
        # … a regulation does not
        ("第一条 为了规范人工智能生成合成内容标识，制定本办法。", "第一条", None),
        ("第三条 国家鼓励发展人工智能产业。县级以上人民政府应当加强统筹。", "第三条", None),
        ("第三十条 本办法自2025年9月1日起施行。", "第三十条", None),
        # a one-sentence article whose units follow keeps its sentence as text
        ("第四条 鼓励高校设立人工智能学院。（牵头单位：省教育厅）", "第四条", None),
    ],
)
def test_headings(line: str, label: str, heading: str | None) -> None:
    found = match_heading(line)
    assert found is not None and (found.label, found.heading) == (label, heading)
