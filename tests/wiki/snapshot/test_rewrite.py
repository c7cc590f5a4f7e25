"""File names, relative links and the link checker of a static copy (pure: no app)."""

from __future__ import annotations

from wiki.snapshot import links
from wiki.snapshot import rewrite

HOSTS = frozenset({"wiki.test"})


def test_addresses_become_files():
    assert rewrite.file_for("/", "text/html") == "index.html"
    assert rewrite.file_for("/pages/caf%C3%A9", "text/html") == "pages/café.html"
    assert rewrite.file_for("/pages?page=2", "text/html") == "pages-page-2.html"
    assert rewrite.file_for("/donnees/lieu.csv", "text/csv") == "donnees/lieu.csv"
    assert rewrite.file_for("/donnees/lieu", "text/html") == "donnees/lieu.html"
    assert rewrite.file_for("/../../etc/passwd", "text/plain") == "_/_/etc/passwd.txt"
    assert rewrite.normal_address("/pages", "page=2") == "/pages?page=2"
    assert rewrite.normal_address("/annuaire/lieu", "theme=mobilite") is None


def test_links_become_relative_and_server_tools_go():
    page = (
        '<form role="search" action="/-/recherche"><input name="q"></form>'
        '<a href="/pages/redon">Redon</a> <a href="https://wiki.test/fiches/3#carte">fiche</a> '
        '<a href="/-/connexion">Se connecter</a> <a href="/zones/35236">Redon (commune)</a> '
        '<a href="https://ailleurs.example/">ailleurs</a> <a href="#contenu">haut</a> '
        '<link rel="alternate" href="/-/modifications.atom"><script src="/-/static/js/map.js"></script>'
        '<form method="post" action="/pages/redon/edit"><textarea name="body"></textarea></form>'
    )
    files = {"/pages/redon": "pages/redon.html", "/fiches/3": "fiches/3.html"}

    def resolve(url):
        path = url.replace("https://wiki.test", "").partition("#")[0]
        if path in files:
            return files[path]
        return rewrite.DROP if path.startswith("/-/") else None

    out = rewrite.rewrite_html(page, "pages/mediatheque.html", resolve, own_hosts=HOSTS,
                               index_file="pages.html", index_label="Index des pages")  # fmt: skip
    assert '<a href="redon.html">Redon</a>' in out
    assert '<a href="../fiches/3.html#carte">fiche</a>' in out
    assert "Se connecter" not in out  # a server's tool goes with its text
    assert "<a>Redon (commune)</a>" in out  # content the copy does not hold keeps its text
    assert 'href="https://ailleurs.example/"' in out and 'href="#contenu"' in out
    assert '<p class="search"><a href="../pages.html">Index des pages</a></p>' in out
    assert "<form" not in out and "<script" not in out and "<link" not in out and "<textarea" not in out


def test_the_link_checker_finds_missing_files_and_links_to_the_server(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="pages/redon.html">ok</a><a href="pages/absente.html">absente</a>'
        '<img src="/-/static/logo.svg"><a href="https://wiki.test/pages/redon">absolu</a>'
        '<a href="https://ailleurs.example/">ailleurs</a><a href="#haut">haut</a><a href="../../etc">hors</a>',
        encoding="utf-8",
    )
    (tmp_path / "pages" / "redon.html").write_text('<a href="../index.html#x">accueil</a>', encoding="utf-8")
    broken = {(b.page, b.url, b.reason) for b in links.check_links(tmp_path, HOSTS)}
    assert broken == {
        ("index.html", "pages/absente.html", "fichier absent"),
        ("index.html", "/-/static/logo.svg", "lien absolu vers le serveur"),
        ("index.html", "https://wiki.test/pages/redon", "lien absolu vers le serveur"),
        ("index.html", "../../etc", "hors de la copie"),
    }
