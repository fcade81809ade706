"""Bad input is shown in the form, in Chinese, and changes nothing; inlines save all or nothing."""

import pytest
from django.urls import reverse

from events.models import Award, Event, KeyFigure, Milestone, PublicationStatus, TrainingBaseBatch

from .factories import make_award, make_event
from .staff import event_url, form_post_data, make_rich_event

pytestmark = pytest.mark.django_db


def post_event(client, event, **changes):
    url = event_url(event)
    return client.post(url, form_post_data(client.get(url)) | changes)


def test_a_duplicate_rank_in_a_year_is_refused_naming_the_event_that_holds_it(editor, seed_content):
    event = Event.objects.get(year=2023, rank=2)
    holder = Event.objects.get(year=2023, rank=1)

    response = post_event(editor, event, rank="1")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["rank"] == [
        f"2023年的第 1 件已是“{holder.short_title}”；请换一个序号，或先修改那件大事的序号。"
    ]
    assert Event.objects.get(pk=event.pk).rank == 2


def test_a_milestone_ending_before_it_starts_is_refused_with_the_whole_page(editor):
    event = make_rich_event(milestones=1, figures=0, title="原标题")

    response = post_event(
        editor,
        event,
        title="改过的标题",
        **{"milestones-0-date": "2024-05-08", "milestones-0-end_date": "2024-05-01"},
    )

    assert response.status_code == 200
    # Beside the end date, not only above the whole row.
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert row.errors == {"end_date": ["结束日期不能早于开始日期。"]}
    assert Event.objects.get(pk=event.pk).title == "原标题"
    assert Milestone.objects.get(event=event).end_date is None


def test_a_negative_figure_is_refused(editor):
    event = make_rich_event(milestones=0, figures=1)

    response = post_event(editor, event, **{"key_figures-0-value": "-3"})

    assert response.status_code == 200
    assert "数值不能为负数。" in response.content.decode()
    assert KeyFigure.objects.get(event=event).value == 1


def test_a_negative_recipient_count_is_refused(editor):
    award = make_award(recipient_count=30)
    url = reverse("admin:events_award_change", args=[award.pk])

    response = editor.post(url, form_post_data(editor.get(url)) | {"recipient_count": "-5"})

    assert response.status_code == 200
    assert "确保该值大于或等于0。" in response.content.decode()
    assert Award.objects.get(pk=award.pk).recipient_count == 30


def test_a_qualifier_in_the_wrong_place_is_explained(editor):
    event = make_rich_event(milestones=0, figures=1)

    response = post_event(
        editor,
        event,
        **{"key_figures-0-qualifier": "近", "key_figures-0-qualifier_position": "after_unit"},
    )

    assert "限定词与其位置不相符" in response.content.decode()


def test_inline_edits_save_together_or_not_at_all(editor):
    event = make_rich_event(milestones=2, figures=1, title="原标题")
    first = event.milestones.order_by("date").first()

    response = post_event(
        editor,
        event,
        title="新标题",
        **{
            "milestones-0-title": "改过的第一个节点",
            "milestones-1-end_date": "2000-01-01",  # before its start: the one bad row
            "key_figures-0-label": "改过的数字",
        },
    )

    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).title == "原标题"
    assert Milestone.objects.get(pk=first.pk).title == first.title
    assert KeyFigure.objects.get(event=event).label == "数字0"


def test_valid_inline_edits_are_saved_with_the_event(editor):
    event = make_rich_event(milestones=2, figures=1, status=PublicationStatus.DRAFT)
    first = event.milestones.order_by("date").first()

    response = post_event(
        editor,
        event,
        title="新标题",
        **{"milestones-0-title": "改过的第一个节点", "key_figures-0-label": "改过的数字"},
    )

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "新标题"
    assert Milestone.objects.get(pk=first.pk).title == "改过的第一个节点"
    assert KeyFigure.objects.get(event=event).label == "改过的数字"


def test_two_new_milestones_with_the_same_title_and_date_get_distinct_slugs(editor):
    event = make_event(year=2031, status=PublicationStatus.DRAFT)
    url = event_url(event)
    data = form_post_data(editor.get(url))
    row = {"title": "同名节点", "date": "2031-03-01", "precision": "day", "description": "内容。"}
    data["milestones-TOTAL_FORMS"] = "2"
    for n in range(2):
        data |= {f"milestones-{n}-{name}": value for name, value in row.items()}

    response = editor.post(url, data)

    assert response.status_code == 302
    assert sorted(event.milestones.values_list("slug", flat=True)) == [
        "2031-03-01-tong-ming-jie-dian",
        "2031-03-01-tong-ming-jie-dian-2",
    ]


def test_two_recipients_with_the_same_name_are_refused(editor):
    award = make_award()
    url = reverse("admin:events_award_change", args=[award.pk])
    data = form_post_data(editor.get(url)) | {"recipients-TOTAL_FORMS": "2"}
    for n in range(2):
        data |= {f"recipients-{n}-name": "李四", f"recipients-{n}-sort_order": "0"}

    response = editor.post(url, data)

    assert response.status_code == 200
    assert not award.recipients.exists()


def test_host_types_of_a_batch_are_chosen_from_checkboxes(editor, seed_content):
    batch = TrainingBaseBatch.objects.get(slug="2023-national-high-skill-training-bases")
    url = reverse("admin:events_trainingbasebatch_change", args=[batch.pk])
    html = editor.get(url).content.decode()
    assert 'type="checkbox" name="main_host_types" value="institution"' in html

    data = form_post_data(editor.get(url)) | {"main_host_types": ["enterprise"]}
    assert editor.post(url, data).status_code == 302
    # A published batch keeps its live values until a publisher publishes the change.
    assert TrainingBaseBatch.objects.get(pk=batch.pk).main_host_types == ["institution", "training_org"]
    html = editor.get(url).content.decode()
    assert 'value="enterprise" id="id_main_host_types_2" checked' in html  # the pending version is shown


def test_paragraphs_typed_in_the_browser_stay_paragraphs_on_the_page(editor, client):
    event = make_event(status=PublicationStatus.DRAFT, slug="two-paragraphs")

    # Browsers send a textarea's line breaks as \r\n.
    response = post_event(editor, event, body="第一段。\r\n\r\n第二段。", _save="1")

    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).body == "第一段。\n\n第二段。"
    page = editor.get("/events/two-paragraphs/").content.decode()
    assert "<p>第一段。</p>" in page and "<p>第二段。</p>" in page
