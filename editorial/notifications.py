"""Email to the other role at each step of a review: publishers hear of submissions, authors of
decisions. Sent through Django's email API after the step commits; a mail server that fails is
logged, never an error for the person who acted."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[大事记审核] "


def publishers_of(model):
    opts = model._meta
    permission = Permission.objects.filter(
        content_type__app_label=opts.app_label, codename=f"publish_{opts.model_name}"
    ).first()
    holders = Q(is_superuser=True)
    if permission is not None:
        holders |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    users = get_user_model().objects.filter(holders, is_active=True, is_staff=True).exclude(email="")
    return list(users.distinct())


def _send(messages):
    def deliver():
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # any mail server failure: the step itself has been done
            logger.exception("Could not send review notification")

    if messages:
        transaction.on_commit(deliver)


def _lines(change_request, link, *extra):
    lines = [f"内容：{change_request.model._meta.verbose_name}“{change_request.object_repr}”", *extra]
    if link:
        lines.append(f"查看：{link}")
    return "\n".join(lines) + "\n"


def submitted(change_request, link=""):
    recipients = [user.email for user in publishers_of(change_request.model)]
    if not recipients:
        return
    who = change_request.submitted_by
    body = _lines(
        change_request,
        link,
        f"提交人：{who.get_username() if who else '—'}",
        f"说明：{change_request.submit_comment or '（无）'}",
    )
    subject = f"{SUBJECT_PREFIX}待审核：{change_request.object_repr}"
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)])


def decided(change_request, link=""):
    """The author (and the submitter, if another person) hears what the publisher decided."""
    people = {user for user in (change_request.author, change_request.submitted_by) if user and user.email}
    if not people:
        return
    reviewer = change_request.reviewed_by
    subject = f"{SUBJECT_PREFIX}{change_request.get_state_display()}：{change_request.object_repr}"
    extra = [f"审核人：{reviewer.get_username() if reviewer else '—'}"]
    if change_request.go_live_at and change_request.state == "scheduled":
        extra.append(f"发布时间：{change_request.go_live_at:%Y-%m-%d %H:%M}")
    extra.append(f"意见：{change_request.review_comment or '（无）'}")
    body = _lines(change_request, link, *extra)
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(user.email for user in people))])
