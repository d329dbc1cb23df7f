"""Believable demo content for a fresh site: sections, authors, articles, images, pages, roles.

Everything is generated here (images with Pillow), so a new machine needs no downloads.
"""

import io
import random
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from newsroom.roles import sync_roles

from . import bylines, extensions, labels, photos, site_links
from .live import demo as live_demo
from .models import Article, Author, Front, Label, Notice, Section, Slot

SECTIONS = [
    ("Middle East", "News and analysis from across the Middle East."),
    ("Africa", "Politics, economy and society across the African continent."),
    ("World", "The stories shaping the world today."),
    ("Economy", "Markets, trade, budgets and the economies behind the headlines."),
    ("Sports", "Results, transfers and the people behind the games."),
    ("Climate", "Weather, climate policy and the energy transition."),
    ("Technology", "How technology changes work, politics and daily life."),
    ("Crypto", "Digital currencies, regulation and the markets that trade them."),
]

AUTHORS = [
    ("Layla Haddad", "Middle East correspondent based in Amman, covering diplomacy and security."),
    ("Samuel Okafor", "Africa editor. Previously reported from Lagos, Nairobi and Addis Ababa."),
    ("Claire Dubois", "World news reporter covering the European Union and the United Nations."),
    ("Omar Benali", "Economics correspondent writing about trade, energy and development."),
    ("Hannah Meyer", "Technology and climate reporter."),
    ("Diego Alvarez", "Sports writer with a soft spot for lower-league football."),
]

SEED_BODY = """
<p>The American Military Attaché’s office met with the Director of the Office of the Commander-in-Chief of the Libyan Arab Armed Forces, General Khairi Al-Tamimi, in Benghazi to discuss ways to support cooperation between Libyan military institutions. This meeting was highlighted in a statement published by the US Embassy on its official account on platform X.</p>
<p>During this meeting, the US Military Attaché’s office emphasized the importance of continuing efforts towards achieving unity under an elected government led by civilians. This unity is crucial for protecting Libya’s sovereignty and contributing to regional stability.</p>
<p>Additionally, the US Special Envoy Richard Norland and the Chargé d’Affaires at the US Embassy in Libya, Jeremy Berndt, discussed with the Commander-in-Chief of the Armed Forces, Marshal Khalifa Haftar, ways to enhance the efforts of the UN envoy Abdoulaye Bathily. These efforts aim to bring together stakeholders to resolve political issues impeding elections and the formation of a unified government.</p>
<p>The US Embassy stated that the American officials highlighted the importance of unifying the Libyan army, protecting Libyan sovereignty, and ensuring the transparent allocation of funds for the reconstruction of Derna and other flood-affected areas. This process should be expert-led and supported by strong technical assistance from international institutions.</p>
<p>The history of cooperation between Libya and the United States has been marked by periods of both collaboration and conflict. A significant turn in the relationship occurred in 2003 when Libya announced its decision to dismantle its weapons of mass destruction program. This led to the lifting of UN sanctions and the beginning of a process to normalize relations with the United States. In 2004, the US re-established a diplomatic presence in Libya, and by 2006, full diplomatic ties were restored as the US removed Libya from its list of state sponsors of terrorism. This normalization paved the way for greater cooperation, including the United States assisting Libya in destroying its chemical weapons.</p>
<p>However, relations were strained again with the outbreak of the Libyan Civil War in 2011. The US government cut ties with the Gaddafi regime and enacted sanctions against senior regime members. The US, along with other nations, began calling for UN authorization for military intervention, which eventually led to the end of Gaddafi’s rule.</p>
<p>Since then, the relationship has been focused on supporting the political process in Libya, including efforts toward unification, stability, and the fight against terrorism. The US has shown interest in supporting Libya’s sovereignty and stability, as well as the unification of the Libyan military.</p>
"""

