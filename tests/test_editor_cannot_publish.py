"""Nothing an editor creates or changes becomes public without a publisher: not a milestone,
a figure or a recipient added under live content, not one moved under it, not a new batch
or base."""

import pytest
from django.urls import reverse

from events.models import (
    AwardRecipient,
    KeyFigure,
    Milestone,
    PublicationStatus,
    TrainingBase,
    TrainingBaseBatch,
)

from .factories import make_award, make_event, make_milestone, make_training_base
from .staff import form_post_data, make_rich_event

pytestmark = pytest.mark.django_db


def anonymous_sees(client_class, path, text):
    return text in client_class().get(path).content.decode()


def add(editor, model_name, **fields):
    url = reverse(f"admin:events_{model_name}_add")
    response = editor.post(url, form_post_data(editor.get(url)) | fields)
    assert response.status_code == 302, "the editor's save went through"
    return response


def test_a_new_milestone_under_a_published_event_is_not_public(editor):
    event = make_rich_event(milestones=0, figures=0)

    add(
        editor,
        "milestone",
        event=str(event.pk),
        title="编辑新增的节点",
        date="2024-06-01",
        precision="day",
        description="内容。",
    )

    assert not anonymous_sees(type(editor), "/milestones/", "编辑新增的节点")
    assert not anonymous_sees(type(editor), event.get_absolute_url(), "编辑新增的节点")
    assert not Milestone.objects.published().filter(title="编辑新增的节点").exists()


def test_a_milestone_moved_from_a_draft_event_to_a_published_one_is_not_public(editor):
    draft = make_event(status=PublicationStatus.DRAFT)
    public = make_rich_event(milestones=0, figures=0)
    milestone = make_milestone(event=draft, title="从草稿移来的节点")
    url = reverse("admin:events_milestone_change", args=[milestone.pk])

    response = editor.post(url, form_post_data(editor.get(url)) | {"event": str(public.pk)})

    assert "不能这样增减内容" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).event == draft
    assert not anonymous_sees(type(editor), "/milestones/", "从草稿移来的节点")
    assert not anonymous_sees(type(editor), public.get_absolute_url(), "从草稿移来的节点")


def test_a_new_key_figure_under_a_published_event_is_not_public(editor):
    event = make_rich_event(milestones=0, figures=0)

    add(editor, "keyfigure", event=str(event.pk), key="new-figure", label="编辑新增的数字", value="42")

    assert not anonymous_sees(type(editor), event.get_absolute_url(), "编辑新增的数字")
    assert not KeyFigure.objects.filter(event=event, label="编辑新增的数字").exists()


def test_a_new_recipient_of_a_published_award_is_not_public(editor):
    award = make_award()

    add(editor, "awardrecipient", award=str(award.pk), name="编辑新增的获奖者")

    assert not anonymous_sees(type(editor), award.get_absolute_url(), "编辑新增的获奖者")
    assert not AwardRecipient.objects.filter(award=award, name="编辑新增的获奖者").exists()


def test_a_new_batch_and_base_by_an_editor_are_not_public(editor, seed_content):
    kind = TrainingBaseBatch.objects.first().kind
    add(
        editor,
        "trainingbasebatch",
        kind=str(kind.pk),
        year="2024",
        name="编辑新增的批次",
        announced_total="88",
    )
    published_batch = make_training_base().batch
    add(
        editor,
        "trainingbase",
        batch=str(published_batch.pk),
        name="编辑新增的培训载体",
        host_type="enterprise",
    )

    assert not TrainingBaseBatch.objects.published().filter(name="编辑新增的批次").exists()
    assert not TrainingBase.objects.published().filter(name="编辑新增的培训载体").exists()
    for path in ("/bases/", "/search/?q=编辑新增"):
        assert not anonymous_sees(type(editor), path, "编辑新增的")
