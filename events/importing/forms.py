from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat

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
        label="CSV 内容类型",
        required=False,
        help_text="仅用于 CSV：文件名不以内容类型开头（如 trainingbase-北京.csv）时在此选择。",
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


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
