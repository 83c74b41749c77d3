// On a phone the filters start folded so the results come first; a tap unfolds them. Without JavaScript (or on a
// wider screen) they stay open.
if (window.matchMedia("(max-width: 900px)").matches) {
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (box) { box.open = false; });
}
