"""Configuration registry: every setting Lieudit reads, with its default.

Load order (later wins), documented once here and in README:

1. ``Defaults`` below;
2. the instance file ``<instance>/config.py`` (optional);
3. environment variables ``LIEUDIT_<KEY>`` (values parsed as JSON when they
   parse, so ``LIEUDIT_MAX_UPLOAD_BYTES=1000`` is an int);
4. the mapping given to ``create_app(config)`` (tests).

Nothing stored in the database overrides these. The instance folder is
``./instance`` unless ``LIEUDIT_INSTANCE_PATH`` names another one; it holds the
SQLite database, the search index, uploads and the generated secret key.
"""

from __future__ import annotations


class Defaults:
    """Default values; each key is documented in README.md (tests check it)."""

    #: Secret used to sign sessions and CSRF tokens; generated into
    #: ``<instance>/secret_key`` on first start when left empty.
    SECRET_KEY: str | None = None
    #: SQLAlchemy URL; empty means ``sqlite:///<instance>/lieudit.db``.
    #: ``postgresql+psycopg://user:pass@host/db`` selects PostgreSQL.
    DATABASE_URL: str = ""
    #: Search engine: ``whoosh`` (embedded, under the instance) or ``postgres``.
    SEARCH_BACKEND: str = "whoosh"
    #: Apply the search outbox in a background thread of each process (a save never waits for the
    #: index); False: in the committing thread, right after the commit.
    SEARCH_INDEX_IN_BACKGROUND: bool = True
    #: Megabytes of decoded posting lists each process keeps (Whoosh): common words
    #: are then answered without reading the index again.
    SEARCH_CACHE_MB: int = 64
    #: Name of the wiki shown in the header, titles and feeds.
    SITE_NAME: str = "Lieudit"
    #: One-line description shown under the name and in feeds.
    SITE_TAGLINE: str = "Le wiki contributif du territoire"
    #: Licence of the wiki's texts, shown in the footer and feeds.
    CONTENT_LICENSE: str = "CC BY-SA 4.0"
    #: Link to the licence text.
    CONTENT_LICENSE_URL: str = "https://creativecommons.org/licenses/by-sa/4.0/deed.fr"
    #: Who may edit: ``open`` (anonymous edits allowed), ``account``
    #: (an account is required), ``premoderated`` (anyone contributes; what
    #: untrusted people write waits in the queue ``/-/moderation``), ``locked``
    #: (moderators only) or ``readonly`` (only admins edit, whatever pages and
    #: forms say). Pages and forms may set their own policy.
    EDIT_POLICY: str = "account"
    #: Under pre-moderation a contributor publishes directly once they have this many
    #: accepted contributions (page revisions, public records)…
    TRUSTED_MIN_CONTRIBUTIONS: int = 5
    #: …and an account at least this many days old (or an admin marked them trusted).
    TRUSTED_MIN_DAYS: int = 7
    #: Whether visitors may create an account themselves.
    REGISTRATION_OPEN: bool = True
    #: Default interface language (``fr``) and the languages offered.
    DEFAULT_LOCALE: str = "fr"
    LANGUAGES: tuple[str, ...] = ("fr", "en")
    #: Time zone used to display dates.
    DEFAULT_TIMEZONE: str = "Europe/Paris"
    #: Active theme: a folder under ``themes/`` (falls back to ``default``).
    THEME: str = "default"
    #: Folder of attached files; empty means ``<instance>/uploads``. Several app
    #: nodes behind one proxy point it at one shared folder.
    UPLOADS_DIR: str = ""
    #: Largest accepted attachment, in bytes.
    MAX_UPLOAD_BYTES: int = 10 * 1024 * 1024
    #: Largest accepted request body (Flask refuses bigger ones with 413).
    MAX_CONTENT_LENGTH: int = 12 * 1024 * 1024
    #: Largest image accepted, in pixels (decompression-bomb guard).
    MAX_IMAGE_PIXELS: int = 40_000_000
    #: Largest page body, in bytes of UTF-8.
    MAX_PAGE_BYTES: int = 1_000_000
    #: Password hashing method passed to werkzeug (scrypt by default).
    PASSWORD_HASH_METHOD: str = "scrypt"
    #: Failed logins allowed on one account before back-off starts.
    LOGIN_FREE_ATTEMPTS: int = 5
    #: Longest back-off after repeated failures, in seconds.
    LOGIN_MAX_DELAY: int = 3600
    #: Failed logins on one account from all clients together before the account itself
    #: waits (``LOGIN_FREE_ATTEMPTS`` counts per client: strangers never lock the owner out).
    LOGIN_ACCOUNT_FREE_ATTEMPTS: int = 50
    #: Anti-spam (``wiki.moderation``): a public form sent back faster than this many seconds
    #: is refused once, its text kept (0: no timing check).
    FORM_MIN_SECONDS: float = 3
    #: Outside links one edit by a newcomer, a guest or an anonymous visitor may add.
    SPAM_MAX_NEW_LINKS: int = 3
    #: Domains (subdomains included) and phrases refused in what newcomers, guests and
    #: anonymous visitors add; moderators add more at ``/-/moderation/antispam``.
    SPAM_BLOCKLIST: tuple[str, ...] = ()
    #: Window of the save limits below, in seconds.
    RATE_WINDOW_SECONDS: int = 600
    #: Saves per window for one anonymous browser session (never per IP address).
    RATE_LIMIT_ANONYMOUS: int = 10
    #: Saves per window for one account that is not yet trusted.
    RATE_LIMIT_NEWCOMER: int = 30
    #: Saves per window for a trusted account (0: no limit; moderators never have one).
    RATE_LIMIT_TRUSTED: int = 0
    #: Saves a wiki-party guest may make per window while the party is open (``wiki.parties``):
    #: a guided workshop writes faster than a newcomer alone (0: no limit).
    PARTY_GUEST_RATE_LIMIT: int = 120
    #: New anonymous sessions one IP address may open per window below: the only per-address
    #: rule, sized for a wiki-party of 40 people behind one address (0: no limit).
    NEW_SESSIONS_PER_IP: int = 60
    #: Window of ``NEW_SESSIONS_PER_IP``, in seconds.
    NEW_SESSIONS_WINDOW_SECONDS: int = 600
    #: Days the restricted IP log (the only place an address is kept) keeps a row.
    IP_RETENTION_DAYS: int = 30
    #: SMTP server that sends the wiki's e-mails; empty: the wiki sends no e-mail (and says so).
    #: Needs ``BASE_URL``: links in e-mails name the public address.
    MAIL_SERVER: str = ""
    #: SMTP port: 25, 587 with ``MAIL_USE_TLS``, 465 with ``MAIL_USE_SSL``.
    MAIL_PORT: int = 25
    #: Upgrade the connection with STARTTLS (usually port 587).
    MAIL_USE_TLS: bool = False
    #: Connect over TLS from the start (usually port 465).
    MAIL_USE_SSL: bool = False
    #: SMTP login and password; empty: no login.
    MAIL_USERNAME: str = ""
    MAIL_PASSWORD: str = ""
    #: Sender of the e-mails (``Nom <adresse>`` or an address); empty: ``noreply@`` the host of ``BASE_URL``.
    MAIL_SENDER: str = ""
    #: Tries per message before it is given up (retries wait 1, 2, 4… minutes).
    MAIL_MAX_ATTEMPTS: int = 5
    #: SQLite busy timeout, in milliseconds, before "database is locked".
    SQLITE_BUSY_TIMEOUT_MS: int = 10_000
    #: PostgreSQL ``lock_timeout``, in milliseconds: a save waiting longer for a row lock gets 503 « réessayez ».
    PG_LOCK_TIMEOUT_MS: int = 10_000
    #: SQLite ``synchronous`` pragma: FULL loses no acknowledged write.
    SQLITE_SYNCHRONOUS: str = "FULL"
    #: Rendered revisions kept in memory per worker.
    RENDER_CACHE_SIZE: int = 1024
    #: Seconds a page text may take to render (in a render process killed past it): a longer text
    #: is refused on preview and save, its text kept; a stored one shows as escaped source.
    RENDER_TIME_BUDGET: float = 2.0
    #: Long texts (previews and saves) rendering at once on this host, all workers together (a
    #: render process takes a whole core: about half the cores; raise it on bigger hosts): the
    #: next one waits half a second for a slot, then is refused with its text kept. 0: no cap.
    RENDER_CONCURRENCY: int = 1
    #: Diffs (``wiki.pages.diffs``): differing lines of one version × those of the other, plus their
    #: characters, at most; a costlier diff is summarised (lines added and removed, links to both texts).
    DIFF_COST_BUDGET: int = 4_000_000
    #: Diffs between two revisions kept in memory per worker.
    DIFF_CACHE_SIZE: int = 64
    #: Expensive requests (diff, history, search, exports) one client may have running at once,
    #: across the workers of one node; more get 429 (0: no limit). Page views never count.
    EXPENSIVE_PER_CLIENT: int = 2
    #: Whole answers to anonymous GETs kept per worker (``wiki.site.response_cache``), valid while the
    #: content version does not move and for at most so many seconds (0: no such cache).
    RESPONSE_CACHE_SECONDS: int = 60
    RESPONSE_CACHE_ENTRIES: int = 1000
    #: ... and at most so many megabytes of them per worker, bodies and their compressed copies counted
    #: (0: no bound but the entries): a thousand 50 KB pages would otherwise hold 60 MB in every worker.
    RESPONSE_CACHE_MB: int = 16
    #: Larger answers are never kept.
    RESPONSE_CACHE_MAX_BYTES: int = 2_000_000
    #: Wiki-party live board (``wiki.parties``): seconds between two reloads without JavaScript;
    #: with it, how long one event stream stays open (0: it answers at once, so a sync worker is
    #: never held; raise it with threaded or async workers) and how often it checks (and the
    #: browser reconnects).
    PARTY_BOARD_REFRESH_SECONDS: int = 30
    PARTY_STREAM_SECONDS: float = 0
    PARTY_STREAM_POLL_SECONDS: float = 4
    #: Visit statistics (``wiki.stats``): each worker adds views up in memory and writes them
    #: every so many seconds or views, whichever comes first (never one write per view).
    STATS_FLUSH_SECONDS: int = 60
    STATS_FLUSH_VIEWS: int = 500
    #: ``lieudit import`` commits every so many items: a big import's memory stays flat, and an
    #: interrupted one keeps whole items that running it again completes.
    IMPORT_COMMIT_EVERY: int = 1000
    #: Items per page in lists (history, recent changes, page index).
    PER_PAGE: int = 50
    #: Results per page of the search page (the API takes ``limit``).
    SEARCH_PER_PAGE: int = 20
    #: Number of reverse proxies in front of the app whose X-Forwarded-*
    #: headers are trusted (0: ignore them).
    TRUSTED_PROXIES: int = 0
    #: Public address of the site, ``https://wiki.example.org``: absolute links (API ``api_url``,
    #: feeds, catalogs) are built from it, never from the request's ``Host`` header. Empty: from the request.
    BASE_URL: str = ""
    #: Host names the site answers to (Flask's setting, e.g. ``["wiki.example.org"]``); a request
    #: for any other ``Host`` gets 400. ``None``: every host.
    TRUSTED_HOSTS: list[str] | None = None
    #: Force the Secure flag on cookies (it is also set on HTTPS requests).
    SESSION_COOKIE_SECURE: bool = False
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    #: CSRF tokens do not expire on their own (they live as long as the
    #: session) so that a long edit is never refused for its age.
    WTF_CSRF_TIME_LIMIT: int | None = None
    #: Extra hosts allowed in Content-Security-Policy ``img-src`` (tiles).
    CSP_IMG_SOURCES: tuple[str, ...] = ()
    #: Publisher of the open-data catalog (an organisation); empty: ``SITE_NAME``.
    DATA_PUBLISHER: str = ""
    #: Web address of the publisher, shown in the DCAT catalog.
    DATA_PUBLISHER_URL: str = ""
    #: Contact e-mail of datasets whose metadata names none (an organisation's address).
    DATA_CONTACT_EMAIL: str = ""
    #: Default licence of datasets: ``etalab-2.0``, ``odbl-1.0`` or ``cc-by-sa-4.0``.
    DATA_LICENSE: str = "etalab-2.0"
    #: Exports generated or streamed at the same time on the whole host (every worker process together, counted
    #: with lock files in ``<instance>/run/exports``); a filtered download beyond them gets 503 + Retry-After.
    EXPORT_CONCURRENCY: int = 4
    #: Seconds a full-dataset download waits for the file of its version being generated; then 503 + Retry-After
    #: (``wiki.exports.filecache``).
    EXPORT_WAIT_SECONDS: float = 3.0
    #: Map background tiles (``{z}/{x}/{y}``; ``{s}`` for subdomains); empty: no
    #: background, the data and zone outlines still show (offline wiki-party).
    MAP_TILE_URL: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    #: Attribution shown on the map for the tiles.
    MAP_ATTRIBUTION: str = "© les contributeurs d’OpenStreetMap"
    #: Beyond this many points in view, the map groups them into clusters.
    MAP_CLUSTER_ABOVE: int = 500
    #: A record not verified for this many months shows « à vérifier » and is listed for a
    #: freshness campaign (``wiki.freshness``).
    FRESHNESS_MONTHS: int = 12
    #: Days a freshness campaign's link (confirm or correct a record, no account) stays valid.
    FRESHNESS_LINK_DAYS: int = 30
