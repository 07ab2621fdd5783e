"""Page layout: take the site chrome out and read the page's metadata block.

Government pages wrap a document in navigation, breadcrumbs, share buttons and
footers, and many carry a block of ``索引号：…`` / ``发文字号：…`` fields.  The fields
are read into ``meta.fields``; both they and the chrome leave the clean text (they stay
in the source text), so sections hold the document's own words only.
"""

from __future__ import annotations

import re

from luodi.clean.chars import DOC_TYPE_WORDS
from luodi.clean.mapped import Edit
from luodi.document import Document
from luodi.extract.lines import Line, split_lines

# Metadata keys as pages print them (spaces and U+3000 removed before matching).
FIELD_KEYS = {
    "索引号": "index_no",
    "信息索引号": "index_no",
    "信息分类": "category",
    "分类": "category",
    "主题分类": "category",
    "主题": "category",
    "主题词": "keywords",
    "关键词": "keywords",
    "关键字": "keywords",
    "公文种类": "genre",
    "体裁分类": "genre",
    "组配分类": "category",
    "发布机构": "publisher",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "发布单位": "publisher",
    "信息名称": "title",
    "名称": "title",
    "标题": "title",
    "文件名称": "title",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "文件编号": "doc_number",
    "成文日期": "signed",
    "发文日期": "issued",
    "印发日期": "issued",
    "发布日期": "published",
    "公开日期": "published",
    "发布时间": "published",
    "生效日期": "effective",
    "实施日期": "effective",
    "废止日期": "expires",
    "有效性": "validity",
    "时效": "validity",
    "效力状态": "validity",
    "来源": "source",
    "信息来源": "source",
}
_KEY_ALT = "|".join(sorted(FIELD_KEYS, key=len, reverse=True))
_FIELD_LINE = re.compile(rf"^({_KEY_ALT})：(.*)$")

# Whole lines that are site furniture.
_CHROME_LINES = set(
    """首页 简体 繁体 繁體 无障碍 长者模式 关怀版 设为首页 加入收藏 手机版 搜索 搜 索 > | 当前位置： 当前位置
    【打印】 【纠错】 打印 纠错 【字体：大中小】 字号： 大 中 小 分享到： 分享 便民日历 智能问答 个人中心 网站支持ipv6
    下载文字版 下载图片版 政策解读 部门解读 媒体视角 一图读懂 解读发布 正文 政务公开 政策法规 委局文件 其他文件 政策
    新闻中心 政府信息公开 政务服务 互动交流 专题专栏 数据发布 时政要闻 网信政务 互动服务 热点专题 首 页 党建工作 发改工作
    登录 注册 English 无障碍浏览 网站地图 微信 微博 RSS ◆""".split()
)
_CHROME_RE = re.compile(
    r"^(?:.{0,60}(?:政策解读|政策问答|图文解读|一图读懂|解读)$|一图读懂.*|.*星期[一二三四五六日天]$"
    r"|\d{4}年\d{1,2}月\d{1,2}日\d{1,2}:\d{2}(?::\d{2})?|(?:[【\[]\s*[^】\]]{1,6}\s*[】\]]\s*)+|[>|｜/·•◆]+"
    r"|【[^】]{6,}】\s*[-—_].{2,30}|目录|.*(?:\.{4,}|…{2,}|·{4,}).*|.*-\s*\d{1,3}\s*-)$"
)
# The first of these after the body has begun starts the page footer.
_FOOTER_RE = re.compile(
    r"^(?:【?返回顶部】?|【?关闭窗口】?|【?打印本页】?|关闭|回到顶部?|扫一扫.*|友情链接.*|相关链接.*|相关文件.*|相关阅读.*"
    r"|上一篇.*|下一篇.*|.*版权所有.*|.*ICP备.*|网站标识码.*|主办单位.*|承办单位.*|分享到.*|点击下载此文件"
    r"|版权声明|联系我们|网站声明|网站地图|关于我们|排行榜|打印本页|收藏|纠错)$"
)
_PAGE_TITLE = re.compile(r"^(.+?)_[^_]{2,30}(?:_[^_]{2,30})*$")
_TITLE_LIKE = re.compile(rf"(?:关于.*|^.{{2,60}})(?:{DOC_TYPE_WORDS})(?:（[^）]*）)?(?:（[^）]*〔\d{{4}}〕\d+号）)?$")
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff（）]{2,30}(?:政府|委员会|办公厅|办公室|局|厅|委|部|署|院|办|总局|中心|公司|银行)$")


