"""Bare Flask reference app: the framework ceiling for a templated page.

``/tpl`` renders an article-like page of about 20 KB (layout with header,
navigation and footer, a table of contents, sections of paragraphs, a list and
a table) from a Jinja template held in memory. Flask compiles the template once
and keeps it in the Jinja environment's cache, so each request pays for
routing, the template render and the response, with no database and no
Markdown: what a wiki page view costs at best with Flask under the same
gunicorn settings.

Serve it with ``gunicorn -w 4 --worker-class sync --chdir bench hello_app:app``.
"""

from __future__ import annotations

from flask import Flask
from flask import render_template
from jinja2 import DictLoader

LAYOUT = """<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{% block title %}{% endblock %} · {{ site_name }}</title>
  <link rel="stylesheet" href="/static/site.css">
</head>
<body class="{% block body_class %}{% endblock %}">
  <a class="skip-link" href="#contenu">Aller au contenu</a>
  <header class="site-header">
    <div class="wrap header-inner">
      <a class="brand" href="/">{{ site_name }}</a>
      <p class="tagline">{{ tagline }}</p>
      <form class="search" action="/recherche" method="get" role="search">
        <label for="q">Rechercher</label>
        <input type="search" id="q" name="q">
        <button type="submit">OK</button>
      </form>
    </div>
    <nav class="site-nav" aria-label="Navigation principale">
      <ul class="wrap">{% for item in nav %}
        <li><a href="{{ item.href }}">{{ item.label }}</a></li>{% endfor %}
      </ul>
    </nav>
  </header>
  <main id="contenu" class="wrap main">{% block content %}{% endblock %}</main>
  <footer class="site-footer">
    <div class="wrap footer-inner">
      <p>Contenus sous licence <a href="{{ license_url }}" rel="license">{{ license }}</a></p>
      <p class="powered">Propulsé par un logiciel libre.</p>
    </div>
  </footer>
</body>
</html>
"""

ARTICLE = """{% extends "layout.html" %}
{% block title %}{{ article.title }}{% endblock %}
{% block body_class %}kind-page slug-{{ article.slug }}{% endblock %}
{% block content %}
<article class="page">
  <header class="page-header">
    <h1>{{ article.title }}</h1>
    <ul class="page-actions">
      <li><a href="/pages/{{ article.slug }}/edit">Modifier</a></li>
      <li><a href="/pages/{{ article.slug }}/history">Historique</a></li>
    </ul>
  </header>
  <div class="page-body">
    <nav class="toc" aria-labelledby="toc-title">
      <h2 id="toc-title">Sommaire</h2>
      <ol>{% for section in article.sections %}
        <li><a href="#{{ section.anchor }}">{{ section.heading }}</a></li>{% endfor %}
      </ol>
    </nav>
    <div class="prose">
    {% for section in article.sections %}
      <h2 id="{{ section.anchor }}">{{ section.heading }}</h2>
      {% for paragraph in section.paragraphs %}
      <p>{{ paragraph }} Voir aussi <a class="wikilink" href="/pages/{{ section.anchor }}-{{ loop.index }}">{{ section.heading|lower }} ({{ loop.index }})</a>.</p>
      {% endfor %}
      <ul>{% for point in section.points %}
        <li><strong>{{ point.name }}</strong> : {{ point.text }}</li>{% endfor %}
      </ul>
      <table>
        <thead><tr><th scope="col">Lieu</th><th scope="col">Jour</th><th scope="col">Horaire</th></tr></thead>
        <tbody>{% for row in section.rows %}
          <tr><td>{{ row.place }}</td><td>{{ row.day }}</td><td>{{ row.hours }}</td></tr>{% endfor %}
        </tbody>
      </table>
    {% endfor %}
    </div>
  </div>
  <footer class="page-meta">
    <p>Version {{ article.version }}, modifiée le {{ article.date }} par {{ article.author }}.</p>
  </footer>
</article>
{% endblock %}
"""

_PARAGRAPH = (
    "Le conseil de développement réunit des habitantes et des habitants, des associations "
    "et des entreprises du territoire pour éclairer les choix publics ; chacun peut proposer "
    "une page, corriger une erreur ou ajouter une source, et l'historique garde toutes les versions."
)

CONTEXT = {
    "site_name": "Référence Flask",
    "tagline": "Le wiki contributif du territoire",
    "license": "CC BY-SA 4.0",
    "license_url": "https://creativecommons.org/licenses/by-sa/4.0/deed.fr",
    "nav": [
        {"href": "/", "label": "Accueil"},
        {"href": "/pages", "label": "Toutes les pages"},
        {"href": "/-/modifications", "label": "Modifications récentes"},
        {"href": "/pages/aide", "label": "Aide"},
    ],
    "article": {
        "title": "Comment contribuer",
        "slug": "comment-contribuer",
        "version": 12,
        "date": "21 novembre 2026",
        "author": "Camille",
        "sections": [
            {
                "anchor": f"section-{n}",
                "heading": f"Étape {n} : participer au wiki",
                "paragraphs": [_PARAGRAPH] * 4,
                "points": [{"name": f"Point {k}", "text": "une règle simple à suivre"} for k in range(1, 5)],
                "rows": [{"place": "Médiathèque", "day": "Mercredi", "hours": "14 h – 18 h"}] * 5,
            }
            for n in range(1, 8)
        ],
    },
}

app = Flask(__name__, static_folder=None)
app.jinja_loader = DictLoader({"layout.html": LAYOUT, "article.html": ARTICLE})


@app.route("/tpl")
def tpl() -> str:
    """Render the ~20 KB article page (template compiled once, then cached)."""
    return render_template("article.html", **CONTEXT)


if __name__ == "__main__":
    with app.test_request_context():
        print(len(tpl().encode()), "bytes")
