"""The DCAT-AP catalog parses with rdflib and says what harvesters (data.gouv.fr) read."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib import Literal
from rdflib import URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT
from rdflib.namespace import DCTERMS
from rdflib.namespace import FOAF
from rdflib.namespace import RDF
from rdflib.namespace import XSD

from tests.shared import DATA

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: RDF output of plain reads

# Through tests.shared, like every other shared sample: the clone may live anywhere (a git worktree, LIEUDIT_SHARED).
UDATA_SAMPLE = DATA / "opendata-fr" / "dcat" / "udata_dcat_udata.xml"
VCARD = "http://www.w3.org/2006/vcard/ns#"
#: DCAT-AP 2 mandatory and recommended properties of a dataset.
DATASET_PROPERTIES = {
    DCTERMS.title, DCTERMS.description, DCAT.contactPoint, DCAT.distribution, DCAT.keyword, DCTERMS.publisher,
    DCTERMS.spatial, DCAT.theme, DCTERMS.issued, DCTERMS.modified, DCTERMS.accrualPeriodicity, DCAT.landingPage, DCTERMS.identifier,
}  # fmt: skip
DISTRIBUTION_PROPERTIES = {
    DCAT.accessURL,
    DCAT.downloadURL,
    DCAT.mediaType,
    DCTERMS.format,
    DCTERMS.license,
    DCTERMS.title,
    DCTERMS.description,
}


def _graph(client, ext):
    response = client.get(f"/donnees/catalog.{ext}")
    assert response.status_code == 200
    return Graph().parse(data=response.data, format={"jsonld": "json-ld", "ttl": "turtle"}[ext]), response


@pytest.mark.parametrize("ext", ["jsonld", "ttl"])
def test_catalog_carries_mandatory_and_recommended_properties(client, seeded, ext):
    graph, response = _graph(client, ext)
    assert response.mimetype == {"jsonld": "application/ld+json", "ttl": "text/turtle"}[ext]
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset, FOAF.homepage, DCTERMS.language):
        assert graph.value(catalog, prop) is not None, prop
    fermes = URIRef("http://wiki.test/donnees/fermes")
    assert (catalog, DCAT.dataset, fermes) in graph and (fermes, RDF.type, DCAT.Dataset) in graph
    assert {p for p in graph.predicates(fermes)} >= DATASET_PROPERTIES
    assert str(graph.value(fermes, DCTERMS.accrualPeriodicity)).endswith("/frequency/IRREG")
    assert URIRef("http://id.insee.fr/geo/commune/35236") in set(graph.objects(fermes, DCTERMS.spatial))
    contact = graph.value(fermes, DCAT.contactPoint)
    assert (contact, RDF.type, URIRef(VCARD + "Organization")) in graph
    downloads = {str(graph.value(d, DCAT.downloadURL)): d for d in graph.objects(fermes, DCAT.distribution)}
    for suffix in ("csv", "tableur.csv", "json", "geojson", "ics", "xlsx", "ods"):
        assert f"http://wiki.test/donnees/fermes.{suffix}" in downloads
    for dist in downloads.values():
        assert {p for p in graph.predicates(dist)} >= DISTRIBUTION_PROPERTIES
        assert str(graph.value(dist, DCTERMS.license)) == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    pages = URIRef("http://wiki.test/donnees/pages")
    assert (
        str(graph.value(graph.value(pages, DCAT.distribution), DCAT.downloadURL))
        == "http://wiki.test/donnees/pages.zip"
    )


def test_catalog_covers_what_udata_publishes_for_a_dataset(client, seeded):
    """Every property data.gouv.fr's own DCAT output uses on datasets and distributions (bar its
    internal ones) is in ours, so its DCAT harvester finds what it looks for."""
    sample = Graph().parse(UDATA_SAMPLE, format="xml")
    internal = {
        "http://www.w3.org/ns/adms#identifier",
        "http://purl.org/dc/terms/creator",
        "http://purl.org/dc/terms/rights",
    }

    def used(graph, kind):
        return {
            p
            for s in graph.subjects(RDF.type, kind)
            for p in graph.predicates(s)
            if str(p) not in internal and "distributor" not in str(p)
        }

    ours, _ = _graph(client, "jsonld")
    assert used(sample, DCAT.Dataset) <= used(ours, DCAT.Dataset)
    assert used(sample, DCAT.Distribution) - {DCTERMS.issued} <= used(ours, DCAT.Distribution)


def test_catalog_follows_the_metadata_moderators_set(client, seeded):
    from tests.exports_support import login

    login(client, "Modo")
    client.post(
        "/donnees/fermes/modifier",
        data={"license": "odbl-1.0", "frequency": "weekly", "contact_name": "CDD du Pays", "keywords": "marchés"},
    )
    graph, _ = _graph(client, "ttl")
    fermes = URIRef("http://wiki.test/donnees/fermes")
    assert str(graph.value(fermes, DCTERMS.accrualPeriodicity)).endswith("/WEEKLY")
    assert "marchés" in {str(k) for k in graph.objects(fermes, DCAT.keyword)}
    dist = next(graph.objects(fermes, DCAT.distribution))
    assert str(graph.value(dist, DCTERMS.license)) == "https://opendatacommons.org/licenses/odbl/1-0/"


def test_both_serializations_describe_the_same_catalog(client, seeded):
    """One IRI for the catalog, each dataset and each distribution, whatever the serialization."""
    jsonld, _ = _graph(client, "jsonld")
    turtle, _ = _graph(client, "ttl")
    assert isomorphic(jsonld, turtle)
    (catalog,) = jsonld.subjects(RDF.type, DCAT.Catalog)
    assert catalog == URIRef("http://wiki.test/donnees#catalog")


def test_datasets_point_to_their_table_schema_their_period_and_known_sizes(client, seeded):
    graph, _ = _graph(client, "ttl")
    fermes = URIRef("http://wiki.test/donnees/fermes")
    schema_url = URIRef("http://wiki.test/donnees/fermes/schema.json")
    assert graph.value(fermes, DCTERMS.conformsTo) == schema_url and (schema_url, RDF.type, DCTERMS.Standard) in graph
    served = client.get("/donnees/fermes/schema.json")
    assert served.status_code == 200 and served.headers["Access-Control-Allow-Origin"] == "*"
    package = client.get("/donnees/fermes/datapackage.json").get_json()
    assert served.get_json() == {r["name"]: r for r in package["resources"]}["fermes-csv"]["schema"]
    dists = {str(graph.value(d, DCAT.downloadURL)): d for d in graph.objects(fermes, DCAT.distribution)}
    for suffix in ("csv", "tableur.csv"):
        assert graph.value(dists[f"http://wiki.test/donnees/fermes.{suffix}"], DCTERMS.conformsTo) == schema_url
    # The records' schedules: weekly from 2026-05-02, four times.
    period = graph.value(fermes, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    assert graph.value(period, DCAT.startDate) == Literal("2026-05-02", datatype=XSD.date)
    assert graph.value(period, DCAT.endDate) == Literal("2026-05-23", datatype=XSD.date)
    assert graph.value(URIRef("http://wiki.test/donnees/pages"), DCTERMS.temporal) is None
    # The calendar's size is known from its stored events; the streamed tables' is not computed for the catalog.
    size = graph.value(dists["http://wiki.test/donnees/fermes.ics"], DCAT.byteSize)
    assert size.datatype == XSD.nonNegativeInteger and size.toPython() == len(client.get("/donnees/fermes.ics").data)
    assert graph.value(dists["http://wiki.test/donnees/fermes.csv"], DCAT.byteSize) is None


def test_only_communes_get_an_insee_commune_iri_other_levels_keep_their_level(client, db, seeded):
    from wiki.records import form_services
    from wiki.records import services

    fields = [
        {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
        {"id": "f_00000002", "key": "canton", "type": "zone", "label": "Canton", "options": {"levels": ["canton"]}},
    ]
    form = form_services.create_form(db, key="permanences", title="Permanences", fields=fields, actor=seeded.moderator)
    services.create_record(
        db, form, {"title": "Permanence", "canton": "35013"}, actor=seeded.moderator, policy="account"
    )
    db.commit()
    graph, _ = _graph(client, "ttl")
    spatial = set(graph.objects(URIRef("http://wiki.test/donnees/permanences"), DCTERMS.spatial))
    assert spatial == {Literal("canton:35013")}  # commune 35013 (Bains-sur-Oust) is another zone
