"""Article search behind one function; the views do not know which database answers."""

from .models import Article

MAX_QUERY_LENGTH = 200


def clean_query(raw):
    """What we search for: printable text, bounded in length."""
    text = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def search(query):
    """Published articles matching the query, best first."""
    query = clean_query(query)
    if not query:
        return Article.objects.none()
    return Article.objects.published().for_listing().filter(headline__icontains=query)
