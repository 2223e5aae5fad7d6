"""PDF rendering shared by badges (events), staff passes (exhibitors) and proceedings (cms)."""

from .renderer import PDF_BASE_URL, RestrictedURLFetcher, render_html_to_pdf, render_to_pdf

__all__ = ["PDF_BASE_URL", "RestrictedURLFetcher", "render_html_to_pdf", "render_to_pdf"]
