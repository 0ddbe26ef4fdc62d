// The console's few browser functions, called through Blazor's JS interop (Components/Shared).

const charts = new WeakMap();
let library;

/**
 * Loads ECharts (1.1 MB) the first time a chart is drawn, not with every page: parsing it on load delayed the first
 * render of pages without charts, and of the dashboard's numbers, which do not wait for their charts.
 */
function loadECharts(libraryUrl) {
  library ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = libraryUrl;
    script.onload = resolve;
    script.onerror = () => {
      library = undefined;
      reject(new Error(`ECharts could not be loaded from ${libraryUrl}`));
    };
    document.head.appendChild(script);
  });
  return library;
}

/** Draws (or redraws) an Apache ECharts chart in element from an option given as JSON. */
export async function renderChart(element, optionJson, libraryUrl) {
  await loadECharts(libraryUrl);
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