# Headlines from the seed page first, then believable ones per section.
HEADLINES = {
    "Middle East": [
        ("Israel’s Total Military Fatalities in Gaza Reach 504", ["Israel", "Gaza"]),
        ("Israel Reports Death of Senior Hamas Military Leader", ["Israel", "Hamas"]),
        ("Lebanese Ministry Suspends Operations Amid Israeli Aggression", ["Lebanon"]),
        ("Palestinians Warn of Imminent Famine in Gaza", ["Gaza", "humanitarian aid"]),
        ("Jordanian Border Guard Injured in Armed Clashes with Criminals", ["Jordan"]),
        ("Iraq and Turkey Agree on Joint Water Management Plan", ["Iraq", "water"]),
        ("Oman Mediates New Round of Regional Shipping Talks", ["Oman", "shipping"]),
    ],
    "Africa": [
        ("UK Highlights “Ethnic Cleansing” in Sudan’s Darfur", ["Sudan", "UK"]),
        ("Nigeria Unveils Plan to Cut Fuel Imports by Half", ["Nigeria", "energy"]),
        ("Kenya’s Tech Hubs Draw Record Venture Funding", ["Kenya", "startups"]),
        ("Ethiopia and Somalia Resume Talks on Port Access", ["Ethiopia", "Somalia"]),
        ("Ghana’s Cocoa Farmers Brace for Another Lean Harvest", ["Ghana", "agriculture"]),
        ("Senegal Opens First Offshore Gas Field", ["Senegal", "energy"]),
        ("Libyan Parliament Debates Election Timetable", ["Libya", "elections"]),
    ],
    "World": [
        ("EU Disposes of 215 Million COVID-19 Vaccines Worth $4.4 Billion", ["EU", "health"]),
        ("UN General Assembly Opens With Focus on Food Security", ["UN", "food security"]),
        ("G20 Ministers Fail to Agree on Debt Relief Framework", ["G20", "debt"]),
        ("Record Turnout Expected in Indonesia’s Regional Elections", ["Indonesia", "elections"]),
        ("Canada and Mexico Sign Critical Minerals Pact", ["Canada", "Mexico"]),
        ("Aid Agencies Warn of Funding Gap for Refugee Camps", ["refugees", "UN"]),
        ("European Parliament Approves New Asylum Rules", ["EU", "migration"]),
    ],
    "Economy": [
        ("EU Prepares €7.4 Billion Aid Package for Egypt", ["Egypt", "EU"]),
        ("Central Banks Signal Pause as Inflation Cools", ["inflation", "central banks"]),
        ("Gulf Sovereign Funds Expand Bets on Renewable Energy", ["Gulf", "energy"]),
        ("Shipping Costs Climb as Red Sea Detours Continue", ["shipping", "trade"]),
        ("Morocco’s Car Exports Hit a New High", ["Morocco", "trade"]),
        ("IMF Raises Growth Forecast for Sub-Saharan Africa", ["IMF", "growth"]),
        ("Oil Prices Steady After OPEC+ Holds Output", ["oil", "OPEC"]),
    ],
    "Sports": [
        ("Morocco Confirms Stadium Upgrades Ahead of Cup of Nations", ["Morocco", "football"]),
        ("Egyptian Squash Players Sweep World Championship Finals", ["Egypt", "squash"]),
        ("Kenyan Runners Dominate Berlin Marathon Again", ["Kenya", "athletics"]),
        ("Saudi League Clubs Announce Salary Cap Talks", ["Saudi Arabia", "football"]),
        ("Nigeria Names New Head Coach for Qualifiers", ["Nigeria", "football"]),
        ("Qatar to Host Regional Youth Games Next Spring", ["Qatar", "youth sport"]),
    ],
    "Climate": [
        ("Heatwave Pushes Power Grids to the Limit Across North Africa", ["heatwave", "energy"]),
        ("Derna Reconstruction Plan Puts Flood Defences First", ["Libya", "floods"]),
        ("Desert Solar Farms Double Output in a Year", ["solar", "energy"]),
        ("Lake Chad Shrinks Again, Satellite Data Show", ["Lake Chad", "water"]),
        ("Cities Plant Urban Forests to Fight Rising Heat", ["cities", "heatwave"]),
        ("Climate Finance Pledges Fall Short, Report Finds", ["climate finance"]),
        ("Cyclone Season Starts Early in the Indian Ocean", ["cyclones", "weather"]),
    ],
    "Technology": [
        ("Arabic Language Models Close the Gap With English Rivals", ["AI", "language"]),
        ("Undersea Cable Repairs Restore Internet to East Africa", ["internet", "cables"]),
        ("Mobile Money Users Pass One Billion Worldwide", ["mobile money", "fintech"]),
        ("Governments Weigh Rules for Facial Recognition", ["privacy", "AI"]),
        ("Satellite Internet Reaches Remote Sahel Villages", ["internet", "satellites"]),
        ("Startups Race to Build Cheaper Battery Storage", ["batteries", "startups"]),
        ("Hospitals Adopt Open-Source Records Systems", ["health", "open source"]),
    ],
    "Crypto": [
        ("Regulators Tighten Rules on Stablecoin Reserves", ["stablecoins", "regulation"]),
        ("Bitcoin Miners Move to Regions With Surplus Power", ["bitcoin", "energy"]),
        ("Central Bank Digital Currency Trials Expand in the Gulf", ["CBDC", "Gulf"]),
        ("Crypto Exchange Fined Over Anti-Money-Laundering Lapses", ["regulation", "exchanges"]),
        ("Remittance Firms Test Blockchain Payment Rails", ["remittances", "blockchain"]),
        ("Tokenised Bonds Attract Institutional Investors", ["bonds", "tokenisation"]),
        ("Crypto Scams Rise as Prices Climb, Police Warn", ["fraud", "bitcoin"]),
    ],
}

