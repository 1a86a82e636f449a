/* Type-to-search pickers (core/widgets.py): turns each [data-picker] block's native <select>
   into a WAI-ARIA 1.2 combobox with a listbox popup that searches the server as one types.
   The hidden select keeps the field's name and values, so the form submits as before.
   Without JavaScript the select itself is the input. No inline script (CSP). */
(function () {
  "use strict";

  var DELAY = 180;
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function Picker(root) {
    this.root = root;
    this.select = root.querySelector("select");
    this.multiple = root.hasAttribute("data-picker-multiple");
    this.url = root.getAttribute("data-picker-url");
    this.text = function (name) { return root.getAttribute("data-picker-" + name) || ""; };
    this.options = [];
    this.active = -1;
    this.request = 0;
    this.timer = null;
    this.build();
  }

  Picker.prototype.build = function () {
    var self = this;
    var id = this.select.id || "picker-" + (++counter);
    var base = id + "-picker";
    this.listId = base + "-list";

    this.chips = el("ul", { "class": "picker__chips", "aria-label": this.text("chosen-label") });
    this.wrap = el("div", { "class": "picker__box" });
    this.input = el("input", {
      type: "text",
      id: base,
      "class": "picker__input",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": this.listId,
      autocomplete: "off",
      spellcheck: "false",
      dir: "auto",
      placeholder: this.text("placeholder")
    });
    var hint = el("p", { id: base + "-hint", "class": "visually-hidden" }, this.text("hint"));
    var described = [hint.id];
    var old = this.select.getAttribute("aria-describedby");
    if (old) described.unshift(old);
    this.input.setAttribute("aria-describedby", described.join(" "));
    if (this.select.getAttribute("aria-invalid")) this.input.setAttribute("aria-invalid", "true");
    this.list = el("ul", { id: this.listId, role: "listbox", "class": "picker__list", hidden: "" });
    this.status = el("div", { role: "status", "aria-live": "polite", "class": "picker__status visually-hidden" });
    // Seen, not read: the status above says the same to screen readers.
    this.note = el("p", { "class": "picker__empty", "aria-hidden": "true", hidden: "" });

    // The label names the combobox now; the select stays in the form, hidden.
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      label.setAttribute("for", base);
      label.id = label.id || base + "-label";
      this.list.setAttribute("aria-labelledby", label.id);
    }
    this.select.hidden = true;
    this.select.required = false;  // the server checks it; a hidden field cannot be pointed to
    this.select.setAttribute("tabindex", "-1");
    var fallback = this.root.querySelector(".picker__fallback");
    if (fallback) fallback.hidden = true;

    this.wrap.appendChild(this.input);
    this.wrap.appendChild(this.list);
    this.wrap.appendChild(this.note);
    this.root.appendChild(this.wrap);
    this.root.appendChild(hint);
    this.root.appendChild(this.status);
    this.root.appendChild(this.chips);
    this.root.classList.add("picker--ready");
    this.renderChips();

    this.input.addEventListener("input", function () { self.schedule(); });
    this.input.addEventListener("keydown", function (event) { self.key(event); });
    this.input.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) self.choose(Number(option.getAttribute("data-index")));
    });
  };

  Picker.prototype.chosen = function () {
    return Array.prototype.filter.call(this.select.options, function (option) {
      return option.selected && option.value !== "";
    });
  };

  Picker.prototype.renderChips = function () {
    var self = this;
    this.chips.textContent = "";
    var chosen = this.chosen();
    this.chips.hidden = chosen.length === 0;
    chosen.forEach(function (option) {
      var chip = el("li", { "class": "picker__chip" });
      chip.appendChild(el("bdi", {}, option.textContent));
      var remove = el("button", {
        type: "button",
        "class": "picker__remove",
        "aria-label": self.text("remove") + " " + option.textContent
      }, "×");
      remove.addEventListener("click", function () { self.unchoose(option); });
      chip.appendChild(remove);
      self.chips.appendChild(chip);
    });
  };

  Picker.prototype.announce = function (message) {
    // Emptied first so the same words said twice are read twice.
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  };

  Picker.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.search(); }, DELAY);
  };

  Picker.prototype.search = function () {
    var self = this;
    var text = this.input.value.trim();
    var letters = text.replace(/[^\p{L}\p{N}]/gu, "");
    if (letters.length < 2) {
      this.request++;  // an answer still on its way is no longer wanted
      this.options = [];
      if (text) this.show([], this.text("min"));
      else this.close();
      return;
    }
    var ticket = ++this.request;
    var address = this.url + (this.url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
    this.input.setAttribute("aria-busy", "true");
    fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return { options: [], message: self.text("failed") }; });
      })
      .then(function (data) {
        if (ticket !== self.request) return;  // a newer search is on its way
        self.input.removeAttribute("aria-busy");
        self.show(data.options || [], data.message || "");
      })
      .catch(function () {
        if (ticket !== self.request) return;
        self.input.removeAttribute("aria-busy");
        self.show([], self.text("failed"));
      });
  };

  Picker.prototype.show = function (options, message) {
    var self = this;
    var taken = {};
    this.chosen().forEach(function (option) { taken[option.value] = true; });
    this.options = options;
    this.active = -1;
    this.list.textContent = "";
    this.input.removeAttribute("aria-activedescendant");
    options.forEach(function (option, index) {
      var item = el("li", {
        id: self.listId + "-" + index,
        role: "option",
        "class": "picker__option",
        "aria-selected": "false",
        "data-index": String(index)
      });
      item.appendChild(el("bdi", { "class": "picker__label" }, option.label));
      if (option.detail) item.appendChild(el("span", { "class": "picker__detail" }, option.detail));
      if (taken[option.value]) item.classList.add("picker__option--chosen");
      self.list.appendChild(item);
    });
    // An empty listbox is not opened: the note under the field says why.
    this.list.hidden = !options.length;
    this.input.setAttribute("aria-expanded", options.length ? "true" : "false");
    this.note.textContent = options.length ? "" : message;
    this.note.hidden = !!options.length || !message;
    this.announce(message);
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.note.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Picker.prototype.move = function (to) {
    var items = this.list.querySelectorAll("[role=option]");
    if (!items.length) return;
    if (this.active >= 0) items[this.active].setAttribute("aria-selected", "false");
    this.active = (to + items.length) % items.length;
    var item = items[this.active];
    item.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.key = function (event) {
    var open = !this.list.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) { if (this.options.length) this.show(this.options, ""); else this.search(); }
        else this.move(this.active + 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open) this.move(this.active - 1);
        break;
      case "Enter":
        if (open && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        } else if (open || this.input.value.trim()) {
          event.preventDefault();  // typed text alone is not a choice: keep the form
        }
        break;
      case "Escape":
        if (open) { event.preventDefault(); this.close(); }
        else if (this.input.value) { event.preventDefault(); this.input.value = ""; }
        break;
      case "Tab":
        this.close();
        break;
    }
  };

  Picker.prototype.choose = function (index) {
    var data = this.options[index];
    if (!data) return;
    var option = Array.prototype.find.call(this.select.options, function (candidate) {
      return candidate.value === String(data.value);
    });
    if (!option) {
      option = new Option(data.label, data.value);
      this.select.appendChild(option);
    }
    if (!this.multiple) {
      Array.prototype.forEach.call(this.select.options, function (other) { other.selected = false; });
    }
    option.selected = true;
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.input.value = "";
    this.options = [];
    this.close();
    this.renderChips();
    this.announce(this.text("selected") + " " + data.label);
    this.input.focus();
  };

  Picker.prototype.unchoose = function (option) {
    option.selected = false;
    if (!this.multiple) {
      var empty = this.select.querySelector('option[value=""]');
      if (empty) empty.selected = true;
    }
    this.select.dispatchEvent(new Event("change", { bubbles: true }));
    this.renderChips();
    this.announce(this.text("removed") + " " + option.textContent);
    this.input.focus();
  };

  function enhance(scope) {
    (scope || document).querySelectorAll("[data-picker]:not(.picker--ready)").forEach(function (root) {
      if (root.querySelector("select") && root.getAttribute("data-picker-url")) new Picker(root);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
