(function () {
  if (document.getElementById("town-data")) {
    const towns = KechuangCharts.data("town-data");
    KechuangCharts.draw(
      "town-chart",
      {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        // Towns down the side, largest first: their names stay whole at any width.
        grid: { left: 8, right: 24, top: 8, bottom: 36, containLabel: true },
        yAxis: { type: "category", data: towns.towns, inverse: true, axisTick: { show: false } },
        xAxis: { type: "value", name: "企业数（家）", nameLocation: "middle", nameGap: 28, minInterval: 1 },
        series: [
          { name: "企业总数", type: "bar", data: towns.total },
          { name: "规上企业", type: "bar", data: towns.above },
        ],
      },
      { 企业总数: " 家", 规上企业: " 家" },
    );
  }
  if (document.getElementById("qualification-data")) {
    KechuangCharts.draw(
      "qualification-chart",
      {
        tooltip: { trigger: "item", formatter: "{b}：{c} 家（{d}%）" },
        series: [{ name: "企业数", type: "pie", radius: ["50%", "85%"], label: { show: false }, data: KechuangCharts.data("qualification-data") }],
      },
      { 企业数: " 家" },
    );
  }
})();
