// Offers the browser's time zone to a user who has not chosen one (templates/studio/partials/zone_offer.html).
// Nothing is changed until they click.
(() => {
  const offer = document.getElementById("zone-offer");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!offer || !zone || zone === offer.dataset.siteZone) {
    return;
  }
  offer.querySelector("[data-browser-zone]").value = zone;
  for (const name of offer.querySelectorAll(".browser-zone")) {
    name.textContent = zone;
  }
  offer.hidden = false;
})();
