"""Build a forum's proceedings synchronously, for scripts and CI. The last line printed is the
path of the PDF (its URL when media are in a bucket)."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.proceedings import selectors, services
from cms.proceedings.enums import BuildStatus
from cms.proceedings.exceptions import ProceedingsError


class Command(BaseCommand):
    help = (
        "Build the proceedings (PDF) of a forum from the CMS, as the admin's button does, and "
        "print the path of the PDF as the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", help="slug of the event (needed when there are several)")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help="language of the forum page to print (default: %(default)s)",
        )
        parser.add_argument("--output", help="also copy the PDF to this file")

    def handle(self, *args, event=None, language=None, output=None, **options):
        forums = list(selectors.forums_for_build(event_slug=event, language=language))
        if not forums:
            raise CommandError(f"No forum page for event={event or '*'} language={language}.")
        if len(forums) > 1:
            slugs = ", ".join(sorted({forum.event.slug for forum in forums}))
            raise CommandError(f"Several forums: choose one with --event ({slugs}).")
        forum = forums[0]
        verbose = options["verbosity"] > 0

        try:
            build = services.proceedings_build_create(forum=forum, enqueue=False)
        except ProceedingsError as error:
            raise CommandError(str(error.message)) from error
        last = {"line": ""}

        def progress(current):
            line = f"[{current.progress:3d}%] {current.get_stage_display()}"
            if current.detail:
                line += f" · {current.detail}"
            if verbose and line != last["line"]:
                self.stderr.write(line)
                last["line"] = line

        build = services.proceedings_build_run(build_id=build.pk, on_progress=progress)
        if build.status != BuildStatus.SUCCEEDED:
            raise CommandError(f"The build failed ({build.error_code}): {build.error}")
        stored = build.document.file
        if output:
            target = Path(output).resolve()
            target.parent.mkdir(parents=True, exist_ok=True)
            with stored.storage.open(stored.name, "rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            path = str(target)
        else:
            try:
                path = stored.storage.path(stored.name)
            except NotImplementedError:  # a bucket (MEDIA_STORAGE=s3): no local path
                path = stored.url
        if verbose:
            self._print_report(build.report)
            self.stderr.write(f"{build.page_count} pages, {build.duration.total_seconds():.1f} s")
        self.stdout.write(path)

    def _print_report(self, report: dict) -> None:
        """The pre-flight report stored with the build."""
        self.stderr.write(
            f"Pre-flight: {report['sessions']} sessions, {report['speakers']} speakers, "
            f"{report['papers']} papers, {report['exhibitors']} exhibitors."
        )
        for item in report["items"]:
            message = f": {item['message']}" if item["message"] else ""
            self.stderr.write(f"  {item['code']}: {item['where']}{message}")
        for glyph in report["glyphs"]:
            where = "; ".join(glyph["where"])
            self.stderr.write(f"  font lacks {glyph['codepoint']} {glyph['name']} ({where})")
