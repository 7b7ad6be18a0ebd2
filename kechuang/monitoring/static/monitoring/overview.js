(function () {
  const data = JSON.parse(JSON.parse(document.getElementById("monitoring-chart").textContent));
  const chart = echarts.init(document.getElementById("class-chart"));
  chart.setOption({
    tooltip: { trigger: "item", formatter: "{b}：{c} 家（{d}%）" },
    series: [{ type: "pie", radius: ["40%", "70%"], data: data.classes, label: { formatter: "{b}\n{c}" } }],
  });
  window.addEventListener("resize", () => chart.resize());
})();
