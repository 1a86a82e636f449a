/* The explorable network map of a stakeholder map (stakeholder_map/network.html).

   Data: the page's JSON island #network-data (positions laid out on the server, so that no two
   nodes and their labels overlap at zoom 1). Drawing: cytoscape.js (vendor/cytoscape).
   Every control is a real form control in #network-controls, so the map can be used with the
   keyboard alone; their state is mirrored in the address so a view can be shared. Labels are
   12 px whatever the zoom; at each zoom a label is shown whole, shortened or not at all, so
   that no two labels (nor a label and a node) ever overlap. */
(function () {
  "use strict";

  var root = document.querySelector("[data-network]");
  var island = document.getElementById("network-data");
  if (!root || !island || typeof window.cytoscape !== "function") return;
  var data = JSON.parse(island.textContent);
  if (!data || !data.nodes) return;

  var T = data.text || {};
  var form = root.querySelector("#network-controls");
  var stage = root.querySelector(".network-stage");
  var container = root.querySelector("#network-canvas");
  var detailsBox = root.querySelector("#network-details");
  var details = root.querySelector("#network-details-body");
  var status = root.querySelector("#network-status");
  var search = form.querySelector("#network-search");
  var focusSelect = form.querySelector("#network-focus");
  var sizeSelect = form.querySelector("#network-size");
  var strengthSelect = form.querySelector("#network-strength");
  var applyButton = form.querySelector("button[type=submit]");
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var FONT_SIZE = 12;
  var LABEL_HEIGHT = 15;
  var SHORT = 12;

  stage.hidden = false;
  if (applyButton) applyButton.style.display = "none"; // every change applies at once

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_all, key) {
      return key in values ? String(values[key]) : "";
    });
  }

  // Colours come from the legend's swatches, so the stylesheet is their only source.
  function swatchColour(selector, property, fallback) {
    var element = form.querySelector(selector);
    if (!element) return fallback;
    var value = getComputedStyle(element).getPropertyValue(property).trim();
    return value || fallback;
  }
  var sectorColour = {};
  (data.sectors || []).forEach(function (sector) {
    sectorColour[sector.value] = swatchColour(
      ".network-swatch.sector--" + sector.value, "--sector-color", "#9aa3ad");
  });
  var kindColour = {};
  (data.kinds || []).forEach(function (kind) {
    kindColour[kind.value] = swatchColour(".network-line.tie--" + kind.value, "--tie-color", "#8a94a3");
  });
  var fontFamily = getComputedStyle(document.body).fontFamily || "sans-serif";

  var byId = {};
  var elements = [];
  data.nodes.forEach(function (node) {
    byId[String(node.id)] = node;
    elements.push({
      group: "nodes",
      data: {
        id: String(node.id), name: node.name, short: node.label, sector: node.sector,
        colour: sectorColour[node.sector] || "#9aa3ad", size: 20, display: "",
      },
      position: { x: node.x, y: node.y },
    });
  });
  data.edges.forEach(function (edge) {
    elements.push({
      group: "edges",
      data: {
        id: "e" + edge.id, source: String(edge.source), target: String(edge.target),
        kind: edge.kind, strength: edge.strength, colour: kindColour[edge.kind] || "#8a94a3",
        width: 1 + edge.strength,
      },
      classes: (edge.directed ? "directed " : "") + (edge.sensitive ? "sensitive" : ""),
    });
  });

  var cy = window.cytoscape({
    container: container,
    elements: elements,
    layout: { name: "preset", fit: false },
    minZoom: 0.05,
    maxZoom: 4,
    autoungrabify: true,
    boxSelectionEnabled: false,
    style: [
      { selector: "node", style: {
        "width": "data(size)", "height": "data(size)", "background-color": "data(colour)",
        "border-width": 1.5, "border-color": "#ffffff", "label": "data(display)",
        "font-size": FONT_SIZE, "font-family": fontFamily, "color": "#1b2430",
        "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3,
        "text-outline-color": "#ffffff", "text-outline-width": 2, "text-outline-opacity": 0.9,
        "min-zoomed-font-size": 0,
      } },
      { selector: "edge", style: {
        "width": "data(width)", "line-color": "data(colour)", "curve-style": "bezier",
        "opacity": 0.75, "target-arrow-color": "data(colour)",
      } },
      { selector: "edge.directed", style: { "target-arrow-shape": "triangle", "arrow-scale": 0.9 } },
      { selector: "edge.sensitive", style: { "line-style": "dashed", "line-dash-pattern": [6, 4] } },
      { selector: ".filtered", style: { "display": "none" } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "node.focused", style: { "border-width": 4, "border-color": "#1b2430" } },
      { selector: "node.neighbour", style: { "border-width": 2.5, "border-color": "#1b2430" } },
      { selector: "edge.near", style: { "opacity": 1 } },
    ],
  });

  var focusedId = null;

  // ---- state from the form ------------------------------------------------------------------
  function checkedValues(name) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input[name=" + name + "]"), function (box) { return box.checked; }
    ).map(function (box) { return box.value; });
  }
  function allValues(name) {
    return Array.prototype.map.call(
      form.querySelectorAll("input[name=" + name + "]"), function (box) { return box.value; });
  }

  function updateAddress() {
    var params = new URLSearchParams();
    var sectors = checkedValues("sector");
    var kinds = checkedValues("kind");
    if (sectors.length !== allValues("sector").length) {
      if (sectors.length) sectors.forEach(function (v) { params.append("sector", v); });
      else params.append("sector", "");
    }
    if (kinds.length !== allValues("kind").length) {
      if (kinds.length) kinds.forEach(function (v) { params.append("kind", v); });
      else params.append("kind", "");
    }
    if (strengthSelect.value !== "1") params.set("strength", strengthSelect.value);
    if (sizeSelect.value !== "degree") params.set("size", sizeSelect.value);
    if (focusedId) params.set("focus", focusedId);
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  // ---- sizes ------------------------------------------------------------------------------
  function applySizes() {
    var metric = sizeSelect.value;
    var largest = 0;
    data.nodes.forEach(function (node) { largest = Math.max(largest, node[metric] || 0); });
    cy.batch(function () {
      data.nodes.forEach(function (node) {
        var share = largest ? (node[metric] || 0) / largest : 0;
        cy.getElementById(String(node.id)).data("size", largest ? 14 + 26 * share : 20);
      });
    });
  }

  // ---- filters ----------------------------------------------------------------------------
  function applyFilters() {
    var sectors = new Set(checkedValues("sector"));
    var kinds = new Set(checkedValues("kind"));
    var strength = parseInt(strengthSelect.value, 10) || 1;
    var kindsAll = allValues("kind").length === 0;
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        node.toggleClass("filtered", !sectors.has(node.data("sector")));
      });
      cy.edges().forEach(function (edge) {
        var hidden = (!kindsAll && !kinds.has(edge.data("kind"))) ||
          edge.data("strength") < strength ||
          edge.source().hasClass("filtered") || edge.target().hasClass("filtered");
        edge.toggleClass("filtered", hidden);
      });
    });
    var shownNodes = cy.nodes().not(".filtered");
    var shownEdges = cy.edges().not(".filtered");
    document.querySelectorAll("tr[data-node]").forEach(function (row) {
      var node = cy.getElementById(row.getAttribute("data-node"));
      row.hidden = node.nonempty() && node.hasClass("filtered");
    });
    document.querySelectorAll("tr[data-edge]").forEach(function (row) {
      var edge = cy.getElementById("e" + row.getAttribute("data-edge"));
      row.hidden = edge.nonempty() && edge.hasClass("filtered");
    });
    status.textContent = format(T.status, {
      nodes: shownNodes.length, total: data.nodes.length, ties: shownEdges.length,
    });
    if (focusedId && cy.getElementById(focusedId).hasClass("filtered")) clearFocus(false);
    else if (focusedId) markFocus(cy.getElementById(focusedId));
  }

  // ---- labels -----------------------------------------------------------------------------
  var measure = document.createElement("canvas").getContext("2d");
  function textWidth(text) {
    measure.font = FONT_SIZE + "px " + fontFamily;
    return measure.measureText(text).width;
  }
  function abbreviate(text) {
    return text.length > SHORT ? text.slice(0, SHORT - 1).trim() + "…" : text;
  }
  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }

  var placing = false;
  function placeLabels() {
    if (placing) return;
    placing = true;
    var zoom = cy.zoom();
    var visible = cy.nodes().not(".filtered");
    cy.batch(function () {
      // Type and outlines stay the same size on screen whatever the zoom.
      visible.style({
        "font-size": FONT_SIZE / zoom, "text-margin-y": 3 / zoom, "text-outline-width": 2 / zoom,
      });
    });
    var bodies = visible.map(function (node) {
      var p = node.renderedPosition();
      var r = node.renderedWidth() / 2;
      return { id: node.id(), x1: p.x - r, y1: p.y - r, x2: p.x + r, y2: p.y + r };
    });
    var order = visible.toArray().sort(function (a, b) {
      function rank(node) {
        if (node.id() === focusedId) return 0;
        if (node.hasClass("neighbour")) return 1;
        if (node.hasClass("faded")) return 3;
        return 2;
      }
      return rank(a) - rank(b) || b.data("size") - a.data("size") ||
        a.data("name").localeCompare(b.data("name"));
    });
    var taken = [];
    var labels = {};
    var shifts = {};
    var width = cy.width();
    order.forEach(function (node) {
      labels[node.id()] = "";
      if (node.hasClass("faded")) return;
      var p = node.renderedPosition();
      var r = node.renderedWidth() / 2;
      var choices = [node.data("short")];
      var shorter = abbreviate(node.data("short"));
      if (shorter !== choices[0]) choices.push(shorter);
      shifts[node.id()] = 0;
      for (var i = 0; i < choices.length; i++) {
        var half = textWidth(choices[i]) / 2 + 2;
        // A label that would run past a side of the map slides inward, under its node.
        var shift = Math.max(0, 2 - (p.x - half)) || Math.min(0, (width - 2) - (p.x + half));
        if (Math.abs(shift) > half) shift = 0;
        var box = {
          x1: p.x - half + shift, x2: p.x + half + shift, y1: p.y + r + 1, y2: p.y + r + 3 + LABEL_HEIGHT,
        };
        var clear = !taken.some(function (other) { return overlaps(box, other); }) &&
          !bodies.some(function (body) { return body.id !== node.id() && overlaps(box, body); });
        if (clear) {
          taken.push(box);
          labels[node.id()] = choices[i];
          shifts[node.id()] = shift;
          break;
        }
      }
    });
    cy.batch(function () {
      visible.forEach(function (node) {
        if (node.data("display") !== labels[node.id()]) node.data("display", labels[node.id()]);
        node.style("text-margin-x", (shifts[node.id()] || 0) / zoom);
      });
    });
    placing = false;
  }

  var lastZoom = null;
  var pending = null;
  cy.on("viewport", function () {
    if (cy.zoom() === lastZoom) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(function () { lastZoom = cy.zoom(); placeLabels(); }, 80);
  });

  // ---- focus ------------------------------------------------------------------------------
  function markFocus(node) {
    var hood = node.closedNeighborhood().not(".filtered");
    cy.batch(function () {
      cy.elements().removeClass("focused neighbour faded near");
      cy.elements().not(".filtered").not(hood).addClass("faded");
      hood.nodes().not(node).addClass("neighbour");
      hood.edges().addClass("near");
      node.addClass("focused");
    });
    return hood;
  }

  function showDetails(node, hood) {
    var info = byId[node.id()];
    details.textContent = "";
    detailsBox.hidden = false;
    var heading = document.createElement("p");
    var link = document.createElement("a");
    link.href = info.url;
    link.textContent = info.name;
    link.setAttribute("dir", "auto");
    var strong = document.createElement("strong");
    strong.appendChild(link);
    heading.appendChild(strong);
    details.appendChild(heading);
    var sector = (data.sectors || []).filter(function (s) { return s.value === info.sector; })[0];
    if (sector) {
      var line = document.createElement("p");
      var swatch = document.createElement("span");
      swatch.className = "network-swatch sector--" + info.sector;
      swatch.setAttribute("aria-hidden", "true");
      line.appendChild(swatch);
      line.appendChild(document.createTextNode(" " + sector.label));
      details.appendChild(line);
    }
    var list = document.createElement("dl");
    list.className = "network-metrics";
    Object.keys(T.metrics || {}).forEach(function (metric) {
      var term = document.createElement("dt");
      term.textContent = T.metrics[metric];
      var value = document.createElement("dd");
      value.textContent = info[metric] === null || info[metric] === undefined
        ? T.not_computed : Number(info[metric]).toFixed(3);
      list.appendChild(term);
      list.appendChild(value);
    });
    details.appendChild(list);
    var title = document.createElement("h4");
    title.textContent = T.neighbours;
    details.appendChild(title);
    var neighbours = hood.nodes().not(node).toArray().sort(function (a, b) {
      return a.data("name").localeCompare(b.data("name"));
    });
    if (!neighbours.length) {
      var none = document.createElement("p");
      none.className = "muted";
      none.textContent = T.no_neighbours;
      details.appendChild(none);
    } else {
      var items = document.createElement("ul");
      items.className = "network-neighbours";
      neighbours.forEach(function (other) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link-button";
        button.setAttribute("dir", "auto");
        button.textContent = other.data("name");
        button.addEventListener("click", function () {
          // The panel is drawn again for the neighbour: keep the keyboard in it.
          if (focusOn(other.id(), true)) details.querySelector("a").focus();
        });
        item.appendChild(button);
        items.appendChild(item);
      });
      details.appendChild(items);
    }
  }

  // The zoom and pan that show `eles` whole, beside the details panel when it floats over
  // the map (on wide screens), with labels' room at the sides.
  function fitView(eles, padding, maxZoom) {
    var box = eles.boundingBox({ includeLabels: false });
    var width = cy.width();
    var height = cy.height();
    var panel = 0;
    if (!detailsBox.hidden && getComputedStyle(detailsBox).position === "absolute") {
      panel = detailsBox.offsetWidth + 16;
    }
    var room = Math.max(width - panel - 2 * padding, 40);
    var zoom = Math.min(room / Math.max(box.w, 1), (height - 2 * padding) / Math.max(box.h, 1), maxZoom);
    zoom = Math.max(cy.minZoom(), zoom);
    var rtl = getComputedStyle(container).direction === "rtl";
    // The panel sits at the inline end: the right in English, the left in Hebrew and Arabic.
    var centreX = rtl ? panel + (width - panel) / 2 : (width - panel) / 2;
    return {
      zoom: zoom,
      pan: { x: centreX - zoom * (box.x1 + box.w / 2), y: height / 2 - zoom * (box.y1 + box.h / 2) },
    };
  }

  function focusOn(id, announce) {
    var node = cy.getElementById(String(id));
    if (node.empty()) return false;
    if (node.hasClass("filtered")) {
      status.textContent = format(T.hidden, { name: node.data("name") });
      return false;
    }
    focusedId = node.id();
    focusSelect.value = focusedId;
    var hood = markFocus(node);
    showDetails(node, hood);
    if (announce) {
      status.textContent = format(T.focused, {
        name: node.data("name"), count: hood.nodes().length - 1,
      });
    }
    var view = fitView(hood, 50, 1.6);
    var done = function () { lastZoom = cy.zoom(); placeLabels(); };
    if (reduceMotion) { cy.viewport(view); done(); }
    else cy.animate({ zoom: view.zoom, pan: view.pan, duration: 300, complete: done });
    updateAddress();
    return true;
  }

  function clearFocus(announce) {
    focusedId = null;
    focusSelect.value = "";
    cy.elements().removeClass("focused neighbour faded near");
    details.textContent = "";
    detailsBox.hidden = true;
    if (announce) status.textContent = T.cleared;
    placeLabels();
    updateAddress();
  }

  function fold(text) {
    // Case, Hebrew points and Arabic marks do not matter when finding a name.
    return (text || "").toLocaleLowerCase().normalize("NFKD")
      .replace(/[\u0591-\u05C7\u064B-\u065F\u0670\u0300-\u036f]/g, "").trim();
  }

  function findNode(query) {
    var wanted = fold(query);
    if (!wanted) return null;
    var exact = null;
    var starts = null;
    var contains = null;
    data.nodes.forEach(function (node) {
      var name = fold(node.name);
      if (name === wanted && !exact) exact = node;
      else if (name.indexOf(wanted) === 0 && !starts) starts = node;
      else if (name.indexOf(wanted) > 0 && !contains) contains = node;
    });
    return exact || starts || contains;
  }

  // ---- wiring -----------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = search.value;
    if (!query.trim()) return;
    var found = findNode(query);
    if (found) focusOn(found.id, true);
    else status.textContent = format(T.no_match, { query: query });
  });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target === search) return;
    if (target === focusSelect) {
      if (focusSelect.value) focusOn(focusSelect.value, true);
      else clearFocus(true);
      return;
    }
    if (target === sizeSelect) applySizes();
    applyFilters();
    placeLabels();
    updateAddress();
  });

  function zoomBy(factor) {
    var level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
    cy.zoom({ level: level, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }
  function fitAll() {
    var shown = cy.elements().not(".filtered");
    // Room at the sides for the labels of the outermost nodes.
    cy.viewport(fitView(shown.length ? shown : cy.elements(), Math.min(80, cy.width() / 12), 1.4));
  }
  root.querySelector(".network-toolbar").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var action = button.getAttribute("data-action");
    if (action === "zoom-in") zoomBy(1.4);
    else if (action === "zoom-out") zoomBy(1 / 1.4);
    else if (action === "fit") fitAll();
    else if (action === "clear") { clearFocus(true); fitAll(); }
  });

  container.addEventListener("keydown", function (event) {
    var step = 60;
    var handled = true;
    switch (event.key) {
      case "ArrowLeft": cy.panBy({ x: step, y: 0 }); break;
      case "ArrowRight": cy.panBy({ x: -step, y: 0 }); break;
      case "ArrowUp": cy.panBy({ x: 0, y: step }); break;
      case "ArrowDown": cy.panBy({ x: 0, y: -step }); break;
      case "+": case "=": zoomBy(1.25); break;
      case "-": case "_": zoomBy(0.8); break;
      case "0": fitAll(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !focusedId) return;
    if (event.target && event.target.tagName === "SELECT") return; // closes the list first
    clearFocus(true);
    fitAll();
  });

  cy.on("tap", "node", function (event) { focusOn(event.target.id(), true); });
  cy.on("tap", function (event) {
    if (event.target === cy && focusedId) clearFocus(true);
  });

  // ---- start ------------------------------------------------------------------------------
  applySizes();
  applyFilters();
  fitAll();
  lastZoom = cy.zoom();
  placeLabels();
  var start = new URLSearchParams(location.search).get("focus");
  if (start && !focusOn(start, false)) focusSelect.value = "";
  window.addEventListener("resize", function () {
    cy.resize();
    lastZoom = null;
    cy.emit("viewport");
  });
  root.setAttribute("data-network-ready", "true");
})();
