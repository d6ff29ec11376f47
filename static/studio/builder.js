// The campaign builder (templates/studio/campaigns/): a character counter under texts with a limit, and
// forms that are sent once (a second click while the first is on its way does nothing).
(() => {
  const count = (area) => {
    const shown = document.getElementById(area.dataset.counter);
    if (shown) {
      shown.textContent = `${area.value.length} / ${area.maxLength} characters`;
    }
  };
  const countAll = () => document.querySelectorAll("textarea[data-counter]").forEach(count);
  document.addEventListener("input", (event) => {
    if (event.target.matches("textarea[data-counter]")) {
      count(event.target);
    }
  });
  document.addEventListener("htmx:afterSettle", countAll);
  document.addEventListener("DOMContentLoaded", countAll);
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("[data-submit-once]")) {
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "yes";
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.classList.add("disabled"); });
  });
})();

// A field being corrected loses its red mark as soon as it is changed; the server judges it again on Next.
document.addEventListener("input", (event) => {
  event.target.classList.remove("is-invalid");
});
