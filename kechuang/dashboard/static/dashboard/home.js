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
    tooltip: { trigger: "item", formatter: "{b}：{c} 家" },
    legend: { type: "scroll", orient: "vertical", left: 0, top: "middle" },
    series: [{ type: "pie", center: ["68%", "50%"], radius: ["35%", "65%"], data: quals, label: { position: "inside", formatter: "{c}", color: "#fff" } }],
  });
  window.addEventListener("resize", () => { townChart.resize(); qualChart.resize(); });
})();