PARAGRAPHS = [
    "Officials said the talks, which lasted several hours, focused on practical steps that "
    "could be taken before the end of the year. Several participants described the meeting "
    "as constructive, though no joint statement was issued.",
    "Analysts cautioned that similar announcements in the past had been slow to turn into "
    "action. “The question is not whether there is a plan, but whether there is money and "
    "political will behind it,” one regional researcher said.",
    "The decision follows months of pressure from civil society groups, who have argued that "
    "delays hurt the most vulnerable first. Their representatives welcomed the move but said "
    "they would watch closely how it is carried out.",
    "Figures published this week show the scale of the challenge. Independent estimates put "
    "the cost at several times the amount committed so far, and officials acknowledged that "
    "further funding would be needed.",
    "Neighbouring governments reacted cautiously. A spokesperson for one foreign ministry said "
    "it was studying the details and would respond through diplomatic channels.",
    "Residents interviewed by our correspondent said daily life had already changed. “We plan "
    "everything around it now,” said one shop owner, who asked not to be named.",
]

FLAT_PAGES = [
    (
        "/about/",
        "About us",
        "<p>The World Monitor is an independent newsroom connecting readers to the heartbeat "
        "of the Middle East and Africa. Our correspondents report from more than twenty "
        "countries.</p><p>We correct our mistakes openly and keep news and opinion apart.</p>",
    ),
    (
        "/contact/",
        "Contact Us",
        '<p>News tips: <a href="mailto:tips@example.com">tips@example.com</a></p>'
        '<p>Corrections: <a href="mailto:corrections@example.com">corrections@example.com'
        "</a></p><p>Advertising and partnerships: "
        '<a href="mailto:partners@example.com">partners@example.com</a></p>',
    ),
    (
        "/privacy-policy/",
        "Privacy Policy",
        "<p>We do not use advertising trackers. Article views are counted without cookies and "
        "without storing your IP address.</p><p>When you comment, we keep your name, email "
        "address and comment. Your email address is never published. To protect the site "
        "from abuse we keep a salted hash of your network address and your browser's name "
        "for 90 days.</p>",
    ),
    (
        "/corrections-policy/",
        "Corrections policy",
        "<p>We correct errors of fact as soon as we know of them, openly and on the story "
        "itself: a <strong>Correction</strong> fixes a mistake, a <strong>Clarification</strong> "
        "makes clearer something that could mislead, an <strong>Update</strong> adds what "
        "happened after publication, and an <strong>Editor’s note</strong> explains a "
        "decision we took. We never change a story’s publication date.</p>"
        '<p>Every notice is listed on our <a href="/corrections/">corrections page</a>, newest '
        "first. To report an error, write to "
        '<a href="mailto:corrections@example.com">corrections@example.com</a>.</p>',
    ),
]

