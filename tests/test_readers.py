"""Readers: every format and encoding built from the sample plans, read back and compared."""

from __future__ import annotations

import hashlib
import io
import random
import re
import zipfile
from pathlib import Path

import pytest

from formats import (
    BREADCRUMB_TEXT,
    FOOTER_TEXT,
    METADATA,
    NAV_TEXT,
    SCRIPT_TEXT,
    SHARE_TEXT,
    encodable,
    make_docx,
    make_encrypted_pdf,
    make_html,
    make_image_pdf,
    make_pdf,
    plan_lines,
    seed_path,
    seed_text,
    split_label,
    table_blocks,
    write_encoded,
)
from luodi.errors import (
    EmptyDocument,
    EncryptedPdf,
    FileTooLarge,
    NoTextLayer,
    ReaderError,
    UndecodableText,
    UnsupportedFormat,
)
from luodi.readers import MisnamedFile, iter_documents, read_path
from luodi.readers.docx import chinese_counting, format_number
from luodi.readers.html import html_to_text
from luodi.readers.markdown import convert_pipe_tables
from luodi.readers.pdf import clean_page
from luodi.readers.text import decode_bytes

SIMPLIFIED = "002"  # 一、/（一）/1． outline, simplified script
TRADITIONAL = "001"  # traditional script (Guangzhou plan)
WITH_TABLE = "003"  # Markdown headings and a tab-separated annex table
SHORT_BIG5 = "廣州市關於推進新一代人工智能產業發展"  # 18 characters
SHORT_GBK = "关于推进人工智能产业发展的通知"


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- plain text and encodings


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_utf8_seed_is_read_verbatim(prefix: str) -> None:
    path = seed_path(prefix)
    raw = read_path(path)
    data = path.read_bytes()
    assert raw.text == data.decode("utf-8").replace("\r\n", "\n")
    assert raw.encoding == "utf-8"
    assert raw.content_hash == hashlib.sha256(data).hexdigest()
    assert raw.size == len(data)
    assert raw.source == str(path)


def test_seed_with_hash_headings_is_markdown() -> None:
    raw = read_path(seed_path(WITH_TABLE))
    assert raw.format == "markdown"
    assert raw.title_hint is not None and raw.title_hint.startswith("中共深圳市委办公厅")
    assert "序号\t应用领域\t场景名称\t责任单位" in raw.text.split("\n")


def test_plain_seed_is_text() -> None:
    assert read_path(seed_path("004")).format == "text"


@pytest.mark.parametrize(
    ("encoding", "recorded"),
    [
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),  # Python writes a little-endian BOM
        ("utf-16-le", "utf-16-le"),  # no BOM: found by where the NULs are
        ("utf-16-be", "utf-16-be"),
        ("utf-32", "utf-32-le"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
    ],
)
def test_simplified_encodings_round_trip(tmp_path: Path, encoding: str, recorded: str) -> None:
    text = encodable(seed_text(SIMPLIFIED), "gbk")
    raw = read_path(write_encoded(text, tmp_path / "plan.txt", encoding))
    assert raw.text == text
    assert raw.encoding == recorded


@pytest.mark.parametrize("encoding", ["big5", "cp950"])
def test_big5_is_not_taken_for_gbk(tmp_path: Path, encoding: str) -> None:
    text = encodable(seed_text(TRADITIONAL), "big5")
    assert len(text) > 5000  # the seed survives the filtering, the test is meaningful
    raw = read_path(write_encoded(text, tmp_path / "plan.txt", encoding))
    assert raw.encoding == "cp950"
    assert raw.text == text


def test_short_big5_is_big5_not_gbk_or_shift_jis() -> None:
    data = SHORT_BIG5.encode("big5")
    assert data.decode("gb18030")  # the trap: these bytes are valid (wrong) GB18030
    decoded = decode_bytes(data, "short.txt")
    assert (decoded.encoding, decoded.text) == ("cp950", SHORT_BIG5)


def test_short_gbk_is_gb18030() -> None:
    decoded = decode_bytes(SHORT_GBK.encode("gbk"), "short.txt")
    assert (decoded.encoding, decoded.text) == ("gb18030", SHORT_GBK)


def test_newlines_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("第一行\r\n第二行\r第三行\n".encode())
    assert read_path(path).text == "第一行\n第二行\n第三行\n"


