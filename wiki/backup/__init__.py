"""Online backups and restores of a whole instance, and upgrades that keep the previous version usable.

``lieudit backup DIR`` writes a consistent copy of the live database (SQLite's
backup API, ``pg_dump`` on PostgreSQL), the attached files and the instance's
settings into a new private folder with a checksummed manifest;
``lieudit restore DIR`` checks all of it, then restores it into this
instance. ``lieudit db upgrade`` takes such a backup first and, if a
migration fails, leaves (or puts back) the previous schema.

Unlike ``lieudit dump`` (:mod:`wiki.portability`, a database-neutral archive
to move between instances), a backup is the database's own format: fast to
take and to restore, for the same kind of database.

One module per step: ``manifest`` (the folder's layout and the checks),
``databases`` (copying SQLite and PostgreSQL out and in), ``taking``,
``restoring``, ``upgrading`` and ``cli``.
"""
