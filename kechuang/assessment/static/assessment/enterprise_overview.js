(function () {
  const data = KechuangCharts.data("overview-data");
  const units = { 研发投入: " 万元", 研发强度: "%", 行业中位数: "%", 营业收入: " 万元" };
  const series = (name, type, values, yAxisIndex = 0, extra = {}) => ({
    name,
    type,
    yAxisIndex,
    data: values,
    connectNulls: true,
    tooltip: { valueFormatter: (v) => (v == null ? "—" : `${v}${units[name]}`) },
    ...extra,
  });
  const axis = (name, extra = {}) => ({ type: "value", name, ...extra });
  KechuangCharts.draw(
    "overview-chart",
    {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: [axis("万元"), axis("%", { splitLine: { show: false } })],
      series: [
        series("研发投入", "bar", data.rd_expense),
        series("研发强度", "line", data.intensity, 1),
        series("行业中位数", "line", data.median, 1, { lineStyle: { type: "dashed" } }),
      ],
    },
    units,
  );
})();
