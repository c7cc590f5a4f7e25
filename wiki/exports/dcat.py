"""Datasets to a DCAT-AP catalog (RDF), for data.gouv.fr and other harvesters (pure).

Pure module: :func:`catalog_to_graph` builds an rdflib graph that
:func:`serialize` writes as JSON-LD or Turtle. It carries what DCAT-AP 2
marks mandatory (catalog: title, description, publisher, dataset; dataset:
title, description; distribution: access URL) and recommended (catalog:
homepage, language, modified, license, themes; dataset: contact point,
publisher, keywords, themes, spatial coverage, issued, modified, frequency,
landing page, identifier; distribution: download URL, media type, format,
licence, title, description, byte size, conformance), the way udata's DCAT
harvester reads them (``dct:identifier``, ``dcat:landingPage``,
``dct:license`` on distributions, ``dct:accrualPeriodicity`` from the EU
frequency table, ``dct:temporal`` as an inline ``dct:PeriodOfTime`` with
``dcat:startDate``/``dcat:endDate``, ``dcat:byteSize``, ``dct:conformsTo``
as the schema's address).

Every node that has an IRI has the same one whatever the serialization: the
catalog is ``<base>/donnees#catalog`` (on its HTML page), a dataset its page
``<base>/donnees/<form>``, a distribution its download address, the schema a
form's CSV conforms to ``<base>/donnees/<form>/schema.json``; the other nodes
(publisher, contact, period) are blank. So ``catalog.jsonld`` and
``catalog.ttl`` give isomorphic graphs.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from typing import Any

from rdflib import BNode
from rdflib import Graph
from rdflib import Literal
from rdflib import Namespace
from rdflib import URIRef
from rdflib.namespace import DCAT
from rdflib.namespace import DCTERMS
from rdflib.namespace import FOAF
from rdflib.namespace import RDF
from rdflib.namespace import SKOS
from rdflib.namespace import XSD

from wiki.exports.constants import FILE_TYPE_AUTHORITY
from wiki.exports.constants import FREQUENCIES
from wiki.exports.constants import FREQUENCY_AUTHORITY
from wiki.exports.constants import MEDIA_TYPE_AUTHORITY
from wiki.exports.datasets import Dataset
from wiki.exports.tableschema import TABLES

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
#: INSEE's linked-data identifiers of French communes (dct:spatial).
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"
LANGUAGE_FR = URIRef("http://publications.europa.eu/resource/authority/language/FRA")
#: Serialization formats: name -> (rdflib format, media type).
SERIALIZATIONS: dict[str, tuple[str, str]] = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
}


def _day(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _period(graph: Graph, start: date, end: date) -> BNode:
    """A ``dct:PeriodOfTime`` (inline: udata fetches a period given by IRI from the network)."""
    node = BNode()
    graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((node, DCAT.startDate, _day(start)))
    graph.add((node, DCAT.endDate, _day(end)))
    return node


def _date(value: datetime | None) -> Literal | None:
    return Literal(value.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime) if value else None


def _organization(graph: Graph, name: str, url: str) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, FOAF.Organization))
    graph.add((node, FOAF.name, Literal(name)))
    if url:
        graph.add((node, FOAF.homepage, URIRef(url)))
    return node


def _contact(graph: Graph, dataset: Dataset) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal(dataset.contact_name)))
    if dataset.contact_email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    if dataset.contact_url:
        graph.add((node, VCARD.hasURL, URIRef(dataset.contact_url)))
    return node


def dataset_to_rdf(graph: Graph, dataset: Dataset, publisher: BNode) -> URIRef:
    """Add one dataset and its distributions to ``graph``; return its node."""
    node = URIRef(dataset.landing_url)
    add = graph.add
    add((node, RDF.type, DCAT.Dataset))
    add((node, DCTERMS.identifier, Literal(dataset.landing_url)))
    add((node, DCTERMS.title, Literal(dataset.title, lang="fr")))
    add((node, DCTERMS.description, Literal(dataset.description or dataset.title, lang="fr")))
    add((node, DCAT.landingPage, URIRef(dataset.landing_url)))
    add((node, DCTERMS.publisher, publisher))
    add((node, DCAT.contactPoint, _contact(graph, dataset)))
    add((node, DCTERMS.language, LANGUAGE_FR))
    add((node, DCTERMS.accrualPeriodicity, URIRef(FREQUENCY_AUTHORITY + FREQUENCIES[dataset.frequency][1])))
    for predicate, value in ((DCTERMS.issued, _date(dataset.issued)), (DCTERMS.modified, _date(dataset.modified))):
        if value is not None:
            add((node, predicate, value))
    for word in dataset.keywords:
        add((node, DCAT.keyword, Literal(word, lang="fr")))
    for key, label in dataset.themes:
        theme = URIRef(f"{dataset.base_url}/themes#{key}")
        add((node, DCAT.theme, theme))
        add((theme, RDF.type, SKOS.Concept))
        add((theme, SKOS.prefLabel, Literal(label, lang="fr")))
        add((node, DCAT.keyword, Literal(label, lang="fr")))
    for code in dataset.spatial:
        add((node, DCTERMS.spatial, URIRef(INSEE_COMMUNE + code) if ":" not in code else Literal(code)))
    if dataset.temporal:
        add((node, DCTERMS.temporal, _period(graph, *dataset.temporal)))
    schema = None if dataset.is_pages else URIRef(dataset.schema_url)
    if schema is not None:
        add((node, DCTERMS.conformsTo, schema))
        add((schema, RDF.type, DCTERMS.Standard))
    license_node = URIRef(dataset.license.url)
    add((license_node, RDF.type, DCTERMS.LicenseDocument))
    add((license_node, DCTERMS.title, Literal(dataset.license.label)))
    for dist in dataset.distributions:
        url = dataset.download_url(dist)
        dnode = URIRef(url)
        add((node, DCAT.distribution, dnode))
        add((dnode, RDF.type, DCAT.Distribution))
        add((dnode, DCTERMS.identifier, Literal(url)))
        add((dnode, DCTERMS.title, Literal(f"{dataset.title} ({dist.label})", lang="fr")))
        add((dnode, DCTERMS.description, Literal(str(dist.description), lang="fr")))
        add((dnode, DCAT.accessURL, URIRef(dataset.landing_url)))
        add((dnode, DCAT.downloadURL, URIRef(url)))
        add((dnode, DCAT.mediaType, URIRef(MEDIA_TYPE_AUTHORITY + dist.media_type)))
        add((dnode, DCTERMS.format, URIRef(FILE_TYPE_AUTHORITY + dist.file_type)))
        add((dnode, DCTERMS.license, license_node))
        if dataset.modified:
            add((dnode, DCTERMS.modified, _date(dataset.modified)))  # type: ignore[arg-type]
        if schema is not None and dist.name in TABLES:
            add((dnode, DCTERMS.conformsTo, schema))
        if dist.name in dataset.byte_sizes:
            add((dnode, DCAT.byteSize, Literal(dataset.byte_sizes[dist.name], datatype=XSD.nonNegativeInteger)))
    return node


def catalog_to_graph(catalog: Mapping[str, Any], datasets: Sequence[Dataset]) -> Graph:
    """Build the DCAT-AP graph of the catalog.

    :param catalog: ``iri``, ``title``, ``description``, ``homepage``,
        ``publisher_name``, ``publisher_url``, ``license_url`` of the catalog.
    """
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS)):
        graph.bind(prefix, namespace)
    node = URIRef(catalog["iri"])
    publisher = _organization(graph, catalog["publisher_name"], catalog.get("publisher_url", ""))
    graph.add((node, RDF.type, DCAT.Catalog))
    graph.add((node, DCTERMS.title, Literal(catalog["title"], lang="fr")))
    graph.add((node, DCTERMS.description, Literal(catalog["description"], lang="fr")))
    graph.add((node, FOAF.homepage, URIRef(catalog["homepage"])))
    graph.add((node, DCTERMS.publisher, publisher))
    graph.add((node, DCTERMS.language, LANGUAGE_FR))
    if catalog.get("license_url"):
        graph.add((node, DCTERMS.license, URIRef(catalog["license_url"])))
    modified = max((d.modified for d in datasets if d.modified), default=None)
    if modified:
        graph.add((node, DCTERMS.modified, _date(modified)))  # type: ignore[arg-type]
    for dataset in datasets:
        graph.add((node, DCAT.dataset, dataset_to_rdf(graph, dataset, publisher)))
    return graph


def serialize(graph: Graph, name: str) -> bytes:
    """Write the graph as ``jsonld`` or ``ttl``."""
    fmt, _ = SERIALIZATIONS[name]
    data = graph.serialize(format=fmt, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode("utf-8")
