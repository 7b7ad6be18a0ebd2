(function () {
  if (!document.getElementById("index-chart")) return;
  const data = KechuangCharts.data("index-chart");

  KechuangCharts.draw("radar-chart", {
    tooltip: { trigger: "item" },
    radar: {
      indicator: data.pillars.map((name) => ({ name, max: 100, min: 0 })),
      radius: "65%",
      axisName: { color: "#333" },
    },
    series: [{ type: "radar", data: data.radar, symbolSize: 4, lineStyle: { width: 2 } }],
  });
  document.getElementById("radar-chart").setAttribute(
    "aria-label",
    "分领域得分：" +
      data.radar.map((r) => `${r.name} ` + data.pillars.map((p, i) => `${p} ${r.value[i] == null ? "无数据" : r.value[i].toFixed(1)}`).join("、")).join("；"),
  );

  // The axis ends a little below the lowest rank shown, so the lines are not pressed together.
  function rankAxisMax() {
    const ranks = data.trend.flatMap((s) => s.ranks).filter((r) => r != null);
    const lowest = Math.max(10, ...ranks);
    return Math.min(data.unitCount, Math.ceil((lowest + 2) / 5) * 5);
  }

  KechuangCharts.draw(
    "trend-chart",
    {
      tooltip: { trigger: "axis" },
      grid: { left: 56, right: 16, top: 24, bottom: 32 },
      xAxis: { type: "category", data: data.years },
      yAxis: {
        type: "value",
        name: "名次",
        nameLocation: "start",
        inverse: true,
        min: 1,
        max: rankAxisMax(),
        minInterval: 1,
      },
      series: data.trend.map((s) => ({ name: s.name, type: "line", data: s.ranks, connectNulls: false })),
    },
    Object.fromEntries(data.trend.map((s) => [s.name, " 名"])),
  );

  const mapBox = document.getElementById("map-chart");
  fetch(mapBox.dataset.mapUrl, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((geojson) => {
      echarts.registerMap("zhejiang", geojson);
      const values = data.map.values.map((v) => v.value);
      const highlighted = new Set(data.map.highlight);
      const byCode = Object.fromEntries(data.map.values.map((v) => [v.name, v]));
      const labels = Object.fromEntries(data.map.values.map((v) => [v.name, v.label]));
      const count = data.map.values.length;
      const outline = (code) =>
        code === data.map.home
          ? { borderColor: "#b8323a", borderWidth: 3 }
          : highlighted.has(code)
            ? { borderColor: "#c25e00", borderWidth: 2, borderType: "dashed" }
            : undefined;
      const names = Object.fromEntries(geojson.features.map((f) => [f.properties.code, f.properties.name]));
      KechuangCharts.draw("map-chart", {
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const row = byCode[p.name];
            const name = labels[p.name] || names[p.name] || p.name;
            if (!row) return `${name}：无数据`;
            return `${name}：${Number(row.value).toFixed(2)}${data.map.unit ? " " + data.map.unit : ""}（第 ${row.rank} / ${count} 名）`;
          },
        },
        visualMap: {
          min: Math.min(...values),
          max: Math.max(...values),
          calculable: false,
          orient: "horizontal",
          left: "center",
          bottom: 0,
          text: [`高 ${Math.max(...values).toFixed(1)}`, `低 ${Math.min(...values).toFixed(1)}`],
          inRange: { color: ["#e8eef9", "#2f5bb7", "#10295e"] },
          formatter: (v) => Number(v).toFixed(1),
        },
        series: [
          {
            type: "map",
            map: "zhejiang",
            nameProperty: "code",
            roam: false,
            layoutCenter: ["50%", "46%"],
            layoutSize: "95%",
            emphasis: { label: { show: false } },
            data: data.map.values.map((v) => ({
              name: v.name,
              value: v.value,
              itemStyle: outline(v.name),
            })),
          },
        ],
      });
      const ranked = [...data.map.values].sort((a, b) => b.value - a.value);
      mapBox.setAttribute(
        "aria-label",
        `浙江省各县（市、区）${data.map.metric}：最高 ${ranked.slice(0, 3).map((v) => `${v.label} ${v.value.toFixed(1)}`).join("、")}；最低 ${ranked.slice(-3).map((v) => `${v.label} ${v.value.toFixed(1)}`).join("、")}`,
      );
    });
})();