# The seed page's Next Post: newer than the seed story, in its section.
NEXT_POST = "Israel’s Total Military Fatalities in Gaza Reach 504"


def curation_and_trust(seed_article):
    """An analysis, an opinion piece with a correction and an update, and a home page whose
    lead and first top story the editors chose (articles/labels.py, corrections.py,
    curation.py)."""
    labels.ensure_default_labels()
    analysis = Article.objects.get(slug=slugify("Climate Finance Pledges Fall Short, Report Finds"))
    analysis.label = Label.objects.get(slug="analysis")
    analysis.save()
    opinion = Article.objects.get(slug=slugify("Central Banks Signal Pause as Inflation Cools"))
    opinion.label = Label.objects.get(slug="opinion")
    opinion.dateline = "Cairo"
    opinion.save()
    Notice.objects.create(
        article=opinion,
        kind=Notice.Kind.CORRECTION,
        text="An earlier version of this piece gave the wrong month for the last rate rise. "
        "It was March, not May.",
        noted_at=opinion.publish_at + timedelta(hours=2),
    )
    Notice.objects.create(
        article=opinion,
        kind=Notice.Kind.UPDATE,
        position=Notice.Position.BOTTOM,
        text="The central bank confirmed the pause in a statement on Thursday.",
        noted_at=opinion.publish_at + timedelta(hours=4),
    )
    home, _ = Front.objects.get_or_create(section=None)
    Slot.objects.get_or_create(front=home, article=seed_article, defaults={"position": 0})
    Slot.objects.get_or_create(front=home, article=opinion, defaults={"position": 1})


DEMO_USERS = [
    ("editor", "Editor", "Editors publish, schedule and manage sections and pages."),
    ("reporter", "Reporter", "Reporters write and submit their own articles for review."),
    ("moderator", "Moderator", "Moderators approve, reject and mark comments as spam."),
]

PALETTES = [
    ((23, 42, 69), (178, 34, 52)),
    ((15, 76, 92), (229, 152, 102)),
    ((44, 62, 80), (241, 196, 15)),
    ((34, 49, 63), (26, 188, 156)),
    ((74, 20, 140), (236, 64, 122)),
    ((0, 77, 64), (205, 220, 57)),
    ((62, 39, 35), (255, 152, 0)),
    ((13, 71, 161), (144, 202, 249)),
]


def make_image(seed, size=(1600, 900)):
    """A distinct, photo-sized JPEG: a gradient sky, hills and a sun, drawn from a seed."""
    rng = random.Random(seed)
    top, bottom = PALETTES[seed % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(top[i] + (bottom[i] - top[i]) * t) for i in range(3)),
        )
    sun_x, sun_y, radius = (
        rng.randint(200, width - 200),
        rng.randint(120, 400),
        rng.randint(60, 140),
    )
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(255, 236, 179)
    )
    for layer in range(3):
        shade = tuple(max(0, c - 40 * (layer + 1)) for c in bottom)
        base = int(height * (0.55 + 0.13 * layer))
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base - rng.randint(0, 160 - 40 * layer)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, optimize=True)
    return ContentFile(buffer.getvalue())


def library_photo(title, content, **details):
    """A photo in the library, through the same save path as an upload (cleaned, renditions)."""
    photo = photos.Image(title=title, **details)
    photo.file.save(f"{slugify(title)[:60] or 'photo'}.jpg", content, save=False)
    photo.save()
    return photo


