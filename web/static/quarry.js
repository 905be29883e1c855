// Quarry: optional enhancements only; every page works without this file.
// Copy buttons: reveal them and copy the target element's text to the clipboard.
(function () {
  "use strict";
  function textOf(el) {
    return el.value !== undefined && el.tagName === "TEXTAREA" ? el.value : el.textContent;
  }
  function init() {
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
    // Sort / page-size selects apply on change; the Apply button stays for no-JS users.
    Array.prototype.forEach.call(document.querySelectorAll("form.sort select"), function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
