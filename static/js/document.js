// The document page folds each area of cooperation (templates/partnership/document.html). A link to a paragraph,
// a footnote or an area (#p14, #fn1, #area-cyber-issues) opens the fold that holds it: Chromium opens a fold for a
// target inside it but not for the heading in its summary, and other browsers may do neither.
(function () {
  "use strict";

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var fold = target && target.closest("details.fold");
    if (fold && !fold.open) {
      fold.open = true;
      target.scrollIntoView();
    }
  }

  window.addEventListener("hashchange", openTarget);
  // Following a link to the address already shown fires no hashchange: look again once it has been followed.
  document.addEventListener("click", function (event) {
    if (event.target.closest('a[href^="#"]')) {
      window.setTimeout(openTarget);
    }
  });
  openTarget();

  // The buttons do nothing without this script, so they stay hidden until it runs.
  document.querySelectorAll("[data-folds]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-folds") === "open";
      document.querySelectorAll("details.fold").forEach(function (fold) {
        fold.open = open;
      });
    });
  });
})();