def create_demo_users():
    """Demo staff accounts with fresh random passwords; returns [(username, password)]."""
    User = get_user_model()
    sync_roles(Group, Permission)
    created = []
    for username, group_name, _about in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username, password=password, email=f"{username}@example.com", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        created.append((username, password))
    return created


def blocks_story(section, author, related, now):
    """A reported story with an inline photo, a gallery, a YouTube and an X embed, a pull
    quote and a fact box (articles/body_blocks.py)."""
    inline = library_photo(
        "Harbour wall in Tripoli",
        make_image(101, size=(1200, 1500)),
        alt="A restored stone harbour wall at dusk, fishing boats moored along it",
        caption="The restored harbour wall, finished in March.",
        credit="Photo: Amira Haddad",
    )
    gallery = [
        library_photo(
            title,
            make_image(seed),
            alt=alt,
            caption=caption,
            credit="Photo: Amira Haddad",
        )
        for seed, title, alt, caption in [
            (
                102,
                "Market street",
                "A busy market street under awnings",
                "The souq reopened in May.",
            ),
            (103, "Old port", "Boats in the old port at sunrise", "Fishing boats at first light."),
            (104, "Clock tower", "A clock tower against a clear sky", "The clock tower, repaired."),
        ]
    ]
    body = (
        "<p>Five years after the fighting ended, the old city is busy again. Stonemasons, "
        "many of them trained in a programme run by the municipality, have rebuilt "
        "the harbour wall and a dozen of the streets behind it.</p>"
        f'<figure data-block="photo" data-image="{inline.pk}" data-width="inset"></figure>'
        "<p>The work is slow: each stone is numbered, photographed and put back where it "
        "stood, and the engineers check every wall against drawings made in the 1930s.</p>"
        '<aside data-block="pullquote" data-quote="We are not building something new. We are '
        'putting back what our grandparents knew." data-attribution="Salem Ben Ali, master '
        'mason"></aside>'
        "<h2>A market comes back</h2>"
        "<p>The souq reopened in May, and the fishing fleet has returned to the old port.</p>"
        f'<figure data-block="gallery" data-images="{",".join(str(p.pk) for p in gallery)}">'
        "</figure>"
        "<p>The city's engineers explained the method in a short film.</p>"
        '<figure data-block="embed" data-url="https://www.youtube.com/watch?v=aqz-KE-bpKQ">'
        "</figure>"
        "<p>The mayor announced the next phase on X.</p>"
        '<figure data-block="embed" data-url="https://x.com/NASA/status/1585710442284072960">'
        "</figure>"
        '<aside data-block="factbox" data-title="The rebuilding in numbers" data-text="'
        "42 streets restored. 1,300 stonemasons trained. 18 % of the old city still to "
        f'rebuild." data-article="{related.pk}"></aside>'
        "<p>The municipality says the rest of the old city will be finished by 2029.</p>"
    )
    article = Article.objects.create(
        headline="Stone by Stone, an Old City Rebuilds Its Harbour",
        slug="stone-by-stone-an-old-city-rebuilds-its-harbour",
        dek="Masons trained by the municipality are putting the old city back together, "
        "one numbered stone at a time.",
        body=body,
        section=section,
        status=Article.Status.PUBLISHED,
        publish_at=now - timedelta(hours=2),
        lead_image=gallery[1],
    )
    article.tags.add("Libya", "reconstruction")
    article.authors.add(author)
    return article


