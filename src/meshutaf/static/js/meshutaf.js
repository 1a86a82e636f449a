// After htmx replaces a region, keep keyboard and screen-reader users where they were:
// move focus to the region's heading instead of letting it fall back to the page top.
document.addEventListener("htmx:afterSettle", (event) => {
  const region = event.detail.elt;
  if (!region || !region.isConnected || region.id === "results") return;
  const heading = region.querySelector("h2, h3");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
});
