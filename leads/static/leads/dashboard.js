// Draws the dashboard's charts from the numbers the page carries (#dashboard-data); no network.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var palette = ["#417690", "#79aec8", "#f5dd5d", "#ba2121", "#70bf2b", "#9e9e9e", "#c57b22", "#6a4c93"];
  var common = { responsive: true, maintainAspectRatio: false, animation: false };
  function draw(id, config) {
    config.options = Object.assign({}, common, config.options || {});
    return new Chart(document.getElementById(id), config);
  }
  draw("chart-funnel", {
    type: "bar",
    data: { labels: data.funnel.labels, datasets: [{ label: "Leads", data: data.funnel.values, backgroundColor: palette.slice(0, 3) }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } } },
  });
  draw("chart-compliance", {
    type: "bar",
    data: {
      labels: data.compliance.labels,
      datasets: [
        { label: "Done on or before the day", data: data.compliance.done, backgroundColor: "#70bf2b" },
        { label: "Late or not done", data: data.compliance.missed, backgroundColor: "#ba2121" },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
  draw("chart-aging", {
    type: "bar",
    data: {
      labels: data.aging.labels,
      datasets: [{ label: "Outstanding " + data.aging.currency, data: data.aging.amounts.map(Number), backgroundColor: "#c57b22" }],
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { afterLabel: function (item) { return data.aging.counts[item.dataIndex] + " commitments"; } } },
      },
      scales: { y: { beginAtZero: true } },
    },
  });
  draw("chart-lost", {
    type: "doughnut",
    data: { labels: data.lost.labels, datasets: [{ label: "Lost leads", data: data.lost.values, backgroundColor: palette }] },
    options: { plugins: { legend: { position: "right" } } },
  });
  draw("chart-weekly", {
    type: "line",
    data: { labels: data.weekly.labels, datasets: [{ label: "New leads", data: data.weekly.values, borderColor: "#417690", backgroundColor: "#79aec8", fill: true }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  });
  document.getElementById("dashboard").setAttribute("data-charts-drawn", "true");
})();
