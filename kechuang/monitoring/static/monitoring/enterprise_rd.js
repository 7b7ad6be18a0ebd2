(function () {
  const data = KechuangCharts.data("rd-panel-data");
  const years = data.years.map(String);
  const units = { 营业收入: " 万元", 新产品销售收入: " 万元", 研发投入: " 万元", 研发强度: "%", 研发人员: " 人", 专利申请: " 件" };
  // Each series says its unit in the tooltip; each axis names its unit above it.
  const series = (name, type, values, yAxisIndex = 0) => ({
    name,
    type,
    yAxisIndex,
    data: values,
    tooltip: { valueFormatter: (v) => (v == null ? "—" : `${v}${units[name]}`) },
  });
  const axis = (name, extra = {}) => ({ type: "value", name, ...extra });
  // Room above the plot for the axis units; the labels sit inside the chart's box.
  const common = {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: years },
  };

  KechuangCharts.draw(
    "rd-chart-revenue",
    {
      ...common,
      yAxis: axis("万元"),
      series: [series("营业收入", "bar", data.revenue), series("新产品销售收入", "line", data.new_product_sales)],
    },
    units,
  );
  // R&D spending is a few percent of revenue: on the revenue axis its bars would not show.
  KechuangCharts.draw(
    "rd-chart-spend",
    {
      ...common,
      yAxis: [axis("万元"), axis("%", { splitLine: { show: false } })],
      series: [series("研发投入", "bar", data.rd_expense), series("研发强度", "line", data.intensity, 1)],
    },
    units,
  );
  KechuangCharts.draw(
    "rd-chart-counts",
    {
      ...common,
      yAxis: [axis("人", { minInterval: 1 }), axis("件", { minInterval: 1, splitLine: { show: false } })],
      series: [series("研发人员", "bar", data.rd_staff), series("专利申请", "line", data.patents, 1)],
    },
    units,
  );
})();
