"""The charts read at desktop (1440 px) and phone (390 px) widths, checked from ECharts itself.

For every chart on the pages that have them, at both widths: each text the chart draws lies
inside its canvas (no clipped axis unit) and whole (no label cut to "…"), no two texts
overlap, the legend (page text beside the chart) stays off the plot, every value axis names
its unit, every series fills a good part of its own axis (R&D spending is not drawn on the
revenue axis), and a chart has at least two bars or slices. Pages are screenshotted to
test-artifacts/ and checked with axe-core at each width.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kechuang.conftest import ARTIFACTS, BROWSER_MARKS, assert_accessible, log_in
from kechuang.demo.profiles import LAST_YEAR
from kechuang.monitoring.models import FinancialRecord, RDRecord

pytestmark = BROWSER_MARKS

WIDTHS = (1440, 390)
# A series whose largest value is under this share of its axis's top is squashed by a scale
# that is not its own.
MIN_AXIS_SHARE = 0.3

# What a chart shows, in canvas pixels and option terms, from ECharts' own model and
# zrender's display list; the legend's box and the chart's in page pixels.
CHART_FACTS = """(id) => {
  const element = document.getElementById(id);
  const chart = element && echarts.getInstanceByDom(element);
  if (!chart) return null;
  const zr = chart.getZr();
  const model = chart.getModel();
  const box = element.getBoundingClientRect();
  const rectOf = (e) => {
    const r = e.getBoundingRect().clone();
    const m = e.getComputedTransform();
    if (m) r.applyTransform(m);
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  };
  const texts = [], sectors = [];
  for (const e of zr.storage.getDisplayList(true)) {
    if (e.invisible || e.ignore) continue;
    if (e.style && typeof e.style.text === "string" && e.style.text !== "") {
      texts.push({text: e.style.text, ...rectOf(e)});
    } else if (e.type === "sector") {
      sectors.push(rectOf(e));
    }
  }
  let plot;
  if (sectors.length) {
    const x = Math.min(...sectors.map((r) => r.x)), y = Math.min(...sectors.map((r) => r.y));
    plot = {x, y, width: Math.max(...sectors.map((r) => r.x + r.width)) - x,
            height: Math.max(...sectors.map((r) => r.y + r.height)) - y};
  } else {
    const r = model.getComponent("grid").coordinateSystem.getRect();
    plot = {x: r.x, y: r.y, width: r.width, height: r.height};
  }
  const option = chart.getOption();
  const axes = [];
  for (const dim of ["xAxis", "yAxis"]) {
    (option[dim] || []).forEach((axis, index) => {
      const extent = axis.type === "value"
        ? model.getComponent(dim, index).axis.scale.getExtent() : null;
      axes.push({dim, index, type: axis.type, name: axis.name || "",
                 categories: axis.type === "category" ? axis.data.length : null, extent});
    });
  }
  const series = option.series.map((s) => {
    const values = s.data.map((d) => (d !== null && typeof d === "object" ? d.value : d))
      .filter((v) => typeof v === "number");
    const onY = (option.yAxis || [])[s.yAxisIndex || 0];
    const valueAxis = s.type === "pie" ? null
      : onY && onY.type === "value" ? {dim: "yAxis", index: s.yAxisIndex || 0}
      : {dim: "xAxis", index: s.xAxisIndex || 0};
    return {name: s.name, type: s.type, max: Math.max(0, ...values),
            nonzero: values.filter((v) => v > 0).length, valueAxis};
  });
  // A legend ECharts draws itself (the site's are page text, but a chart may bring one).
  const legendModel = model.getComponent("legend");
  const legendView = legendModel && legendModel.get("show") !== false
    && chart.getViewOfComponentModel(legendModel);
  const canvasLegend = legendView ? rectOf(legendView.group) : null;
  const legend = document.querySelector(`[data-legend-for="${id}"]`);
  const legendBox = legend && legend.getBoundingClientRect();
  return {
    width: zr.getWidth(), height: zr.getHeight(), texts, plot, axes, series, canvasLegend,
    page: {x: box.left, y: box.top},
    legend: legendBox && {x: legendBox.left, y: legendBox.top,
                          width: legendBox.width, height: legendBox.height},
    role: element.getAttribute("role"), label: element.getAttribute("aria-label") || "",
  };
}"""


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        a["x"] + slack < b["x"] + b["width"]
        and b["x"] + slack < a["x"] + a["width"]
        and a["y"] + slack < b["y"] + b["height"]
        and b["y"] + slack < a["y"] + a["height"]
    )


def _check_chart(page, chart_id: str, title: str) -> dict:
    facts = page.evaluate(CHART_FACTS, chart_id)
    assert facts is not None, f"{chart_id} is not drawn"
    where = f"{chart_id} at {page.viewport_size['width']} px"
    texts = facts["texts"]
    for t in texts:
        inside = (
            t["x"] >= -0.5
            and t["y"] >= -0.5
            and t["x"] + t["width"] <= facts["width"] + 0.5
            and t["y"] + t["height"] <= facts["height"] + 0.5
        )
        assert inside, f"{where}: {t['text']!r} is clipped at the canvas's edge: {t}"
        assert "…" not in t["text"] and "..." not in t["text"], f"{where}: cut label {t}"
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not _overlap(a, b), f"{where}: {a['text']!r} overlaps {b['text']!r}"
    if facts["legend"]:
        plot = {**facts["plot"]}
        plot["x"] += facts["page"]["x"]
        plot["y"] += facts["page"]["y"]
        assert not _overlap(facts["legend"], plot), f"{where}: the legend covers the plot"
    if facts["canvasLegend"]:
        assert not _overlap(facts["canvasLegend"], facts["plot"]), f"{where}: legend on the plot"
    axes = {(a["dim"], a["index"]): a for a in facts["axes"]}
    for axis in axes.values():
        if axis["type"] == "value":
            assert axis["name"], f"{where}: a value axis without its unit"
        if axis["type"] == "category":
            assert axis["categories"] >= 2, f"{where}: a chart of one bar"
    for s in facts["series"]:
        if s["type"] == "pie":
            assert s["nonzero"] >= 2, f"{where}: a ring of one slice"
            continue
        top = axes[(s["valueAxis"]["dim"], s["valueAxis"]["index"])]["extent"][1]
        share = s["max"] / top if top else 0
        assert share >= MIN_AXIS_SHARE, f"{where}: {s['name']} fills {share:.0%} of its axis"
    assert facts["role"] == "img" and facts["label"].startswith(title), (where, facts["label"])
    assert len(facts["label"]) > len(title) + 5, f"{where}: the chart's name holds no figures"
    return facts


def _axis_of(facts: dict, series: str) -> tuple:
    found = next(s for s in facts["series"] if s["name"] == series)
    return found["valueAxis"]["dim"], found["valueAxis"]["index"]


def _screenshot(page, name: str) -> None:
    page.screenshot(
        path=ARTIFACTS / f"charts-{name}-{page.viewport_size['width']}.png", full_page=True
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_fit_at_desktop_and_phone_width(demo_county, page, width):
    users = get_user_model().objects
    enterprise = users.get(username="enterprise").organisation.enterprise
    # An enterprise that reported one year only: its panel lists the figures, no charts.
    one_year = (
        RDRecord.objects.filter(year=LAST_YEAR, quarter=0)
        .exclude(enterprise=enterprise)
        .values_list("enterprise", flat=True)
        .first()
    )
    RDRecord.objects.filter(enterprise_id=one_year).exclude(year=LAST_YEAR).delete()
    FinancialRecord.objects.filter(enterprise_id=one_year).exclude(year=LAST_YEAR).delete()
    page.emulate_media(reduced_motion="reduce")  # no animation: the charts as they end up
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "staff", demo_county.password)

    _check_chart(page, "town-chart", "各乡镇街道企业分布")
    _check_chart(page, "qualification-chart", "有效资质企业数")
    _screenshot(page, "home")
    assert_accessible(page)

    page.goto(reverse("monitoring:overview"))
    _check_chart(page, "class-chart", "分类提级")
    _screenshot(page, "monitoring")
    assert_accessible(page)

    page.goto(enterprise.get_absolute_url())
    revenue = _check_chart(page, "rd-chart-revenue", "营业收入与新产品销售收入")
    spend = _check_chart(page, "rd-chart-spend", "研发投入与研发强度")
    _check_chart(page, "rd-chart-counts", "研发人员与专利申请")
    # Revenue and R&D spending each on an axis of its own.
    assert _axis_of(revenue, "营业收入") == ("yAxis", 0)
    assert _axis_of(spend, "研发投入") == ("yAxis", 0) and _axis_of(spend, "研发强度")[1] == 1
    _screenshot(page, "enterprise")
    assert_accessible(page)

    page.goto(reverse("registry:enterprise_detail", args=[one_year]))
    assert page.get_by_test_id("rd-single-year").count() == 1
    assert page.locator("[data-testid=rd-panel] canvas").count() == 0

    # A town officer's scope is one town: no chart of one bar.
    page.context.clear_cookies()
    log_in(page, "town", demo_county.password)
    assert page.locator("#town-chart").count() == 0
    _check_chart(page, "qualification-chart", "有效资质企业数")
    _screenshot(page, "home-town")
