// The print view's "Print" button: shown only where this script runs, so a page without
// JavaScript never offers a button that does nothing (the browser's own print command works).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
