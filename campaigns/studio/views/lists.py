"""Callee lists: the lists, one list with its callees, adding and changing one callee, export, and the CSV
import (upload -> preview -> confirm -> progress -> summary) on the import services and selectors."""
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views import View
from django.views.generic import CreateView, FormView, ListView, UpdateView
from django_htmx.http import HttpResponseClientRedirect

from campaigns import rules
from campaigns.importers.callees import CsvRefused
from campaigns.models import Callee, CalleeList, ImportJob
from campaigns.selectors.lists import audience_counts, callee_counts, callee_lists_overview, callee_search
from campaigns.services import imports
from campaigns.services.spreadsheets import callee_list_export

from ..access import StudioMixin
from ..forms import CalleeListForm, CalleeSearchForm, ListCalleeForm, ListImportOptionsForm, ListImportUploadForm

CALLEES_PER_PAGE = 50
MAX_PAGE = 100_000  # five million callees; beyond, an offset only costs the database
RECENT_IMPORTS = 5


@dataclass
class Slice:
    """One page of rows, without counting them all: a search through a big list would read it twice."""

    number: int
    object_list: list
    has_next: bool

    @classmethod
    def of(cls, rows, number) -> "Slice":
        """Raises Http404 for a page number that is not one (the page past the last one is empty)."""
        try:
            number = int(number or 1)
        except ValueError:
            raise Http404("No such page.") from None
        if not 1 <= number <= MAX_PAGE:
            raise Http404("No such page.")
        start = (number - 1) * CALLEES_PER_PAGE
        found = list(rows[start:start + CALLEES_PER_PAGE + 1])
        return cls(number, found[:CALLEES_PER_PAGE], len(found) > CALLEES_PER_PAGE)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


class ListIndexView(StudioMixin, ListView):
    template_name = "studio/lists/index.html"
    paginate_by = 50

    def get_queryset(self):
        return callee_lists_overview()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = callee_counts([callee_list.pk for callee_list in context["object_list"]])
        for callee_list in context["object_list"]:
            callee_list.callee_count = counts.get(callee_list.pk, 0)
        return context


class ListCreateView(StudioMixin, CreateView):
    template_name = "studio/lists/new.html"
    form_class = CalleeListForm

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"The list {self.object} is created. Now import its callees from a file.")
        return response

    def get_success_url(self):
        return reverse("studio:list_import", args=[self.object.pk])


