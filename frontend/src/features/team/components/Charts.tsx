// Loaded on demand (React.lazy): Chart.js, bundled by Vite, only for the dashboard's visitors.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { useEffect, useRef } from "react";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface BarSeries {
  label: string;
  values: number[];
}

/** A bar chart; the same numbers are on the page as links, so the canvas is a picture of them. */
export default function BarChart({ title, labels, series }: { title: string; labels: string[]; series: BarSeries[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: { labels, datasets: series.map((item) => ({ label: item.label, data: item.values })) },
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: series.length > 1 } } },
    });
    return () => chart.destroy();
  }, [labels, series]);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={title} />
    </div>
  );
}
