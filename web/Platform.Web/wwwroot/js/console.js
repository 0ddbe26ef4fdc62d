// The console's few browser functions, called through Blazor's JS interop (Components/Shared).

const charts = new WeakMap();

/** Draws (or redraws) an Apache ECharts chart in element from an option given as JSON. */
export function renderChart(element, optionJson) {
  let chart = charts.get(element);
  if (!chart) {
    chart = echarts.init(element, null, { renderer: 'canvas' });
    charts.set(element, chart);
    new ResizeObserver(() => chart.resize()).observe(element);
  }
  chart.setOption(JSON.parse(optionJson), true);
}

export function disposeChart(element) {
  const chart = charts.get(element);
  if (chart) {
    chart.dispose();
    charts.delete(element);
  }
}

/** Saves a file the server made (an Excel export) under fileName. */
export async function downloadFile(fileName, contentType, streamReference) {
  const buffer = await streamReference.arrayBuffer();
  const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  URL.revokeObjectURL(url);
}
