"""Memory of `manage.py import_wordpress` against the size of the export (README, Moving from
WordPress): generated exports of 2,000 and 20,000 posts (with comments, nested categories,
tags, block and classic markup), each imported into an empty database by a child process
whose peak resident memory is read from the kernel (``getrusage(RUSAGE_CHILDREN)``, as
``/usr/bin/time -v`` reports it). Streaming means the two peaks stay close although the
files differ tenfold.

    python -m tests.bench.wordpress [--sizes 2000,20000]
    python -m tests.bench.wordpress --write-only 20000 export.xml   # just the file

Run as a script (``make bench-wordpress``). Each size gets a fresh SQLite file in a temporary
folder; with DATABASE_URL set, that database is used instead, emptied before each size (it
refuses one without "bench" in its name unless given --yes-destroy).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent.parent
WORDS = [
    "harbour",
    "boats",
    "council",
    "market",
    "prices",
    "election",
    "minister",
    "coast",
    "water",
    "power",
    "road",
    "school",
    "hospital",
    "fishermen",
    "city",
    "port",
    "storm",
    "budget",
    "court",
    "protest",
    "oil",
    "desert",
    "border",
    "festival",
]
HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated Monitor</title><link>https://generated.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://generated.example</wp:base_site_url>
<wp:base_blog_url>https://generated.example</wp:base_blog_url>
"""


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng, words=14):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def body(rng, n):
    paragraphs = [" ".join(sentence(rng) for _ in range(4)) for _ in range(6)]
    if n % 5 == 0:  # block-editor markup
        return "\n\n".join(
            f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->" for p in paragraphs
        )
    link = f'<a href="https://generated.example/?p={max(1, n - 1)}">the earlier story</a>'
    return "\n\n".join([*paragraphs, f"See {link}.", "[related-posts]"])


def write_export(path, posts, seed=2024):
    """A WXR file of ``posts`` posts, written as a stream (the file may be large)."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(1, 21):
            out.write(
                f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>"
                f"{cdata(f'writer{n}')}</wp:author_login><wp:author_display_name>"
                f"{cdata(f'Writer {n}')}</wp:author_display_name></wp:author>\n"
            )
        for n in range(1, 31):
            parent = f"cat{(n - 1) // 3}" if n > 10 else ""
            out.write(
                f"<wp:category><wp:term_id>{n}</wp:term_id><wp:category_nicename>cat{n}"
                f"</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name>{cdata(f'Category {n}')}</wp:cat_name></wp:category>\n"
            )
        for n in range(1, 201):
            out.write(
                f"<wp:tag><wp:term_id>{100 + n}</wp:term_id><wp:tag_slug>tag{n}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(f'Tag {n}')}</wp:tag_name></wp:tag>\n"
            )
        for n in range(1, posts + 1):
            day = 1 + n % 28
            month = 1 + (n // 28) % 12
            year = 2010 + (n // 336) % 14
            date = f"{year}-{month:02d}-{day:02d} {n % 24:02d}:{n % 60:02d}:00"
            slug = f"story-{n}"
            status = "publish" if n % 10 else "draft"
            out.write(
                "<item>"
                f"<title>{escape(sentence(rng, 8))}</title>"
                f"<link>https://generated.example/{year}/{month:02d}/{slug}/</link>"
                f"<dc:creator>{cdata(f'writer{1 + n % 20}')}</dc:creator>"
                f"<content:encoded>{cdata(body(rng, n))}</content:encoded>"
                f"<excerpt:encoded>{cdata(sentence(rng))}</excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id>"
                f"<wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date}</wp:post_date_gmt>"
                f"<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="cat{1 + n % 30}">Category</category>'
                f'<category domain="post_tag" nicename="tag{1 + n % 200}">Tag</category>'
                f'<category domain="post_tag" nicename="tag{1 + (n * 7) % 200}">Tag</category>'
            )
            for c in range(n % 4):
                cid = n * 10 + c
                parent = cid - 1 if c == 2 else 0
                out.write(
                    f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
                    f"<wp:comment_author>{cdata(f'Reader {c}')}</wp:comment_author>"
                    "<wp:comment_author_email>reader@example.net</wp:comment_author_email>"
                    f"<wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{cdata(sentence(rng, 20))}</wp:comment_content>"
                    f"<wp:comment_approved>{1 if c != 1 else 0}</wp:comment_approved>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")


def run_measured(command, env, log):
    """Run ``command`` to its end, output to ``log``; its own peak resident memory in MB
    (os.wait4's rusage for that one process) and how long it took."""
    started = time.monotonic()
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out)
        _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: some items failed, which the report lists
        raise SystemExit(f"{' '.join(command[:3])} failed ({code}); see {log}")
    return usage.ru_maxrss / 1024, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,20000", help="Post counts to try.")
    parser.add_argument("--yes-destroy", action="store_true")
    parser.add_argument("--write-only", nargs=2, metavar=("POSTS", "FILE"))
    parser.add_argument(
        "--parse-only",
        metavar="POSTS",
        help="Only read a generated export of this many posts the way the importer's first "
        "pass does (every element, the index kept), and report that process's peak memory.",
    )
    parser.add_argument("--scan", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_only:
        write_export(args.write_only[1], int(args.write_only[0]))
        return
    if args.scan:  # the child process of --parse-only
        from articles.wordpress.importer import Importer

        index = Importer(args.scan).scan()
        print(f"{index.items} items, {len(index.old_paths)} addresses indexed")
        return
    if args.parse_only:
        folder = Path(tempfile.mkdtemp(prefix="wordpress-bench-"))
        export = folder / "export.xml"
        write_export(export, int(args.parse_only))
        log = folder / "scan.log"
        command = [sys.executable, "-m", "tests.bench.wordpress", "--scan", str(export)]
        env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
        peak, seconds = run_measured(command, env, log)
        megabytes = export.stat().st_size / 1024 / 1024
        print(log.read_text().strip())
        print(f"read {megabytes:.0f} MB in {seconds:.0f} s, peak RSS {peak:.0f} MB")
        export.unlink()
        log.unlink()
        folder.rmdir()
        return
    folder = Path(tempfile.mkdtemp(prefix="wordpress-bench-"))
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    shared = "DATABASE_URL" in os.environ
    if shared:  # the database named (guarded, emptied before each size)
        from . import guard

        guard.require_bench_database(args.yes_destroy)
    python = sys.executable
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        export = folder / f"export-{size}.xml"
        write_export(export, size)
        if not shared:  # a fresh SQLite file of its own
            env["DATABASE_URL"] = f"sqlite:///{folder / f'bench-{size}.sqlite3'}"
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
        )
        if shared:
            subprocess.run(
                [python, "manage.py", "flush", "--noinput", "-v", "0"],
                env=env,
                cwd=ROOT,
                check=True,
            )
        log = folder / f"import-{size}.log"
        peak, seconds = run_measured(
            [python, "manage.py", "import_wordpress", str(export)], env, log
        )
        megabytes = export.stat().st_size / 1024 / 1024
        rows.append((size, megabytes, peak, seconds))
        print(log.read_text()[:1500])
        print(f"{size:,} posts: {megabytes:.1f} MB file, peak RSS {peak:.0f} MB, {seconds:.0f} s")
        export.unlink()
    print(f"\n(logs and databases in {folder})")
    print("  posts   file (MB)   peak RSS (MB)   time (s)")
    for size, megabytes, peak, seconds in rows:
        print(f"{size:>7,}   {megabytes:9.1f}   {peak:13.0f}   {seconds:8.0f}")


if __name__ == "__main__":
    main()
