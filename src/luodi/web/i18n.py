"""UI labels: Chinese first, English when the visitor picks it (``?lang=en`` or the lang cookie).

Labels only: document text is never translated.  A missing English label falls back to
the Chinese one, so adding a label is one line here.
"""

from __future__ import annotations

LANGS = ("zh", "en")
LANG_COOKIE = "luodi_lang"

LABELS: dict[str, tuple[str, str]] = {
    "app": ("落地 · 政策规划数据平台", "luodi · policy plans"),
    "plans": ("规划文件", "Plans"),
    "targets": ("目标指标", "Targets"),
    "compare": ("比较分析", "Compare"),
    "compare_coverage": ("主题覆盖比较", "Topic coverage"),
    "compare_instruments": ("政策工具比较", "Policy instruments"),
    "compare_units": ("责任单位比较", "Responsible units"),
    "compare_reuse": ("文本复用比较", "Text reuse"),
    "tracking": ("落实跟踪", "Tracking"),
    "scenarios": ("应用场景清单", "Scenario catalog"),
    "search": ("搜索", "Search"),
    "users": ("用户管理", "Users"),
    "audit": ("操作日志", "Audit log"),
    "api": ("接口文档", "API"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "account": ("我的账户", "My account"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "new_password": ("新密码", "New password"),
    "current_password": ("当前密码", "Current password"),
    "role": ("角色", "Role"),
    "unit": ("单位", "Unit"),
    "disabled": ("已停用", "Disabled"),
    "save": ("保存", "Save"),
    "add": ("添加", "Add"),
    "filter": ("筛选", "Filter"),
    "clear": ("清除筛选", "Clear filters"),
    "download": ("下载", "Download"),
    "title": ("标题", "Title"),
    "issuer": ("发文机关", "Issuer"),
    "region": ("地区", "Region"),
    "level": ("层级", "Level"),
    "year": ("年份", "Year"),
    "doc_type": ("文件类型", "Type"),
    "doc_number": ("文号", "Number"),
    "issued": ("成文日期", "Issued"),
    "published": ("发布日期", "Published"),
    "period": ("规划期", "Period"),
    "index_no": ("索引号", "Index no."),
    "source": ("来源", "Source"),
    "sections": ("章节", "Sections"),
    "outline": ("目录", "Outline"),
    "original": ("原文", "Original text"),
    "metadata": ("基本信息", "Metadata"),
    "lead_units": ("牵头单位", "Lead units"),
    "resp_units": ("责任单位", "Responsible units"),
    "milestones": ("时间节点", "Milestones"),
    "entities": ("实体", "Entities"),
    "tables": ("表格", "Tables"),
    "metric": ("指标", "Metric"),
    "value": ("数值", "Value"),
    "kind": ("类别", "Kind"),
    "quote": ("原文摘录", "Quote"),
    "plan": ("规划", "Plan"),
    "domain": ("领域", "Domain"),
    "name": ("名称", "Name"),
    "seq": ("序号", "No."),
    "results": ("条结果", "results"),
    "page": ("页", "page"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "all": ("全部", "All"),
    "none": ("无", "none"),
    "search_placeholder": ("搜索标题、文号、发文机关…", "Search title, number, issuer…"),
    "search_all_placeholder": ("搜索全部规划原文…", "Search all plan texts…"),
    "chart": ("对比图", "Chart"),
    "table": ("数据表", "Table"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "lang_switch": ("English", "中文"),
    "error": ("出错了", "Error"),
    "back_home": ("返回首页", "Back to the start"),
    "created": ("创建时间", "Created"),
    "at": ("时间", "When"),
    "actor": ("操作人", "Who"),
    "action": ("操作", "Action"),
    "target_obj": ("对象", "Target"),
    "before": ("修改前", "Before"),
    "after": ("修改后", "After"),
    "status": ("状态", "Status"),
    "item": ("事项", "Item"),
    "baseline": ("基数", "Baseline"),
    "target": ("目标", "Target"),
    "task": ("任务", "Task"),
    "milestone": ("节点", "Milestone"),
    "no_data": ("暂无数据", "No data"),
    "view_in_original": ("看原文", "In the original"),
    "count": ("数量", "Count"),
    "units_col": ("责任单位", "Units"),
}

LEVEL_LABELS = {"national": "国家级", "province": "省级", "city": "市级", "district": "区县级"}
LEVEL_LABELS_EN = {"national": "National", "province": "Province", "city": "City", "district": "District"}


def pick_lang(query: str | None, cookie: str | None) -> str:
    for value in (query, cookie):
        if value in LANGS:
            return value
    return "zh"  # Chinese UI by default, whatever the browser asks for


def translate(key: str, lang: str) -> str:
    zh, en = LABELS.get(key, (key, key))
    return en if lang == "en" and en else zh


def level_label(level: str | None, lang: str) -> str:
    if level is None:
        return "—"
    table = LEVEL_LABELS_EN if lang == "en" else LEVEL_LABELS
    return table.get(level, level)
