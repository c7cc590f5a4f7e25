"""Importers: bring outside data (files, feeds, other wikis) into Lieudit, one ``*_from_*`` module per source."""
