"""Media's pages and protocols: its files, played to those who may (``files``), and the tus
resumable upload (``tus``) that the areas taking videos serve on their own blueprints."""

from . import files, tus  # noqa: F401  (registers media's views; tus.serve for the areas)
