"""Scenario lists in shapes the samples don't have (the samples' lists are in the goldens)."""

from __future__ import annotations

from luodi.document import RawDocument
from luodi.parse import parse_raw

LIST = (
    "西安市人工智能应用场景建设方案\n附件\n人工智能应用场景清单\n"
    "序号\t类别\t应用场景\t牵头单位\t配合单位\n"
    "1\t智慧交通\t城市交通信号智能优化\t市公安局交警支队\t市交通局\n"
    "2\t\t公交智能调度\t市交通局\t\n"  # the domain cell was merged with the row above
    "3\t智慧医疗\t医学影像辅助诊断\t市卫健委\t有关区（县）政府、市医保局等\n"
)


def test_merged_domain_cells_and_assisting_units() -> None:
    doc = parse_raw(RawDocument("xian.txt", "text", LIST, "0"))
    assert [(s["seq"], s["domain"], s["name"], s["units"]) for s in doc.scenarios] == [
        (1, "智慧交通", "城市交通信号智能优化", ["市公安局交警支队", "市交通局"]),
        (2, "智慧交通", "公交智能调度", ["市交通局"]),
        (3, "智慧医疗", "医学影像辅助诊断", ["市卫健委", "有关区（县）政府", "市医保局"]),
    ]
