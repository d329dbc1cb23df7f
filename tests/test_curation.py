"""Front-page and section curation: the editors' lead and top stories, their expiry, the
fallback to the latest, no story twice on a page, and the cache renewed on every change."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Front, Slot

from .conftest import make_article, make_section

pytestmark = pytest.mark.django_db


def main_text(response):
    text = response.content.decode()
    return text[text.index('<main id="main"') : text.index("</main>")]


def lead_headline(response):
    return re.search(r'<h2 class="lead__title"><a href="[^"]*">([^<]+)</a>', main_text(response))[1]


def headlines(response):
    return re.findall(r'class="card__title"><a href="[^"]*">([^<]+)</a>', main_text(response))


def place(front, *articles, expires_at=None):
    for position, article in enumerate(articles):
        Slot.objects.create(front=front, article=article, position=position, expires_at=expires_at)


@pytest.fixture
def stories(section):
    """Eight live stories, newest first, in one section."""
    return [
        make_article(
            section=section,
            headline=f"Story {n}",
            publish_at=timezone.now() - timedelta(hours=n + 1),
        )
        for n in range(8)
    ]


@pytest.fixture
def home():
    return Front.objects.create()


def test_without_curation_the_home_page_leads_with_the_latest(client, stories):
    response = client.get("/")
    assert lead_headline(response) == "Story 0"


def test_the_editors_lead_and_top_stories_lead_the_home_page_in_their_order(client, stories, home):
    place(home, stories[6], stories[4], stories[5])
    response = client.get("/")
    assert lead_headline(response) == "Story 6"
    shown = headlines(response)
    # Top stories: the picks in order, then the latest to fill the places.
    assert shown[:4] == ["Story 4", "Story 5", "Story 0", "Story 1"]


def test_a_curated_story_is_not_repeated_further_down_the_page(client, stories, home):
    place(home, stories[6], stories[4])
    names = [lead_headline(client.get("/")), *headlines(client.get("/"))]
    assert len(names) == len(set(names))
    assert names.count("Story 6") == 1 and names.count("Story 4") == 1


def test_unpublished_and_scheduled_picks_fall_back_to_the_latest(client, stories, home, section):
    draft = make_article(section=section, headline="Secret draft", status=Article.Status.DRAFT)
    scheduled = make_article(
        section=section, headline="Embargoed", publish_at=timezone.now() + timedelta(hours=2)
    )
    place(home, draft, scheduled)
    response = client.get("/")
    assert lead_headline(response) == "Story 0"
    assert "Secret draft" not in response.content.decode()
    assert "Embargoed" not in response.content.decode()


def test_an_expired_slot_gives_its_place_back_to_the_latest_on_time(client, stories, home):
    place(home, stories[7], expires_at=timezone.now() + timedelta(minutes=2))
    assert lead_headline(client.get("/")) == "Story 7"
    assert client.get("/")["X-Cache"] == "HIT"
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=1)):
        assert lead_headline(client.get("/")) == "Story 0"


def test_a_change_to_a_front_shows_on_the_next_request(client, stories, home):
    assert lead_headline(client.get("/")) == "Story 0"
    assert client.get("/")["X-Cache"] == "HIT"
    place(home, stories[3])
    assert lead_headline(client.get("/")) == "Story 3"
    Slot.objects.filter(front=home).delete()
    assert lead_headline(client.get("/")) == "Story 0"


def test_unpublishing_a_curated_story_takes_it_off_every_front_at_once(client, stories, home):
    other = make_section(name="World", slug="world")
    place(home, stories[5])
    place(Front.objects.create(section=other), stories[5])
    assert lead_headline(client.get("/")) == "Story 5"
    assert "Story 5" in main_text(client.get(other.get_absolute_url()))
    stories[5].status = Article.Status.DRAFT
    stories[5].save()
    assert lead_headline(client.get("/")) == "Story 0"
    assert "Story 5" not in main_text(client.get(other.get_absolute_url()))


def test_a_section_front_leads_with_its_picks_and_lists_them_once(client, stories, section):
    place(Front.objects.create(section=section), stories[6], stories[3])
    response = client.get(section.get_absolute_url())
    shown = headlines(response)
    assert shown[:2] == ["Story 6", "Story 3"]
    assert shown.count("Story 6") == 1 and shown.count("Story 3") == 1
    assert 'aria-label="Top stories"' in response.content.decode()
    # The home page is not the section's front.
    assert lead_headline(client.get("/")) == "Story 0"


def test_there_is_one_front_per_page(home, section):
    from django.db import IntegrityError, transaction

    Front.objects.create(section=section)
    with pytest.raises(IntegrityError), transaction.atomic():
        Front.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Front.objects.create(section=section)


def test_the_slot_autocomplete_offers_live_articles_only(client, editor, stories, section):
    make_article(section=section, headline="Story draft", status=Article.Status.DRAFT)
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "slot", "field_name": "article", "term": "Story"},
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert "Story 0" in names
    assert "Story draft" not in names


def _front_form(front, slots):
    data = {
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "1000",
    }
    for index, (article, position) in enumerate(slots):
        data |= {
            f"slots-{index}-article": str(article.pk),
            f"slots-{index}-position": str(position),
            f"slots-{index}-expires_at_0": "",
            f"slots-{index}-expires_at_1": "",
        }
    return data


def test_editors_order_a_front_in_the_admin(client, editor, stories, home):
    client.force_login(editor)
    url = reverse("admin:articles_front_change", args=[home.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _front_form(home, [(stories[2], 1), (stories[5], 0)]))
    assert response.status_code == 302
    client.logout()
    assert lead_headline(client.get("/")) == "Story 5"


def test_a_draft_cannot_be_placed_on_a_front(client, editor, stories, home, section):
    draft = make_article(section=section, headline="Story draft", status=Article.Status.DRAFT)
    client.force_login(editor)
    url = reverse("admin:articles_front_change", args=[home.pk])
    response = client.post(url, _front_form(home, [(draft, 0)]))
    assert response.status_code == 200
    assert "Only a published article can be placed on a front." in response.content.decode()
    assert not Slot.objects.exists()


def test_a_story_picked_twice_is_refused_and_nothing_saved(client, editor, stories, home):
    client.force_login(editor)
    url = reverse("admin:articles_front_change", args=[home.pk])
    page = client.post(url, _front_form(home, [(stories[2], 0), (stories[2], 2)]))
    assert page.status_code == 200 and "is picked twice" in page.content.decode()
    assert not home.slots.exists()


def test_a_pick_ending_in_the_past_is_refused(client, editor, stories, home):
    """It was saved and never showed, without a word."""
    client.force_login(editor)
    url = reverse("admin:articles_front_change", args=[home.pk])
    data = _front_form(home, [(stories[2], 0)])
    data |= {"slots-0-expires_at_0": "2020-01-01", "slots-0-expires_at_1": "10:00"}
    page = client.post(url, data)
    assert page.status_code == 200 and "This time has passed" in page.content.decode()
    assert not home.slots.exists()


def test_each_saved_pick_says_whether_readers_see_it(client, editor, stories, home, section):
    from articles.models import Slot

    Slot.objects.create(front=home, article=stories[1], position=0)
    Slot.objects.create(front=home, article=stories[2], position=1)
    Article.objects.filter(pk=stories[2].pk).update(status=Article.Status.DRAFT)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_front_change", args=[home.pk])).content.decode()
    assert page.count("no: the story is not live") == 1 and ">yes<" in page


def test_the_front_form_reads_each_pick_once_however_many_there_are(client, editor, stories):
    """Each row's story is read for its picker; the "showing" column reads none again."""
    client.force_login(editor)

    def queries_with(count):
        front = Front.objects.create(section=make_section())
        place(front, *stories[:count])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("admin:articles_front_change", args=[front.pk]))
        assert page.content.decode().count(">yes<") == count
        return len(queries)

    # One read per added row (its picker's), where the column made it two.
    assert queries_with(6) - queries_with(2) < 2 * 4


def test_reporters_cannot_curate(client, reporter, home):
    client.force_login(reporter)
    assert client.get(reverse("admin:articles_front_changelist")).status_code == 403
    assert client.get(reverse("admin:articles_front_change", args=[home.pk])).status_code == 403


def test_a_second_front_for_the_same_page_is_refused_with_a_message(client, editor, home):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_front_add"),
        {
            "section": "",
            "slots-TOTAL_FORMS": "0",
            "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "0",
            "slots-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "This page has its front already: change that one." in response.content.decode()
    assert Front.objects.count() == 1
