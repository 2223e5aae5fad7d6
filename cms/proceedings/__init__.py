"""The proceedings book (kỷ yếu): a PDF of the forum built from the CMS.

- ``book``: the book's content as plain data, read from the CMS, events and exhibitors.
- ``fonts``: the book's font files and the glyph-coverage check.
- ``render``: HTML → PDF with the shared restricted renderer, then the talks' papers merged in.
- ``services``: pre-flight, build, publish (what the admin, the command and the task call).
"""
