from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from articles import extensions

        from . import demo, overview, receipts, signals, threads, wordpress
        from .counts import with_comment_counts

        # What comments adds to articles' pages; articles knows nothing of comments.
        extensions.register_listing_annotation(with_comment_counts)
        extensions.register_card_keys(signals.card_keys)
        extensions.register_article_page_part(threads.article_page_part)
        extensions.register_private_article_request(receipts.is_receipt_request)
        extensions.register_demo_content(demo.add_demo_comments)
        extensions.register_wordpress_part(wordpress.import_comments)
        extensions.register_overview_part(overview.comments_waiting)
