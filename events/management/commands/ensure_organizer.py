import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the demo organizer login (a superuser) if it is missing and print it. The password "
        "is kept in var/organizer-password.txt (git-ignored) so that it can be printed again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="organizer")
        parser.add_argument("--email", default="organizer@example.com")
        parser.add_argument(
            "--admin-url",
            default="http://127.0.0.1:8000/admin/",
            help="Where the admin is served, printed with the login (make run passes its own).",
        )

    def handle(self, *args, username, email, admin_url, **options):
        password_file = Path(settings.BASE_DIR) / "var" / "organizer-password.txt"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = password_file.read_text().strip() if password_file.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(username=username, email=email)
            user.set_password(password)
            user.save()
            password_file.parent.mkdir(exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        self.stdout.write(f"Organizer login: {username} / {password}  ({admin_url})")
