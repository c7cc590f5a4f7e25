"""Whole-instance dump and load: the migration path between instances.

``lieudit dump FILE.zip`` writes every table of the schema (pages with their
full history, forms and their revisions, records with history, accounts,
tokens, zones…), the uploaded files and the non-secret settings into one
zip; ``lieudit load FILE.zip`` rebuilds an identical instance from it in an
empty one. A dump is a private, admin-only archive: it contains personal
data and password hashes, exactly like a backup, and is never web-served.
``lieudit dump --public`` writes the publishable subset instead
(``public.py``: what an anonymous visitor sees).

One module per step: ``archive`` (the zip layout, format version, error and
summary), ``rows`` (table order, value encoding), ``settings`` (which
settings travel), ``dumping`` (writing), ``safety`` (reading an untrusted
zip defensively), ``loading`` (reading back, all or nothing), ``public``
and ``cli``.
"""
