// What every ECharts chart of the site shares, so that each page only says what it draws.
//
// - Legends are page text beside the chart (a list or table the template renders, with
//   `data-series` swatches that are painted here), never drawn on the canvas: at any width
//   they wrap like text instead of covering the plot, and screen readers read them.
// - The chart's container is an image (role="img") whose name is its title, followed here by
//   the figures it shows, since a canvas says nothing to assistive technology.
// - One palette whose colours all reach 3:1 against white (WCAG 1.4.11 for graphics).
// - No animation when the user asks for reduced motion; redrawn when its box changes size.
window.KechuangCharts = (function () {
  const PALETTE = ["#2f5bb7", "#3a8a3f", "#c25e00", "#b8323a", "#7b4fa6", "#00838f", "#8a6d00", "#5d6d7e"];
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function data(id) {
    // json_script holds the JSON text the view dumped: parse the script, then the text.
    return JSON.parse(JSON.parse(document.getElementById(id).textContent));
  }

  function paintLegend(id) {
    document.querySelectorAll(`[data-legend-for="${id}"] [data-series]`).forEach((swatch) => {
      swatch.style.setProperty("--swatch", PALETTE[Number(swatch.dataset.series) % PALETTE.length]);
    });
  }

  // "title：A 1 家，B 2 家" for a pie; "title：2024年 营业收入 1 万元、研发投入 2 万元；…" for
  // series over categories. `units` maps a series name to the unit its values are in.
  function describe(option, units) {
    const series = [].concat(option.series || []);
    const unit = (s) => (units && units[s.name]) || "";
    if (series.length === 1 && series[0].type === "pie") {
      return series[0].data.map((d) => `${d.name} ${d.value}${unit(series[0])}`).join("，");
    }
    const axis = [].concat(option.xAxis || []).concat(option.yAxis || []).find((a) => a.type === "category");
    if (!axis) return "";
    return axis.data
      .map((category, i) => {
        const values = series.map((s) => `${s.name} ${s.data[i] == null ? "无数据" : s.data[i] + unit(s)}`);
        return `${category} ${values.join("、")}`;
      })
      .join("；");
  }

  function draw(id, option, units) {
    const element = document.getElementById(id);
    const title = element.dataset.title || element.getAttribute("aria-label") || "";
    element.dataset.title = title;
    element.setAttribute("role", "img");
    const summary = describe(option, units);
    element.setAttribute("aria-label", summary ? `${title}：${summary}` : title);
    const chart = echarts.init(element);
    chart.setOption({ color: PALETTE, animation: !reduceMotion, ...option });
    paintLegend(id);
    new ResizeObserver(() => chart.resize()).observe(element);
    return chart;
  }

  return { PALETTE, data, draw };
})();
