// The initiative's navigation bar scrolls sideways on narrow screens: bring the current
// section into view, without moving the page.
(function () {
  "use strict";
  function showCurrent() {
    document.querySelectorAll("[data-initiative-nav]").forEach(function (list) {
      var current = list.querySelector("[aria-current]");
      if (!current || list.scrollWidth <= list.clientWidth) { return; }
      var item = current.parentElement;
      var listBox = list.getBoundingClientRect();
      var itemBox = item.getBoundingClientRect();
      var offset = (itemBox.left + itemBox.width / 2) - (listBox.left + listBox.width / 2);
      list.scrollLeft += offset;
    });
  }
  // A section reached with the Tab key is shown whole, not cut at the bar's edge.
  function showFocused(event) {
    var link = event.target;
    if (!link.closest || !link.closest("[data-initiative-nav]")) { return; }
    link.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  document.addEventListener("focusin", showFocused);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showCurrent);
  } else {
    showCurrent();
  }
})();
