"""The seed page's details: the demo story's Next Post, the phone drawer's search box and ©
line, and the curation and trust content the demo shows."""

import re

import pytest

from articles import demo
from articles.models import Article, Front

pytestmark = pytest.mark.django_db

SEED = "us-libyan-officials-discuss-military-cooperation"


@pytest.fixture
def demo_content(db):
    demo.load()


def test_the_seed_storys_next_post_is_the_one_on_the_seed_page(client, demo_content):
    seed = Article.objects.get(slug=SEED)
    text = client.get(seed.get_absolute_url()).content.decode()
    nav = re.search(r'<nav class="post-nav".*?</nav>', text, re.S).group(0)
    next_post = "Israel’s Total Military Fatalities in Gaza Reach 504"
    assert f'rel="next"><span>Next Post</span>{next_post}</a>' in nav
    assert "BENGHAZI —" in text


def test_the_menu_drawer_holds_its_own_search_box_the_sections_and_the_copyright(
    client, demo_content
):
    text = client.get("/").content.decode()
    drawer = re.search(r'<nav class="site-nav" id="site-menu".*?</nav>', text, re.S).group(0)
    assert 'id="drawer-search"' in drawer
    assert 'href="/section/middle-east/"' in drawer
    assert re.search(r"&copy; \d{4} THE WORLD MONITOR", drawer)


def test_the_demo_home_page_is_curated_and_shows_a_corrected_opinion_piece(client, demo_content):
    assert Front.objects.get(section=None).slots.count() == 2
    text = client.get("/").content.decode()
    lead = re.search(r'<h2 class="lead__title"><a href="[^"]*">([^<]+)</a>', text).group(1)
    assert lead == "US &amp; Libyan Officials Discuss Military Cooperation"
    opinion = Article.objects.get(label__slug="opinion")
    page = client.get(opinion.get_absolute_url()).content.decode()
    assert ">Opinion</span>" in page
    assert '<strong class="notice__kind">Correction</strong>' in page
