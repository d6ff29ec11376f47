// Keeps a submitted campaign's progress box up to date without reloading the page.
(function () {
  const box = document.getElementById("campaign-progress");
  if (!box) return;
  async function refresh() {
    try {
      const data = await (await fetch(box.dataset.url, {credentials: "same-origin"})).json();
      for (const element of box.querySelectorAll("[data-field]")) {
        const value = data[element.dataset.field];
        if (element.tagName === "PROGRESS") element.value = value || 0;
        else element.textContent = value === null || value === "" ? "–" : value;
      }
      if (data.final) return;
    } catch (error) { /* try again on the next tick */ }
    setTimeout(refresh, 3000);
  }
  setTimeout(refresh, 3000);
})();
