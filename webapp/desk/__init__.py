"""The desk's tools, run by editors and translators (never by a web worker): the catalog cycle
(``python -m webapp.desk.catalogs``, ``make translations``), translation QA
(``python -m webapp.desk.qa``, ``make check-catalogs``), the zh-Hant conversion and the Babel
extraction method for articles."""
