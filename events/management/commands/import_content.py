"""manage.py import_content: validated, atomic, idempotent import of fixtures and CSV lists."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from editorial.imports import ImportHistory
from events.importing.importer import BATCH_SIZE, TerminalProgress, run_import
from events.importing.options import model_spec, parse_assignments, shared_values
from events.importing.readers import Source
from events.importing.specs import registry


class Command(BaseCommand):
    help = (
        "导入内容：JSON、YAML 格式的 fixture，CSV 列表和 Excel 工作簿（.xlsx）。"
        "先校验全部记录，按自然键新建或更新，在一个事务中完成；有任何错误则不写入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help=".json、.yaml/.yml、.csv 或 .xlsx 文件")
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并报告将要发生的变化，不写入数据库。"
        )
        parser.add_argument(
            "--model",
            "--csv-model",
            dest="model",
            metavar="MODEL",
            help="CSV 列表的内容类型，写代码中的名称或中文名（trainingbase 或 培训载体）；"
            "不指定时按文件名开头判断。",
        )
        parser.add_argument(
            "--set",
            dest="assignments",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="每一行共用的值，如 --set 批次=2023年国家级高技能人才培训基地建设项目（可重复）。"
            "字段写字段名或中文名，引用写网址名或名称；表格中没有这一列或这一格为空时使用，"
            "某一行自己写了值则以该行为准。",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="每批写入的记录数。")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度。")

    def handle(
        self, *args, files, dry_run, model, assignments, batch_size, no_progress, verbosity, **options
    ):
        try:
            spec = model_spec(model) if model else None
            pairs = parse_assignments(assignments)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if batch_size < 1:
            raise CommandError("--batch-size 至少为 1。")
        sources = []
        for name in files:
            source = Source(name, name=name, csv_model=spec.name if spec else "")
            if not source.path.is_file():
                raise CommandError(f"找不到文件：{name}（File not found.）")
            if pairs:
                source.shared = self.shared_values(spec or registry().for_csv_file(name), pairs, name)
            sources.append(source)
        show_progress = not no_progress and verbosity > 0 and sys.stderr.isatty()
        progress = TerminalProgress(sys.stderr) if show_progress else None
        try:
            history = ImportHistory(file_names=files)
            report = run_import(
                sources, dry_run=dry_run, batch_size=batch_size, progress=progress, history=history
            )
        except KeyboardInterrupt:
            raise CommandError(
                "导入已中断，数据库未做任何修改。（Interrupted; nothing was changed.）", returncode=130
            ) from None
        if verbosity > 0:
            self.write_summary(report)
        if report.problems:
            for problem in report.sorted_problems():
                self.stderr.write(str(problem))
            if report.problems_dropped:
                self.stderr.write(
                    f"另有 {report.problems_dropped} 个错误未列出：请先改正以上错误。"
                    f"（{report.problems_dropped} more errors not listed.）"
                )
            raise CommandError(
                f"发现 {report.problem_count} 个错误，数据库未做任何修改。"
                f"（{report.problem_count} errors; nothing was changed.）"
            )
        if verbosity > 0:
            if dry_run:
                self.stdout.write(self.style.WARNING("试运行：以上是将要发生的变化，数据库未做任何修改。"))
            else:
                self.stdout.write(self.style.SUCCESS("导入完成。"))
                self.stdout.write(
                    f"导入记录 {history.record.pk}：后台“导入记录”中可查看；"
                    f"撤销整次导入：manage.py undo_import {history.record.pk}"
                )

    def shared_values(self, spec, pairs, file_name):
        if spec is None:
            raise CommandError(
                f"--set 需要知道 {file_name} 是哪种内容：请用 --model 指定，或让文件名以内容类型开头。"
            )
        try:
            return shared_values(spec, pairs)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages) + "数据库未做任何修改。") from None

    def write_summary(self, report):
        self.stdout.write(f"读取 {len(report.files)} 个文件、{report.records_read} 条记录。")
        for note in report.notes:
            self.stdout.write(note)
        rows = report.rows()
        if not rows:
            return
        width = max(len(row["label"]) for row in rows)
        self.stdout.write(f"{'模型'.ljust(width - 2)}  {'新建':>6}  {'更新':>6}  {'未变':>6}")
        for row in rows:
            counts = row["counts"]
            label = row["label"].ljust(width)
            self.stdout.write(f"{label}  {counts.created:>8}  {counts.updated:>8}  {counts.unchanged:>8}")
        totals = report.totals
        self.stdout.write(
            f"{'合计'.ljust(width - 2)}  {totals.created:>8}  {totals.updated:>8}  {totals.unchanged:>8}"
        )