@transaction.atomic
def load(domain="127.0.0.1:8000", stdout=None):
    """Fill an empty site. Returns the demo logins created (username, password)."""
    rng = random.Random(2023)
    Site.objects.update_or_create(pk=1, defaults={"domain": domain, "name": "The World Monitor"})
    site = Site.objects.get(pk=1)
    for url, title, content in FLAT_PAGES:
        page, _ = FlatPage.objects.update_or_create(
            url=url, defaults={"title": title, "content": content}
        )
        page.sites.add(site)
    site_links.add_defaults()  # (a database emptied by hand has none)

    sections = {}
    for order, (name, description) in enumerate(SECTIONS):
        sections[name], _ = Section.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "description": description, "menu_order": order},
        )
    authors = [
        Author.objects.get_or_create(slug=slugify(name), defaults={"name": name, "bio": bio})[0]
        for name, bio in AUTHORS
    ]
    logins = create_demo_users()
    reporter = get_user_model().objects.filter(username="reporter").first()
    if reporter is not None and not hasattr(reporter, "author_profile"):
        authors[-1].user = reporter
        authors[-1].save()

    now = timezone.now()
    stories = [
        (section, headline, tags)
        for section, items in HEADLINES.items()
        for headline, tags in items
    ]
    rng.shuffle(stories)
    seed_article = Article(
        headline="US & Libyan Officials Discuss Military Cooperation",
        slug="us-libyan-officials-discuss-military-cooperation",
        dek="The American Military Attaché’s office met Libyan military leaders in Benghazi "
        "to discuss support for a unified Libyan army.",
        body=SEED_BODY,
        section=sections["Middle East"],
        dateline="Benghazi",
        status=Article.Status.PUBLISHED,
        # Before the live page's start (now - 3 h) by two minutes: its Next Post fits between.
        publish_at=now - timedelta(hours=3, minutes=2),
        lead_image=library_photo(
            "US and Libyan officials",
            make_image(0),
            alt="US and Libyan military officials seated around a conference table",
            caption="US & Libyan military officials",
            credit="The World Monitor",
        ),
    )
    seed_article.save()
    seed_article.tags.add("Libya", "military cooperation", "US")
    seed_article.authors.add(authors[0])

    for index, (section, headline, tags) in enumerate(stories, start=1):
        age = timedelta(hours=6 * index + rng.randint(0, 5), minutes=rng.randint(0, 59))
        published = now - age
        if headline == NEXT_POST:  # newer than the seed story: its Next Post, as on the seed
            published = seed_article.publish_at + timedelta(minutes=1)
        paragraphs = rng.sample(PARAGRAPHS, k=4)
        article = Article(
            headline=headline,
            slug=slugify(headline)[:200],
            dek=paragraphs[0].split(". ")[0] + ".",
            body="".join(f"<p>{p}</p>" for p in paragraphs),
            section=sections[section],
            status=Article.Status.PUBLISHED,
            publish_at=published,
            lead_image=library_photo(
                headline,
                make_image(index),
                alt=f"Illustration for: {headline}",
                caption=f"{section}: {headline}",
                credit="Illustration: The World Monitor",
            ),
        )
        article.save()
        article.tags.add(*tags)
        bylines.arrange(article, rng.sample(authors, k=rng.choice([1, 1, 1, 2])))
        if stdout and index % 10 == 0:
            stdout.write(f"  {index} articles…")

    # A live page under way (articles/live/), on the demo reporter's byline: they may post.
    live_demo.live_story(sections["Middle East"], authors[-1], now)

    # A story that uses every body block, so the site shows each of them out of the box.
    blocks_story(sections["Africa"], authors[1], seed_article, now)

    # Curation and trust: labels, a corrected opinion piece, the editors' front page.
    curation_and_trust(seed_article)

    # A draft and a scheduled piece, so editors see the whole workflow.
    Article.objects.create(
        headline="Draft: Election Commission Publishes Candidate List",
        slug="election-commission-publishes-candidate-list",
        section=sections["Africa"],
        body="<p>Draft copy awaiting the final list.</p>",
        status=Article.Status.REVIEW,
        created_by=reporter,
    )
    Article.objects.create(
        headline="Scheduled: Ministers Gather for Regional Energy Summit",
        slug="ministers-gather-for-regional-energy-summit",
        section=sections["Economy"],
        body="<p>Ministers from twelve countries meet to discuss grid connections.</p>",
        status=Article.Status.PUBLISHED,
        publish_at=now + timedelta(days=1),
    )

    # Other apps add theirs (comments: a thread under the seed story).
    extensions.add_demo_content(seed_article, stdout)
    return logins
