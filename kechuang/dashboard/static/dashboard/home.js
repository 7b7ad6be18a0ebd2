(function () {
  const towns = JSON.parse(JSON.parse(document.getElementById("town-data").textContent));
  const quals = JSON.parse(JSON.parse(document.getElementById("qualification-data").textContent));
  const townChart = echarts.init(document.getElementById("town-chart"));
  townChart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["企业总数", "规上企业"] },
    grid: { left: 40, right: 10, bottom: 60 },
    xAxis: { type: "category", data: towns.towns, axisLabel: { rotate: 40 } },
    yAxis: { type: "value" },
    series: [
      { name: "企业总数", type: "bar", data: towns.total },
      { name: "规上企业", type: "bar", data: towns.above },
    ],
  });
  const qualChart = echarts.init(document.getElementById("qualification-chart"));
  qualChart.setOption({
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: quals, label: { formatter: "{b}\n{c}" } }],
  });
  window.addEventListener("resize", () => { townChart.resize(); qualChart.resize(); });
})();
