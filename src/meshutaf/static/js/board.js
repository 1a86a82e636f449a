// The workshop board: a grid section's table scrolls sideways inside its own box when the
// screen is narrow. Mark which edges have more columns behind them (a shadow, and a line of
// text the first time), and keep each table's scroll position when the live board refreshes.
(() => {
  "use strict";
  const positions = new Map();

  function mark(scroller) {
    const wrap = scroller.parentElement;
    if (!wrap || !wrap.classList.contains("board-scroll-wrap")) return;
    // scrollLeft runs negative in right-to-left boxes: its size is the distance from the start.
    const fromStart = Math.abs(scroller.scrollLeft);
    const hidden = scroller.scrollWidth - scroller.clientWidth;
    const more = [];
    if (fromStart > 2) more.push("start");
    if (hidden - fromStart > 2) more.push("end");
    wrap.dataset.more = more.join(" ");
    const hint = wrap.previousElementSibling;
    if (hint && hint.classList.contains("board-scroll__hint")) hint.hidden = hidden <= 2;
  }

  function markAll(root) {
    (root || document).querySelectorAll(".board-scroll").forEach((scroller) => {
      if (positions.has(scroller.id)) scroller.scrollLeft = positions.get(scroller.id);
      mark(scroller);
    });
  }

  document.addEventListener(
    "scroll",
    (event) => {
      const scroller = event.target;
      if (scroller.classList && scroller.classList.contains("board-scroll")) {
        positions.set(scroller.id, scroller.scrollLeft);
        mark(scroller);
      }
    },
    true,
  );
  window.addEventListener("resize", () => markAll());
  document.addEventListener("htmx:load", (event) => markAll(event.target));
  markAll();
})();
