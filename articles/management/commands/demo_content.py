from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from articles import demo
from articles.models import Article
from newsroom import two_factor


class Command(BaseCommand):
    help = "Fill an empty site with demo sections, articles, images, pages, comments and logins."

    def add_arguments(self, parser):
        parser.add_argument("--domain", default="127.0.0.1:8000", help="The site's host name.")

    def handle(self, *args, domain, **options):
        if Article.objects.exists():
            self.stdout.write("The site already has articles; demo content not loaded.")
            return
        self.stdout.write("Loading demo content…")
        logins = demo.load(domain=domain, stdout=self.stdout)
        count = Article.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} demo articles."))
        if logins:
            self.stdout.write("Demo logins for the admin (shown once, keep them):")
            for username, password in logins:
                self.stdout.write(f"  {username:<10} {password}")
            self.two_factor_for_the_editor(dict(logins))

    def two_factor_for_the_editor(self, logins):
        """The demo editor signs in with two factors, as editors should."""
        if "editor" not in logins:
            return
        key, codes = two_factor.turn_on(get_user_model().objects.get(username="editor"))
        self.stdout.write(
            "Two-factor sign-in is on for editor: type this key into an authenticator app\n"
            f"  {key}\nor sign in with one of these single-use recovery codes:\n"
            f"  {' '.join(codes)}"
        )
