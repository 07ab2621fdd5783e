"""The simplified view that matching and search go through."""

from __future__ import annotations

import pytest

from luodi.text import to_simplified


@pytest.mark.parametrize(
    ("text", "simplified"),
    [
        ("產業發展規模突破300億元", "产业发展规模突破300亿元"),  # traditional → simplified
        ("智能问答覆盖政务服务事项", "智能问答覆盖政务服务事项"),  # not 问答复盖: 答覆 is OpenCC's phrase, 覆 is simplified
        ("頭髮", "头发"),
        ("人工智能", "人工智能"),
    ],
)
def test_simplified_view(text: str, simplified: str) -> None:
    assert to_simplified(text) == simplified
    assert len(to_simplified(text)) == len(text)  # offsets in the view are offsets in the text
