"""The platform's side of the matching engine: which embedding model to use."""

from functools import cache

from django.conf import settings

from kechuang.engines.matching import dense


@cache
def embedder_or_none() -> dense.Embedder | None:
    """The configured embedding model, or None when it is switched off or cannot load (the
    matcher then fuses the lexical signals alone)."""
    choice = settings.MATCH_EMBEDDINGS
    if choice == "off" or not dense.available():
        return None
    return dense.E5Embedder(None if choice == "bundled" else choice)
