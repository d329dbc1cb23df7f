"""Demo content: a live article under way, with a pinned summary, key events and a correction."""

from datetime import timedelta

from django.utils.text import slugify

from ..models import Article, LiveEntry

HEADLINE = "Live: Counting Under Way After Libya’s Parliamentary Vote"

# (minutes before now, headline, text, flags)
ENTRIES = [
    (
        175,
        "Polls close",
        "Polling stations closed at 8 p.m. local time; counting begins in each station.",
        {"key_event": True},
    ),
    (168, "", "Queues were still outside several schools in Benghazi when the doors closed.", {}),
    (
        160,
        "",
        "Observers from the regional mission say they visited 140 stations during the day.",
        {},
    ),
    (
        151,
        "Turnout figure",
        "The electoral commission puts turnout at 48 per cent, with two regions still to report.",
        {},
    ),
    (
        143,
        "",
        "Party agents are allowed to watch the count; several have posted photos of tally sheets.",
        {},
    ),
    (135, "", "Power cuts slowed the count in two districts of Sabha, officials say.", {}),
    (
        128,
        "Correction",
        "An earlier entry gave turnout as 48 per cent nationwide: that figure covered "
        "the eastern regions only.",
        {"correction": True},
    ),
    (120, "", "The commission says it will publish results station by station on its website.", {}),
    (
        112,
        "First station results",
        "The first station results are posted in Misrata; the commission warns they are partial.",
        {"key_event": True},
    ),
    (
        104,
        "",
        "Our correspondent in Tripoli describes a quiet evening, cars hooting in some streets.",
        {},
    ),
    (97, "", "Election monitors report no serious incident so far.", {}),
    (90, "", "Results from 600 of 2,400 stations are now in.", {}),
    (
        82,
        "",
        "The interior ministry says ballot boxes go to counting centres under escort.",
        {},
    ),
    (75, "", "A candidate in Zawiya has asked for a recount in three stations.", {}),
    (68, "", "International observers will give a preliminary statement tomorrow at noon.", {}),
    (60, "Halfway", "Half of all stations have reported.", {"key_event": True}),
    (52, "", "The commission's website slowed under heavy traffic for about twenty minutes.", {}),
    (
        45,
        "",
        "Counting has finished in the south; ballot boxes are being sealed for transport.",
        {},
    ),
    (38, "", "Tally sheets from the east are being checked against the electronic count.", {}),
    (30, "", "The commission says it expects a national turnout figure before midnight.", {}),
    (22, "", "Party leaders have called for calm while the count continues.", {}),
    (
        15,
        "National turnout",
        "National turnout was 51 per cent, the commission says.",
        {"key_event": True},
    ),
    (8, "", "The next update from the commission is expected within the hour.", {}),
]

SUMMARY = (
    "<p><strong>What we know so far:</strong> polls closed at 8 p.m.; counting is under way in "
    "every district; national turnout was 51 per cent. Results are published station by "
    "station as they come in.</p>"
)


def live_story(section, author, now):
    """The live article, if it is not there yet."""
    if Article.objects.filter(slug=slugify(HEADLINE)[:200]).exists():
        return None
    article = Article.objects.create(
        headline=HEADLINE,
        slug=slugify(HEADLINE)[:200],
        dek="Results are coming in station by station; follow the count with our reporters.",
        body="<p>Libyans voted on Saturday for a new parliament. Our reporters follow the "
        "count as results come in.</p>",
        section=section,
        status=Article.Status.PUBLISHED,
        publish_at=now - timedelta(hours=3),
        live_from=now - timedelta(hours=3),
        live_comments_open=False,
    )
    article.authors.add(author)
    for minutes, headline, text, flags in ENTRIES:
        entry = LiveEntry.objects.create(
            article=article, headline=headline, body=f"<p>{text}</p>", author=author, **flags
        )
        LiveEntry.objects.filter(pk=entry.pk).update(
            posted_at=now - timedelta(minutes=minutes), updated_at=now - timedelta(minutes=minutes)
        )
    LiveEntry.objects.create(article=article, headline="", body=SUMMARY, author=author, pinned=True)
    return article
