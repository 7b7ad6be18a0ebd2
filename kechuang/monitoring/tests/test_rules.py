"""The rule editor: every rule in labelled Chinese fields with defaults and validation; a
saved version is new history with its changes and the enterprises it moves; permissions."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kechuang.conftest import SHARED_WORLD
from kechuang.engines import monitoring as engine
from kechuang.monitoring import rule_versions, services
from kechuang.monitoring.forms import RuleEditor
from kechuang.monitoring.models import FinancialRecord, RDRecord, RuleSet
from kechuang.registry.tests.factories import ScaleRecordFactory

pytestmark = [SHARED_WORLD, pytest.mark.django_db]

WAN = Decimal(10_000)


def editor_data(rules: engine.MonitoringRules | None = None, **changes) -> dict:
    """What the editor posts when an officer changes nothing but what `changes` names
    (form field names with their prefixes, e.g. "tier-0-label")."""
    editor = RuleEditor(rules or engine.MonitoringRules())
    data: dict = {"version": "2026.9", "note": "测试修订", "basis": ""}
    forms = [editor.settings]
    for formset in editor._formsets():
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if bound.html_name in data and form is editor.settings and name in ("version", "note"):
                continue
            if isinstance(value, bool) or name == "DELETE":
                if value:
                    data[bound.html_name] = "on"
                continue
            if value is None:
                continue
            data[bound.html_name] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
    data["effective_from"] = "2020-01-01"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _post(client, data):
    return client.post(reverse("monitoring:ruleset_add"), data)


@pytest.fixture
def county(world):
    for enterprise, (before, after) in (
        (world.nanming_enterprise, (300, 400)),
        (world.qixing_enterprise, (200, 100)),
        (world.own_enterprise, (0, 0)),
    ):
        for year, rd in ((2023, before), (2024, after)):
            RDRecord.objects.create(
                enterprise=enterprise,
                year=year,
                department="statistics",
                rd_expense=Decimal(rd) * WAN,
                rd_staff=10,
            )
            FinancialRecord.objects.create(
                enterprise=enterprise,
                year=year,
                department="statistics",
                revenue=Decimal(5_000) * WAN,
            )
            ScaleRecordFactory(enterprise=enterprise, year=year, is_above_scale=True)
    return world


def test_a_version_that_changes_nothing_is_refused(county, login):
    base = services.current_rule_set()
    response = _post(login(county.staff), editor_data())
    assert response.status_code == 200
    assert (
        f"规则与所依据的版本 {base.version} 完全相同，无需保存新版本。" in response.content.decode()
    )
    assert not RuleSet.objects.filter(version="2026.9").exists()


def test_the_editor_shows_defaults_in_officers_units(county, login):
    page = login(county.staff).get(reverse("monitoring:ruleset_add")).content.decode()
    assert 'name="top_n" value="50"' in page
    assert 'name="intensity_min_revenue" value="2000"' in page  # 万元
    assert 'name="alert_decline_ratio" value="30"' in page  # per cent
    assert "研发强度排名的行业门类" in page and "C 制造业" in page
    assert 'name="class-active-0-value" value="3"' in page  # 研发强度 ≥ 3%
    assert 'name="tier-0-cond-1-value" value="20000"' in page  # 营业收入 ≥ 20,000万元
    assert "JSON" not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"top_n": "0"}, "top_n", "大于或等于1"),
        ({"top_n": "五十"}, "top_n", "整数"),
        ({"decline_min_ratio": "100"}, "decline_min_ratio", "小于或等于99.99"),
        ({"decline_min_ratio": "-1"}, "decline_min_ratio", "大于或等于0"),
        ({"zero_rd_min_years": "0"}, "zero_rd_min_years", "大于或等于1"),
        ({"intensity_min_revenue": "-5"}, "intensity_min_revenue", "大于或等于0"),
        ({"intensity_sections": ["Z"]}, "intensity_sections", "选择一个有效的选项"),
        ({"alert_decline_ratio": ""}, "alert_decline_ratio", "必填"),
        ({"hnte_expiry_days": "-1"}, "hnte_expiry_days", "大于或等于0"),
        ({"version": "有 空格"}, "version", "版本号只能包含"),
        ({"version": "2026.1"}, "version", "该版本号已存在"),
        ({"note": ""}, "note", "必填"),
    ],
)
def test_settings_are_validated_in_chinese(county, login, changes, field, message):
    services.current_rule_set()  # stores 2026.1
    response = _post(login(county.staff), editor_data(**changes))
    assert response.status_code == 200
    editor = response.context["editor"]
    assert message in " ".join(editor.settings.errors[field]), editor.settings.errors
    assert not RuleSet.objects.filter(version="2026.9").exists()


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"class-active-0-value": "很高"}, "class-active-0-value", "应为数字"),
        ({"class-active-1-op": ">"}, "class-active-1-op", "该字段只能用：等于、不等于"),
        ({"class-active-1-value": "也许"}, "class-active-1-value", "应为“是”或“否”"),
        ({"tier-0-cond-0-field": "no_such"}, "tier-0-cond-0-field", "选择一个有效的选项"),
        ({"tier-0-cond-0-value": ""}, "tier-0-cond-0-value", "必填"),
        ({"coverage-0-key": "研发"}, "coverage-0-key", "小写英文字母"),
        ({"coverage-1-min_value": "abc"}, "coverage-1-min_value", "数"),
        ({"tier-0-key": "none"}, "tier-0-key", "系统保留代码"),
        ({"coverage-1-op": ""}, "coverage-1-op", "请选择运算符"),
        ({"coverage-1-min_value": ""}, "coverage-1-min_value", "数值字段请填写阈值"),
        ({"coverage-0-min_value": "5"}, "coverage-0-min_value", "运算符和阈值请留空"),
        ({"class-active-0-group": "-1"}, "class-active-0-group", "大于或等于1"),
        (
            {"class-active-0-op": "in", "class-active-0-value": "3,4"},
            "class-active-0-op",
            "该字段只能用",
        ),
        ({"class-active-0-value": "200"}, "class-active-0-value", "百分比取值应在 0 到 100 之间"),
    ],
)
def test_rows_are_validated_in_chinese(county, login, changes, where, message):
    response = _post(login(county.staff), editor_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[page.find("invalid-feedback") - 500 :][:1500]
    assert 'data-testid="form-errors"' in page
    assert not RuleSet.objects.filter(version="2026.9").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"coverage-1-key": "rd_institution"}, "事项代码重复：rd_institution"),
        (
            {f"coverage-{i}-DELETE": "on" for i in range(5)},
            "至少保留一个全覆盖事项",
        ),
        ({"tier-1-key": "strong"}, "梯队代码重复"),
        (
            {"tier-2-cond-0-DELETE": "on", "tier-2-cond-1-DELETE": "on"},
            "梯队“微成长”至少需要一个条件",
        ),
        ({f"tier-{i}-DELETE": "on" for i in range(3)}, "至少保留一个培育梯队"),
    ],
)
def test_whole_sets_are_validated(county, login, changes, message):
    response = _post(login(county.staff), editor_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_every_kind_of_rule_is_edited_in_fields_and_the_version_shows_the_diff(county, login):
    services.recompute(2024)
    client = login(county.staff)
    data = editor_data(
        **{
            "top_n": "2",
            "decline_min_ratio": "60",
            "zero_rd_above_scale_only": None,
            "intensity_sections": ["C"],
            "intensity_min_revenue": "1000",
            # 主动创新 at 2% instead of 3%
            "class-active-0-value": "2",
            # a new coverage item in the blank row, and 产学研合作 removed
            "coverage-5-key": "new_products",
            "coverage-5-label": "新产品",
            "coverage-5-field": "new_product_sales",
            "coverage-5-op": ">",
            "coverage-5-min_value": "0",
            "coverage-4-DELETE": "on",
            # 高壮大 at 1亿元 instead of 2亿元; a new tier at the bottom
            "tier-0-cond-1-value": "10000",
            "tier-3-ORDER": "4",
            "tier-3-key": "seed",
            "tier-3-label": "种子",
            "tier-3-cond-0-group": "1",
            "tier-3-cond-0-field": "rd_staff",
            "tier-3-cond-0-op": ">=",
            "tier-3-cond-0-value": "1",
        }
    )
    response = _post(client, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = RuleSet.objects.get(version="2026.9")
    rules = engine.MonitoringRules.from_dict(saved.rules)
    assert rules.top_n == 2 and rules.decline_min_ratio == 0.6
    assert rules.zero_rd_above_scale_only is False
    assert rules.intensity_sections == ("C",) and rules.intensity_min_revenue == 10_000_000
    assert rules.classes[0] == engine.active_class(0.02)
    assert [i.key for i in rules.coverage_items] == [
        "rd_institution",
        "rd_expense",
        "rd_staff",
        "invention",
        "new_products",
    ]
    assert rules.coverage_items[-1] == engine.CoverageItem(
        "new_products", "新产品", "new_product_sales", 0, ">"
    )
    assert [t.key for t in rules.tiers] == ["strong", "rising", "micro", "seed"]
    assert rules.tiers[0].conditions.conditions[1].conditions[0] == engine.Condition(
        "revenue", ">=", 100_000_000
    )
    assert rules.tiers[3].conditions == engine.Condition("rd_staff", ">=", 1)
    # Moves, against 2026.1 on 2024's figures: the top list shrinks from 2 to 2 (both
    # with R&D), 七星's 50% fall leaves 负增长, 南明轴承 (zero R&D) stays on 零研发.
    impact = saved.impact
    lists = {row["key"]: row for row in impact["lists"]}
    assert lists["decline"] == {**lists["decline"], "before": 1, "after": 0, "left": 1}
    assert lists["top_spend"]["after"] == 2
    assert impact["moved"] >= 1

    page = client.get(saved.get_absolute_url()).content.decode()
    diff = page[page.index('data-testid="rule-diff"') :]
    for text in (
        '研发强企名单数量（N）</td><td class="text-secondary">50</td><td class="fw-semibold">2',
        '负增长名单下降幅度下限</td><td class="text-secondary">0%</td><td class="fw-semibold">60%',
        "零研发名单仅列规上企业",
        "研发强度排名营业收入下限",
        "分类“主动创新”的条件",
        "五个全覆盖事项“产学研合作”",
        "—（删除）",
        "五个全覆盖事项“新产品”",
        "—（新增）",
        "培育梯队“高壮大”",
        "营业收入 ≥ 10,000 万元",
        "培育梯队“种子”",
    ):
        assert text in diff, text
    moved = page[page.index('data-testid="impact"') :]
    assert (
        '<tr data-list="decline"><td>研发负增长（下降超过60%）</td><td class="text-end">1</td>'
        in moved
    )
    assert "研发2强（按研发投入）" in moved


def test_versions_are_history_and_the_list_reads_them_in_words(county, login):
    client = login(county.staff)
    assert _post(client, editor_data(top_n="30")).status_code == 302
    assert _post(client, editor_data(version="2026.10", top_n="20")).status_code == 302
    assert RuleSet.objects.count() == 3
    assert services.current_rule_set().version == "2026.10"
    first = RuleSet.objects.get(version="2026.9")
    assert engine.MonitoringRules.from_dict(first.rules).top_n == 30  # never edited
    page = client.get(reverse("monitoring:ruleset_list")).content.decode()
    assert "研发强企名单数量（N）</th><td>20" in page
    second = client.get(RuleSet.objects.get(version="2026.10").get_absolute_url())
    assert '30</td><td class="fw-semibold">20' in second.content.decode()


@pytest.mark.parametrize(
    ("persona", "read", "edit"),
    [
        ("admin", 200, 200),
        ("staff", 200, 200),
        ("leader", 200, 403),
        ("town", 403, 403),
        ("enterprise", 403, 403),
        ("university", 403, 403),
        ("outsider", 403, 403),
    ],
)
def test_only_officers_with_the_permission_edit_rules(county, login, persona, read, edit):
    rule_set = services.current_rule_set()
    client = login(getattr(county, persona))
    assert client.get(reverse("monitoring:ruleset_list")).status_code == read
    assert client.get(rule_set.get_absolute_url()).status_code == read
    assert client.get(reverse("monitoring:ruleset_add")).status_code == edit
    response = _post(client, editor_data(top_n="30"))
    assert response.status_code == (302 if edit == 200 else 403)
    assert RuleSet.objects.filter(version="2026.9").exists() == (edit == 200)
    if read == 200:
        page = client.get(rule_set.get_absolute_url()).content.decode()
        assert ("基于本版本新建" in page) == (edit == 200)


def test_conditions_round_trip_through_rows():
    for rule in (*engine.DEFAULT_TIERS, *engine.DEFAULT_CLASSES):
        rows = rule_versions.to_rows(rule.conditions)
        assert rows is not None
        assert rule_versions.from_rows(rows) == rule.conditions
    deep = engine.AnyOf((engine.AllOf((engine.Condition("revenue", ">", 1),)),))
    assert rule_versions.to_rows(deep) is None


def test_old_versions_without_a_stored_impact_are_estimated_on_the_page(county, login):
    services.current_rule_set()
    RuleSet.objects.create(
        version="2026.0b",
        effective_from=datetime.date(2021, 1, 1),
        rules={**engine.MonitoringRules(version="2026.0b").to_dict(), "decline_min_ratio": 0.6},
    )
    page = login(county.staff).get(RuleSet.objects.get(version="2026.0b").get_absolute_url())
    text = page.content.decode()
    assert "现时测算" in text and 'data-testid="moved-count"' in text


def test_a_yes_no_coverage_item_needs_no_threshold(county, login):
    data = editor_data(
        **{
            "coverage-5-key": "hnte",
            "coverage-5-label": "高企",
            "coverage-5-field": "hnte_valid",
        }
    )
    assert _post(login(county.staff), data).status_code == 302
    rules = engine.MonitoringRules.from_dict(RuleSet.objects.get(version="2026.9").rules)
    assert rules.coverage_items[-1] == engine.CoverageItem("hnte", "高企", "hnte_valid", 1, ">=")


def test_a_blank_condition_group_counts_as_group_one(county, login):
    response = _post(
        login(county.staff), editor_data(**{"class-active-0-group": "", "top_n": "30"})
    )
    assert response.status_code == 302
    rules = engine.MonitoringRules.from_dict(RuleSet.objects.get(version="2026.9").rules)
    assert rules.top_n == 30


def test_a_version_is_compared_with_the_one_it_was_edited_from(county, login):
    client = login(county.staff)
    current = services.current_rule_set()
    future = editor_data(version="2027.2", effective_from="2099-06-01", decline_min_ratio="40")
    assert _post(client, future).status_code == 302
    pending = RuleSet.objects.get(version="2027.2")
    assert pending.based_on == current
    # A version for today, saved after the pending one, is warned that the pending one
    # will replace it, and the pending one says which later change it lacks.
    response = client.post(
        reverse("monitoring:ruleset_add"),
        editor_data(version="2027.11", top_n="30"),
        follow=True,
    )
    assert "版本 2027.2 将于2099年6月1日起生效，它不包含本次修改" in response.content.decode()
    page = client.get(pending.get_absolute_url()).content.decode()
    assert (
        f'与所依据的版本 <a href="{current.get_absolute_url()}">{current.version}</a>相比' in page
    )
    assert 'data-testid="overridden"' in page and "2027.11" in page
    # A new version can start from the pending one.
    form = client.get(reverse("monitoring:ruleset_add") + f"?from={pending.pk}")
    assert 'name="decline_min_ratio" value="40' in form.content.decode()
