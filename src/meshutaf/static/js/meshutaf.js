// After htmx replaces a region the reader was working in (a button pressed inside it), keep
// keyboard and screen-reader users where they were: when the swap took away the element that
// had focus, move focus to the region's heading instead of letting it fall back to the page top.
// A region that fills or refreshes by itself (the dashboard's upcoming meetings, a polling
// board) never takes focus: the reader is elsewhere, and a moved focus would also draw an outline.
const focusInSwappedRegion = new WeakSet();

document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const active = document.activeElement;
  if (target && active && active !== document.body && target.contains(active)) {
    focusInSwappedRegion.add(event.detail.xhr);
  }
});

document.addEventListener("htmx:afterSettle", (event) => {
  if (!focusInSwappedRegion.has(event.detail.xhr)) return;
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return; // htmx kept it
  const region = event.detail.elt;
  if (!region || !region.isConnected) return;
  const heading = region.querySelector("h2, h3");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
});

// A request refused by a rate limit (HTTP 429: too many participants or notes from one network)
// carries the message to show in its body; htmx leaves error responses unswapped by default, so
// the reader would see nothing happen.
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.xhr.status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The page's Content-Security-Policy allows no inline event handlers, so the two behaviours
// templates ask for are attached here: a form with data-confirm asks before it is sent (a
// delete, a revoke), and a control with data-autosubmit sends its form when it changes.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("change", (event) => {
  const control = event.target;
  if (control instanceof HTMLElement && control.hasAttribute("data-autosubmit") && control.form) {
    control.form.requestSubmit();
  }
});
