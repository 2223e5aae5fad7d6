"""Models of the exhibition (see the exhibition issue)."""
