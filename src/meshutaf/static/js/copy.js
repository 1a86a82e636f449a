// Copy buttons: <button data-copy="input-id" data-copied="…" data-failed="…" hidden> beside a
// read-only input. The button shows only where the Clipboard API exists; the result is said in
// the status element (aria-live) that follows it, so screen readers hear it too. Without
// JavaScript the address stays in its input to select and copy by hand.
(() => {
  const buttons = document.querySelectorAll("button[data-copy]");
  if (!navigator.clipboard || !window.isSecureContext) return;
  buttons.forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copy);
      const status = document.getElementById(`${button.dataset.copy}-status`);
      if (!input) return;
      try {
        await navigator.clipboard.writeText(input.value);
        if (status) status.textContent = button.dataset.copied || "";
      } catch (error) {
        input.select();
        if (status) status.textContent = button.dataset.failed || "";
      }
      if (status) {
        window.clearTimeout(status.copyTimer);
        status.copyTimer = window.setTimeout(() => { status.textContent = ""; }, 6000);
      }
    });
  });
})();
