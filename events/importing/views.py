"""The admin's import page: upload, see the dry run, confirm to apply — as import_content does.

The page also gives each model's template (CSV, or .xlsx with drop-down lists) and the
whole content as one workbook, in the form the import reads back.
"""

import io
import tempfile

from django.contrib import admin, messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View

from editorial.imports import ImportHistory

from . import exporting
from .forms import ConfirmImportForm, ImportUploadForm
from .importer import run_import
from .specs import registry
from .staging import StagedFileGone, discard, source_of, stage, staged_from_token, token_for

PROBLEMS_SHOWN = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportContentView(PermissionRequiredMixin, View):
    permission_required = "events.import_file"
    raise_exception = True
    template_name = "admin/import_content.html"

    def get(self, request):
        if "template" in request.GET:
            if request.GET.get("format") == "xlsx":
                return self.xlsx_template(request.GET["template"])
            return self.csv_template(request.GET["template"])
        if request.GET.get("export") == "xlsx":
            return self.xlsx_export(request)
        return self.render(request, ImportUploadForm())

    def csv_template(self, name):
        """The empty CSV file of one content type, its header row as the importer reads it."""
        spec = registry().get(name)
        if spec is None:
            raise Http404("没有这种内容类型的 CSV 模板。")
        stream = io.StringIO()
        exporting.write_csv(stream, spec, empty=True)
        response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{spec.name}.csv"'
        return response

    def xlsx_template(self, name):
        """The empty workbook of one content type: Chinese headers, drop-down lists for choices."""
        spec = registry().get(name)
        if spec is None:
            raise Http404("没有这种内容类型的模板。")
        stream = io.BytesIO()
        exporting.write_xlsx_template(stream, spec)
        response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{spec.name}.xlsx"'
        return response

    def xlsx_export(self, request):
        """Every content type this user may view, one sheet each, drafts included: as export_content."""
        user = request.user
        specs = [
            spec
            for spec in registry()
            if any(
                user.has_perm(f"{spec.model._meta.app_label}.{action}_{spec.model._meta.model_name}")
                for action in ("view", "change")
            )
        ]
        # Written to a temporary file and sent from it, so a large export never sits in
        # memory; the response closes (and so removes) the file once it is sent.
        stream = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            exporting.write_xlsx(stream, specs)
        except BaseException:
            stream.close()
            raise
        stream.seek(0)
        name = f"skillsite-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(stream, as_attachment=True, filename=name, content_type=XLSX_TYPE)

    def post(self, request):
        if "token" in request.POST:
            return self.apply(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        staged = stage(
            form.cleaned_data["file"],
            form.cleaned_data["csv_model"],
            request.user,
            shared=form.cleaned_data["shared"],
        )
        report = None
        try:
            with source_of(staged) as source:
                report = run_import([source], dry_run=True, user=request.user)
        finally:
            # Only a file that passed its check waits for the confirmation.
            if report is None or not report.ok:
                discard(staged)
        confirm = None
        if report.ok:
            confirm = ConfirmImportForm(initial={"token": token_for(staged)})
        return self.render(
            request,
            ImportUploadForm(),
            report=report,
            confirm=confirm,
            file_name=staged.file_name,
            staged=staged,
        )

    def apply(self, request):
        form = ConfirmImportForm(request.POST)
        staged = staged_from_token(form.data.get("token", ""), request.user) if form.is_valid() else None
        if staged is None:
            return self.expired(request)
        history = ImportHistory(user=request.user, file_names=[staged.file_name])
        try:
            with source_of(staged) as source:
                report = run_import([source], user=request.user, history=history)
        except StagedFileGone:
            return self.expired(request)
        finally:
            discard(staged)
        if report.applied:
            totals = report.totals
            messages.success(
                request,
                format_html(
                    "已导入 {}：新建 {} 条，更新 {} 条，{} 条未变。"
                    '<a href="{}">导入记录</a>里可以查看和撤销这次导入。',
                    staged.file_name,
                    totals.created,
                    totals.updated,
                    totals.unchanged,
                    reverse("admin:editorial_importrecord_change", args=[history.record.pk]),
                ),
            )
        return self.render(
            request, ImportUploadForm(), report=report, file_name=staged.file_name, staged=staged
        )

    def expired(self, request):
        messages.error(request, "待导入的文件已过期或无效，请重新上传并检查。")
        return redirect(reverse("admin_import_content"))

    @staticmethod
    def options_of(staged):
        """The model and shared values a staged file is read with, as the admin names them."""
        spec = registry().get(staged.csv_model) if staged.csv_model else None
        options = [("内容类型", f"{spec.verbose_name}（{spec.name}）")] if spec else []
        spec = spec or registry().for_csv_file(staged.file_name)
        for name, value in staged.shared_values.items():
            model_field = spec.fields_by_name.get(name) if spec else None
            options.append((f"{model_field.verbose_name if model_field else name}（共用）", value))
        return options

    def render(self, request, form, **context):
        report = context.get("report")
        if (staged := context.pop("staged", None)) is not None:
            context["options"] = self.options_of(staged)
        if report is not None:
            problems = report.sorted_problems()
            context["problems"] = problems[:PROBLEMS_SHOWN]
            context["problems_hidden"] = report.problem_count - len(context["problems"])
        context = {
            **admin.site.each_context(request),
            "title": "导入内容",
            "form": form,
            "csv_templates": [
                {
                    "name": spec.name,
                    "verbose_name": spec.verbose_name,
                    "required": [str(spec.fields_by_name[n].verbose_name) for n in spec.required_columns],
                }
                for spec in registry()
            ],
            **context,
        }
        return TemplateResponse(request, self.template_name, context)
