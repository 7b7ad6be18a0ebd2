(function () {
  if (!document.getElementById("monitoring-chart")) return;
  const data = KechuangCharts.data("monitoring-chart");
  // The table under the ring is its legend: names, counts and links to each list.
  KechuangCharts.draw(
    "class-chart",
    {
      tooltip: { trigger: "item", formatter: "{b}：{c} 家（{d}%）" },
      series: [{ name: "企业数", type: "pie", radius: ["50%", "85%"], label: { show: false }, data: data.classes }],
    },
    { 企业数: " 家" },
  );
})();
