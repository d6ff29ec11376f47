"""Callee lists, callees and the do-not-call list, and their CSV imports:
upload -> preview (with overrides) -> confirm -> progress -> summary."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify

from ..forms import CalleeForm, ImportOptionsForm, ImportUploadForm, SuppressedNumberForm
from ..importers import phones
from ..importers.callees import CsvRefused
from ..models import Callee, CalleeList, ImportJob, SuppressedNumber
from ..selectors.lists import callees_of, import_job_progress
from ..services import imports
from ..services.imports import Target
from ..services.spreadsheets import callee_list_export
from .mixins import ReadOnlyMixin

def upload_view(model_admin, request, target: imports.Target, title: str, back_url: str):
    """Step 1: the file. Shared by callee lists and the do-not-call list."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(form.cleaned_data["file"], target, user=request.user)
        except (CsvRefused, imports.UploadTooLarge) as refused:
            form.add_error("file", getattr(refused, "message", str(refused)))
        else:
            return HttpResponseRedirect(reverse("admin:campaigns_importjob_preview", args=[job.pk]))
    context = {**model_admin.admin_site.each_context(request), "title": title, "form": form,
               "back_url": back_url, "max_mb": imports.settings.CALLEE_IMPORT_MAX_MB,
               "opts": model_admin.model._meta}
    return TemplateResponse(request, "admin/campaigns/import/upload.html", context)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("original_name", "callee_list", "status", "imported", "updated", "duplicates", "rejected",
                    "created_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("callee_list", "created_by")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:job_id>/preview/", wrap(self.preview_view), name="campaigns_importjob_preview"),
            path("<int:job_id>/progress/", wrap(self.progress_view), name="campaigns_importjob_progress"),
            path("<int:job_id>/status/", wrap(self.status_view), name="campaigns_importjob_status"),
            path("<int:job_id>/not-imported.csv", wrap(self.rejected_view), name="campaigns_importjob_rejected"),
            *super().get_urls(),
        ]

    def _job(self, request, job_id) -> ImportJob:
        job = get_object_or_404(ImportJob.objects.select_related("callee_list"), pk=job_id)
        if job.created_by_id != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied
        return job

    def preview_view(self, request, job_id):
        """Step 2: what was detected, the mapping, and a dry run; step 3 is the confirm button."""
        job = self._job(request, job_id)
        if job.status != ImportJob.Status.UPLOADED:
            return HttpResponseRedirect(reverse("admin:campaigns_importjob_progress", args=[job.pk]))
        form, preview, error = ImportOptionsForm.preview(job, request.POST if request.method == "POST" else None)
        if request.method == "POST" and request.POST.get("confirm") and preview is not None:
            return self._confirm(request, job)
        context = {
            **self.admin_site.each_context(request), "title": f"Import {job.original_name}", "job": job,
            "form": form, "error": error, "opts": self.model._meta, "into": job.callee_list or "the do-not-call list",
            "result": preview and preview.result, "fmt": preview and preview.fmt,
            "targets": preview.targets if preview else [], "preview_rows": preview.rows if preview else [],
        }
        return TemplateResponse(request, "admin/campaigns/import/preview.html", context)

    def _confirm(self, request, job):
        if not imports.import_job_queue(job):
            messages.warning(request, "This import was already confirmed.")
        return HttpResponseRedirect(reverse("admin:campaigns_importjob_progress", args=[job.pk]))

    def progress_view(self, request, job_id):
        job = self._job(request, job_id)
        context = {**self.admin_site.each_context(request), "title": f"Import of {job.original_name}",
                   "job": job, "opts": self.model._meta, "back_url": _back_url(job)}
        return TemplateResponse(request, "admin/campaigns/import/progress.html", context)

    def status_view(self, request, job_id):
        job = self._job(request, job_id)
        return JsonResponse(import_job_progress(job))

    def rejected_view(self, request, job_id):
        job = self._job(request, job_id)
        if not job.rejected_file:
            raise PermissionDenied
        return FileResponse(job.rejected_file.open("rb"), as_attachment=True, content_type="text/csv",
                            filename=f"{job.original_name.rsplit('.', 1)[0]}-not-imported.csv")


def _back_url(job) -> str:
    if job.callee_list_id:
        return reverse("admin:campaigns_callee_changelist") + f"?callee_list__id__exact={job.callee_list_id}"
    return reverse("admin:campaigns_suppressednumber_changelist")


@admin.register(CalleeList)
class CalleeListAdmin(admin.ModelAdmin):
    list_display = ("name", "callee_count", "created_at", "callees_link")
    ordering = ("name",)
    search_fields = ("name",)
    # text_names is written by the import (the file's own column names), never typed here.
    fields = ("name", "description", "text_columns")
    readonly_fields = ("text_columns",)
    change_form_template = "admin/campaigns/calleelist/change_form.html"

    @admin.display(description="Text columns")
    def text_columns(self, obj):
        labels = [obj.text_label(f) for f in sorted(obj.text_names or {}, key=lambda f: int(f[4:]))]
        return ", ".join(labels) or "-"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/import/", wrap(self.import_view), name="campaigns_calleelist_import"),
            path("<int:pk>/export.csv", wrap(self.export_view), name="campaigns_calleelist_export"),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        callee_list = get_object_or_404(CalleeList, pk=pk)
        if not self.has_change_permission(request, callee_list):
            raise PermissionDenied
        back = reverse("admin:campaigns_calleelist_change", args=[pk])
        return upload_view(self, request, Target(callee_list), f"Import callees into {callee_list}", back)

    def export_view(self, request, pk):
        callee_list = get_object_or_404(CalleeList, pk=pk)
        if not self.has_view_permission(request, callee_list):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(callee_list.name) or "callees"}.csv"'
        callee_list_export(callee_list.pk, response)
        return response

    @admin.display(description="")
    def callees_link(self, obj):
        url = reverse("admin:campaigns_callee_changelist") + f"?callee_list__id__exact={obj.pk}"
        return format_html('<a href="{}">View callees</a>', url)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(callee_count=callees_of("pk"))

    @admin.display(description="callees", ordering="callee_count")
    def callee_count(self, obj):
        return obj.callee_count


class NumberSearchMixin:
    """A search typed as a phone number ('+34 612 345 679') looks for the number as it is stored."""

    def get_search_results(self, request, queryset, search_term):
        number, reason = phones.normalize(search_term.strip())
        return super().get_search_results(request, queryset, search_term if reason else number)


@admin.register(SuppressedNumber)
class SuppressedNumberAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = SuppressedNumberForm
    list_display = ("number", "reason", "added_by", "added_at")
    search_fields = ("number", "reason")
    list_select_related = ("added_by",)
    readonly_fields = ("added_by", "added_at")
    change_list_template = "admin/campaigns/suppressednumber/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("import/", wrap(self.import_view), name="campaigns_suppressednumber_import"),
                *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        back = reverse("admin:campaigns_suppressednumber_changelist")
        return upload_view(self, request, Target(None), "Import do-not-call numbers", back)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Callee)
class CalleeAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = CalleeForm
    list_display = ("number", "callee_list", "text1", "text2", "text3")
    list_filter = ("callee_list",)
    list_select_related = ("callee_list",)
    search_fields = ("number", "text1")
    autocomplete_fields = ("callee_list",)
    show_full_result_count = False