class ListMixin(StudioMixin):
    """A page of one list, `self.callee_list` (404 when there is none)."""

    @cached_property
    def callee_list(self) -> CalleeList:
        return get_object_or_404(CalleeList, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(callee_list=self.callee_list, **kwargs)


class ListDetailView(ListMixin, View):
    def get(self, request, pk):
        callee_list = self.callee_list
        search = CalleeSearchForm(request.GET)
        query = search.cleaned_data["q"] if search.is_valid() else None
        callees = callee_search(pk, query) if query is not None else Callee.objects.none()
        page = Slice.of(callees, request.GET.get("page"))
        # The texts the list names, and those any callee shown has: ten empty columns would hide what matters.
        texts = [text for text in rules.TEXT_FIELDS
                 if text in (callee_list.text_names or {}) or any(getattr(c, text) for c in page.object_list)]
        return render(request, "studio/lists/detail.html", {
            "callee_list": callee_list, "search": search, "query": query, "page": page,
            "columns": [(text, callee_list.text_label(text)) for text in texts],
            "rows": [(callee, [getattr(callee, text) for text in texts]) for callee in page.object_list],
            **dict(zip(("callee_count", "suppressed_count"), audience_counts(pk))),
            "recent_imports": callee_list.imports.exclude(status=ImportJob.Status.UPLOADED)[:RECENT_IMPORTS],
        })


class CalleeFormMixin(ListMixin):
    template_name = "studio/lists/callee.html"
    form_class = ListCalleeForm

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except IntegrityError:  # the same number saved by someone else since the form was checked
            form.add_error("number", "This number is already in the list. Search the list for it and change "
                                     "that callee instead.")
            return self.form_invalid(form)
        messages.success(self.request, f"{self.object.number} is saved.")
        return response

    def get_success_url(self):
        return reverse("studio:list", args=[self.callee_list.pk]) + f"?q={self.object.number}"


class CalleeCreateView(CalleeFormMixin, CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Callee(callee_list=self.callee_list)}


class CalleeUpdateView(CalleeFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return get_object_or_404(Callee.objects.select_related("callee_list"), pk=self.kwargs["callee_id"],
                                 callee_list=self.callee_list)


class ListExportView(ListMixin, View):
    def get(self, request, pk):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = slugify(self.callee_list.name) or "callees"
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        callee_list_export(pk, response)
        return response


# The import


class ImportUploadView(ListMixin, FormView):
    template_name = "studio/lists/import_upload.html"
    form_class = ListImportUploadForm

    def form_valid(self, form):
        try:
            job = imports.import_job_create(form.cleaned_data["file"], imports.Target(self.callee_list),
                                            user=self.request.user)
        except (CsvRefused, imports.UploadTooLarge) as refused:
            form.add_error("file", getattr(refused, "message", str(refused)))
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("studio:list_import_preview", args=[self.callee_list.pk, job.pk]))


class ImportJobMixin(ListMixin):
    @cached_property
    def job(self) -> ImportJob:
        return get_object_or_404(ImportJob, pk=self.kwargs["job_id"], callee_list=self.callee_list)

    def progress_url(self):
        return reverse("studio:list_import_progress", args=[self.callee_list.pk, self.job.pk])


class ImportPreviewView(ImportJobMixin, View):
    """What was found in the file, the mapping and a dry run; confirming queues the import.

    A change of an option re-draws the preview (htmx); "Update preview" does the same without script."""

    def get(self, request, pk, job_id):
        return self.preview(None)

    def post(self, request, pk, job_id):
        return self.preview(request.POST)

    def preview(self, data):
        job = self.job
        if job.status != ImportJob.Status.UPLOADED:  # confirmed meanwhile, in another tab
            redirect = HttpResponseClientRedirect if self.request.htmx else HttpResponseRedirect
            return redirect(self.progress_url())
        form, preview, refusal = ListImportOptionsForm.preview(job, data)
        if data is not None and "confirm" in data and preview is not None and not form.errors:
            if not imports.import_job_queue(job):
                messages.info(self.request, "This import was already confirmed.")
            return HttpResponseRedirect(self.progress_url())
        template = "studio/lists/partials/import_preview.html" if self.request.htmx else \
            "studio/lists/import_preview.html"
        return render(self.request, template, {
            "callee_list": self.callee_list, "job": job, "form": form, "refusal": refusal, "preview": preview,
            "report": preview and preview.result.report,
        })


class ImportProgressView(ImportJobMixin, View):
    """The import's progress, polled by htmx while it runs; its summary once it has finished."""

    def get(self, request, pk, job_id):
        job = self.job
        if job.status == ImportJob.Status.UPLOADED:
            return HttpResponseRedirect(reverse("studio:list_import_preview", args=[pk, job.pk]))
        template = "studio/lists/partials/import_progress.html" if request.htmx else \
            "studio/lists/import_progress.html"
        finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
        named = [text for text in rules.TEXT_FIELDS if text in (self.callee_list.text_names or {})]
        return render(request, template, {"callee_list": self.callee_list, "job": job, "finished": finished,
                                          "text_labels": [self.callee_list.text_label(text) for text in named]})


class ImportRejectedView(ImportJobMixin, View):
    """The rows the import did not store, as CSV: line, reason, then the row as it was."""

    def get(self, request, pk, job_id):
        job = self.job
        if not job.rejected_file:
            raise Http404("This import kept every row.")
        return FileResponse(job.rejected_file.open("rb"), as_attachment=True, content_type="text/csv",
                            filename=f"{job.original_name.rsplit('.', 1)[0]}-not-imported.csv")
