"""What an import did: a count per kind and outcome, and every item skipped or failed."""

import re
from collections import Counter
from dataclasses import dataclass

KINDS = (
    "sections",
    "tags",
    "authors",
    "articles",
    "pages",
    "images",
    "comments",
    "redirects",
    "files",  # documents linked in bodies (a PDF report), copied from the old uploads
    "media",  # audio, video and iframes in bodies: kept as links or left out, each listed
    "links",  # menu links for the top bar and the footer (articles/wordpress/menus.py)
)
OUTCOMES = ("created", "updated", "unchanged", "skipped", "errors")
SHORTCODE_POSTS = 5  # the posts named beside a shortcode left as text
# What differs from one item to the next in a reason: addresses, file paths and names,
# numbers (an HTTP status aside).
PARTICULAR = re.compile(
    r"https?://\S+?(?=:?(?:\s|$))|(?<![\w/])[\w.%-]*/[\w./%-]+|\b[\w%-]+\.(?:jpe?g|png|"
    r"gif|webp|avif|heic|pdf|docx?|xlsx?|mp3|mp4)\b|(?<!HTTP )\b\d+\b",
    re.I,
)
REPEATED = 5  # a reason given this often is summed up before the list


@dataclass
class Problem:
    kind: str
    wp_id: str
    title: str
    reason: str
    # "skipped" (left out on purpose), "errors" (should have come in, did not) or "noted"
    # (came in, changed or held back: someone should look at it).
    outcome: str


class Report:
    def __init__(self):
        self.counts = {kind: Counter() for kind in KINDS}
        self.problems = []
        self.unknown_shortcodes = Counter()
        self.shortcode_posts = {}  # name -> the WordPress IDs of the first posts using it
        self.shortcode_post_counts = Counter()  # name -> how many posts use it

    def shortcodes(self, wp_id, found):
        """The shortcodes a post left as text (a Counter by name)."""
        self.unknown_shortcodes.update(found)
        self.shortcode_post_counts.update(set(found))
        for name in found:
            posts = self.shortcode_posts.setdefault(name, [])
            if len(posts) < SHORTCODE_POSTS and wp_id not in posts:
                posts.append(wp_id)

    def count(self, kind, outcome, n=1):
        self.counts[kind][outcome] += n

    def skipped(self, kind, wp_id, title, reason):
        self._problem(kind, wp_id, title, reason, "skipped")

    def failed(self, kind, wp_id, title, reason):
        self._problem(kind, wp_id, title, reason, "errors")

    def noted(self, kind, wp_id, title, reason):
        """Something that came in, but not quite as the export had it (held back as a draft,
        cut to fit, at another address): listed for someone to check, counted nowhere."""
        self._problem(kind, wp_id, title, reason, "noted")

    def _problem(self, kind, wp_id, title, reason, outcome):
        if outcome in OUTCOMES:
            self.counts[kind][outcome] += 1
        self.problems.append(
            Problem(kind, str(wp_id), " ".join(str(title).split()), reason, outcome)
        )

    @property
    def notes(self):
        return [problem for problem in self.problems if problem.outcome == "noted"]

    def snapshot(self):
        """What the report says now, to go back to when a unit of work is rolled back."""
        return (
            {kind: Counter(counts) for kind, counts in self.counts.items()},
            len(self.problems),
            Counter(self.unknown_shortcodes),
            {name: list(posts) for name, posts in self.shortcode_posts.items()},
            Counter(self.shortcode_post_counts),
        )

    def restore(self, snapshot):
        """Forget what was reported since ``snapshot``: it was rolled back, never written."""
        counts, problems, shortcodes, shortcode_posts, shortcode_post_counts = snapshot
        self.counts = {kind: Counter(counted) for kind, counted in counts.items()}
        del self.problems[problems:]
        self.unknown_shortcodes = shortcodes
        self.shortcode_posts = shortcode_posts
        self.shortcode_post_counts = shortcode_post_counts

    def repeated(self):
        """[(count, kind, outcome, reason)]: the reasons given to many items alike (the old
        site stopped answering, a folder of photos missing), with what differs from one
        item to the next left out, the most frequent first. A long report begins with them."""
        counts = Counter(
            (problem.kind, problem.outcome, PARTICULAR.sub("…", str(problem.reason)))
            for problem in self.problems
        )
        return [
            (count, kind, outcome, reason)
            for (kind, outcome, reason), count in counts.most_common()
            if count >= REPEATED
        ]

    @property
    def failures(self):
        return sum(counts["errors"] for counts in self.counts.values())

    def table(self):
        """The summary as lines of text: one row per kind, one column per outcome."""
        width = max(len(kind) for kind in KINDS)
        lines = [" " * width + "".join(f"{outcome:>11}" for outcome in OUTCOMES)]
        for kind in KINDS:
            row = "".join(f"{self.counts[kind][outcome]:>11}" for outcome in OUTCOMES)
            lines.append(f"{kind:<{width}}{row}")
        return lines
