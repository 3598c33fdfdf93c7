// Stands in for phx.new's app.js (no esbuild or LiveView here).
window.addEventListener("DOMContentLoaded", () => {
  document.documentElement.dataset.shop = "ready";
});
