/* Swagger UI inside the tracker's page (templates/drf_spectacular/swagger_ui.html), made to pass axe-core.

   1. A preset, named in SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"], keeps Swagger UI's parts within the page's
      landmarks: it leaves out the title and description (the page's introduction says them), and puts the
      "Authorize" button and its dialog (opened by each operation's lock too) in a region of their own.
   2. What Swagger UI leaves unnamed or out of keyboard reach is set as it appears: each parameter's list of values
      is named after its parameter, each table of responses after its operation, the dialog's close button says so,
      and each block of code that may scroll can take the focus. React leaves attributes it does not manage alone, so setting them is safe. */
"use strict";

const labelledRegion = (label) => (Original, system) => (props) =>
  system.React.createElement("section", { "aria-label": label }, system.React.createElement(Original, props));

window.TrackerApiDocs = {
  preset: () => [() => ({
    components: { InfoContainer: () => null },
    wrapComponents: { AuthorizeBtnContainer: labelledRegion("Authorisation") },
  })],
};

(() => {
  const root = document.getElementById("swagger-ui");

  const complete = () => {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach((select) => {
      const row = select.closest("tr");
      select.setAttribute("aria-label", `${row.dataset.paramName} (${row.dataset.paramIn})`);
    });
    root.querySelectorAll("pre:not([tabindex])").forEach((pre) => pre.setAttribute("tabindex", "0"));
    root.querySelectorAll("button.close-modal:not([aria-label])").forEach((close) => close.setAttribute("aria-label", "Close"));
    // Each open operation's table of responses is a region: two open at once need names to tell them apart.
    root.querySelectorAll("table.responses-table[role=region]:not([aria-label])").forEach((table) => {
      const operation = table.closest(".opblock");
      const method = operation?.querySelector(".opblock-summary-method")?.textContent ?? "";
      const path = operation?.querySelector(".opblock-summary-path")?.dataset.path ?? "";
      table.setAttribute("aria-label", `Responses of ${method} ${path}`.trim());
    });
  };

  new MutationObserver(complete).observe(root, { childList: true, subtree: true });
})();
