"""The side menu: one list, each entry shown only to users holding its permission."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from kechuang.core.notifications import unread


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str
    permission: str | None = None


@dataclass(frozen=True)
class MenuGroup:
    label: str
    items: tuple[MenuItem, ...]


MENU = (
    MenuGroup("概览", (MenuItem("首页", "home", "house"),)),
    MenuGroup(
        "创新主体库",
        (
            MenuItem("企业", "registry:enterprise_list", "building", "registry.view_enterprise"),
            MenuItem(
                "企业资质", "registry:qualification_list", "award", "registry.view_qualification"
            ),
            MenuItem(
                "高校院所及平台",
                "registry:institution_list",
                "bank",
                "registry.view_institution",
            ),
            MenuItem("人员", "registry:person_list", "people", "registry.view_person"),
            MenuItem(
                "产业链", "registry:industrychain_list", "diagram-3", "registry.view_industrychain"
            ),
            MenuItem("导入", "registry:import", "upload", "registry.import_enterprise"),
        ),
    ),
    MenuGroup(
        "研发监测与培育",
        (
            MenuItem(
                "监测总览", "monitoring:overview", "graph-up", "monitoring.view_snapshotentry"
            ),
            MenuItem(
                "监测名单",
                "monitoring:snapshotentry_list",
                "list-ol",
                "monitoring.view_snapshotentry",
            ),
            MenuItem("预警", "monitoring:alert_list", "bell", "monitoring.view_alert"),
            MenuItem(
                "重点培育库", "monitoring:poolentry_list", "star", "monitoring.view_poolentry"
            ),
            MenuItem(
                "走访服务",
                "monitoring:servicevisit_list",
                "chat-dots",
                "monitoring.view_servicevisit",
            ),
            MenuItem(
                "数据导入", "monitoring:batch_list", "cloud-upload", "monitoring.view_importbatch"
            ),
            MenuItem("监测规则", "monitoring:ruleset_list", "sliders", "monitoring.view_ruleset"),
        ),
    ),
    MenuGroup(
        "认定测评与惠企政策",
        (
            MenuItem("我的创新画像", "assessment:me", "person-vcard", "assessment.add_figureflag"),
            MenuItem(
                "测评总览",
                "assessment:overview",
                "clipboard-check",
                "assessment.view_assessmentresult",
            ),
            MenuItem(
                "测评结果",
                "assessment:assessmentresult_list",
                "list-check",
                "assessment.view_assessmentresult",
            ),
            MenuItem("惠企政策", "assessment:policy_list", "cash-coin", "assessment.view_policy"),
            MenuItem(
                "企业创新积分",
                "assessment:pointsresult_list",
                "trophy",
                "assessment.view_pointsresult",
            ),
            MenuItem(
                "数据异议", "assessment:figureflag_list", "flag", "assessment.handle_figureflag"
            ),
            MenuItem(
                "体检报告批量生成",
                "assessment:report_batch",
                "file-earmark-pdf",
                "assessment.export_assessmentresult",
            ),
            MenuItem(
                "知识产权",
                "assessment:intellectualproperty_list",
                "lightbulb",
                "assessment.view_intellectualproperty",
            ),
        ),
    ),
    MenuGroup(
        "区域指标与创新指数",
        (
            MenuItem(
                "创新指数与对标",
                "indicators:overview",
                "bar-chart-line",
                "indicators.view_indicatorvalue",
            ),
            MenuItem("乡镇街道", "indicators:towns", "geo-alt", "indicators.view_indicatorvalue"),
            MenuItem(
                "指标数值",
                "indicators:indicatorvalue_list",
                "table",
                "indicators.view_indicatorvalue",
            ),
            MenuItem("目标", "indicators:target_list", "bullseye", "indicators.view_target"),
            MenuItem(
                "指标目录与框架",
                "indicators:catalog",
                "journal-bookmark",
                "indicators.view_indicatorvalue",
            ),
            MenuItem(
                "模拟测算", "indicators:simulate", "sliders2", "indicators.view_indicatorvalue"
            ),
        ),
    ),
    MenuGroup(
        "技术市场",
        (
            MenuItem("市场总览", "techmarket:overview", "funnel", "techmarket.view_match"),
            MenuItem(
                "科技成果", "techmarket:techresult_list", "lightbulb", "techmarket.view_techresult"
            ),
            MenuItem(
                "技术需求",
                "techmarket:techdemand_list",
                "question-circle",
                "techmarket.view_techdemand",
            ),
            MenuItem(
                "专家库",
                "techmarket:expertprofile_list",
                "mortarboard",
                "techmarket.view_expertprofile",
            ),
            MenuItem(
                "对接跟踪", "techmarket:match_list", "arrow-left-right", "techmarket.view_match"
            ),
            MenuItem(
                "产学研金对接会",
                "techmarket:matchmakingevent_list",
                "people",
                "techmarket.view_matchmakingevent",
            ),
        ),
    ),
    MenuGroup(
        "系统管理",
        (
            MenuItem(
                "组织", "accounts:organisation_list", "diagram-2", "accounts.view_organisation"
            ),
            MenuItem("用户", "accounts:user_list", "person-badge", "accounts.view_user"),
            MenuItem(
                "操作日志", "accounts:operationlog_list", "journal-text", "core.view_operationlog"
            ),
            MenuItem(
                "登录日志", "accounts:loginlog_list", "box-arrow-in-right", "core.view_loginlog"
            ),
        ),
    ),
)


def navigation(request):
    """The menu for this user; the entry whose address is the longest prefix of the page's
    address is the active one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = []
    for group in MENU:
        items = [
            {"label": i.label, "url": reverse(i.url_name), "icon": i.icon, "active": False}
            for i in group.items
            if i.permission is None or user.has_perm(i.permission)
        ]
        if items:
            groups.append({"label": group.label, "items": items})
    matches = [
        item
        for group in groups
        for item in group["items"]
        if request.path == item["url"]
        or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"menu": groups, "unread_notifications": SimpleLazyObject(lambda: unread(user))}
