from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat

from .options import parse_assignments, shared_values
from .readers import FORMATS
from .specs import registry
from .staging import max_upload_size


def csv_model_choices():
    return [("", "按文件名判断")] + [
        (spec.name, f"{spec.verbose_name}（{spec.name}）") for spec in registry()
    ]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text=(
            "JSON 或 YAML 格式的 fixture（UTF-8 编码），"
            "带表头的 CSV 列表（UTF-8、GBK/GB18030 或 UTF-16 均可），"
            "或 Excel 工作簿（.xlsx，每个工作表一种内容）。"
        ),
    )
    csv_model = forms.ChoiceField(
        label="内容类型",
        required=False,
        help_text=(
            "CSV 列表或只有一个工作表的工作簿中是哪种内容："
            "文件名或工作表名说不出内容类型（如 基地名单.csv、Sheet1）时在此选择。"
        ),
    )
    shared_values = forms.CharField(
        label="每行共用的值",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="每行一个“字段=值”，如 批次=2023年国家级高技能人才培训基地建设项目。"
        "字段写中文名或字段名，引用写名称或网址名。表格没有这一列或这一格为空时使用；"
        "某一行自己写了值，以该行为准。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["csv_model"].choices = csv_model_choices()
        self.fields[
            "file"
        ].help_text += f"最大 {filesizeformat(max_upload_size())}；更大的文件请用 import_content 命令导入。"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in FORMATS:
            raise forms.ValidationError("只能导入 .json、.yaml、.yml、.csv 或 .xlsx 文件。", code="file_type")
        if upload.size > max_upload_size():
            raise forms.ValidationError(
                "文件有 %(size)s，超过了网页上传的上限 %(limit)s。"
                "请拆分文件，或由管理员用 import_content 命令导入。",
                code="file_size",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_upload_size())},
            )
        return upload

    def clean_shared_values(self):
        return parse_assignments(self.cleaned_data["shared_values"].splitlines())

    def clean(self):
        """The shared values, checked against the model the list holds: {field name: value}."""
        cleaned_data = super().clean()
        pairs = cleaned_data.get("shared_values")
        cleaned_data["shared"] = {}
        if not pairs or "file" not in cleaned_data:
            return cleaned_data
        name = cleaned_data.get("csv_model")
        spec = registry().get(name) if name else registry().for_csv_file(cleaned_data["file"].name)
        if spec is None:
            self.add_error(
                "csv_model", forms.ValidationError("给出共用的值时，请选择内容类型。", code="model_needed")
            )
            return cleaned_data
        try:
            cleaned_data["shared"] = shared_values(spec, pairs)
        except forms.ValidationError as error:
            self.add_error("shared_values", error)
        return cleaned_data


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
