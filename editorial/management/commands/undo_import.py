"""manage.py undo_import ID: undo one import as a whole, as the admin's 撤销这次导入 does."""

from django.core.management.base import BaseCommand, CommandError

from editorial import imports
from editorial.models import ImportRecord


class Command(BaseCommand):
    help = "撤销一次导入：导入更新的内容回到导入之前的版本，导入新建的内容移入回收站；导入之后有改动则拒绝。"

    def add_arguments(self, parser):
        parser.add_argument(
            "record", type=int, metavar="ID", help="导入记录的编号（import_content 完成时显示）"
        )

    def handle(self, *args, record, **options):
        found = ImportRecord.objects.filter(pk=record).first()
        if found is None:
            raise CommandError(f"没有编号为 {record} 的导入记录。")
        try:
            imports.undo(found, user=None)
        except imports.UndoRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"已撤销导入 {found.file_names}。"))
