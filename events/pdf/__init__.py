"""Badges and badge sheets as PDF (the renderer itself is core/pdf.py)."""
