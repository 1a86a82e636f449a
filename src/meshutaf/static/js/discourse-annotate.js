// The annotation screen, by keyboard: a dimension's key ticks or unticks its checkbox, Enter
// saves and opens the next item. Keys are matched by KeyboardEvent.code (the physical key),
// so they work the same in the Hebrew, Arabic and English layouts. The form works without
// this script too.
(() => {
  "use strict";
  const form = document.querySelector("form[data-annotate]");
  if (!form) return;
  const save = form.querySelector("[data-save]");
  const FLASH_MS = 450;
  let sent = false;

  const typing = (element) => {
    if (!element) return false;
    if (element.isContentEditable) return true;
    const tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(
      element.type,
    );
  };

  const flash = (box) => {
    const item = box.closest(".annotate__dim");
    if (!item) return;
    item.classList.remove("is-pressed");
    // Restart the animation when the same key is pressed twice in a row.
    void item.offsetWidth;
    item.classList.add("is-pressed");
    window.setTimeout(() => item.classList.remove("is-pressed"), FLASH_MS);
  };

  form.addEventListener("submit", () => {
    sent = true;
  });

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    const active = document.activeElement;
    if (typing(active)) return;
    if (event.key === "Enter") {
      // Buttons, links and summaries keep their own Enter.
      if (active && active.matches("button, a[href], summary, [role=button]")) return;
      event.preventDefault();
      if (sent || event.repeat) return;
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(save || undefined);
      } else if (save) {
        save.click();
      }
      return;
    }
    if (!event.code) return;
    const box = form.querySelector(
      `input[type="checkbox"][data-shortcut="${CSS.escape(event.code)}"]`,
    );
    if (!box || box.disabled) return;
    event.preventDefault();
    if (event.repeat) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    box.focus({ preventScroll: true });
    flash(box);
  });
})();