def test_utf8_cut_mid_character_keeps_utf8(tmp_path: Path) -> None:
    text = seed_text(SIMPLIFIED).rstrip()
    raw = read_path(write_bytes(tmp_path / "cut.txt", text.encode("utf-8")[:-1]))  # last character cut
    assert (raw.encoding, raw.text) == ("utf-8", text[:-1])


def test_one_corrupt_byte_in_utf8_is_marked_not_mojibake() -> None:
    data = bytearray(seed_text(SIMPLIFIED).encode("utf-8"))
    data[5000] = 0xFF
    decoded = decode_bytes(bytes(data), "corrupt.txt")
    assert decoded.encoding == "utf-8"
    assert "\ufffd" in decoded.text
    assert "广东省新一代人工智能发展规划" in decoded.text


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(0x80, 0x100)) * 20,
        "日本語のテキストです。これは人工知能に関する政策文書のサンプルです。".encode("shift_jis"),
        "인공지능 산업 발전 계획을 발표했습니다.".encode("euc-kr"),
        "Café crème brûlée, déjà vu, naïve façade.".encode("cp1252"),
    ],
    ids=["high-bytes", "shift-jis", "euc-kr", "cp1252"],
)
def test_undecodable_bytes_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(UndecodableText, match="undecodable"):
        read_path(write_bytes(tmp_path / "x.txt", data))


def test_utf8_with_many_corrupt_bytes_is_refused() -> None:
    data = bytearray(seed_text(SIMPLIFIED).encode("utf-8"))
    for i in range(1000, 40000, 1000):
        data[i] = 0xFF
    with pytest.raises(UndecodableText):
        decode_bytes(bytes(data), "broken.txt")


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n", "\ufeff \u3000\n".encode(), "\ufeff\n".encode("utf-16")])
def test_empty_files(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptyDocument):
        read_path(write_bytes(tmp_path / "empty.txt", data))


