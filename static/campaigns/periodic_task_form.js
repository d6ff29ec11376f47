// django-celery-beat's periodic task form: shows the chosen crontab in words under its field.
(function ($) {
  const readable = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const help = $(".field-crontab .help");
  const original = help.html();
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    help.html(original).append("<br>", document.createTextNode(`Translation: ${readable[$("#id_crontab").val()]}`));
  });
})(django.jQuery);
