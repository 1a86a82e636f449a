// The workshop projector: previous/next slide, a group's canvas or a whole section (buttons;
// arrow keys, mirrored in right-to-left so "next" is the arrow pointing the way the text reads;
// PageDown/PageUp from presentation clickers), auto-advance, full screen, and notes that arrive while the wall is up, briefly
// highlighted and announced politely (only the new notes, never the whole canvas).
// Without this script the links still move between slides and htmx still polls the stage.
// Each stage carries the page and stage addresses of the slides before and after it.
(() => {
  "use strict";
  const root = document.getElementById("projector");
  if (!root) return;
  const rtl = document.documentElement.dir === "rtl";
  const announcer = document.getElementById("projector-announce");
  const previousLink = document.getElementById("projector-previous");
  const nextLink = document.getElementById("projector-next");
  const play = document.getElementById("projector-play");
  const interval = document.getElementById("projector-interval");
  const countdown = document.getElementById("projector-countdown");
  const fullscreen = document.getElementById("projector-fullscreen");
  const stage = () => document.getElementById("projector-stage");
  const format = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (_, name) => (name in values ? values[name] : ""));

  const noteIds = (element) =>
    new Set(Array.from(element.querySelectorAll("[data-note]"), (note) => note.dataset.note));

  let current = stage();
  let known = noteIds(current);

  function announce(text) {
    // Emptied first, so saying the same words twice is still heard.
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = text; }, 50);
  }

  // The controls outside the stage follow the slide the stage shows.
  function linksFor(element) {
    previousLink.href = element.dataset.previousUrl;
    nextLink.href = element.dataset.nextUrl;
    const together = document.getElementById("projector-together");
    if (together) together.href = element.dataset.togetherUrl;
    const oneByOne = document.getElementById("projector-one-by-one");
    if (oneByOne) oneByOne.href = element.dataset.oneByOneUrl;
  }

  // A slide that is gone (its group or section removed while on the wall): start again.
  document.body.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr && event.detail.xhr.status === 404) {
      window.location.href = root.dataset.startUrl;
    }
  });

  // A stage that came in: after moving to another slide, say where we are; after a poll
  // of the same slide, mark and announce only the notes that were not there before.
  function arrived(element, moved) {
    const ids = noteIds(element);
    if (moved) {
      element.classList.add("projector__stage--enter");
      announce(element.dataset.label);
    } else {
      const fresh = Array.from(element.querySelectorAll("[data-note]")).filter(
        (note) => !known.has(note.dataset.note),
      );
      fresh.forEach((note) => note.classList.add("projector-note--new"));
      // The mark fades by itself (CSS); without motion it is a steady outline, taken off here.
      window.setTimeout(() => {
        fresh.forEach((note) => note.classList.remove("projector-note--new"));
      }, 8000);
      if (fresh.length > 3) {
        announce(root.dataset.newNotes);
      } else if (fresh.length) {
        announce(
          fresh
            .map((note) => {
              const group = note.closest("[data-group]");
              const text = note.querySelector(".projector-note__text");
              return format(root.dataset.newNote, {
                group: group ? group.dataset.group : "",
                text: text ? text.textContent.trim() : "",
              });
            })
            .join(" "),
        );
      }
    }
    known = ids;
    linksFor(element);
  }

  // htmx replaces the stage (outerHTML) on every poll that brings a change.
  new MutationObserver(() => {
    const element = stage();
    if (element && element !== current) {
      const moved = element.dataset.slide !== (current && current.dataset.slide);
      current = element;
      arrived(element, moved);
    }
  }).observe(root, { childList: true });

  let loading = false;
  // A move asked for while another loads is done after it, from the slide it arrives at (so
  // two quick presses of "next" move two slides).
  let waiting = null;
  function after(move) {
    if (loading) waiting = move;
    else move();
  }

  async function go(page, stageUrl, { push = true } = {}) {
    if (loading || !page || !stageUrl) return;
    loading = true;
    try {
      const response = await fetch(stageUrl, {
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        window.location.href = page;
        return;
      }
      const holder = document.createElement("div");
      holder.innerHTML = (await response.text()).trim();
      const element = holder.querySelector("#projector-stage");
      if (!element) return;
      stage().replaceWith(element);
      if (window.htmx) window.htmx.process(element);
      if (push) window.history.pushState({ page, stage: stageUrl }, "", page);
      const title = element.querySelector(".projector__title");
      if (title) {
        document.title = document.title.replace(/^[^·]*·/, `${title.textContent.trim()} ·`);
      }
    } finally {
      loading = false;
      if (waiting) {
        const move = waiting;
        waiting = null;
        move();
      }
    }
  }

  const next = () => after(() => go(stage().dataset.nextUrl, stage().dataset.nextStage));
  const previous = () =>
    after(() => go(stage().dataset.previousUrl, stage().dataset.previousStage));

  window.addEventListener("popstate", (event) => {
    const state = event.state;
    if (state && state.page) after(() => go(state.page, state.stage, { push: false }));
  });
  window.history.replaceState(
    { page: stage().dataset.hereUrl, stage: stage().dataset.hereStage },
    "",
  );

  // --- Auto-advance -----------------------------------------------------------------------
  let timer = 0;
  let remaining = 0;

  function showRemaining() {
    countdown.textContent = timer ? format(root.dataset.countdown, { seconds: remaining }) : "";
  }

  function stop() {
    if (!timer) return;
    window.clearInterval(timer);
    timer = 0;
    play.textContent = play.dataset.start;
    play.setAttribute("aria-pressed", "false");
    showRemaining();
  }

  function start() {
    stop();
    remaining = Number(interval.value) || 30;
    timer = window.setInterval(() => {
      remaining -= 1;
      if (remaining <= 0) {
        remaining = Number(interval.value) || 30;
        next();
      }
      showRemaining();
    }, 1000);
    play.textContent = play.dataset.pause;
    play.setAttribute("aria-pressed", "true");
    showRemaining();
  }

  root.querySelectorAll("[data-needs-script]").forEach((element) => { element.hidden = false; });
  play.setAttribute("aria-pressed", "false");
  play.addEventListener("click", () => (timer ? stop() : start()));
  interval.addEventListener("change", () => { if (timer) start(); });

  // Anything else the facilitator does takes the wall back from the timer.
  document.addEventListener("pointerdown", (event) => {
    if (!event.target.closest("#projector-play, #projector-interval, .projector__auto")) stop();
  });
  document.addEventListener("wheel", stop, { passive: true });

  // --- Moving with the keyboard -----------------------------------------------------------
  previousLink.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    stop();
    previous();
  });
  nextLink.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    stop();
    next();
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) return;
    const forward = rtl ? "ArrowLeft" : "ArrowRight";
    const backward = rtl ? "ArrowRight" : "ArrowLeft";
    if (event.key === forward || event.key === "PageDown") {
      event.preventDefault();
      stop();
      next();
    } else if (event.key === backward || event.key === "PageUp") {
      event.preventDefault();
      stop();
      previous();
    } else if (!["Tab", "Shift"].includes(event.key)) {
      // Enter and Space on the start/pause button are that button's own click.
      if (target === play && (event.key === "Enter" || event.key === " ")) return;
      stop();
    }
  });

  // --- Full screen ------------------------------------------------------------------------
  if (document.fullscreenEnabled && root.requestFullscreen) {
    fullscreen.hidden = false;
    const label = () => {
      const on = document.fullscreenElement === root;
      fullscreen.textContent = on ? fullscreen.dataset.leave : fullscreen.dataset.enter;
      root.classList.toggle("projector--fullscreen", on);
    };
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        root.requestFullscreen().catch(() => {});
      }
    });
    document.addEventListener("fullscreenchange", label);
  }
})();