def _drop(line: Line, text_len: int) -> Edit:
    """Delete a whole line including its newline."""
    return (line.start, min(line.end + 1, text_len), "")


def is_title_like(line: str) -> bool:
    return 6 <= len(line) <= 120 and bool(_TITLE_LIKE.search(line)) and "。" not in line and "，" not in line


def read_fields(lines: list[Line], fields: dict[str, str]) -> set[int]:
    """Parse ``key：value`` metadata lines (the value may sit on the next line)."""
    used: set[int] = set()
    for i, line in enumerate(lines):
        m = _FIELD_LINE.match(line.text)
        if not m or i in used:
            continue
        key, value = m.group(1), m.group(2).strip()
        used.add(i)
        if not value and i + 1 < len(lines):
            nxt = lines[i + 1].text
            if nxt and not _FIELD_LINE.match(nxt) and len(nxt) <= 80 and not nxt.endswith("：") and "。" not in nxt:
                value = nxt
                used.add(i + 1)
        if value and key not in fields:
            fields[key] = value
    return used


def _in_header(lines: list[Line], used: set[int]) -> int:
    """Index of the first line of real content; lines before it may be chrome."""
    for i, line in enumerate(lines[:150]):
        t = line.text
        if i in used or _FIELD_LINE.match(t):
            return i
        if _PAGE_TITLE.match(t) and is_title_like(_PAGE_TITLE.match(t).group(1)):  # type: ignore[union-attr]
            continue
        if is_title_like(t) and not _CHROME_RE.match(t):
            # Issuers of a joint document are listed one per line right above its title.
            while i > 0 and _ORG_LINE.match(lines[i - 1].text):
                i -= 1
            return i
    return 0


def _is_chrome(line: str) -> bool:
    return line in _CHROME_LINES or bool(_CHROME_RE.match(line))


def _is_nav(line: str) -> bool:
    """A short line that is neither a signature, a date, nor an addressee."""
    return _is_chrome(line) or (
        len(line) <= 40 and not _ORG_LINE.match(line) and not re.search(r"\d{4}年", line) and not line.endswith("：")
    )


def strip_layout(doc: Document) -> None:
    """Read metadata fields, then cut chrome, fields and footer from the clean text."""
    text = doc.text
    lines = split_lines(text)
    fields: dict[str, str] = {}
    used = read_fields(lines, fields)
    first = _in_header(lines, used)
    drop: set[int] = set(used)
    # Short lines above the title are navigation only on a page that shows other chrome.
    chrome_above = sum(1 for line in lines[:first] if _is_chrome(line.text)) >= 2
    for i, line in enumerate(lines):
        t = line.text
        if i < first and (_PAGE_TITLE.match(t) or (chrome_above and _is_nav(t))):
            drop.add(i)
        elif _is_chrome(t):
            drop.add(i)
        elif i > first + 3 and _FOOTER_RE.match(t) and i > len(lines) // 3:
            drop.update(range(i, len(lines)))
            break
    if fields:
        doc.meta.fields.update(fields)
    edits = [_drop(lines[i], len(text)) for i in sorted(drop)]
    doc.mapped = doc.mapped.edit(edits)
    # Dropping the last line can leave a dangling newline.
    if doc.text.endswith("\n"):
        doc.mapped = doc.mapped.edit([(len(doc.text) - 1, len(doc.text), "")])