def test_random_binary_is_unsupported(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(8192)
    with pytest.raises(UnsupportedFormat, match="binary"):
        read_path(write_bytes(tmp_path / "blob.txt", data))


def test_png_is_named(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
    with pytest.raises(UnsupportedFormat, match="PNG image"):
        read_path(write_bytes(tmp_path / "scan.png", png))


def test_png_named_pdf_says_it_is_a_png(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    with pytest.raises(UnsupportedFormat, match="PNG image, not a PDF"):
        read_path(write_bytes(tmp_path / "scan.pdf", png))


@pytest.mark.parametrize(("content", "kind"), [("政策文本\n第二行", "plain text"), ("<html><body>网页</body></html>", "HTML")])
def test_text_named_pdf_is_refused_naming_it(tmp_path: Path, content: str, kind: str) -> None:
    with pytest.raises(MisnamedFile, match=f"not a PDF: the file holds {kind}") as err:
        read_path(write_bytes(tmp_path / "plan.pdf", content.encode()))
    assert isinstance(err.value, UnsupportedFormat)


def test_zip_that_is_not_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormat, match="Excel workbook"):
        read_path(write_bytes(tmp_path / "table.docx", buffer.getvalue()))


def test_legacy_doc_is_refused(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    with pytest.raises(UnsupportedFormat, match="legacy Office"):
        read_path(write_bytes(tmp_path / "plan.doc", ole))


def test_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUODI_MAX_FILE_MB", "1")
    path = write_bytes(tmp_path / "big.txt", "文".encode() * 700_000)  # 2.1 MB

    def refuse_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("read_path opened a file it should have refused by size")

    monkeypatch.setattr(Path, "open", refuse_open)
    with pytest.raises(FileTooLarge) as err:
        read_path(path)
    assert (err.value.size, err.value.limit) == (2_100_000, 1_000_000)
    assert "LUODI_MAX_FILE_MB" in str(err.value)


def test_size_limit_lets_smaller_files_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUODI_MAX_FILE_MB", "1")
    assert read_path(write_bytes(tmp_path / "ok.txt", "文".encode() * 300_000)).size == 900_000


def test_missing_file_and_directory_are_reader_errors(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="cannot read"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(ReaderError, match="directory"):
        read_path(tmp_path)


# ---------------------------------------------------------------- directory walk


def test_iter_documents_walks_sorted_supported_visible_files(tmp_path: Path) -> None:
    names = [
        "b.txt", "a.md", "sub/c.html", "sub/d.PDF", "sub/e.docx", "f.text", "g.xhtml", "h.markdown", "i.htm",
        "skip.png", "skip.csv", ".hidden.txt", ".git/config.txt", "sub/.cache/x.md",
    ]  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    explicit = tmp_path / "skip.csv"
    found = list(iter_documents([tmp_path, explicit, tmp_path / "b.txt"]))
    relative = [str(p.relative_to(tmp_path)) for p in found]
    assert relative == [
        "a.md", "b.txt", "f.text", "g.xhtml", "h.markdown", "i.htm",
        "sub/c.html", "sub/d.PDF", "sub/e.docx", "skip.csv",
    ]  # fmt: skip


# ---------------------------------------------------------------- Markdown


def test_pipe_tables_become_tab_rows() -> None:
    text = (
        "# 附件\n\n| 序号 | 名称 \\| 简称 | 单位 |\n|:--|:-:|--|\n| 1 | 人工智能 | 市科技局 |\n| 2 | 算力 |\n\n段落 | 不是表格\n"
    )
    assert convert_pipe_tables(text) == (
        "# 附件\n\n序号\t名称 | 简称\t单位\n1\t人工智能\t市科技局\n2\t算力\t\n\n段落 | 不是表格\n"
    )


def test_pipe_table_in_code_fence_is_left_alone() -> None:
    text = "```\n| a | b |\n|---|---|\n```\n"
    assert convert_pipe_tables(text) == text


def test_markdown_file_by_extension(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "plan.md", "行动方案\n\n| 指标 | 目标 |\n|---|---|\n| 算力 | 10 |\n".encode())
    raw = read_path(path)
    assert raw.format == "markdown"
    assert raw.text.split("\n")[2:4] == ["指标\t目标", "算力\t10"]


# ---------------------------------------------------------------- HTML


@pytest.fixture(scope="module")
def gov_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    text = seed_text(WITH_TABLE)
    path = make_html(text, tmp_path_factory.mktemp("html") / "page.txt")  # HTML saved as .txt
    raw = read_path(path)
    assert raw.format == "html"
    return text, raw.text


def test_html_keeps_the_body_in_order(gov_page: tuple[str, str]) -> None:
    text, got = gov_page
    expected = plan_lines(text)
    lines = plan_lines(got)
    assert lines[-len(expected) :] == expected


def test_html_drops_chrome(gov_page: tuple[str, str]) -> None:
    _, got = gov_page
    for junk in (*NAV_TEXT, BREADCRUMB_TEXT, *FOOTER_TEXT, SCRIPT_TEXT, SHARE_TEXT, "示例市人民政府门户网站"):
        assert junk not in got


def test_html_metadata_block_becomes_key_value_lines(gov_page: tuple[str, str]) -> None:
    _, got = gov_page
    lines = got.split("\n")
    for key, value in METADATA:
        assert f"{key}：{value}" in lines
    assert "标题：示例市人民政府关于印发行动计划的通知" in lines


def test_html_headings_and_table_rows(gov_page: tuple[str, str]) -> None:
    text, got = gov_page
    lines = got.split("\n")
    headings = [line for line in text.split("\n") if line.startswith("#")]
    assert headings and all(h in lines for h in headings)
    table = next(table_blocks(text))
    assert ["\t".join(row) for row in table] == [line for line in lines if "\t" in line]


def test_html_title_hint_and_title_heading(tmp_path: Path) -> None:
    raw = read_path(make_html(seed_text(SIMPLIFIED), tmp_path / "p.html", title="广东省新一代人工智能发展规划"))
    assert raw.title_hint == "广东省新一代人工智能发展规划_政策文件_示例市人民政府门户网站"
    # The page's <h1> sits outside the body container (which has no heading): kept as the title.
    assert "# 广东省新一代人工智能发展规划" in raw.text.split("\n")


def test_gbk_page_is_decoded_by_meta_charset(tmp_path: Path) -> None:
    text = encodable(seed_text("000"), "gbk")
    raw = read_path(make_html(text, tmp_path / "gbk.html", encoding="gbk"))
    assert raw.encoding == "gb18030"
    assert plan_lines(raw.text)[-len(plan_lines(text)) :] == plan_lines(text)


def test_stale_meta_charset_does_not_beat_utf8(tmp_path: Path) -> None:
    page = '<html><head><meta charset="gb2312"></head><body><p>人工智能产业发展</p></body></html>'
    raw = read_path(write_bytes(tmp_path / "p.html", page.encode("utf-8")))
    assert (raw.encoding, raw.text) == ("utf-8", "人工智能产业发展")


def test_big5_page(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="big5"></head><body><p>{SHORT_BIG5}</p></body></html>'
    raw = read_path(write_bytes(tmp_path / "p.htm", page.encode("big5")))
    assert (raw.encoding, raw.text) == ("cp950", SHORT_BIG5)


def test_html_table_spans_fill_the_grid() -> None:
    page = (
        "<html><body><div><p>附件：重点场景清单表格如下所示</p><table>"
        "<tr><th>序号</th><th colspan=2>场景</th></tr>"
        "<tr><td rowspan=2>1</td><td>医疗</td><td>影像<br>诊断</td></tr>"
        "<tr><td>教育</td><td>课堂</td></tr>"
        "</table></div></body></html>"
    )
    text, _ = html_to_text(page)
    assert text.split("\n")[-3:] == ["序号\t场景\t场景", "1\t医疗\t影像诊断", "1\t教育\t课堂"]


def test_html_whitespace_rules() -> None:
    text, _ = html_to_text("<html><body><p>人工\n  智能 AI\nmodel\t产业</p><p>第二段<br>第三行</p></body></html>")
    assert text == "人工智能 AI model 产业\n第二段\n第三行"


def test_one_column_layout_table_is_not_a_data_table() -> None:
    text, _ = html_to_text(
        "<html><body><table><tr><td><p>第一段正文内容</p><p>第二段正文内容</p></td></tr></table></body></html>"
    )
    assert text == "第一段正文内容\n第二段正文内容"


def test_form_wrapping_the_whole_page_is_not_dropped() -> None:
    body = "".join(f"<p>第{i}条 人工智能产业发展的具体措施和保障要求。</p>" for i in range(10))
    text, _ = html_to_text(f"<html><body><form id='aspnetForm'><div class='nav'>首页</div>{body}</form></body></html>")
    assert text.count("\n") == 9 and "首页" not in text


# ---------------------------------------------------------------- DOCX


@pytest.fixture(scope="module")
def numbered_docx(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    text = seed_text(SIMPLIFIED)
    return text, make_docx(text, tmp_path_factory.mktemp("docx") / "plan.docx", title="广东省新一代人工智能发展规划")


def test_docx_numbering_labels_are_rendered(numbered_docx: tuple[str, Path]) -> None:
    text, path = numbered_docx
    raw = read_path(path)
    assert raw.format == "docx"
    assert raw.title_hint == "广东省新一代人工智能发展规划"
    assert plan_lines(raw.text) == plan_lines(text)
    lines = raw.text.split("\n")
    for label in ("一、基础与环境", "（一）发展基础。", "1．总体发展实力稳步增强。", "七、保障措施"):
        assert any(line.startswith(label) for line in lines), label


def test_docx_labels_really_come_from_numbering(numbered_docx: tuple[str, Path]) -> None:
    import docx

    _, path = numbered_docx
    runs_text = [p.text for p in docx.Document(str(path)).paragraphs]
    assert not any(split_label(t) for t in runs_text)  # no label is in the runs themselves
    assert sum(1 for t in runs_text if t.startswith("基础与环境")) == 1


def test_docx_headings_and_tables(tmp_path: Path) -> None:
    text = seed_text(WITH_TABLE)
    raw = read_path(make_docx(text, tmp_path / "plan.docx"))
    lines = raw.text.split("\n")
    assert "## 深圳市加快推动人工智能高质量发展高水平应用行动方案（2023—2024年）" in lines
    assert "### 一、强化智能算力集群供给" in lines
    rows = next(table_blocks(text))
    width = max(len(row) for row in rows)
    expected = ["\t".join(row + [""] * (width - len(row))) for row in rows]
    assert [line for line in lines if "\t" in line] == expected


def test_docx_merged_cells_repeat(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            table.cell(r, c).text = f"{r}{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # gridSpan
    table.cell(1, 2).merge(table.cell(2, 2))  # vMerge
    path = tmp_path / "merged.docx"
    document.save(str(path))
    rows = [line.split("\t") for line in read_path(path).text.split("\n")]
    assert rows[0][0] == rows[0][1] and rows[0][2] == "02"
    assert rows[1][2] == rows[2][2] and rows[2][:2] == ["20", "21"]


def test_damaged_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "not xml")
    with pytest.raises(UnsupportedFormat, match="damaged DOCX"):
        read_path(write_bytes(tmp_path / "broken.docx", buffer.getvalue()))


@pytest.mark.parametrize(
    ("n", "fmt", "label"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCountingThousand", "二十"),
        (105, "chineseCounting", "一百零五"),
        (3, "decimalEnclosedCircle", "③"),
        (21, "decimalEnclosedCircle", "㉑"),
        (3, "decimalFullWidth", "３"),
        (1, "ideographTraditional", "甲"),
        (12, "chineseLegalSimplified", "壹拾贰"),
        (4, "upperRoman", "IV"),
        (27, "lowerLetter", "aa"),
        (7, "unknownFormat", "7"),
    ],
)
def test_number_formats(n: int, fmt: str, label: str) -> None:
    assert format_number(n, fmt) == label


def test_chinese_counting_zeros() -> None:
    assert [chinese_counting(n) for n in (101, 110, 1001, 1010)] == ["一百零一", "一百一十", "一千零一", "一千零一十"]


# ---------------------------------------------------------------- PDF


def test_pdf_text_is_recovered_without_page_numbers(tmp_path: Path) -> None:
    text = seed_text(SIMPLIFIED)
    raw = read_path(make_pdf(text, tmp_path / "plan.pdf", title="广东省新一代人工智能发展规划"))
    assert raw.format == "pdf"
    assert raw.title_hint == "广东省新一代人工智能发展规划"
    assert no_space(raw.text) == no_space(text)  # "- N -" footers gone, nothing else lost
    assert raw.text.count("\n") > text.count("\n")  # wrapped lines stay separate lines


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    with pytest.raises(NoTextLayer, match="no text layer"):
        read_path(make_image_pdf(tmp_path / "scan.pdf"))


def test_encrypted_pdf(tmp_path: Path) -> None:
    with pytest.raises(EncryptedPdf, match="encrypted"):
        read_path(make_encrypted_pdf(tmp_path / "locked.pdf"))


def test_damaged_pdf(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat, match="damaged PDF"):
        read_path(write_bytes(tmp_path / "broken.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4))


def test_pdf_found_by_content_not_extension(tmp_path: Path) -> None:
    path = make_pdf("人工智能产业发展行动计划", tmp_path / "plan.txt")
    assert read_path(path).format == "pdf"


def test_page_numbers_only_dropped_at_page_edges() -> None:
    page = "- 3 -\n第一段\n3\n第二段\n第 3 页 / 共 9 页"
    assert clean_page(page, 3) == "第一段\n3\n第二段"
    assert clean_page("正文\n— 12 —", 12) == "正文"
    assert clean_page("正文\n5", 5) == "正文"
    assert clean_page("正文\n40", 5) == "正文\n40"  # a lone number far from the page number is content


def test_kangxi_radicals_are_folded() -> None:
    assert clean_page("⽅案⼯作\r\n第⼆条", 1) == "方案工作\n第二条"


def test_docx_heading_style_numbering_and_wrapped_runs(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {w} w:abstractNumId="77"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1章"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {w} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))
    # The list is carried by the Heading 1 style, not by the paragraphs (Word outline numbering).
    style = document.styles["Heading 1"].element
    style.get_or_add_pPr().append(parse_xml(f'<w:numPr {w}><w:numId w:val="77"/></w:numPr>'))
    document.add_heading("总则", level=1)
    document.add_paragraph("第一段")
    document.add_heading("附则", level=1)
    body = document.element.body
    # Text inside a content control and a smart tag is running text too.
    body.insert(
        len(body) - 1,
        parse_xml(
            f'<w:sdt {w}><w:sdtContent><w:p><w:smartTag w:element="date"><w:r><w:t>2023年5月31日</w:t></w:r>'
            "</w:smartTag></w:p></w:sdtContent></w:sdt>"
        ),
    )
    path = tmp_path / "styled.docx"
    document.save(str(path))
    assert read_path(path).text.split("\n") == ["# 第一章 总则", "第一段", "# 第二章 附则", "2023年5月31日"]
