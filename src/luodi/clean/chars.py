"""Character classes shared by the cleaner and the extractors."""

from __future__ import annotations

import re

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
# Sentence-final or clause-final marks after which a line break is a real break.
END_PUNCT = "。！？；：…”’」』）】〕》］!?;:)]"
OPENERS = "（〔《「『“‘【［(["
CLOSERS = "）〕》」』”’】］)]"
# Spaces that are layout, never content: ASCII, no-break, ideographic (U+3000), thin…
SPACE = " \u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"

CN_DIGITS = "〇零一二三四五六七八九十百千两"
CN_NUM = f"[{CN_DIGITS}]+"

# Document types, longest first: the first match at the end of a title decides.
DOC_TYPES: tuple[tuple[str, str], ...] = (
    ("行动计划", "行动计划"),
    ("行动方案", "行动方案"),
    ("工作方案", "实施方案"),
    ("实施方案", "实施方案"),
    ("实施意见", "实施意见"),
    ("指导意见", "实施意见"),
    ("若干措施", "若干措施"),
    ("政策措施", "若干措施"),
    ("若干政策", "若干措施"),
    ("实施细则", "细则"),
    ("发展规划", "规划"),
    ("专项规划", "规划"),
    ("规划纲要", "规划"),
    ("管理办法", "办法"),
    ("暂行办法", "办法"),
    ("规划", "规划"),
    ("意见", "实施意见"),
    ("措施", "若干措施"),
    ("办法", "办法"),
    ("条例", "条例"),
    ("细则", "细则"),
    ("方案", "实施方案"),
    ("计划", "行动计划"),
    ("清单", "清单"),
    ("决定", "决定"),
    ("通知", "通知"),
    ("通告", "通知"),
    ("公告", "通知"),
)
DOC_TYPE_WORDS = "|".join(word for word, _ in DOC_TYPES)
