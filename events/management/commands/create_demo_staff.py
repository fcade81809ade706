"""Create an editor and a publisher account for trying the admin on a local copy.

    python manage.py create_demo_staff                    # random passwords, printed once
    python manage.py create_demo_staff --password s3cret-demo
    python manage.py create_demo_staff --editor zhang --publisher li

Running it again keeps the accounts, restores their staff flag and group, and changes a
password only when --password is given. It refuses to run with DEBUG off: known demo
accounts have no place on a public server.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITOR_GROUP = "编辑"
PUBLISHER_GROUP = "发布者"


class Command(BaseCommand):
    help = "创建本地试用的演示工作人员：一名编辑（可写不可发布）和一名发布者（可发布、撤回）。"

    def add_arguments(self, parser):
        parser.add_argument("--editor", default="editor", help="编辑的用户名（默认 editor）。")
        parser.add_argument("--publisher", default="publisher", help="发布者的用户名（默认 publisher）。")
        parser.add_argument("--password", help="两个账号共用的密码；不给则各自随机生成并打印。")

    def handle(self, *args, editor, publisher, password, **options):
        if not settings.DEBUG:
            raise CommandError("DEBUG 已关闭：演示账号只用于本地开发，不在正式环境中创建。")
        if editor == publisher:
            raise CommandError("编辑和发布者的用户名不能相同。")
        found = Group.objects.filter(name__in=[EDITOR_GROUP, PUBLISHER_GROUP])
        groups = {group.name: group for group in found}
        if len(groups) < 2:
            raise CommandError("找不到“编辑”和“发布者”用户组，请先运行 python manage.py migrate。")

        with transaction.atomic():
            for username, group, role in (
                (editor, groups[EDITOR_GROUP], "编辑（可写草稿，不能发布）"),
                (publisher, groups[PUBLISHER_GROUP], "发布者（可发布、撤回、删除）"),
            ):
                self.make_staff(username, group, role, password)

        self.stdout.write("登录地址：/admin/")

    def make_staff(self, username, group, role, password):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_active = True
        new_password = password or (secrets.token_urlsafe(12) if created else None)
        if new_password:
            user.set_password(new_password)
        user.save()
        user.groups.set([group])
        shown = "（按 --password）" if password else (new_password or "（未改动）")
        action = "已创建" if created else "已更新"
        self.stdout.write(self.style.SUCCESS(f"{action} {role}：用户名 {username}，密码 {shown}"))
