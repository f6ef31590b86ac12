/* Dossier: the timeline filter, for the list and the drawn timeline. Works from the static page alone: no server,
   no third-party code. */
(function () {
  "use strict";

  function sectionOf(heading) {
    // An event is its heading and every sibling up to the next heading of the same or a higher level.
    var level = Number(heading.tagName.charAt(1));
    var nodes = [heading];
    for (var node = heading.nextElementSibling; node; node = node.nextElementSibling) {
      if (/^H[1-6]$/.test(node.tagName) && Number(node.tagName.charAt(1)) <= level) break;
      nodes.push(node);
    }
    return nodes;
  }

  function setUp() {
    var form = document.querySelector("form.dossier-filter");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    function item(node, nodes) {
      return { actors: (node.dataset.actors || "").split(" "), tags: (node.dataset.tags || "").split(" "), nodes: nodes };
    }
    var events = Array.prototype.map.call(document.querySelectorAll(".dossier-event"), function (heading) {
      return item(heading, sectionOf(heading));
    });
    // The drawn timeline's marks and its text alternative follow the list (they are not counted twice).
    var marks = Array.prototype.map.call(document.querySelectorAll(".dossier-tl [data-actors]"), function (node) {
      return item(node, [node]);
    });
    var empty = form.querySelector(".dossier-filter-empty");

    function apply() {
      var actor = form.elements.actor.value;
      var tag = form.elements.tag.value;
      var shown = 0;
      function show(entry) {
        var visible = (!actor || entry.actors.indexOf(actor) >= 0) && (!tag || entry.tags.indexOf(tag) >= 0);
        entry.nodes.forEach(function (node) { node.classList.toggle("dossier-hidden", !visible); });
        return visible;
      }
      events.forEach(function (event) { if (show(event)) shown += 1; });
      marks.forEach(show);
      if (empty) empty.hidden = shown > 0;
    }

    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
