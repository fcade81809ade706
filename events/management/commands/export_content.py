"""manage.py export_content: content with natural keys as JSON, YAML, CSV or an .xlsx workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.importing import exporting
from events.importing.specs import registry


class _Stream:
    """The command's stdout as a plain text stream, for writers that write pieces."""

    def __init__(self, output):
        self.output = output

    def write(self, text):
        self.output.write(text, ending="")


class Command(BaseCommand):
    help = (
        "导出内容（含草稿和定时发布的内容），使用自然键，可用 import_content 导入另一个数据库。"
        "JSON、YAML 输出一个文件；CSV 每种内容一个文件；xlsx 输出一个工作簿，每种内容一个工作表。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=exporting.FORMATS, default="json", help="默认 json。")
        parser.add_argument(
            "--model",
            action="append",
            dest="models",
            metavar="MODEL",
            help="只导出这种内容（如 event、events.trainingbase），可重复；默认全部。",
        )
        parser.add_argument(
            "--empty",
            action="store_true",
            help="只写表头，不写数据：生成各类内容的 CSV 模板或空白工作簿。",
        )
        parser.add_argument(
            "--output",
            "-o",
            metavar="PATH",
            help=(
                "JSON/YAML 写入的文件；CSV 写入的目录（每种内容一个 <model>.csv）；"
                "xlsx 写入的工作簿（必填）。默认输出到标准输出。"
            ),
        )

    def handle(self, *args, format, models, output, empty, **options):
        specs = []
        for name in models or []:
            spec = registry().get(name)
            if spec is None:
                raise CommandError(
                    f"未知的内容类型「{name}」。可选：{', '.join(s.name for s in registry())}。"
                )
            specs.append(spec)
        specs = [spec for spec in registry() if spec in specs] if specs else list(registry())
        if format == "csv":
            self.export_csv(specs, output, empty)
            return
        if format == "xlsx":
            self.export_xlsx(specs, output, empty)
            return
        if empty:
            raise CommandError("--empty 只用于 CSV 模板和工作簿：请同时指定 --format csv 或 xlsx。")
        writer = exporting.write_json if format == "json" else exporting.write_yaml
        if output:
            with Path(output).open("w", encoding="utf-8") as stream:
                writer(stream, specs)
        else:
            writer(_Stream(self.stdout), specs)

    def export_csv(self, specs, output, empty):
        if not output:
            if len(specs) != 1:
                raise CommandError("导出多种内容为 CSV 时，请用 --output 指定目录；或用 --model 只选一种。")
            exporting.write_csv(_Stream(self.stdout), specs[0], empty=empty)
            return
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{output} 不是目录：CSV 导出时 --output 应为目录。")
        folder.mkdir(parents=True, exist_ok=True)
        for position, spec in enumerate(specs, 1):
            path = folder / f"{position:02d}_{spec.name}.csv"
            with path.open("w", encoding="utf-8", newline="") as stream:
                exporting.write_csv(stream, spec, empty=empty)

    def export_xlsx(self, specs, output, empty):
        if not output:
            raise CommandError("导出为 xlsx 时，请用 --output 指定工作簿文件（如 content.xlsx）。")
        path = Path(output)
        if path.is_dir():
            raise CommandError(f"{output} 是目录：xlsx 导出时 --output 应为工作簿文件。")
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{output} 应以 .xlsx 结尾，import_content 才能按工作簿读取。")
        exporting.write_xlsx(path, specs, empty=empty)
