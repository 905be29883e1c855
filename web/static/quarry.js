// Quarry: optional enhancements only; every page works without this file.
(function () {
  "use strict";

  // Copy buttons: reveal them and copy the target element's text to the clipboard.
  function textOf(el) {
    return el.value !== undefined && el.tagName === "TEXTAREA" ? el.value : el.textContent;
  }
  function copyButtons() {
    var buttons = document.querySelectorAll("button.copy[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (btn) {
      var target = document.getElementById(btn.getAttribute("data-copy-target"));
      if (!target || !navigator.clipboard) { return; }
      btn.hidden = false;
      var label = btn.textContent;
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(textOf(target).trim()).then(function () {
          btn.textContent = "Copied";
          setTimeout(function () { btn.textContent = label; }, 1500);
        }, function () {
          btn.textContent = "Copy failed";
        });
      });
    });
  }

  // The histogram as one control (web/histogram.py draws it): its month links are not tab
  // stops; one of them (the month shown, else the latest) is, and the keys move between them.
  var YEAR = 12;
  function monthIndex(link) {
    var parts = link.getAttribute("data-month").split("-");
    return parseInt(parts[0], 10) * 12 + parseInt(parts[1], 10) - 1;
  }
  function histogram(svg) {
    var links = Array.prototype.slice.call(svg.querySelectorAll("a.month"));
    if (!links.length) { return; }
    var months = links.map(monthIndex);
    var current = links.filter(function (a) { return a.hasAttribute("aria-current"); })[0] ||
      links[links.length - 1];
    var section = svg.closest(".timeline");
    var readout = section && section.querySelector("[data-histogram-readout]");
    var keys = section && section.querySelector("#histogram-keys");
    if (keys) {
      keys.hidden = false;
      svg.setAttribute("aria-describedby", "histogram-keys");
    }
    function show(link) {
      if (readout) { readout.textContent = link.getAttribute("aria-label"); }
    }
    function moveTo(link) {
      current.setAttribute("tabindex", "-1");
      link.setAttribute("tabindex", "0");
      current = link;
      link.focus();
    }
    // the nearest month with articles at or after (forward) / at or before a month index
    function nearest(target, forward) {
      var i;
      if (forward) {
        for (i = 0; i < months.length; i++) { if (months[i] >= target) { return links[i]; } }
        return links[links.length - 1];
      }
      for (i = months.length - 1; i >= 0; i--) { if (months[i] <= target) { return links[i]; } }
      return links[0];
    }
    current.setAttribute("tabindex", "0");
    svg.addEventListener("keydown", function (event) {
      var at = links.indexOf(current);
      var next = null;
      switch (event.key) {
        case "ArrowRight": case "ArrowDown": next = links[Math.min(at + 1, links.length - 1)]; break;
        case "ArrowLeft": case "ArrowUp": next = links[Math.max(at - 1, 0)]; break;
        case "Home": next = links[0]; break;
        case "End": next = links[links.length - 1]; break;
        case "PageDown": next = nearest(months[at] + YEAR, true); break;
        case "PageUp": next = nearest(months[at] - YEAR, false); break;
        default: return;  // Enter follows the focused month's link; Tab leaves the chart
      }
      event.preventDefault();
      moveTo(next);
    });
    links.forEach(function (link) {
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("mouseenter", function () { show(link); });
    });
  }

  function init() {
    copyButtons();
    Array.prototype.forEach.call(document.querySelectorAll("svg[data-histogram]"), histogram);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
