(function () {
  const data = JSON.parse(JSON.parse(document.getElementById("rd-panel-data").textContent));
  const years = data.years.map(String);
  const money = echarts.init(document.getElementById("rd-chart-money"));
  money.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["营业收入（万元）", "研发投入（万元）", "新产品销售收入（万元）", "研发强度（%）"], bottom: 0 },
    grid: { left: 60, right: 50, top: 20, bottom: 60 },
    xAxis: { type: "category", data: years },
    yAxis: [{ type: "value", name: "万元" }, { type: "value", name: "%", splitLine: { show: false } }],
    series: [
      { name: "营业收入（万元）", type: "bar", data: data.revenue },
      { name: "研发投入（万元）", type: "bar", data: data.rd_expense },
      { name: "新产品销售收入（万元）", type: "line", data: data.new_product_sales },
      { name: "研发强度（%）", type: "line", yAxisIndex: 1, data: data.intensity },
    ],
  });
  const counts = echarts.init(document.getElementById("rd-chart-counts"));
  counts.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["研发人员（人）", "专利申请（件）"], bottom: 0 },
    grid: { left: 50, right: 20, top: 20, bottom: 60 },
    xAxis: { type: "category", data: years },
    yAxis: { type: "value" },
    series: [
      { name: "研发人员（人）", type: "bar", data: data.rd_staff },
      { name: "专利申请（件）", type: "line", data: data.patents },
    ],
  });
  window.addEventListener("resize", () => { money.resize(); counts.resize(); });
})();
