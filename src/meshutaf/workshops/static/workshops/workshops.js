// Workshops: live regions that refresh by polling keep keyboard focus where the user is
// (the page-wide behaviour moves focus to a refreshed region's heading, which would pull a
// facilitator away every few seconds), and copy buttons put a join link on the clipboard.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-live-region]").forEach((wrapper) => {
    let focusedId = "";
    wrapper.addEventListener("htmx:beforeSwap", () => {
      const active = document.activeElement;
      focusedId = active && wrapper.contains(active) && active.id ? active.id : "";
    });
    wrapper.addEventListener("htmx:afterSettle", (event) => {
      event.stopPropagation();
      if (focusedId) {
        const again = document.getElementById(focusedId);
        if (again) again.focus({ preventScroll: true });
        focusedId = "";
      }
    });
  });
  // A note that was saved empties its form for the next one (the server says so with the
  // HX-Trigger "workshop-saved"; an inline hx-on handler would be refused by the page's CSP).
  document.addEventListener("workshop-saved", (event) => {
    const form = event.target.closest && event.target.closest("form[data-reset-on-save]");
    if (form) form.reset();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      const label = button.firstChild;
      const before = label.textContent;
      label.textContent = button.dataset.copied;
      setTimeout(() => { label.textContent = before; }, 2000);
    });
  });
});
